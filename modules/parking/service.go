package parking

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Service is the parking module's use cases.
type Service struct {
	db    *db.DB
	store *Store
	clock domain.Clock
}

// NewService returns the parking service on database d.
func NewService(d *db.DB, clock domain.Clock) *Service {
	return &Service{db: d, store: NewStore(d), clock: clock}
}

// Zones lists parking zones with their quotas and current tariffs.
func (s *Service) Zones(ctx context.Context, p page.Request) (page.Page[Zone], error) {
	return s.store.ListZones(ctx, p)
}
