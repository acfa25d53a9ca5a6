package home

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the home routes, as "object:action" for Casbin.
const (
	PermOverview      = "home.overview:read"
	PermNotifications = "home.notifications:manage"
	PermAccessLog     = "home.access_log:read"
	PermWaitlists     = "home.waitlists:manage"
)

// Routes registers the home routes, each with its permission.
func Routes(r *web.Router, h *Handler) {
	r.GET("/me/overview", PermOverview, h.overview)
	r.GET("/me/notifications", PermNotifications, h.notifications)
	r.POST("/me/notifications/:id/read", PermNotifications, h.markRead)
	r.GET("/me/access-log", PermAccessLog, h.accessLog)
	r.GET("/me/waitlists", PermWaitlists, h.waitlists)
	r.DELETE("/me/waitlists/:id", PermWaitlists, h.leaveWaitlist)
	r.POST("/me/offers/:id/accept", PermWaitlists, h.acceptOffer)
	r.POST("/me/offers/:id/decline", PermWaitlists, h.declineOffer)
}
