package health_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// The tests in this file drive appointment booking over HTTP. Each test
// makes its own facility, practitioners and slots through the admin API,
// because on PostgreSQL every test of the package shares one schema.

const (
	bkAppointments = "/api/v1/health/appointments"
	bkAdmin        = "/api/v1/admin/health"
)

// bkEnv is one running server with a health admin and helpers to build a
// timetable and book in it.
type bkEnv struct {
	t     *testing.T
	app   *apitest.App
	admin *apitest.Staff
	// today is the local date of the clock when the test started, as
	// domain.LocalDate writes it.
	today time.Time
}

var (
	bkDemoOnce sync.Once
	bkDemoErr  error
)

func newBkEnv(t *testing.T) *bkEnv {
	t.Helper()
	app := apitest.New(t)
	if os.Getenv("TEST_DATABASE_URL") != "" {
		// The package's tests share one PostgreSQL schema, and LoadDemo
		// loads the demo catalog only into an empty one (TestCatalog relies
		// on it). These tests run first and add facilities, so they load the
		// demo catalog before adding anything.
		bkDemoOnce.Do(func() {
			_, bkDemoErr = health.NewService(health.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(context.Background())
		})
		if bkDemoErr != nil {
			t.Fatalf("load the demo catalog: %v", bkDemoErr)
		}
	}
	e := &bkEnv{t: t, app: app, today: domain.LocalDate(app.Clock.Now())}
	e.admin = app.Admin(identity.RoleHealthAdmin)
	return e
}

// date is the local date off days from today, written YYYY-MM-DD.
func (e *bkEnv) date(off int) string { return e.today.AddDate(0, 0, off).Format(time.DateOnly) }

// local is the instant of hh:mm local time on the day off days from today.
func (e *bkEnv) local(off int, hhmm string) time.Time {
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
		e.t.Fatalf("bad time %q", hhmm)
	}
	d := e.today.AddDate(0, 0, off)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, domain.Karachi)
}

func (e *bkEnv) facility() string {
	e.t.Helper()
	r := e.app.Post(bkAdmin+"/facilities", e.admin.Token, map[string]any{
		"name": fmt.Sprintf("Booking Test Clinic %d", rand.IntN(1_000_000)), "kind": "clinic", "sector": "G-9/4",
		"address": "Street 12, G-9/4, Islamabad", "location": map[string]float64{"lat": 33.6844, "lng": 73.0479},
		"specialties": []string{"general_medicine"},
	})
	r.Want(e.t, http.StatusCreated)
	return r.Map(e.t)["id"].(string)
}

func (e *bkEnv) practitioner(facilityID string) string {
	e.t.Helper()
	r := e.app.Post(bkAdmin+"/practitioners", e.admin.Token, map[string]any{
		"facility_id": facilityID, "full_name": "Dr. Test Practitioner", "specialty": "general_medicine",
		"pmdc_number": fmt.Sprintf("T%012d", rand.Int64N(1_000_000_000_000)),
	})
	r.Want(e.t, http.StatusCreated)
	return r.Map(e.t)["id"].(string)
}

// scheduleBody is a schedule on every weekday from day fromOff to day toOff.
func (e *bkEnv) scheduleBody(practitionerID, start, end string, minutes, capacity, fromOff, toOff int) map[string]any {
	return map[string]any{
		"practitioner_id": practitionerID, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": start, "end_time": end,
		"slot_minutes": minutes, "capacity": capacity, "from": e.date(fromOff), "to": e.date(toOff),
	}
}

// addSlots schedules a practitioner as the health admin and returns how many
// slots were created.
func (e *bkEnv) addSlots(practitionerID, start, end string, minutes, capacity, fromOff, toOff int) int {
	e.t.Helper()
	r := e.app.Post(bkAdmin+"/schedules", e.admin.Token, e.scheduleBody(practitionerID, start, end, minutes, capacity, fromOff, toOff))
	r.Want(e.t, http.StatusCreated)
	var res health.ScheduleResult
	r.JSON(e.t, &res)
	return res.Created
}

// listSlots returns every open slot of a practitioner starting in [from, to),
// full ones included, following next_cursor.
func (e *bkEnv) listSlots(practitionerID string, from, to time.Time) []health.Slot {
	e.t.Helper()
	q := url.Values{"practitioner_id": {practitionerID}, "include_full": {"true"}, "limit": {"100"},
		"from": {from.In(domain.Karachi).Format(time.RFC3339)}, "to": {to.In(domain.Karachi).Format(time.RFC3339)}}
	var all []health.Slot
	for {
		r := e.app.Get("/api/v1/health/slots?"+q.Encode(), "")
		r.Want(e.t, http.StatusOK)
		var page struct {
			Items      []health.Slot `json:"items"`
			NextCursor *string       `json:"next_cursor"`
		}
		r.JSON(e.t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all
		}
		q.Set("cursor", *page.NextCursor)
	}
}

// slotsOn returns a practitioner's open slots on day off, keyed by local
// start time "HH:MM".
func (e *bkEnv) slotsOn(practitionerID string, off int) map[string]health.Slot {
	e.t.Helper()
	from := e.local(off, "00:00")
	out := map[string]health.Slot{}
	for _, s := range e.listSlots(practitionerID, from, from.Add(24*time.Hour)) {
		out[s.StartsAt.In(domain.Karachi).Format("15:04")] = s
	}
	return out
}

// listed returns a slot as GET /health/slots?include_full=true shows it now,
// and whether it is listed at all.
func (e *bkEnv) listed(s health.Slot) (health.Slot, bool) {
	e.t.Helper()
	for _, got := range e.listSlots(s.PractitionerID, s.StartsAt, s.StartsAt.Add(time.Minute)) {
		if got.ID == s.ID {
			return got, true
		}
	}
	return health.Slot{}, false
}

// remaining is a slot's remaining seats as the public slot search shows them.
func (e *bkEnv) remaining(s health.Slot) int {
	e.t.Helper()
	got, ok := e.listed(s)
	if !ok {
		e.t.Fatalf("slot %s is not listed", s.ID)
	}
	return got.Remaining
}

// booked reads the slot's booked column.
func (e *bkEnv) booked(slotID string) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.Conn(context.Background()).Raw("SELECT booked FROM health_slots WHERE id = ?", slotID).Scan(&n).Error; err != nil {
		e.t.Fatalf("read booked of %s: %v", slotID, err)
	}
	return n
}

// holders counts the slot's appointments in status booked.
func (e *bkEnv) holders(slotID string) int {
	e.t.Helper()
	var n int64
	err := e.app.DB.Conn(context.Background()).Raw("SELECT COUNT(*) FROM health_appointments WHERE slot_id = ? AND status = 'booked'", slotID).Scan(&n).Error
	if err != nil {
		e.t.Fatalf("count appointments of %s: %v", slotID, err)
	}
	return int(n)
}

// dependant adds a child to a citizen's account and returns its ID.
func (e *bkEnv) dependant(c *apitest.Citizen) string {
	e.t.Helper()
	r := e.app.Post("/api/v1/me/dependants", c.Token, map[string]string{
		"full_name": "Zainab Test", "relation": "child", "date_of_birth": "2019-04-14", "gender": "female",
	})
	r.Want(e.t, http.StatusCreated)
	return r.Map(e.t)["id"].(string)
}

