package traffic

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// LoadDemo loads Islamabad's traffic sectors, offence schedule and a road
// closure when there are no sectors. It returns whether it loaded them.
func (s *Service) LoadDemo(ctx context.Context) (bool, error) {
	var n int64
	if err := s.db.Conn(ctx).Model(&sectorRow{}).Count(&n).Error; err != nil || n > 0 {
		return false, db.Translate(err, "")
	}
	now := s.clock.Now()
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		for _, d := range demoSectors {
			r := sectorRow{ID: uuid.NewString(), Code: d.Code, Name: d.Name, NameUr: d.NameUr, CreatedAt: now}
			if err := s.db.Conn(ctx).Create(&r).Error; err != nil {
				return db.Translate(err, "")
			}
		}
		for _, o := range demoOffences {
			if err := s.store.CreateOffence(ctx, offenceRow{Code: o.Code, Title: o.Title, TitleUr: o.TitleUr, FinePKR: o.FinePKR,
				LateFinePKR: o.LateFinePKR, DueDays: o.DueDays, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return s.store.CreateAdvisory(ctx, demoAdvisory(now), []string{"BLUE-AREA", "F-6"})
	})
	return err == nil, err
}

// demoAdvisory is a closure in force from an hour before now to six hours
// after, so that the demo's list of advisories is not empty.
func demoAdvisory(now time.Time) advisoryRow {
	return advisoryRow{ID: uuid.NewString(), Kind: KindClosure, Title: "Jinnah Avenue closed for a state event",
		TitleUr:  "سرکاری تقریب کے باعث جناح ایونیو بند",
		Body:     "Jinnah Avenue is closed from Zero Point to D-Chowk for a state event. Use Khayaban-e-Iqbal or Srinagar Highway; Blue Area's service roads stay open.",
		BodyUr:   "سرکاری تقریب کے باعث جناح ایونیو زیرو پوائنٹ سے ڈی چوک تک بند ہے۔ خیابانِ اقبال یا سری نگر ہائی وے استعمال کریں؛ بلیو ایریا کی سروس روڈز کھلی ہیں۔",
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(6 * time.Hour), PublishedBy: "demo", CreatedAt: now}
}

// DemoSector returns the ID of the sector with code, for the demo
// officer's account.
func (s *Service) DemoSector(ctx context.Context, code string) (string, error) {
	r, err := s.store.SectorByCode(ctx, code)
	return r.ID, err
}

// LoadDemoChallan issues a signal-violation challan on plate, seen by a
// camera on Jinnah Avenue an hour ago, unless the plate has one.
func (s *Service) LoadDemoChallan(ctx context.Context, plate string) error {
	existing, err := s.store.ListChallans(ctx, "", ChallanFilter{Plate: plate}, page.Request{Limit: 1}, s.clock.Now())
	if err != nil || len(existing.Items) > 0 {
		return err
	}
	camera := domain.Principal{Subject: "demo-camera-blue-area", Kind: domain.KindClient}
	_, _, err = s.Issue(domain.WithPrincipal(ctx, camera), camera, IssueRequest{Plate: plate, OffenceCode: "SIGNAL", Place: "Jinnah Avenue at the Blue Area signal",
		Sector: "BLUE-AREA", OccurredAt: s.clock.Now().Add(-time.Hour), DeviceRef: "demo-cam-blue-area-0001",
		EvidenceURL: "https://evidence.demo.citizen.gov.pk/blue-area/cam-3/0001.jpg"})
	return err
}
