package education

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
)

// demoAgeRules are the ages each entry grade admits in the demo window.
var demoAgeRules = []AgeRule{
	{Grade: 1, MinAge: 5, MaxAge: 7},
	{Grade: 3, MinAge: 7, MaxAge: 9},
	{Grade: 6, MinAge: 10, MaxAge: 12},
	{Grade: 9, MinAge: 13, MaxAge: 15},
	{Grade: 11, MinAge: 15, MaxAge: 17},
}

// LoadDemo loads Islamabad Model Schools and Colleges when there are no
// schools, gives each its entry-grade seats for the coming academic year,
// and opens that year's admission window (from a week ago to 90 days ahead,
// ages reckoned on 31 March) unless the year already has one. Running it
// again adds nothing that exists. It returns the year's window.
func (s *Service) LoadDemo(ctx context.Context) (AdmissionWindow, error) {
	now := s.clock.Now()
	year := ComingAcademicYear(now)
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		n, err := s.store.countSchools(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			for _, ds := range demoSchools {
				sc := School{ID: uuid.NewString(), Name: ds.Name, Level: ds.Level, Gender: ds.Gender, Sector: ds.Sector, EMISCode: ds.EMIS, CreatedAt: now, UpdatedAt: now}
				if err := s.store.CreateSchool(ctx, sc); err != nil {
					return err
				}
			}
		}
		if err := s.loadDemoSeats(ctx, year); err != nil {
			return err
		}
		return s.loadDemoWindow(ctx, year, now)
	})
	if err != nil {
		return AdmissionWindow{}, err
	}
	return s.store.Window(ctx, year)
}

func (s *Service) loadDemoSeats(ctx context.Context, year string) error {
	ids, err := s.store.schoolIDsByEMIS(ctx)
	if err != nil {
		return err
	}
	for _, ds := range demoSchools {
		id, ok := ids[ds.EMIS]
		if !ok {
			continue
		}
		for _, g := range ds.Grades {
			if err := s.store.ensureSeats(ctx, id, year, g.Grade, g.Seats); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) loadDemoWindow(ctx context.Context, year string, now time.Time) error {
	exists, err := s.store.hasWindow(ctx, year)
	if err != nil || exists {
		return err
	}
	today := domain.LocalDate(now)
	opens := time.Date(today.Year(), today.Month(), today.Day()-7, 0, 0, 0, 0, domain.Karachi)
	closes := time.Date(today.Year(), today.Month(), today.Day()+90, 23, 59, 59, 0, domain.Karachi)
	startYear, _ := strconv.Atoi(year[:4]) // ComingAcademicYear always starts with the year
	w := AdmissionWindow{
		ID: uuid.NewString(), AcademicYear: year, OpensAt: opens.UTC(), ClosesAt: closes.UTC(),
		AgeCutoff: domain.Date{Time: time.Date(startYear, time.March, 31, 0, 0, 0, 0, time.UTC)}, AgeRules: demoAgeRules,
	}
	return s.store.CreateWindow(ctx, w, now)
}