// book asks for a seat in a slot for c, or for c's dependant.
func (e *bkEnv) book(c *apitest.Citizen, slotID, dependantID string) *apitest.Response {
	body := map[string]string{"slot_id": slotID}
	if dependantID != "" {
		body["dependant_id"] = dependantID
	}
	return e.app.Post(bkAppointments, c.Token, body)
}

// mustBook books and returns the appointment, failing unless it is a 201.
func (e *bkEnv) mustBook(c *apitest.Citizen, slotID, dependantID string) health.Appointment {
	e.t.Helper()
	r := e.book(c, slotID, dependantID)
	r.Want(e.t, http.StatusCreated)
	return bkAppt(e.t, r)
}

func (e *bkEnv) cancel(c *apitest.Citizen, id string) *apitest.Response {
	return e.app.Post(bkAppointments+"/"+id+"/cancel", c.Token, nil)
}

func (e *bkEnv) reschedule(c *apitest.Citizen, id, slotID string) *apitest.Response {
	return e.app.Post(bkAppointments+"/"+id+"/reschedule", c.Token, map[string]string{"slot_id": slotID})
}

// appointment reads one of c's appointments.
func (e *bkEnv) appointment(c *apitest.Citizen, id string) health.Appointment {
	e.t.Helper()
	r := e.app.Get(bkAppointments+"/"+id, c.Token)
	r.Want(e.t, http.StatusOK)
	return bkAppt(e.t, r)
}

// notices counts the notifications of a kind stored for an account about an
// appointment.
func (e *bkEnv) notices(accountID, kind, appointmentID string) int {
	e.t.Helper()
	var data []string
	err := e.app.DB.Conn(context.Background()).Raw("SELECT data FROM notifications WHERE account_id = ? AND kind = ?", accountID, kind).Scan(&data).Error
	if err != nil {
		e.t.Fatalf("read notifications: %v", err)
	}
	n := 0
	for _, d := range data {
		if strings.Contains(d, appointmentID) {
			n++
		}
	}
	return n
}

func bkIDs(items []health.Appointment) []string {
	out := make([]string, len(items))
	for i, a := range items {
		out[i] = a.ID
	}
	return out
}

func bkAppt(t *testing.T, r *apitest.Response) health.Appointment {
	t.Helper()
	var a health.Appointment
	r.JSON(t, &a)
	return a
}

// bkRace starts every request at once and returns the answers in order.
func bkRace(requests ...func() *apitest.Response) []*apitest.Response {
	out := make([]*apitest.Response, len(requests))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, req := range requests {
		wg.Go(func() {
			<-start
			out[i] = req()
		})
	}
	close(start)
	wg.Wait()
	return out
}

func TestBookingRaceFillsCapacityExactly(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())
	e.addSlots(pr, "10:00", "10:30", 30, 5, 3, 3)
	slot, ok := e.slotsOn(pr, 3)["10:00"]
	if !ok {
		t.Fatal("no 10:00 slot")
	}

	const n = 50
	citizens := make([]*apitest.Citizen, n)
	for i := range citizens {
		citizens[i] = e.app.NewCitizen()
	}
	requests := make([]func() *apitest.Response, n)
	for i, c := range citizens {
		requests[i] = func() *apitest.Response { return e.book(c, slot.ID, "") }
	}
	began := time.Now()
	answers := bkRace(requests...)
	t.Logf("%d concurrent bookings took %s", n, time.Since(began))

	counts := map[int]int{}
	var queues []int
	for i, r := range answers {
		counts[r.Status]++
		switch r.Status {
		case http.StatusCreated:
			a := bkAppt(t, r)
			queues = append(queues, a.QueueNumber)
			if a.Status != health.StatusBooked || a.Slot.ID != slot.ID || a.Patient.ID != citizens[i].ID {
				t.Errorf("citizen %d got %+v", i, a)
			}
		case http.StatusConflict:
			r.Problem(t, http.StatusConflict, "")
		default:
			t.Errorf("citizen %d: status %d (%s)", i, r.Status, r.Body)
		}
	}
	if counts[http.StatusCreated] != 5 || counts[http.StatusConflict] != 45 {
		t.Errorf("statuses %v, want 5 × 201 and 45 × 409", counts)
	}
	slices.Sort(queues)
	if !slices.Equal(queues, []int{1, 2, 3, 4, 5}) {
		t.Errorf("queue numbers %v, want 1 to 5", queues)
	}
	if got := e.remaining(slot); got != 0 {
		t.Errorf("remaining = %d, want 0", got)
	}
	if got := e.booked(slot.ID); got != 5 {
		t.Errorf("booked column = %d, want 5", got)
	}
	if got := e.holders(slot.ID); got != 5 {
		t.Errorf("%d booked appointments in the slot, want 5", got)
	}
}

func TestRescheduleRacesBookingForLastSeat(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())
	const rounds = 20
	// One day per round: A at 09:00 and B at 09:30, 2 seats each.
	e.addSlots(pr, "09:00", "10:00", 30, 2, 2, 2+rounds-1)
	x, y, z := e.app.NewCitizen(), e.app.NewCitizen(), e.app.NewCitizen()

	wins := map[string]int{}
	for round := range rounds {
		day := e.slotsOn(pr, 2+round)
		a, b := day["09:00"], day["09:30"]
		if a.ID == "" || b.ID == "" {
			t.Fatalf("round %d: slots missing in %v", round, day)
		}
		e.mustBook(z, b.ID, "") // B's first seat
		held := e.mustBook(x, a.ID, "")

		answers := bkRace(
			func() *apitest.Response { return e.reschedule(x, held.ID, b.ID) },
			func() *apitest.Response { return e.book(y, b.ID, "") },
		)
		moved, booked := answers[0].Status, answers[1].Status
		switch {
		case moved == http.StatusOK && booked == http.StatusConflict:
			wins["reschedule"]++
			if got := e.appointment(x, held.ID); got.Slot.ID != b.ID || got.Status != health.StatusBooked {
				t.Errorf("round %d: the reschedule won but the appointment is %s in slot %s", round, got.Status, got.Slot.ID)
			}
			if got := e.booked(a.ID); got != 0 {
				t.Errorf("round %d: A booked = %d after X left it, want 0", round, got)
			}
		case moved == http.StatusConflict && booked == http.StatusCreated:
			wins["booking"]++
			if got := e.appointment(x, held.ID); got.Slot.ID != a.ID || got.Status != health.StatusBooked || got.QueueNumber != held.QueueNumber {
				t.Errorf("round %d: the reschedule lost but the appointment moved: %+v, was %+v", round, got, held)
			}
			if got := e.booked(a.ID); got != 1 {
				t.Errorf("round %d: A booked = %d after a failed reschedule, want 1", round, got)
			}
		default:
			t.Errorf("round %d: reschedule %d (%s), booking %d (%s); want exactly one to succeed and the other 409",
				round, moved, answers[0].Body, booked, answers[1].Body)
		}
		if got := e.booked(b.ID); got != 2 {
			t.Errorf("round %d: B booked = %d, want 2", round, got)
		}
		for _, s := range []health.Slot{a, b} {
			if col, rows := e.booked(s.ID), e.holders(s.ID); col != rows {
				t.Errorf("round %d: slot %s booked column %d, but %d booked appointments", round, s.ID, col, rows)
			}
		}
	}
	t.Logf("winners over %d rounds: %v", rounds, wins)
}

