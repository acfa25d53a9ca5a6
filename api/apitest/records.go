package apitest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
)

// The methods in this file make the records a test needs through the API:
// facilities, timetables and appointments, schools and applications, zones
// and permits, traffic sectors and offences. The catalogue is made by the department's administrator
// (Admin), under names of its own, because on PostgreSQL the tests of a
// package share one schema. Days are counted from the clock's local date.

// Day is the local date off days from the clock's, written YYYY-MM-DD.
func (a *App) Day(off int) string {
	return domain.LocalDate(a.Clock.Now()).AddDate(0, 0, off).Format(time.DateOnly)
}

// At is the instant of hh:mm local time off days from the clock's day.
func (a *App) At(off, hh, mm int) time.Time {
	d := domain.LocalDate(a.Clock.Now()).AddDate(0, 0, off)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, domain.Karachi)
}

// ---- health ----

// Facility creates a general medicine clinic and returns its ID.
func (a *App) Facility() string {
	a.t.Helper()
	r := a.Post(api.BasePath+"/admin/health/facilities", a.Admin(identity.RoleHealthAdmin).Token, map[string]any{
		"name": fmt.Sprintf("Test Clinic %d", rand.IntN(1_000_000_000)), "kind": "clinic", "sector": "F-8/2",
		"address": "Street 3, F-8/2, Islamabad", "location": map[string]float64{"lat": 33.71, "lng": 73.04},
		"specialties": []string{"general_medicine"},
	})
	return r.Want(a.t, http.StatusCreated).Map(a.t)["id"].(string)
}

// Practitioner adds a general practitioner to a facility and returns the
// practitioner's ID.
func (a *App) Practitioner(facilityID string) string {
	a.t.Helper()
	r := a.Post(api.BasePath+"/admin/health/practitioners", a.Admin(identity.RoleHealthAdmin).Token, map[string]any{
		"facility_id": facilityID, "full_name": "Dr. Test", "specialty": "general_medicine",
		"pmdc_number": fmt.Sprintf("H%012d", rand.Int64N(1_000_000_000_000)),
	})
	return r.Want(a.t, http.StatusCreated).Map(a.t)["id"].(string)
}

// Schedule gives a practitioner slots of minutes, each with capacity
// seats, from start to end ("HH:MM") every day from day fromOff to day toOff.
func (a *App) Schedule(practitionerID string, fromOff, toOff int, start, end string, minutes, capacity int) {
	a.t.Helper()
	a.Post(api.BasePath+"/admin/health/schedules", a.Admin(identity.RoleHealthAdmin).Token, map[string]any{
		"practitioner_id": practitionerID, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": start, "end_time": end,
		"slot_minutes": minutes, "capacity": capacity, "from": a.Day(fromOff), "to": a.Day(toOff),
	}).Want(a.t, http.StatusCreated)
}

// Slot returns the practitioner's slot starting at the instant, full or not.
func (a *App) Slot(practitionerID string, at time.Time) health.Slot {
	a.t.Helper()
	q := url.Values{"practitioner_id": {practitionerID}, "include_full": {"true"}, "limit": {"100"},
		"from": {at.Format(time.RFC3339)}, "to": {at.Add(time.Minute).Format(time.RFC3339)}}
	var list struct {
		Items []health.Slot `json:"items"`
	}
	a.Get(api.BasePath+"/health/slots?"+q.Encode(), "").Want(a.t, http.StatusOK).JSON(a.t, &list)
	for _, s := range list.Items {
		if s.StartsAt.Equal(at) {
			return s
		}
	}
	a.t.Fatalf("no slot of %s at %s in %+v", practitionerID, at, list.Items)
	return health.Slot{}
}

