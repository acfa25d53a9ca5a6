package identity

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the identity routes, as "object:action" for Casbin.
const (
	PermProfileRead  = "identity.profile:read"
	PermProfileWrite = "identity.profile:write"
	PermLogout       = "identity.session:logout"
	PermDependants   = "identity.dependants:manage"
	PermStaff        = "identity.staff:manage"
	PermRoles        = "identity.roles:manage"
	PermAuditRead    = "audit.log:read"
)

// Routes registers the identity routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.POST("/auth/register", web.Anyone, h.register)
	r.POST("/auth/otp/verify", web.Anyone, h.verifyOTP)
	r.POST("/auth/otp/resend", web.Anyone, h.resendOTP)
	r.POST("/auth/login", web.Anyone, h.login)
	r.POST("/auth/refresh", web.Anyone, h.refresh)
	r.POST("/auth/logout", PermLogout, h.logout)

	r.GET("/me", PermProfileRead, h.me)
	r.PATCH("/me", PermProfileWrite, h.updateMe)
	r.POST("/me/password", PermProfileWrite, h.changePassword)
	r.GET("/me/dependants", PermDependants, h.listDependants)
	r.POST("/me/dependants", PermDependants, h.addDependant)
	r.GET("/me/dependants/:id", PermDependants, h.getDependant)
	r.PATCH("/me/dependants/:id", PermDependants, h.updateDependant)
	r.DELETE("/me/dependants/:id", PermDependants, h.deleteDependant)

	r.POST("/admin/staff", PermStaff, h.createStaff)
	r.GET("/admin/staff", PermStaff, h.listStaff)
	r.PATCH("/admin/staff/:id", PermStaff, h.updateStaff)
	r.PUT("/admin/staff/:id/roles", PermRoles, h.setRoles)
	r.GET("/admin/roles", PermRoles, h.listRoles)
	r.GET("/admin/audit", PermAuditRead, h.listAudit)
}
