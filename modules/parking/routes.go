package parking

import "github.com/islamabad-digital/citizenapi/platform/web"

// Routes registers the parking routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.GET("/parking/zones", web.Anyone, h.listZones)
}