// Two citizens swap slots at the same moment. Each target has a free seat,
// so both moves must succeed; neither may fail with a server error (on
// PostgreSQL the two transactions lock the two slots in opposite orders).
func TestCrossingReschedulesBothSucceed(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())
	const rounds = 16
	e.addSlots(pr, "09:00", "10:00", 30, 2, 2, 2+rounds-1)
	x, w := e.app.NewCitizen(), e.app.NewCitizen()

	for round := range rounds {
		day := e.slotsOn(pr, 2+round)
		a, b := day["09:00"], day["09:30"]
		ax := e.mustBook(x, a.ID, "")
		bw := e.mustBook(w, b.ID, "")
		answers := bkRace(
			func() *apitest.Response { return e.reschedule(x, ax.ID, b.ID) },
			func() *apitest.Response { return e.reschedule(w, bw.ID, a.ID) },
		)
		for i, r := range answers {
			if r.Status != http.StatusOK {
				t.Errorf("round %d: reschedule %d = %d (%s), want 200", round, i, r.Status, r.Body)
			}
		}
		if answers[0].Status == http.StatusOK && answers[1].Status == http.StatusOK {
			if gx, gw := e.appointment(x, ax.ID), e.appointment(w, bw.ID); gx.Slot.ID != b.ID || gw.Slot.ID != a.ID {
				t.Errorf("round %d: after the swap X is in %s and W in %s, want B %s and A %s", round, gx.Slot.ID, gw.Slot.ID, b.ID, a.ID)
			}
		}
		for _, s := range []health.Slot{a, b} {
			if col, rows := e.booked(s.ID), e.holders(s.ID); col != rows || col > 2 {
				t.Errorf("round %d: slot %s booked column %d, %d booked appointments", round, s.ID, col, rows)
			}
		}
	}
}

// A citizen cancels (or moves out of) a slot at the moment the facility
// cancels it. Either may come first, but the outcome must be one of the two
// orders, and neither request may fail with a server error (the citizen's
// transaction locks the appointment, then the slot; the facility's the slot,
// then its appointments).
func TestCitizenAndFacilityCancelAtOnce(t *testing.T) {
	e := newBkEnv(t)
	f := e.facility()
	pr := e.practitioner(f)
	const rounds = 12
	e.addSlots(pr, "09:00", "10:00", 30, 2, 2, 2+2*rounds-1)
	desk := e.app.NewStaff("health_staff", f)
	x := e.app.NewCitizen()

	for round := range 2 * rounds {
		moving := round%2 == 1
		day := e.slotsOn(pr, 2+round)
		s, target := day["09:00"], day["09:30"]
		a := e.mustBook(x, s.ID, "")
		citizen := func() *apitest.Response { return e.cancel(x, a.ID) }
		if moving {
			citizen = func() *apitest.Response { return e.reschedule(x, a.ID, target.ID) }
		}
		answers := bkRace(citizen, func() *apitest.Response {
			return e.app.Post(bkAdmin+"/slots/"+s.ID+"/cancel", desk.Token, map[string]string{"reason": "Power failure at the clinic"})
		})
		mine, theirs := answers[0], answers[1]
		if theirs.Status != http.StatusOK {
			t.Errorf("round %d (moving %v): facility cancel = %d (%s), want 200", round, moving, theirs.Status, theirs.Body)
		}
		if mine.Status != http.StatusOK && mine.Status != http.StatusConflict {
			t.Errorf("round %d (moving %v): citizen = %d (%s), want 200 or 409", round, moving, mine.Status, mine.Body)
			continue
		}
		var res health.CancellationResult
		if theirs.Status == http.StatusOK {
			theirs.JSON(t, &res)
		}
		got := e.appointment(x, a.ID)
		notices := e.notices(x.ID, "appointment.cancelled_by_facility", a.ID)
		if mine.Status == http.StatusOK {
			want := health.StatusCancelled
			if moving {
				want = health.StatusBooked
			}
			if got.Status != want || res.AppointmentsCancelled != 0 || notices != 0 {
				t.Errorf("round %d (moving %v): the citizen came first, yet the appointment is %s, the facility cancelled %d, %d notices",
					round, moving, got.Status, res.AppointmentsCancelled, notices)
			}
		} else if got.Status != health.StatusCancelledByFacility || res.AppointmentsCancelled != 1 || notices != 1 {
			t.Errorf("round %d (moving %v): the facility came first, yet the appointment is %s, the facility cancelled %d, %d notices",
				round, moving, got.Status, res.AppointmentsCancelled, notices)
		}
		if col, rows := e.booked(target.ID), e.holders(target.ID); col != rows {
			t.Errorf("round %d: target slot booked column %d, %d booked appointments", round, col, rows)
		}
	}
}