// Book books the slot for c, or for c's dependant when dependantID is not
// empty, and returns the appointment.
func (a *App) Book(c *Citizen, slotID, dependantID string) health.Appointment {
	a.t.Helper()
	body := map[string]any{"slot_id": slotID}
	if dependantID != "" {
		body["dependant_id"] = dependantID
	}
	var appt health.Appointment
	a.Post(api.BasePath+"/health/appointments", c.Token, body).Want(a.t, http.StatusCreated).JSON(a.t, &appt)
	return appt
}

// ---- identity ----

// Dependant adds a daughter called name to c's family, six years and a
// month old (of age for grade 1 in Admissions), and returns her ID.
func (a *App) Dependant(c *Citizen, name string) string {
	a.t.Helper()
	dob := domain.LocalDate(a.Clock.Now()).AddDate(-6, -1, 0).Format(time.DateOnly)
	r := a.Post(api.BasePath+"/me/dependants", c.Token, map[string]any{"full_name": name, "relation": "child", "date_of_birth": dob, "gender": "female"})
	return r.Want(a.t, http.StatusCreated).Map(a.t)["id"].(string)
}

// ---- education ----

var (
	yearsMu sync.Mutex
	years   = map[int]bool{}
)

// AcademicYear returns an academic year that no other test of this run
// uses: admission windows are unique per year in the whole database.
func AcademicYear() string {
	yearsMu.Lock()
	defer yearsMu.Unlock()
	for {
		start := 3000 + rand.IntN(5000)
		if !years[start] {
			years[start] = true
			return fmt.Sprintf("%d-%02d", start, (start+1)%100)
		}
	}
}

// Admissions opens admissions for a new academic year until 60 days from
// now, for children aged 5 to 7 on today's date in grade 1, and returns
// the year.
func (a *App) Admissions() string {
	a.t.Helper()
	year, now := AcademicYear(), a.Clock.Now()
	a.Post(api.BasePath+"/admin/education/admission-windows", a.Admin(identity.RoleEducationAdmin).Token, map[string]any{
		"academic_year": year, "opens_at": now.Add(-time.Hour).Format(time.RFC3339), "closes_at": now.Add(60 * 24 * time.Hour).Format(time.RFC3339),
		"age_cutoff": a.Day(0), "age_rules": []map[string]int{{"grade": 1, "min_age": 5, "max_age": 7}},
	}).Want(a.t, http.StatusCreated)
	return year
}

// School creates a primary school with seats in grade 1 in year and
// returns its ID.
func (a *App) School(year string, seats int) string {
	a.t.Helper()
	admin := a.Admin(identity.RoleEducationAdmin).Token
	r := a.Post(api.BasePath+"/admin/education/schools", admin, map[string]any{
		"name": fmt.Sprintf("Test School %d", rand.IntN(1_000_000_000)), "level": "primary", "gender": "co",
		"sector": "G-10/1", "emis_code": fmt.Sprintf("H%d", rand.IntN(1_000_000_000)),
	})
	id := r.Want(a.t, http.StatusCreated).Map(a.t)["id"].(string)
	a.Do(Request{Method: http.MethodPut, Path: api.BasePath + "/admin/education/schools/" + id + "/seats", Token: admin,
		Body: map[string]any{"academic_year": year, "grade": 1, "seats": seats}}).Want(a.t, http.StatusOK)
	return id
}

// Apply applies for c's child to grade 1 of the school in year.
func (a *App) Apply(c *Citizen, schoolID, year, childID string) education.Application {
	a.t.Helper()
	var app education.Application
	a.Post(api.BasePath+"/education/applications", c.Token, map[string]any{"school_id": schoolID, "academic_year": year, "grade": 1, "child_id": childID}).
		Want(a.t, http.StatusCreated).JSON(a.t, &app)
	return app
}

// ---- parking ----

