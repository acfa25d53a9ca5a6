package health

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// DefaultCancelCutoff is how long before the start a citizen may still
// cancel or move an appointment.
const DefaultCancelCutoff = 2 * time.Hour

// Patients tells the health module who a patient is: the signed-in citizen
// or one of their dependants. The identity module answers it.
type Patients interface {
	// Citizen returns the citizen's own patient record.
	Citizen(ctx context.Context, accountID string) (Patient, error)
	// Dependant returns ownerID's dependant; NotFound for anyone else's.
	Dependant(ctx context.Context, ownerID, dependantID string) (Patient, error)
}

// Deps are what the health service is built on. Patients is needed for
// booking only; CancelCutoff defaults to DefaultCancelCutoff and
// MaxAccountBookings to DefaultMaxAccountBookings.
type Deps struct {
	DB           *db.DB
	Clock        domain.Clock
	Patients     Patients
	CancelCutoff time.Duration
	// MaxAccountBookings is how many appointments one account may hold with
	// a doctor on a day, for its holder and dependants together.
	MaxAccountBookings int
	// Offers is the waitlist engine a doctor's freed seats are offered
	// through; nil gives the service one of its own (a module built alone,
	// to load demo data).
	Offers *offers.Engine
}

// DefaultMaxAccountBookings lets a parent bring several children to one
// doctor, and no account book out a doctor's day.
const DefaultMaxAccountBookings = 4

// Service is the health module's use cases.
type Service struct {
	db       *db.DB
	store    *Store
	clock    domain.Clock
	patients Patients
	inbox    *notify.Inbox
	events   *webhook.Outbox
	audit    *audit.Log
	cutoff   time.Duration
	// maxAccountBookings is Deps.MaxAccountBookings.
	maxAccountBookings int
	offers             *offers.Engine
	// available remembers public slot searches for a second.
	available *availability
}

// NewService returns the health service.
func NewService(d Deps) *Service {
	if d.CancelCutoff == 0 {
		d.CancelCutoff = DefaultCancelCutoff
	}
	if d.MaxAccountBookings == 0 {
		d.MaxAccountBookings = DefaultMaxAccountBookings
	}
	if d.Offers == nil {
		d.Offers = offers.New(d.DB, d.Clock, nil)
	}
	s := &Service{db: d.DB, store: NewStore(d.DB), clock: d.Clock, patients: d.Patients, offers: d.Offers,
		inbox: notify.NewInbox(d.DB, d.Clock), events: webhook.NewOutbox(d.DB, d.Clock), audit: audit.NewLog(d.DB, d.Clock),
		cutoff: d.CancelCutoff, maxAccountBookings: d.MaxAccountBookings, available: newAvailability()}
	d.Offers.Register(offerService, waitlist{s})
	return s
}

// Facilities searches facilities by specialty, sector and name.
func (s *Service) Facilities(ctx context.Context, f FacilityFilter, p page.Request) (page.Page[Facility], error) {
	return s.store.ListFacilities(ctx, f, p)
}

// Facility returns one facility. Errors: NotFound.
func (s *Service) Facility(ctx context.Context, id string) (Facility, error) {
	return s.store.Facility(ctx, id)
}

// Practitioners lists practitioners, optionally of one facility or specialty.
func (s *Service) Practitioners(ctx context.Context, facilityID, specialty string, p page.Request) (page.Page[Practitioner], error) {
	return s.store.ListPractitioners(ctx, facilityID, specialty, p)
}

// Slots searches bookable slots, from now to 14 days ahead unless the filter
// says otherwise. Errors: Invalid for an empty time range.
func (s *Service) Slots(ctx context.Context, f SlotFilter, p page.Request) (page.Page[Slot], error) {
	f, err := f.Normalize(s.clock.Now())
	if err != nil {
		return page.Page[Slot]{}, err
	}
	return s.store.SearchSlots(ctx, f, p)
}