func TestBookingRules(t *testing.T) {
	e := newBkEnv(t)
	f := e.facility()
	pr, prFull := e.practitioner(f), e.practitioner(f)
	e.addSlots(pr, "09:00", "12:00", 30, 2, 3, 3)
	e.addSlots(prFull, "09:00", "09:30", 30, 1, 3, 3)
	s := e.slotsOn(pr, 3)
	full := e.slotsOn(prFull, 3)["09:00"]

	c1, c2 := e.app.NewCitizen(), e.app.NewCitizen()
	child := e.dependant(c1)
	othersChild := e.dependant(c2)
	e.mustBook(c2, full.ID, "")

	if got := s["09:00"]; !strings.HasPrefix(got.FacilityName, "Booking Test Clinic ") || got.PractitionerName != "Dr. Test Practitioner" || got.Specialty != "general_medicine" {
		t.Errorf("a listed slot shows facility %q, doctor %q, specialty %q", got.FacilityName, got.PractitionerName, got.Specialty)
	}
	self := func(t *testing.T, a health.Appointment) {
		if a.Status != health.StatusBooked || a.QueueNumber != 1 || a.Slot.ID != s["09:00"].ID || a.Slot.Remaining != 1 ||
			a.Patient != (health.Patient{Kind: "self", ID: c1.ID, FullName: "Test Citizen"}) {
			t.Errorf("got %+v", a)
		}
		if a.Slot.FacilityName != s["09:00"].FacilityName || a.Slot.PractitionerName != "Dr. Test Practitioner" {
			t.Errorf("the booked appointment's slot shows facility %q, doctor %q", a.Slot.FacilityName, a.Slot.PractitionerName)
		}
	}
	forChild := func(t *testing.T, a health.Appointment) {
		if a.Status != health.StatusBooked || a.Slot.ID != s["09:30"].ID || a.Patient.Kind != "dependant" || a.Patient.ID != child {
			t.Errorf("got %+v", a)
		}
	}
	// The steps run in order: each sees what the earlier ones booked.
	steps := []struct {
		name   string
		body   any
		status int
		field  string
		check  func(*testing.T, health.Appointment)
	}{
		{"for oneself", map[string]string{"slot_id": s["09:00"].ID, "reason": "fever for three days"}, 201, "", self},
		{"same patient, practitioner and day", map[string]string{"slot_id": s["09:30"].ID}, 409, "", nil},
		{"a dependant the same day", map[string]string{"slot_id": s["09:30"].ID, "dependant_id": child}, 201, "", forChild},
		{"the dependant again that day", map[string]string{"slot_id": s["10:00"].ID, "dependant_id": child}, 409, "", nil},
		{"another citizen's dependant", map[string]string{"slot_id": s["10:00"].ID, "dependant_id": othersChild}, 422, "dependant_id", nil},
		{"an unknown dependant", map[string]string{"slot_id": s["10:00"].ID, "dependant_id": uuid.NewString()}, 422, "dependant_id", nil},
		{"an unknown slot", map[string]string{"slot_id": uuid.NewString()}, 422, "slot_id", nil},
		{"slot_id not a UUID", map[string]string{"slot_id": "slot-9"}, 400, "slot_id", nil},
		{"dependant_id not a UUID", map[string]string{"slot_id": s["10:00"].ID, "dependant_id": "zainab"}, 400, "dependant_id", nil},
		{"no slot_id", map[string]string{}, 422, "slot_id", nil},
		{"slot_id a number", `{"slot_id": 42}`, 400, "slot_id", nil},
		{"a full slot", map[string]string{"slot_id": full.ID}, 409, "", nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := e.app.Post(bkAppointments, c1.Token, st.body)
			if st.status >= 400 {
				r.Problem(t, st.status, st.field)
				return
			}
			r.Want(t, st.status)
			if st.check != nil {
				st.check(t, bkAppt(t, r))
			}
		})
	}
	t.Run("refused bookings take no seat", func(t *testing.T) {
		for hhmm, want := range map[string]int{"09:00": 1, "09:30": 1, "10:00": 0} {
			if got := e.booked(s[hhmm].ID); got != want {
				t.Errorf("slot %s booked = %d, want %d", hhmm, got, want)
			}
		}
		if got := e.booked(full.ID); got != 1 {
			t.Errorf("full slot booked = %d, want 1", got)
		}
	})

	t.Run("Idempotency-Key", func(t *testing.T) {
		c3 := e.app.NewCitizen()
		key := uuid.NewString()
		send := func(slotID string) *apitest.Response {
			return e.app.Do(apitest.Request{Method: http.MethodPost, Path: bkAppointments, Token: c3.Token,
				Body: map[string]string{"slot_id": slotID}, Header: map[string]string{"Idempotency-Key": key}})
		}
		first := send(s["10:30"].ID)
		first.Want(t, http.StatusCreated)
		if first.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("first answer carries Idempotent-Replayed")
		}
		again := send(s["10:30"].ID)
		if again.Status != first.Status || string(again.Body) != string(first.Body) {
			t.Errorf("replay = %d %s, want %d %s", again.Status, again.Body, first.Status, first.Body)
		}
		if got := again.Header.Get("Idempotent-Replayed"); got != "true" {
			t.Errorf("Idempotent-Replayed = %q, want true", got)
		}
		if got := e.booked(s["10:30"].ID); got != 1 {
			t.Errorf("slot booked = %d after a replay, want 1", got)
		}
		var list struct{ Items []health.Appointment }
		e.app.Get(bkAppointments, c3.Token).JSON(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("citizen has %d appointments after a replay, want 1", len(list.Items))
		}
		send(s["11:00"].ID).Problem(t, http.StatusUnprocessableEntity, "Idempotency-Key")
		if got := e.booked(s["11:00"].ID); got != 0 {
			t.Errorf("the refused request booked slot 11:00 (booked %d)", got)
		}
		// Keys belong to their caller: another citizen's same key is a new request.
		other := e.app.Do(apitest.Request{Method: http.MethodPost, Path: bkAppointments, Token: c2.Token,
			Body: map[string]string{"slot_id": s["10:30"].ID}, Header: map[string]string{"Idempotency-Key": key}})
		other.Want(t, http.StatusCreated)
		if bkAppt(t, other).ID == bkAppt(t, first).ID {
			t.Error("another citizen's request with the same key replayed the first citizen's appointment")
		}
	})

	// Last, as it moves the clock.
	t.Run("a slot that has started", func(t *testing.T) {
		slot := s["11:30"]
		for _, at := range []time.Time{slot.StartsAt, slot.StartsAt.Add(time.Minute), slot.StartsAt.Add(24 * time.Hour)} {
			e.app.SetClock(at)
			// For c2's child, who has nothing booked that day.
			e.book(c2, slot.ID, othersChild).Problem(t, http.StatusUnprocessableEntity, "slot_id")
		}
		if got := e.booked(slot.ID); got != 0 {
			t.Errorf("booked = %d, want 0", got)
		}
	})
}

func TestAppointmentCancel(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())
	e.addSlots(pr, "09:00", "10:30", 30, 2, 3, 3)
	s := e.slotsOn(pr, 3)
	c := e.app.NewCitizen()

	a := e.mustBook(c, s["09:00"].ID, "")
	if got := e.remaining(s["09:00"]); got != 1 {
		t.Fatalf("remaining after booking = %d, want 1", got)
	}
	r := e.cancel(c, a.ID)
	r.Want(t, http.StatusOK)
	if got := bkAppt(t, r); got.ID != a.ID || got.Status != health.StatusCancelled {
		t.Errorf("cancel answered %+v, want the appointment cancelled", got)
	}
	if got := e.remaining(s["09:00"]); got != 2 {
		t.Errorf("remaining after cancelling = %d, want 2", got)
	}
	if got := e.appointment(c, a.ID).Status; got != health.StatusCancelled {
		t.Errorf("GET shows status %s, want cancelled", got)
	}
	e.cancel(c, a.ID).Problem(t, http.StatusConflict, "")
	e.reschedule(c, a.ID, s["09:30"].ID).Problem(t, http.StatusConflict, "")
	if got := e.booked(s["09:00"].ID); got != 0 {
		t.Errorf("booked = %d after cancelling twice, want 0", got)
	}

	// The same patient may book again that day, even the same slot; queue
	// numbers are never handed out twice.
	again := e.mustBook(c, s["09:00"].ID, "")
	if again.QueueNumber != 2 {
		t.Errorf("queue number after a cancellation = %d, want 2 (numbers are not reused)", again.QueueNumber)
	}

	t.Run("cut-off", func(t *testing.T) {
		// c's child: c is booked with the doctor that day already.
		late := e.mustBook(c, s["10:00"].ID, e.dependant(c))
		start := s["10:00"].StartsAt
		cases := []struct {
			name   string
			at     time.Time
			status int
		}{
			{"1h59m before", start.Add(-time.Hour - 59*time.Minute), 422},
			{"at the start", start, 422},
			{"2h01m before", start.Add(-2*time.Hour - time.Minute), 200},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.app.SetClock(tc.at)
				r := e.cancel(c, late.ID)
				if tc.status != 200 {
					r.Problem(t, tc.status, "")
					if got := e.booked(s["10:00"].ID); got != 1 {
						t.Errorf("booked = %d after a refused cancel, want 1", got)
					}
					return
				}
				r.Want(t, tc.status)
				if got := e.booked(s["10:00"].ID); got != 0 {
					t.Errorf("booked = %d after cancelling, want 0", got)
				}
			})
		}
	})
}

