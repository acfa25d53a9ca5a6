package integrations

import (
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Deps are what the integrations service is built on.
type Deps struct {
	DB     *db.DB
	Clock  domain.Clock
	Signer *token.Signer
	Audit  *audit.Log
	// Targets says where subscriptions may send webhooks.
	Targets webhook.Targets
	// PII seals the subscriptions' signing secrets for storage.
	PII *pii.Keys
}

// Service is the integrations module's use cases.
type Service struct {
	db      *db.DB
	store   *Store
	clock   domain.Clock
	signer  *token.Signer
	audit   *audit.Log
	targets webhook.Targets
	pii     *pii.Keys
}

// NewService returns the integrations service.
func NewService(d Deps) *Service {
	return &Service{db: d.DB, store: NewStore(d.DB), clock: d.Clock, signer: d.Signer, audit: d.Audit, targets: d.Targets, pii: d.PII}
}
