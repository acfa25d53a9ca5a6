package health_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Benchmarks of booking and of availability search on the test database:
// SQLite by default, PostgreSQL when TEST_DATABASE_URL is set. Setup happens
// inside each benchmark, outside the timer, so plain go test never pays for
// it. Compare runs with benchstat:
//
//	go test -run '^$' -bench . -count 10 ./modules/health > old.txt

// benchCapacity is a slot's seats: the most a schedule may offer.
const benchCapacity = 200

// benchPatients answers every booking as the caller's own: the benchmark's
// citizens are principals only, with no accounts behind them, since the
// health module stores account and patient IDs without foreign keys.
type benchPatients struct{}

func (benchPatients) Citizen(_ context.Context, accountID string) (health.Patient, error) {
	return health.Patient{Kind: "self", ID: accountID, FullName: "Bench Citizen"}, nil
}

func (benchPatients) Dependant(context.Context, string, string) (health.Patient, error) {
	return health.Patient{}, domain.Errorf(domain.NotFound, "no dependants in benchmarks")
}

// benchCatalog builds facilities, practitioners and their slots through the
// service as a health admin.
type benchCatalog struct {
	b     *testing.B
	ctx   context.Context
	d     *db.DB
	svc   *health.Service
	admin domain.Principal
	today time.Time
}

func newBenchCatalog(b *testing.B, d *db.DB, clock domain.Clock) *benchCatalog {
	admin := domain.Principal{Subject: uuid.NewString(), Kind: "staff", Roles: []string{"health_admin"}, Department: "health"}
	return &benchCatalog{
		b: b, ctx: domain.WithPrincipal(context.Background(), admin), d: d, admin: admin,
		svc:   health.NewService(health.Deps{DB: d, Clock: clock, Patients: benchPatients{}}),
		today: domain.LocalDate(clock.Now()),
	}
}

func (c *benchCatalog) facility(specialties ...string) string {
	c.b.Helper()
	f, err := c.svc.CreateFacility(c.ctx, health.FacilityInput{
		Name: fmt.Sprintf("Bench Clinic %d", rand.IntN(1_000_000_000)), Kind: "clinic", Sector: "G-9/4",
		Address: "Street 12, G-9/4, Islamabad", Location: health.Location{Lat: 33.6844, Lng: 73.0479}, Specialties: specialties,
	})
	if err != nil {
		c.b.Fatalf("create facility: %v", err)
	}
	return f.ID
}

func (c *benchCatalog) practitioner(facilityID, specialty string) string {
	c.b.Helper()
	pr, err := c.svc.CreatePractitioner(c.ctx, health.PractitionerInput{
		FacilityID: facilityID, FullName: "Dr. Bench Practitioner", Specialty: specialty,
		PMDCNumber: fmt.Sprintf("B%012d", rand.Int64N(1_000_000_000_000)),
	})
	if err != nil {
		c.b.Fatalf("create practitioner: %v", err)
	}
	return pr.ID
}

// schedule gives a practitioner slots every day from day fromOff to day
// toOff after today, between start and end local time.
func (c *benchCatalog) schedule(practitionerID, start, end string, minutes, capacity, fromOff, toOff int) int {
	c.b.Helper()
	res, err := c.svc.AddSchedule(c.ctx, c.admin, health.ScheduleInput{
		PractitionerID: practitionerID, Weekdays: []int{1, 2, 3, 4, 5, 6, 7}, StartTime: start, EndTime: end,
		SlotMinutes: minutes, Capacity: capacity,
		From: c.today.AddDate(0, 0, fromOff).Format(time.DateOnly), To: c.today.AddDate(0, 0, toOff).Format(time.DateOnly),
	})
	if err != nil {
		c.b.Fatalf("add schedule: %v", err)
	}
	return res.Created
}

// slotIDs returns a practitioner's slots in order of start.
func (c *benchCatalog) slotIDs(practitionerID string) []string {
	c.b.Helper()
	var ids []string
	err := c.d.Conn(c.ctx).Raw("SELECT id FROM health_slots WHERE practitioner_id = ? ORDER BY starts_at", practitionerID).Scan(&ids).Error
	if err != nil {
		c.b.Fatalf("read slots: %v", err)
	}
	return ids
}

