package health

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the health routes, as "object:action" for Casbin.
const (
	PermBook       = "health.appointments:book"
	PermFacilities = "health.facilities:write"
	PermSchedules  = "health.schedules:write"
	PermManage     = "health.appointments:manage"
	PermRead       = "health.appointments:read"
	// PermTimes reads a facility's day as times and IDs: the scope
	// health.appointments:read grants it to the facility's clients.
	PermTimes = "health.appointment_times:read"
)

// Routes registers the health routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.GET("/health/facilities", web.Anyone, h.listFacilities)
	r.GET("/health/facilities/:id", web.Anyone, h.getFacility)
	r.GET("/health/practitioners", web.Anyone, h.listPractitioners)
	r.GETCompressed("/health/slots", web.Anyone, h.listSlots)

	r.POST("/health/appointments", PermBook, h.book, r.Idempotency)
	r.GET("/health/appointments", PermBook, h.listAppointments)
	r.GET("/health/appointments/:id", PermBook, h.getAppointment)
	r.POST("/health/appointments/:id/cancel", PermBook, h.cancelAppointment)
	r.POST("/health/appointments/:id/reschedule", PermBook, h.rescheduleAppointment)
	r.POST("/health/waitlist", PermBook, h.joinWaitlist)

	r.POST("/admin/health/facilities", PermFacilities, h.createFacility)
	r.PATCH("/admin/health/facilities/:id", PermFacilities, h.updateFacility)
	r.POST("/admin/health/practitioners", PermFacilities, h.createPractitioner)
	r.POST("/admin/health/schedules", PermSchedules, h.createSchedule)
	r.GET("/admin/health/appointments", PermRead, h.dayList)
	r.GET("/admin/health/waitlists", PermRead, h.waitlistLines)
	r.POST("/admin/health/appointments/:id/status", PermManage, h.setStatus)
	r.POST("/admin/health/slots/:id/cancel", PermManage, h.cancelSlot)
	r.POST("/admin/health/sessions/cancel", PermManage, h.cancelSession)

	r.GET("/integrations/appointments", PermTimes, h.clientDay)
}
