package education

import "github.com/islamabad-digital/citizenapi/platform/web"

// Routes registers the education routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.GET("/education/schools", web.Anyone, h.listSchools)
	r.GET("/education/schools/:id", web.Anyone, h.getSchool)
}
