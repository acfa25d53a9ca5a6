package traffic

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the traffic routes, as "object:action" for Casbin.
const (
	PermPay        = "traffic.challans:pay"
	PermIssue      = "traffic.challans:issue"
	PermRead       = "traffic.challans:read"
	PermLookup     = "traffic.plates:lookup"
	PermDecide     = "traffic.challans:decide"
	PermOffences   = "traffic.offences:write"
	PermAdvisories = "traffic.advisories:write"
	PermFollow     = "traffic.sectors:follow"
)

// Routes registers the traffic routes, each with its permission. Payments
// need an Idempotency-Key; issuing is made safe to retry by device_ref.
func Routes(r *web.Router, h *Handler) {
	r.GET("/traffic/sectors", web.Anyone, h.listSectors)
	r.GET("/traffic/offences", web.Anyone, h.listOffences)
	r.GET("/traffic/advisories", web.Anyone, h.listAdvisories)

	r.GET("/traffic/challans", PermPay, h.listChallans)
	r.GET("/traffic/challans/:id", PermPay, h.getChallan)
	r.POST("/traffic/challans/:id/payments", PermPay, h.payChallan, r.RequireIdempotency)
	r.POST("/traffic/challans/:id/contest", PermPay, h.contestChallan)
	r.GET("/traffic/lookup", PermLookup, h.lookupPlate)

	r.POST("/admin/traffic/challans", PermIssue, h.issueChallan)
	r.GET("/admin/traffic/challans", PermRead, h.staffChallans)
	r.POST("/admin/traffic/challans/:id/decision", PermDecide, h.decideChallan)
	r.POST("/admin/traffic/offences", PermOffences, h.createOffence)
	r.PATCH("/admin/traffic/offences/:code", PermOffences, h.updateOffence)
	r.POST("/admin/traffic/advisories", PermAdvisories, h.publishAdvisory, r.Idempotency)

	r.GET("/me/followed-sectors", PermFollow, h.followedSectors)
	r.PUT("/me/followed-sectors", PermFollow, h.followSectors)
}