// Zone creates a parking zone with quota places and resident permits of 1
// month (1,000 PKR) and 12 months (9,600 PKR), and returns its ID.
func (a *App) Zone(quota int) string {
	a.t.Helper()
	r := a.Post(api.BasePath+"/admin/parking/zones", a.Admin(identity.RoleParkingAdmin).Token, map[string]any{
		"name": fmt.Sprintf("Test Zone %d", rand.IntN(1_000_000_000)), "sector": "Blue Area", "permit_quota": quota,
		"tariffs": []map[string]any{
			{"permit_type": "resident", "months": 1, "amount_pkr": 1000},
			{"permit_type": "resident", "months": 12, "amount_pkr": 9600},
		},
	})
	return r.Want(a.t, http.StatusCreated).Map(a.t)["id"].(string)
}

// Vehicle registers a car with a random plate to c and returns its ID.
func (a *App) Vehicle(c *Citizen) string {
	a.t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for range 5 {
		letters := string([]byte{alphabet[rand.IntN(26)], alphabet[rand.IntN(26)], alphabet[rand.IntN(26)]})
		r := a.Post(api.BasePath+"/parking/vehicles", c.Token, map[string]any{"plate": fmt.Sprintf("%s-%d", letters, 1000+rand.IntN(9000)), "make": "Suzuki", "model": "Alto", "colour": "white"})
		if r.Status == http.StatusConflict {
			continue // the plate is taken: draw another
		}
		return r.Want(a.t, http.StatusCreated).Map(a.t)["id"].(string)
	}
	a.t.Fatal("no free plate")
	return ""
}

// Permit buys c a resident permit for the vehicle in the zone, starting
// startOff days from today, for months; it waits for payment (Pay).
func (a *App) Permit(c *Citizen, vehicleID, zoneID string, startOff, months int) parking.Permit {
	a.t.Helper()
	var p parking.Permit
	a.Post(api.BasePath+"/parking/permits", c.Token, map[string]any{"vehicle_id": vehicleID, "zone_id": zoneID, "permit_type": "resident",
		"start_date": a.Day(startOff), "months": months}).Want(a.t, http.StatusCreated).JSON(a.t, &p)
	return p
}

// Pay pays c's permit in the sandbox and returns it, active.
func (a *App) Pay(c *Citizen, permitID string) parking.Permit {
	a.t.Helper()
	var p parking.Permit
	a.Do(Request{Method: http.MethodPost, Path: api.BasePath + "/parking/permits/" + permitID + "/payments", Token: c.Token,
		Body: map[string]any{"method": "sandbox"}, Header: map[string]string{"Idempotency-Key": uuid.NewString()}}).
		Want(a.t, http.StatusOK).JSON(a.t, &p)
	if p.Status != parking.StatusActive {
		a.t.Fatalf("paid permit is %s, want active", p.Status)
	}
	return p
}

// ---- traffic ----

// Sector adds a traffic sector with a code of its own and returns its ID
// and code. No route of the API makes sectors (the city's come with the
// demo data), so it is written to the database as the demo loads them.
func (a *App) Sector() (id, code string) {
	a.t.Helper()
	id, code = uuid.NewString(), fmt.Sprintf("T-%d", rand.IntN(1_000_000_000))
	err := a.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		id, code, "Test sector "+code, "ٹیسٹ سیکٹر "+code, a.Clock.Now()).Error
	if err != nil {
		a.t.Fatalf("insert sector: %v", err)
	}
	return id, code
}

// Offence adds an offence with a code of its own to the schedule, as the
// traffic administrator: fine rupees, twice that after 14 days. It
// returns the offence.
func (a *App) Offence(fine int64) traffic.Offence {
	a.t.Helper()
	var o traffic.Offence
	a.Post(api.BasePath+"/admin/traffic/offences", a.Admin(identity.RoleTrafficAdmin).Token, traffic.OffenceInput{
		Code: fmt.Sprintf("TEST_%d", rand.IntN(1_000_000_000)), Title: "Signal violation", TitleUr: "اشارہ توڑنا",
		FinePKR: fine, LateFinePKR: 2 * fine, DueDays: 14,
	}).Want(a.t, http.StatusCreated).JSON(a.t, &o)
	return o
}