// fill books every nth slot of a facility full.
func (c *benchCatalog) fill(facilityID string, nth int) {
	c.b.Helper()
	var ids []string
	err := c.d.Conn(c.ctx).Raw("SELECT id FROM health_slots WHERE facility_id = ? ORDER BY starts_at, id", facilityID).Scan(&ids).Error
	if err != nil {
		c.b.Fatalf("read slots: %v", err)
	}
	var full []string
	for i := 0; i < len(ids); i += nth {
		full = append(full, ids[i])
	}
	for len(full) > 0 {
		chunk := full[:min(len(full), 500)]
		full = full[len(chunk):]
		if err := c.d.Conn(c.ctx).Exec("UPDATE health_slots SET booked = capacity WHERE id IN ?", chunk).Error; err != nil {
			c.b.Fatalf("fill slots: %v", err)
		}
	}
}

// BenchmarkBook books appointments through the service: one transaction
// that takes a seat (the conditional update on the slot), inserts the
// appointment, and writes the webhook event and the notification. Every
// iteration books a new citizen into the current slot, so every booking
// succeeds; when a slot's 200 seats are gone the next slot of the same
// doctor takes over. In parallel, all goroutines book the same slot at once,
// as citizens do when a popular doctor's day opens.
func BenchmarkBook(b *testing.B) {
	d := dbtest.Open(b)
	clock := dbtest.NewClock(time.Now())
	cat := newBenchCatalog(b, d, clock)
	doctor := cat.practitioner(cat.facility("general_medicine"), "general_medicine")
	// 08:00 to 20:00 every 5 minutes for 14 days: 2016 slots, 403,200 seats.
	cat.schedule(doctor, "08:00", "20:00", 5, benchCapacity, 1, 14)
	slots := cat.slotIDs(doctor)
	var next atomic.Int64 // the seat the next booking takes, over both runs
	book := func(b *testing.B) bool {
		seat := next.Add(1) - 1
		i := int(seat / benchCapacity)
		if i >= len(slots) {
			b.Errorf("all %d seats are booked: schedule more slots for this benchtime", len(slots)*benchCapacity)
			return false
		}
		citizen := domain.Principal{Subject: uuid.NewString(), Kind: "citizen", Roles: []string{"citizen"}}
		if _, err := cat.svc.Book(context.Background(), citizen, health.BookingRequest{SlotID: slots[i], Reason: "fever for two days"}); err != nil {
			b.Errorf("book seat %d of slot %s: %v", seat%benchCapacity, slots[i], err)
			return false
		}
		return true
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !book(b) {
				b.FailNow()
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !book(b) {
					return
				}
			}
		})
	})
}

// BenchmarkSearchSlots searches availability in one facility, first page of
// 20, as GET /api/v1/health/slots?facility_id=…&limit=20 does, with eight
// facilities of six doctors each holding 14 days of slots (16,128 slots, a
// third of them full). http goes through the real router in process;
// service calls the method behind it; all-facilities lists without a
// facility filter.
func BenchmarkSearchSlots(b *testing.B) {
	app := apitest.New(b)
	cat := newBenchCatalog(b, app.DB, app.Clock)
	var facilities []string
	for f := range 8 {
		specialty := []string{"general_medicine", "paediatrics"}[f%2]
		facility := cat.facility(specialty)
		facilities = append(facilities, facility)
		for range 6 {
			// 09:00 to 17:00 every 20 minutes: 24 slots a day.
			cat.schedule(cat.practitioner(facility, specialty), "09:00", "17:00", 20, 3, 0, 13)
		}
	}
	// Fill every third slot, so search skips full ones as it does in use.
	for _, facility := range facilities {
		cat.fill(facility, 3)
	}
	facility := facilities[3]
	path := "/api/v1/health/slots?" + url.Values{"facility_id": {facility}, "limit": {"20"}}.Encode()
	search := func(b *testing.B, path string) bool {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Errorf("GET %s = %d: %s", path, rec.Code, rec.Body)
			return false
		}
		return true
	}
	if res, err := cat.svc.Slots(context.Background(), health.SlotFilter{FacilityID: facility}, page.Request{Limit: 20}); err != nil || len(res.Items) != 20 {
		b.Fatalf("search found %d slots, %v; want a full page of 20", len(res.Items), err)
	}
	b.Run("http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !search(b, path) {
				b.FailNow()
			}
		}
	})
	b.Run("http-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !search(b, path) {
					return
				}
			}
		})
	})
	b.Run("service", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cat.svc.Slots(context.Background(), health.SlotFilter{FacilityID: facility}, page.Request{Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("all-facilities", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !search(b, "/api/v1/health/slots?limit=20") {
				b.FailNow()
			}
		}
	})
}
