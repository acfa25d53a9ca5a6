package education

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Service is the education module's use cases.
type Service struct {
	db    *db.DB
	store *Store
	clock domain.Clock
}

// NewService returns the education service on database d.
func NewService(d *db.DB, clock domain.Clock) *Service {
	return &Service{db: d, store: NewStore(d), clock: clock}
}

// Schools searches schools. A grade filter keeps schools with free seats in
// that grade for the given academic year (the coming one when none is
// given). Errors: Invalid for a malformed academic year.
func (s *Service) Schools(ctx context.Context, f SchoolFilter, p page.Request) (page.Page[School], error) {
	if f.Grade != 0 {
		if f.AcademicYear == "" {
			f.AcademicYear = ComingAcademicYear(s.clock.Now())
		}
		if err := ValidateAcademicYear("academic_year", f.AcademicYear); err != nil {
			return page.Page[School]{}, err
		}
	}
	return s.store.ListSchools(ctx, f, p)
}

// School returns one school with its seats. Errors: NotFound.
func (s *Service) School(ctx context.Context, id string) (School, error) {
	return s.store.School(ctx, id)
}
