package parking

import (
	"context"

	"github.com/google/uuid"
)

// LoadDemo loads Islamabad's parking zones and their tariffs when there are
// none. It returns whether it loaded them.
func (s *Service) LoadDemo(ctx context.Context) (bool, error) {
	n, err := s.store.countZones(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	now := s.clock.Now()
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		for _, dz := range demoZones {
			z := Zone{ID: uuid.NewString(), Name: dz.Name, Sector: dz.Sector, PermitQuota: dz.Quota}
			for _, t := range dz.Tariffs {
				z.Tariffs = append(z.Tariffs, Tariff{PermitType: t.PermitType, Months: t.Months, AmountPKR: &t.AmountPKR})
			}
			if err := s.store.CreateZone(ctx, z, now); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}
