package parking

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/cache"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/payment"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// PermitAudience is the audience of permit verification tokens.
const PermitAudience = "citizenapi-permit"

// Deps are what the parking service is built on. Signer and Providers are
// needed for permits only; Providers maps a payment method to its provider.
type Deps struct {
	DB        *db.DB
	Clock     domain.Clock
	Signer    *token.Signer
	Providers map[string]payment.Provider
}

// Service is the parking module's use cases.
type Service struct {
	db        *db.DB
	store     *Store
	clock     domain.Clock
	signer    *token.Signer
	providers map[string]payment.Provider
	inbox     *notify.Inbox
	events    *webhook.Outbox
	audit     *audit.Log
	// statusList keeps the signed list of withdrawn permits for statusFresh.
	statusList *cache.TTL[struct{}, string]
}

// NewService returns the parking service.
func NewService(d Deps) *Service {
	return &Service{db: d.DB, store: NewStore(d.DB), clock: d.Clock, signer: d.Signer, providers: d.Providers,
		inbox: notify.NewInbox(d.DB, d.Clock), events: webhook.NewOutbox(d.DB, d.Clock), audit: audit.NewLog(d.DB, d.Clock),
		statusList: cache.NewTTL[struct{}, string](1)}
}

// Zones lists parking zones with their quotas, places held and current tariffs.
func (s *Service) Zones(ctx context.Context, p page.Request) (page.Page[Zone], error) {
	return s.store.ListZones(ctx, p, s.clock.Now())
}
