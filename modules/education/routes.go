package education

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the education routes, as "object:action" for Casbin.
const (
	PermApply   = "education.applications:apply"
	PermSchools = "education.schools:write"
	PermSeats   = "education.seats:write"
	PermWindows = "education.windows:write"
	PermDecide  = "education.applications:decide"
	PermLottery = "education.lotteries:run"
)

// Routes registers the education routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.GET("/education/schools", web.Anyone, h.listSchools)
	r.GET("/education/schools/:id", web.Anyone, h.getSchool)
	r.GET("/education/lotteries/:id", web.Anyone, h.getLottery)

	r.POST("/education/applications", PermApply, h.apply, r.Idempotency)
	r.GET("/education/applications", PermApply, h.listApplications)
	r.GET("/education/applications/:id", PermApply, h.getApplication)
	r.POST("/education/applications/:id/withdraw", PermApply, h.withdraw)

	r.POST("/admin/education/schools", PermSchools, h.createSchool)
	r.PATCH("/admin/education/schools/:id", PermSchools, h.updateSchool)
	r.PUT("/admin/education/schools/:id/seats", PermSeats, h.setSeats)
	r.POST("/admin/education/admission-windows", PermWindows, h.createWindow)
	r.GET("/admin/education/admission-windows", PermWindows, h.listWindows)
	r.GET("/admin/education/applications", PermDecide, h.schoolApplications)
	r.POST("/admin/education/applications/:id/decision", PermDecide, h.decide)
	r.GET("/admin/education/waitlists", PermDecide, h.waitlistLines)
	r.POST("/admin/education/lotteries", PermLottery, h.commitLottery)
	r.GET("/admin/education/lotteries", PermLottery, h.listLotteries)
	r.POST("/admin/education/lotteries/:id/draw", PermLottery, h.drawLottery)
}