func TestAppointmentReschedule(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())
	e.addSlots(pr, "09:00", "11:00", 30, 2, 3, 4)
	d3, d4 := e.slotsOn(pr, 3), e.slotsOn(pr, 4)
	c, other := e.app.NewCitizen(), e.app.NewCitizen()

	a := e.mustBook(c, d3["09:00"].ID, "")
	e.mustBook(other, d3["10:00"].ID, "")
	e.mustBook(other, d3["10:00"].ID, e.dependant(other)) // 10:00 is now full

	t.Run("moves and frees the old seat", func(t *testing.T) {
		r := e.reschedule(c, a.ID, d3["09:30"].ID)
		r.Want(t, http.StatusOK)
		got := bkAppt(t, r)
		if got.ID != a.ID || got.Status != health.StatusBooked || got.Slot.ID != d3["09:30"].ID || got.QueueNumber != 1 {
			t.Errorf("reschedule answered %+v", got)
		}
		if !got.Slot.StartsAt.Equal(d3["09:30"].StartsAt) {
			t.Errorf("slot starts at %s, want %s", got.Slot.StartsAt, d3["09:30"].StartsAt)
		}
		if n := e.remaining(d3["09:00"]); n != 2 {
			t.Errorf("old slot remaining = %d, want 2", n)
		}
		if n := e.remaining(d3["09:30"]); n != 1 {
			t.Errorf("new slot remaining = %d, want 1", n)
		}
	})

	// Each refusal leaves the appointment in 09:30 and every count as it was.
	unchanged := func(t *testing.T) {
		t.Helper()
		if got := e.appointment(c, a.ID); got.Slot.ID != d3["09:30"].ID || got.Status != health.StatusBooked {
			t.Errorf("the appointment changed: %s in %s", got.Status, got.Slot.ID)
		}
		want := map[string]int{d3["09:00"].ID: 0, d3["09:30"].ID: 1, d3["10:00"].ID: 2, d4["09:00"].ID: 1, d4["09:30"].ID: 0}
		for id, n := range want {
			if got := e.booked(id); got != n {
				t.Errorf("slot %s booked = %d, want %d", id, got, n)
			}
		}
	}
	e.mustBook(c, d4["09:00"].ID, "") // c's appointment on day 4
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"into a full slot", map[string]string{"slot_id": d3["10:00"].ID}, 409, ""},
		{"into the same slot", map[string]string{"slot_id": d3["09:30"].ID}, 422, "slot_id"},
		// The patient already has an appointment with the doctor on day 4.
		{"onto a day the patient is booked", map[string]string{"slot_id": d4["09:30"].ID}, 409, ""},
		{"into an unknown slot", map[string]string{"slot_id": uuid.NewString()}, 422, "slot_id"},
		{"slot_id not a UUID", map[string]string{"slot_id": "tomorrow"}, 400, "slot_id"},
		{"no slot_id", map[string]string{}, 422, "slot_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.app.Post(bkAppointments+"/"+a.ID+"/reschedule", c.Token, tc.body)
			r.Problem(t, tc.status, tc.field)
			unchanged(t)
		})
	}
	t.Run("malformed appointment ID", func(t *testing.T) {
		e.reschedule(c, "abc", d3["10:30"].ID).Problem(t, http.StatusBadRequest, "id")
	})
	t.Run("inside the cut-off", func(t *testing.T) {
		e.app.SetClock(d3["09:30"].StartsAt.Add(-time.Hour))
		e.reschedule(c, a.ID, d3["10:30"].ID).Problem(t, http.StatusUnprocessableEntity, "")
		unchanged(t)
	})
}

func TestAppointmentAccess(t *testing.T) {
	e := newBkEnv(t)
	f := e.facility()
	pr := e.practitioner(f)
	e.addSlots(pr, "09:00", "10:00", 30, 3, 3, 3)
	s := e.slotsOn(pr, 3)
	owner, stranger := e.app.NewCitizen(), e.app.NewCitizen()
	desk := e.app.NewStaff("health_staff", f)

	mine := e.mustBook(owner, s["09:00"].ID, "")
	theirs := e.mustBook(stranger, s["09:00"].ID, "")
	move := map[string]string{"slot_id": s["09:30"].ID}
	routes := []apitest.Request{
		{Method: http.MethodGet, Path: bkAppointments + "/" + mine.ID},
		{Method: http.MethodPost, Path: bkAppointments + "/" + mine.ID + "/cancel"},
		{Method: http.MethodPost, Path: bkAppointments + "/" + mine.ID + "/reschedule", Body: move},
	}
	callers := []struct {
		name   string
		token  string
		status int
	}{
		{"another citizen", stranger.Token, 404},
		{"anonymous", "", 401},
		{"a forged token", "not-a-token", 401},
		{"health staff", desk.Token, 403},
	}
	for _, who := range callers {
		for _, req := range routes {
			t.Run(who.name+" "+req.Method+" "+strings.TrimPrefix(req.Path, bkAppointments), func(t *testing.T) {
				as := req
				as.Token = who.token
				e.app.Do(as).Problem(t, who.status, "")
			})
		}
	}
	for _, who := range callers[1:] {
		t.Run(who.name+" lists and books", func(t *testing.T) {
			e.app.Get(bkAppointments, who.token).Problem(t, who.status, "")
			e.app.Post(bkAppointments, who.token, map[string]string{"slot_id": s["09:30"].ID}).Problem(t, who.status, "")
		})
	}
	t.Run("lists hold only one's own", func(t *testing.T) {
		for _, tc := range []struct {
			who  *apitest.Citizen
			want string
		}{{owner, mine.ID}, {stranger, theirs.ID}} {
			var list struct{ Items []health.Appointment }
			r := e.app.Get(bkAppointments, tc.who.Token)
			r.Want(t, http.StatusOK)
			r.JSON(t, &list)
			if got := bkIDs(list.Items); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("list = %v, want [%s]", got, tc.want)
			}
		}
	})
	t.Run("nothing changed", func(t *testing.T) {
		got := e.appointment(owner, mine.ID)
		if got.Status != health.StatusBooked || got.Slot.ID != s["09:00"].ID {
			t.Errorf("the owner's appointment is now %s in %s", got.Status, got.Slot.ID)
		}
		if n := e.booked(s["09:00"].ID); n != 2 {
			t.Errorf("09:00 booked = %d, want 2", n)
		}
		if n := e.booked(s["09:30"].ID); n != 0 {
			t.Errorf("09:30 booked = %d, want 0", n)
		}
	})
}

