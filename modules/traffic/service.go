package traffic

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/cache"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/payment"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Plates says who held a plate: the citizens' vehicle registry.
type Plates interface {
	// HolderAt returns the vehicle registered with plate at time at and
	// its account. Errors: NotFound when nobody held the plate then.
	HolderAt(ctx context.Context, plate string, at time.Time) (vehicleID, accountID string, err error)
}

// Deps are what the traffic service is built on. Providers maps a payment
// method to its provider.
type Deps struct {
	DB        *db.DB
	Clock     domain.Clock
	Plates    Plates
	Providers map[string]payment.Provider
}

// Service is the traffic module's use cases.
type Service struct {
	db        *db.DB
	store     *Store
	clock     domain.Clock
	plates    Plates
	providers map[string]payment.Provider
	inbox     *notify.Inbox
	events    *webhook.Outbox
	audit     *audit.Log
	// catalogueCache keeps the schedule and sectors for catalogue.
	catalogueCache *cache.TTL[struct{}, catalogue]
}

// NewService returns the traffic service.
func NewService(d Deps) *Service {
	return &Service{db: d.DB, store: NewStore(d.DB), clock: d.Clock, plates: d.Plates, providers: d.Providers,
		inbox: notify.NewInbox(d.DB, d.Clock), events: webhook.NewOutbox(d.DB, d.Clock), audit: audit.NewLog(d.DB, d.Clock),
		catalogueCache: cache.NewTTL[struct{}, catalogue](1)}
}

// Sectors lists the city's traffic sectors by code.
func (s *Service) Sectors(ctx context.Context, p page.Request) (page.Page[Sector], error) {
	return s.store.ListSectors(ctx, p)
}

// SectorExists reports whether id is a traffic sector, for staff accounts
// bound to one.
func (s *Service) SectorExists(ctx context.Context, id string) (bool, error) {
	_, err := s.store.Sector(ctx, id)
	if domain.IsKind(err, domain.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Offences lists the offence schedule by code.
func (s *Service) Offences(ctx context.Context, p page.Request) (page.Page[Offence], error) {
	return s.store.ListOffences(ctx, p)
}

// CreateOffence adds an offence to the schedule. Errors: Invalid; Conflict
// for a code in the schedule.
func (s *Service) CreateOffence(ctx context.Context, in OffenceInput) (Offence, error) {
	if err := in.Check(); err != nil {
		return Offence{}, err
	}
	now := s.clock.Now()
	r := offenceRow{Code: in.Code, Title: in.Title, TitleUr: in.TitleUr, FinePKR: in.FinePKR, LateFinePKR: in.LateFinePKR,
		DueDays: in.DueDays, CreatedAt: now, UpdatedAt: now}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateOffence(ctx, r); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "traffic.offence.create", TargetType: "offence", TargetID: r.Code})
	})
	return r.offence(), err
}

// UpdateOffence changes an offence; challans already issued keep their
// fines. Errors: NotFound; Invalid when the late fine would fall below the
// fine.
func (s *Service) UpdateOffence(ctx context.Context, code string, in OffenceChange) (Offence, error) {
	var out Offence
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		r, err := s.store.Offence(ctx, code)
		if err != nil {
			return err
		}
		fields := map[string]any{"updated_at": s.clock.Now()}
		if in.Title != nil {
			r.Title, fields["title"] = *in.Title, *in.Title
		}
		if in.TitleUr != nil {
			r.TitleUr, fields["title_ur"] = *in.TitleUr, *in.TitleUr
		}
		if in.FinePKR != nil {
			r.FinePKR, fields["fine_pkr"] = *in.FinePKR, *in.FinePKR
		}
		if in.LateFinePKR != nil {
			r.LateFinePKR, fields["late_fine_pkr"] = *in.LateFinePKR, *in.LateFinePKR
		}
		if in.DueDays != nil {
			r.DueDays, fields["due_days"] = *in.DueDays, *in.DueDays
		}
		if err := checkFines(r.FinePKR, r.LateFinePKR); err != nil {
			return err
		}
		if err := s.store.UpdateOffence(ctx, code, fields); err != nil {
			return err
		}
		out = r.offence()
		return s.audit.Record(ctx, audit.Entry{Action: "traffic.offence.update", TargetType: "offence", TargetID: code})
	})
	s.catalogueCache.Delete(struct{}{})
	return out, err
}
