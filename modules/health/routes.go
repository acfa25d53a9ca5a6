package health

import "github.com/islamabad-digital/citizenapi/platform/web"

// Routes registers the health routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.GET("/health/facilities", web.Anyone, h.listFacilities)
	r.GET("/health/facilities/:id", web.Anyone, h.getFacility)
	r.GET("/health/practitioners", web.Anyone, h.listPractitioners)
	r.GET("/health/slots", web.Anyone, h.listSlots)
}
