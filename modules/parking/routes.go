package parking

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the parking routes, as "object:action" for Casbin.
const (
	PermVehicles = "parking.vehicles:manage"
	PermBuy      = "parking.permits:buy"
	PermVerify   = "parking.permits:verify"
	PermZones    = "parking.zones:write"
	PermManage   = "parking.permits:manage"
)

// Routes registers the parking routes, each with its permission. Payments
// need an Idempotency-Key; the other creating POSTs honour one.
func Routes(r *web.Router, h *Handler) {
	r.GET("/parking/zones", web.Anyone, h.listZones)

	r.POST("/parking/vehicles", PermVehicles, h.addVehicle)
	r.GET("/parking/vehicles", PermVehicles, h.listVehicles)
	r.DELETE("/parking/vehicles/:id", PermVehicles, h.deleteVehicle)

	r.POST("/parking/permits", PermBuy, h.buyPermit, r.Idempotency)
	r.GET("/parking/permits", PermBuy, h.listPermits)
	r.GET("/parking/permits/:id", PermBuy, h.getPermit)
	r.POST("/parking/permits/:id/payments", PermBuy, h.payPermit, r.RequireIdempotency)
	r.POST("/parking/permits/:id/cancel", PermBuy, h.cancelPermit)
	r.POST("/parking/permits/:id/renew", PermBuy, h.renewPermit, r.Idempotency)
	r.POST("/parking/waitlist", PermBuy, h.joinWaitlist)
	r.GET("/parking/verify", PermVerify, h.verify)

	r.POST("/admin/parking/zones", PermZones, h.createZone)
	r.PATCH("/admin/parking/zones/:id", PermZones, h.updateZone)
	r.GET("/admin/parking/permits", PermManage, h.adminPermits)
	r.GET("/admin/parking/waitlists", PermManage, h.waitlistLines)
	r.POST("/admin/parking/permits/:id/approve", PermManage, h.approvePermit)
	r.POST("/admin/parking/permits/:id/reject", PermManage, h.rejectPermit)
	r.POST("/admin/parking/permits/:id/revoke", PermManage, h.revokePermit)
}

// WellKnownRoutes registers the documents served beside the API, at the
// well-known place (RFC 8615) where an officer's device finds them.
func WellKnownRoutes(r *web.Router, h *Handler) {
	r.GET("/.well-known/permit-status", web.Anyone, h.permitStatus)
}