func TestStaffAppointmentDay(t *testing.T) {
	e := newBkEnv(t)
	f1, f2 := e.facility(), e.facility()
	p1, p2 := e.practitioner(f1), e.practitioner(f2)
	e.addSlots(p1, "09:00", "10:00", 30, 3, 3, 4)
	e.addSlots(p2, "09:00", "10:00", 30, 3, 3, 3)
	d3, d4, f2d3 := e.slotsOn(p1, 3), e.slotsOn(p1, 4), e.slotsOn(p2, 3)
	staff1, staff2 := e.app.NewStaff("health_staff", f1), e.app.NewStaff("health_staff", f2)
	ca, cb := e.app.NewCitizen(), e.app.NewCitizen()
	child := e.dependant(cb)

	// Booked out of order, so that the list's order is the server's doing.
	late := e.mustBook(ca, d3["09:30"].ID, "")
	first := e.mustBook(cb, d3["09:00"].ID, "")
	second := e.mustBook(cb, d3["09:00"].ID, child)
	e.mustBook(ca, d4["09:00"].ID, "")           // another day
	atF2 := e.mustBook(ca, f2d3["09:00"].ID, "") // another facility

	dayList := func(token, query string) *apitest.Response {
		return e.app.Get(bkAdmin+"/appointments?"+query, token)
	}
	apptIDs := func(t *testing.T, r *apitest.Response) []string {
		t.Helper()
		r.Want(t, http.StatusOK)
		var list struct{ Items []health.Appointment }
		r.JSON(t, &list)
		return bkIDs(list.Items)
	}

	t.Run("day list", func(t *testing.T) {
		want := []string{first.ID, second.ID, late.ID}
		if got := apptIDs(t, dayList(staff1.Token, "date="+e.date(3))); !slices.Equal(got, want) {
			t.Errorf("staff's own facility = %v, want %v", got, want)
		}
		if got := apptIDs(t, dayList(staff1.Token, "date="+e.date(3)+"&facility_id="+f1)); !slices.Equal(got, want) {
			t.Errorf("naming the own facility = %v, want %v", got, want)
		}
		if got := apptIDs(t, dayList(e.admin.Token, "date="+e.date(3)+"&facility_id="+f2)); !slices.Equal(got, []string{atF2.ID}) {
			t.Errorf("health admin at F2 = %v, want [%s]", got, atF2.ID)
		}
		if got := apptIDs(t, dayList(staff1.Token, "")); len(got) != 0 {
			t.Errorf("today = %v, want nothing", got)
		}
		var list struct{ Items []health.Appointment }
		dayList(staff1.Token, "date="+e.date(3)).JSON(t, &list)
		if len(list.Items) == 3 && (list.Items[0].Patient.ID != cb.ID || list.Items[0].QueueNumber != 1 || list.Items[1].QueueNumber != 2 || list.Items[1].Patient.ID != child ||
			list.Items[2].Slot.ID != d3["09:30"].ID) {
			t.Errorf("items %+v", list.Items)
		}
	})
	t.Run("day list refusals", func(t *testing.T) {
		dayList(staff1.Token, "date="+e.date(3)+"&facility_id="+f2).Problem(t, http.StatusForbidden, "")
		dayList(staff1.Token, "date=tomorrow").Problem(t, http.StatusBadRequest, "date")
		dayList(staff1.Token, "facility_id=f2").Problem(t, http.StatusBadRequest, "facility_id")
		dayList(e.admin.Token, "date="+e.date(3)).Problem(t, http.StatusUnprocessableEntity, "facility_id")
	})

	setStatus := func(who *apitest.Staff, id, status string) *apitest.Response {
		return e.app.Post(bkAdmin+"/appointments/"+id+"/status", who.Token, map[string]string{"status": status})
	}
	t.Run("status moves", func(t *testing.T) {
		steps := []struct {
			name   string
			who    *apitest.Staff
			id     string
			to     string
			status int
		}{
			{"another facility's appointment", staff1, atF2.ID, health.StatusCheckedIn, 404},
			{"from another facility", staff2, first.ID, health.StatusCheckedIn, 404},
			{"check in", staff1, first.ID, health.StatusCheckedIn, 200},
			{"check in twice", staff1, first.ID, health.StatusCheckedIn, 409},
			{"complete", staff1, first.ID, health.StatusCompleted, 200},
			{"completed back to checked in", staff1, first.ID, health.StatusCheckedIn, 409},
			{"completed to no-show", staff1, first.ID, health.StatusNoShow, 409},
			{"check in the second", staff1, second.ID, health.StatusCheckedIn, 200},
			{"checked in to no-show", staff1, second.ID, health.StatusNoShow, 409},
			{"a status staff do not set", staff1, late.ID, health.StatusCancelled, 422},
			{"booked to completed", staff1, late.ID, health.StatusCompleted, 409},
			{"no-show before the start", staff1, late.ID, health.StatusNoShow, 422},
			{"unknown appointment", staff1, uuid.NewString(), health.StatusCheckedIn, 404},
			{"malformed ID", staff1, "42", health.StatusCheckedIn, 400},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				r := setStatus(st.who, st.id, st.to)
				if st.status != 200 {
					r.Problem(t, st.status, "")
					return
				}
				r.Want(t, 200)
				if got := bkAppt(t, r); got.ID != st.id || got.Status != st.to {
					t.Errorf("answered %+v, want %s", got, st.to)
				}
			})
		}
		if got := e.appointment(cb, first.ID).Status; got != health.StatusCompleted {
			t.Errorf("the citizen sees %s, want completed", got)
		}
		if got := e.appointment(ca, late.ID).Status; got != health.StatusBooked {
			t.Errorf("refused moves changed the appointment to %s", got)
		}
	})

	t.Run("schedules", func(t *testing.T) {
		body := e.scheduleBody(p1, "14:00", "15:00", 30, 2, 5, 5)
		e.app.Post(bkAdmin+"/schedules", staff2.Token, body).Problem(t, http.StatusForbidden, "")
		r := e.app.Post(bkAdmin+"/schedules", staff1.Token, body)
		r.Want(t, http.StatusCreated)
		if got := r.Map(t)["created"]; got != float64(2) {
			t.Errorf("created = %v, want 2", got)
		}
	})

	t.Run("who may use the admin routes", func(t *testing.T) {
		c := ca
		requests := []apitest.Request{
			{Method: http.MethodGet, Path: bkAdmin + "/appointments?facility_id=" + f1},
			{Method: http.MethodPost, Path: bkAdmin + "/appointments/" + late.ID + "/status", Body: map[string]string{"status": "checked_in"}},
			{Method: http.MethodPost, Path: bkAdmin + "/schedules", Body: e.scheduleBody(p1, "16:00", "17:00", 30, 2, 5, 5)},
			{Method: http.MethodPost, Path: bkAdmin + "/slots/" + d4["09:30"].ID + "/cancel", Body: map[string]string{"reason": "doctor away"}},
			{Method: http.MethodPost, Path: bkAdmin + "/sessions/cancel", Body: map[string]string{"practitioner_id": p1, "date": e.date(4), "reason": "doctor away"}},
			{Method: http.MethodPost, Path: bkAdmin + "/facilities", Body: map[string]any{"name": "Rogue Clinic", "kind": "clinic", "sector": "F-6", "address": "x", "location": map[string]float64{"lat": 33.7, "lng": 73.1}}},
			{Method: http.MethodPost, Path: bkAdmin + "/practitioners", Body: map[string]string{"facility_id": f1, "full_name": "Dr. Rogue", "specialty": "x", "pmdc_number": "1-P"}},
		}
		for _, req := range requests {
			t.Run("citizen "+req.Method+" "+strings.TrimPrefix(req.Path, bkAdmin), func(t *testing.T) {
				as := req
				as.Token = c.Token
				e.app.Do(as).Problem(t, http.StatusForbidden, "")
			})
			t.Run("anonymous "+req.Method+" "+strings.TrimPrefix(req.Path, bkAdmin), func(t *testing.T) {
				e.app.Do(req).Problem(t, http.StatusUnauthorized, "")
			})
		}
		for _, req := range requests[5:] {
			t.Run("health staff "+req.Method+" "+strings.TrimPrefix(req.Path, bkAdmin), func(t *testing.T) {
				as := req
				as.Token = staff1.Token
				e.app.Do(as).Problem(t, http.StatusForbidden, "")
			})
		}
		if got := e.booked(d4["09:30"].ID); got != 0 {
			t.Errorf("refused requests changed slot booked to %d", got)
		}
		if got := e.appointment(ca, late.ID).Status; got != health.StatusBooked {
			t.Errorf("a citizen changed an appointment to %s", got)
		}
	})

	// Last, as it moves the clock.
	t.Run("no-show once the slot has started", func(t *testing.T) {
		e.app.SetClock(d3["09:30"].StartsAt.Add(time.Minute))
		r := setStatus(staff1, late.ID, health.StatusNoShow)
		r.Want(t, http.StatusOK)
		if got := bkAppt(t, r).Status; got != health.StatusNoShow {
			t.Errorf("status = %s, want no_show", got)
		}
		// Today is now day 3: the list defaults to it.
		if got := apptIDs(t, dayList(staff1.Token, "")); !slices.Equal(got, []string{first.ID, second.ID, late.ID}) {
			t.Errorf("today's list = %v", got)
		}
	})
}

