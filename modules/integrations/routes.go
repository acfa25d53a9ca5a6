package integrations

import "github.com/islamabad-digital/citizenapi/platform/web"

// Permissions of the integrations routes, as "object:action" for Casbin.
const (
	PermClients  = "integrations.clients:manage"
	PermWebhooks = "integrations.webhooks:manage"
)

// Routes registers the integrations routes, each with its permission. The
// token endpoint reads its client's own credentials.
func Routes(r *web.Router, h *Handler) {
	r.POST("/oauth/token", web.ClientCredentials, h.token)

	r.POST("/admin/clients", PermClients, h.createClient)
	r.GET("/admin/clients", PermClients, h.listClients)
	r.DELETE("/admin/clients/:id", PermClients, h.revokeClient)
	r.POST("/admin/clients/:id/secret", PermClients, h.rotateSecret)

	r.POST("/integrations/webhooks", PermWebhooks, h.subscribe)
	r.GET("/integrations/webhooks", PermWebhooks, h.listSubscriptions)
	r.DELETE("/integrations/webhooks/:id", PermWebhooks, h.unsubscribe)
	r.GET("/integrations/webhooks/:id/deliveries", PermWebhooks, h.listDeliveries)
	r.POST("/integrations/webhooks/:id/deliveries/:delivery_id/redeliver", PermWebhooks, h.redeliver)
}
