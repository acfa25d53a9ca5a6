package health

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Service is the health module's use cases.
type Service struct {
	db    *db.DB
	store *Store
	clock domain.Clock
}

// NewService returns the health service on database d.
func NewService(d *db.DB, clock domain.Clock) *Service {
	return &Service{db: d, store: NewStore(d), clock: clock}
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
