package education

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Children tells the education module about a parent's children. The
// identity module answers it from the parent's dependants.
type Children interface {
	// Child returns ownerID's child; NotFound for anyone else's dependant
	// and for a dependant who is not a child.
	Child(ctx context.Context, ownerID, childID string) (Child, error)
}

// Deps are what the education service is built on. Children is needed for
// applications only.
type Deps struct {
	DB       *db.DB
	Clock    domain.Clock
	Children Children
	// Offers is the waitlist engine a freed seat is offered through; nil
	// gives the service one of its own (a module built alone, to load demo
	// data).
	Offers *offers.Engine
}

// Service is the education module's use cases.
type Service struct {
	db       *db.DB
	store    *Store
	clock    domain.Clock
	children Children
	offers   *offers.Engine
	inbox    *notify.Inbox
	events   *webhook.Outbox
	audit    *audit.Log
}

// NewService returns the education service.
func NewService(d Deps) *Service {
	if d.Offers == nil {
		d.Offers = offers.New(d.DB, d.Clock, nil)
	}
	s := &Service{db: d.DB, store: NewStore(d.DB), clock: d.Clock, children: d.Children, offers: d.Offers,
		inbox: notify.NewInbox(d.DB, d.Clock), events: webhook.NewOutbox(d.DB, d.Clock), audit: audit.NewLog(d.DB, d.Clock)}
	d.Offers.Register(offerService, waitlist{s})
	return s
}

// Schools searches schools. A grade filter keeps schools with free seats in
// that grade for the given academic year (the coming one when none is
// given). Errors: Malformed or Invalid as SchoolFilter.Check.
func (s *Service) Schools(ctx context.Context, f SchoolFilter, p page.Request) (page.Page[School], error) {
	if err := f.Check(); err != nil {
		return page.Page[School]{}, err
	}
	if f.Grade != nil && f.AcademicYear == "" {
		f.AcademicYear = ComingAcademicYear(s.clock.Now())
	}
	return s.store.ListSchools(ctx, f, p)
}

// School returns one school with its seats. Errors: NotFound.
func (s *Service) School(ctx context.Context, id string) (School, error) {
	return s.store.School(ctx, id)
}