func TestFacilityCancellations(t *testing.T) {
	e := newBkEnv(t)
	f := e.facility()
	pr, night := e.practitioner(f), e.practitioner(f)
	e.addSlots(pr, "09:00", "10:00", 30, 3, 3, 3)
	s := e.slotsOn(pr, 3)
	desk, elsewhere := e.app.NewStaff("health_staff", f), e.app.NewStaff("health_staff", e.facility())
	c1, c2, c3 := e.app.NewCitizen(), e.app.NewCitizen(), e.app.NewCitizen()
	child := e.dependant(c2)

	a1 := e.mustBook(c1, s["09:00"].ID, "")
	a2 := e.mustBook(c2, s["09:00"].ID, child)
	gone := e.mustBook(c3, s["09:00"].ID, "") // cancelled by c3 before the facility acts
	e.cancel(c3, gone.ID).Want(t, http.StatusOK)
	a3 := e.mustBook(c3, s["09:30"].ID, "")
	const reason = "The doctor is on emergency duty"
	cancelSlot := func(who *apitest.Staff, id string, body any) *apitest.Response {
		return e.app.Post(bkAdmin+"/slots/"+id+"/cancel", who.Token, body)
	}

	t.Run("refusals", func(t *testing.T) {
		cancelSlot(elsewhere, s["09:00"].ID, map[string]string{"reason": reason}).Problem(t, http.StatusNotFound, "")
		cancelSlot(desk, s["09:00"].ID, map[string]string{}).Problem(t, http.StatusUnprocessableEntity, "reason")
		cancelSlot(desk, uuid.NewString(), map[string]string{"reason": reason}).Problem(t, http.StatusNotFound, "")
		cancelSlot(desk, "slot", map[string]string{"reason": reason}).Problem(t, http.StatusBadRequest, "id")
		if got := e.booked(s["09:00"].ID); got != 2 {
			t.Errorf("booked = %d, want 2", got)
		}
	})

	t.Run("one slot", func(t *testing.T) {
		r := cancelSlot(desk, s["09:00"].ID, map[string]string{"reason": reason})
		r.Want(t, http.StatusOK)
		var res health.CancellationResult
		r.JSON(t, &res)
		if res != (health.CancellationResult{SlotsCancelled: 1, AppointmentsCancelled: 2}) {
			t.Errorf("result %+v, want 1 slot and 2 appointments", res)
		}
		for _, tc := range []struct {
			who    *apitest.Citizen
			appt   health.Appointment
			status string
			notes  int
		}{
			{c1, a1, health.StatusCancelledByFacility, 1},
			{c2, a2, health.StatusCancelledByFacility, 1},
			{c3, gone, health.StatusCancelled, 0},
			{c3, a3, health.StatusBooked, 0},
		} {
			got := e.appointment(tc.who, tc.appt.ID)
			if got.Status != tc.status {
				t.Errorf("appointment %s is %s, want %s", tc.appt.ID, got.Status, tc.status)
			}
			if tc.status == health.StatusCancelledByFacility && got.CancelReason != reason {
				t.Errorf("cancel_reason = %q, want %q", got.CancelReason, reason)
			}
			if n := e.notices(tc.who.ID, "appointment.cancelled_by_facility", tc.appt.ID); n != tc.notes {
				t.Errorf("account %s has %d cancellation notices about %s, want %d", tc.who.ID, n, tc.appt.ID, tc.notes)
			}
		}
		if _, ok := e.listed(s["09:00"]); ok {
			t.Error("the cancelled slot is still listed")
		}
		if _, ok := e.listed(s["09:30"]); !ok {
			t.Error("the other slot is no longer listed")
		}
		e.book(c3, s["09:00"].ID, "").Problem(t, http.StatusConflict, "")
		cancelSlot(desk, s["09:00"].ID, map[string]string{"reason": reason}).Problem(t, http.StatusConflict, "")
		// A facility's cancellation frees the patient to book again that day.
		e.mustBook(c1, s["09:30"].ID, "")
	})

	t.Run("a practitioner's local day", func(t *testing.T) {
		// Night sessions on days 4, 5 and 6: 00:00, 00:20, 00:40 and 23:00,
		// 23:20. 00:20 on day 5 is 19:20 UTC on day 4; 00:00 on day 6 is
		// 19:00 UTC on day 5.
		e.addSlots(night, "00:00", "01:00", 20, 2, 4, 6)
		e.addSlots(night, "23:00", "23:40", 20, 2, 4, 6)
		d4, d5, d6 := e.slotsOn(night, 4), e.slotsOn(night, 5), e.slotsOn(night, 6)
		for i, d := range []map[string]health.Slot{d4, d5, d6} {
			if len(d) != 5 {
				t.Fatalf("day %d has %d slots, want 5", 4+i, len(d))
			}
		}
		if utcDay := d5["00:20"].StartsAt.UTC(); utcDay.Day() != e.local(4, "12:00").UTC().Day() || utcDay.Hour() != 19 {
			t.Fatalf("00:20 on day 5 starts at %s, want 19:20 UTC the day before", utcDay)
		}
		early := e.mustBook(c1, d5["00:20"].ID, "")
		lateNight := e.mustBook(c3, d5["23:20"].ID, "")
		dayBefore := e.mustBook(c3, d4["23:20"].ID, "")
		dayAfter := e.mustBook(c2, d6["00:00"].ID, "")

		session := func(who *apitest.Staff, body any) *apitest.Response {
			return e.app.Post(bkAdmin+"/sessions/cancel", who.Token, body)
		}
		body := map[string]string{"practitioner_id": night, "date": e.date(5), "reason": reason}
		session(elsewhere, body).Problem(t, http.StatusForbidden, "")
		session(desk, map[string]string{"practitioner_id": night, "date": "5th", "reason": reason}).Problem(t, http.StatusBadRequest, "date")
		session(desk, map[string]string{"practitioner_id": uuid.NewString(), "date": e.date(5), "reason": reason}).Problem(t, http.StatusUnprocessableEntity, "practitioner_id")

		r := session(desk, body)
		r.Want(t, http.StatusOK)
		var res health.CancellationResult
		r.JSON(t, &res)
		if res != (health.CancellationResult{SlotsCancelled: 5, AppointmentsCancelled: 2}) {
			t.Errorf("result %+v, want 5 slots and 2 appointments", res)
		}
		if n := len(e.slotsOn(night, 5)); n != 0 {
			t.Errorf("%d slots left on the cancelled day", n)
		}
		for _, off := range []int{4, 6} {
			if n := len(e.slotsOn(night, off)); n != 5 {
				t.Errorf("day %d has %d slots after cancelling day 5, want 5", off, n)
			}
		}
		for _, tc := range []struct {
			who    *apitest.Citizen
			appt   health.Appointment
			status string
		}{
			{c1, early, health.StatusCancelledByFacility},
			{c3, lateNight, health.StatusCancelledByFacility},
			{c3, dayBefore, health.StatusBooked},
			{c2, dayAfter, health.StatusBooked},
		} {
			if got := e.appointment(tc.who, tc.appt.ID).Status; got != tc.status {
				t.Errorf("appointment at %s is %s, want %s", tc.appt.Slot.StartsAt.In(domain.Karachi), got, tc.status)
			}
			want := 0
			if tc.status == health.StatusCancelledByFacility {
				want = 1
			}
			if n := e.notices(tc.who.ID, "appointment.cancelled_by_facility", tc.appt.ID); n != want {
				t.Errorf("%d cancellation notices about the appointment at %s, want %d", n, tc.appt.Slot.StartsAt.In(domain.Karachi), want)
			}
		}
		cancelSlot(desk, d5["00:20"].ID, map[string]string{"reason": reason}).Problem(t, http.StatusConflict, "")
	})
}

