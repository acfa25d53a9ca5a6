package parking

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/cache"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/payment"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// PermitAudience is the audience of permit verification tokens.
const PermitAudience = "citizenapi-permit"

// Registry is the registry of citizens' vehicles, which identity keeps with
// their accounts. Errors as identity's: Register Invalid or Conflict naming
// plate; Owned and Remove NotFound, also for another citizen's vehicle.
type Registry interface {
	Register(ctx context.Context, accountID string, v Vehicle) (Vehicle, error)
	Owned(ctx context.Context, accountID, id string) (Vehicle, error)
	List(ctx context.Context, accountID string, p page.Request) (page.Page[Vehicle], error)
	Remove(ctx context.Context, accountID, id string) error
}

// Fines says whether a vehicle owes an overdue traffic challan, which bars
// it from new and renewed permits; traffic answers it.
type Fines interface {
	// OverdueChallan returns the number of an overdue challan accountID
	// owes on plate, or "" when there is none. It asks by plate, not by
	// vehicle: a vehicle removed and registered again is the same one.
	OverdueChallan(ctx context.Context, accountID, plate string) (string, error)
}

// Deps are what the parking service is built on. Vehicles, Signer and
// Providers are needed for vehicles and permits only; Providers maps a
// payment method to its provider.
type Deps struct {
	DB        *db.DB
	Clock     domain.Clock
	Vehicles  Registry
	Fines     Fines
	Signer    *token.Signer
	Providers map[string]payment.Provider
	// Offers is the waitlist engine a zone's freed places are offered
	// through; nil gives the service one of its own (a module built alone,
	// to load demo data).
	Offers *offers.Engine
}

// Service is the parking module's use cases.
type Service struct {
	db        *db.DB
	store     *Store
	clock     domain.Clock
	vehicles  Registry
	fines     Fines
	signer    *token.Signer
	providers map[string]payment.Provider
	inbox     *notify.Inbox
	events    *webhook.Outbox
	audit     *audit.Log
	offers    *offers.Engine
	// statusList keeps the signed list of withdrawn permits for statusFresh.
	statusList *cache.TTL[struct{}, string]
}

// NewService returns the parking service.
func NewService(d Deps) *Service {
	if d.Offers == nil {
		d.Offers = offers.New(d.DB, d.Clock, nil)
	}
	s := &Service{db: d.DB, store: NewStore(d.DB), clock: d.Clock, vehicles: d.Vehicles, fines: d.Fines, signer: d.Signer, providers: d.Providers,
		inbox: notify.NewInbox(d.DB, d.Clock), events: webhook.NewOutbox(d.DB, d.Clock), audit: audit.NewLog(d.DB, d.Clock),
		offers: d.Offers, statusList: cache.NewTTL[struct{}, string](1)}
	d.Offers.Register(offerService, waitlist{s})
	return s
}

// Zones lists parking zones with their quotas, places held and current tariffs.
func (s *Service) Zones(ctx context.Context, p page.Request) (page.Page[Zone], error) {
	return s.store.ListZones(ctx, p, s.clock.Now())
}
