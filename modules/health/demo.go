package health

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
)

// demoDays is how far ahead the demo timetable reaches.
const demoDays = 14

// LoadDemo loads Islamabad's facilities and doctors when the catalog is
// empty, then tops up every doctor's slots for the next two weeks (Monday to
// Saturday, 09:00 to 13:00 local time, 20-minute slots for 3 patients).
// Running it again adds no duplicates. It returns the number of slots added.
func (s *Service) LoadDemo(ctx context.Context) (int, error) {
	n, err := s.store.countFacilities(ctx)
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	if n == 0 {
		if err := s.loadDemoCatalog(ctx, now); err != nil {
			return 0, err
		}
	}
	practitioners, err := s.store.allPractitioners(ctx)
	if err != nil {
		return 0, err
	}
	today := domain.LocalDate(now)
	schedule := Schedule{
		Weekdays: []int{1, 2, 3, 4, 5, 6}, StartTime: "09:00", EndTime: "13:00", SlotMinutes: 20, Capacity: 3,
		From: today, To: today.AddDate(0, 0, demoDays-1),
	}
	times, err := schedule.Times()
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		for _, p := range practitioners {
			n, err := s.store.AddSlots(ctx, p, times, schedule.Capacity, now)
			if err != nil {
				return err
			}
			added += n
		}
		return nil
	})
	return added, err
}

func (s *Service) loadDemoCatalog(ctx context.Context, now time.Time) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		for _, df := range demoFacilities {
			f := Facility{
				ID: uuid.NewString(), Name: df.Name, Kind: df.Kind, Sector: df.Sector, Address: df.Address,
				Location: Location{Lat: df.Lat, Lng: df.Lng}, Specialties: df.Specialties, CreatedAt: now, UpdatedAt: now,
			}
			if err := s.store.CreateFacility(ctx, f); err != nil {
				return err
			}
			for _, dd := range df.Doctors {
				p := Practitioner{ID: uuid.NewString(), FacilityID: f.ID, FullName: dd.FullName, Specialty: dd.Specialty, PMDCNumber: dd.PMDC}
				if err := s.store.CreatePractitioner(ctx, p, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