func TestAdminSchedules(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())

	t.Run("slot times are local, stored in UTC", func(t *testing.T) {
		if n := e.addSlots(pr, "09:00", "10:00", 30, 4, 3, 3); n != 2 {
			t.Fatalf("created = %d, want 2", n)
		}
		slots := e.listSlots(pr, e.local(3, "00:00"), e.local(4, "00:00"))
		d := e.today.AddDate(0, 0, 3)
		at := func(h, m int) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, time.UTC) }
		want := [][2]time.Time{{at(4, 0), at(4, 30)}, {at(4, 30), at(5, 0)}}
		if len(slots) != len(want) {
			t.Fatalf("got %d slots, want %d", len(slots), len(want))
		}
		for i, s := range slots {
			if !s.StartsAt.Equal(want[i][0]) || !s.EndsAt.Equal(want[i][1]) || s.StartsAt.Location() != time.UTC {
				t.Errorf("slot %d runs %s–%s, want %s–%s", i, s.StartsAt, s.EndsAt, want[i][0], want[i][1])
			}
			if s.Capacity != 4 || s.Remaining != 4 || s.PractitionerID != pr {
				t.Errorf("slot %d = %+v", i, s)
			}
		}
		// The same times in UTC, as the JSON carries them.
		r := e.app.Get("/api/v1/health/slots?practitioner_id="+pr+"&from="+url.QueryEscape(e.local(3, "00:00").Format(time.RFC3339)), "")
		if want := at(4, 0).Format("2006-01-02") + "T04:00:00Z"; !strings.Contains(string(r.Body), `"starts_at":"`+want+`"`) {
			t.Errorf("body %s lacks starts_at %s", r.Body, want)
		}
	})

	t.Run("running a schedule twice creates nothing new", func(t *testing.T) {
		if n := e.addSlots(pr, "09:00", "10:00", 30, 4, 3, 5); n != 4 {
			t.Errorf("first run over days 3 to 5 created %d, want 4 (day 3 exists)", n)
		}
		if n := e.addSlots(pr, "09:00", "10:00", 30, 4, 3, 5); n != 0 {
			t.Errorf("second run created %d, want 0", n)
		}
		if n := e.addSlots(pr, "09:00", "11:00", 30, 4, 3, 5); n != 6 {
			t.Errorf("a longer session created %d, want 6 (two more a day)", n)
		}
		if n := len(e.listSlots(pr, e.local(3, "00:00"), e.local(6, "00:00"))); n != 12 {
			t.Errorf("%d slots over days 3 to 5, want 12", n)
		}
	})

	t.Run("only future slots", func(t *testing.T) {
		other := e.practitioner(e.facility())
		now := e.app.Clock.Now()
		n := e.addSlots(other, "00:00", "23:30", 30, 1, 0, 0)
		future := 0
		for s := e.local(0, "00:00"); s.Before(e.local(0, "23:30")); s = s.Add(30 * time.Minute) {
			if s.After(now) {
				future++
			}
		}
		if n != future || len(e.slotsOn(other, 0)) != future {
			t.Errorf("created %d slots today, want the %d that start after now", n, future)
		}
	})

	t.Run("invalid schedules", func(t *testing.T) {
		valid := func() map[string]any { return e.scheduleBody(pr, "09:00", "10:00", 30, 2, 7, 7) }
		cases := []struct {
			name   string
			change func(map[string]any)
			status int
			field  string
		}{
			{"weekday 8", func(b map[string]any) { b["weekdays"] = []int{8} }, 422, "weekdays[0]"},
			{"end before start", func(b map[string]any) { b["end_time"] = "08:00" }, 422, "end_time"},
			{"time not HH:MM", func(b map[string]any) { b["start_time"] = "9am" }, 422, "start_time"},
			{"date not YYYY-MM-DD", func(b map[string]any) { b["from"] = "01/02/2027" }, 400, "from"},
			{"to before from", func(b map[string]any) { b["to"] = e.date(6) }, 422, "to"},
			{"capacity 0", func(b map[string]any) { b["capacity"] = 0 }, 422, "capacity"},
			{"unknown practitioner", func(b map[string]any) { b["practitioner_id"] = uuid.NewString() }, 422, "practitioner_id"},
			{"practitioner_id not a UUID", func(b map[string]any) { b["practitioner_id"] = "dr-who" }, 400, "practitioner_id"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				b := valid()
				tc.change(b)
				e.app.Post(bkAdmin+"/schedules", e.admin.Token, b).Problem(t, tc.status, tc.field)
			})
		}
		if n := len(e.slotsOn(pr, 7)); n != 0 {
			t.Errorf("refused schedules made %d slots", n)
		}
	})
}
