package home_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/home"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// The tests in this file drive the super-app layer (overview, notifications,
// reminders, access log) over HTTP. Every test builds its
// own facilities, schools and zones through the admin APIs and sets the
// clock to a day of its own: on PostgreSQL the package's tests share one
// schema, and reminders look at every appointment and permit in it.

const v1 = api.BasePath

// karachi is hh:mm local time on a day in Islamabad.
func karachi(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, domain.Karachi)
}

func overview(t *testing.T, app *apitest.App, c *apitest.Citizen) home.Overview {
	t.Helper()
	var o home.Overview
	app.Get(v1+"/me/overview", c.Token).Want(t, http.StatusOK).JSON(t, &o)
	return o
}

type notificationPage struct {
	Items      []notify.Notification `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

// notifications reads a page of c's notifications.
func notifications(t *testing.T, app *apitest.App, c *apitest.Citizen, query string, header map[string]string) (notificationPage, *apitest.Response) {
	t.Helper()
	r := app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/me/notifications" + query, Token: c.Token, Header: header})
	var page notificationPage
	r.Want(t, http.StatusOK).JSON(t, &page)
	return page, r
}

// storedNotice is a notification as the database holds it.
type storedNotice struct {
	ID   string
	Kind string
	Data string
}

// stored reads an account's notifications from the database, oldest first.
func stored(t *testing.T, app *apitest.App, accountID string) []storedNotice {
	t.Helper()
	var rows []storedNotice
	if err := app.DB.Raw("SELECT id, kind, data FROM notifications WHERE account_id = ? ORDER BY created_at, id", accountID).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func storedOfKind(t *testing.T, app *apitest.App, accountID, kind string) []storedNotice {
	t.Helper()
	var out []storedNotice
	for _, n := range stored(t, app, accountID) {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

type storedDelivery struct {
	Channel  string
	Status   string
	Attempts int
}

// deliveries reads the deliveries whose column where holds arg.
func deliveries(t *testing.T, app *apitest.App, where string, arg string) []storedDelivery {
	t.Helper()
	var rows []storedDelivery
	if err := app.DB.Raw("SELECT channel, status, attempts FROM notification_deliveries WHERE "+where+" = ? ORDER BY channel", arg).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// allPages follows next_cursor through a citizen's notifications, limit at
// a time, and returns their IDs in order; it fails on a repeated one.
func allPages(t *testing.T, app *apitest.App, c *apitest.Citizen, limit int) []string {
	t.Helper()
	var got []string
	seen := map[string]bool{}
	next := fmt.Sprintf("?limit=%d", limit)
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatal("the cursor does not advance")
		}
		page, _ := notifications(t, app, c, next, nil)
		if len(page.Items) == 0 || len(page.Items) > limit {
			t.Fatalf("limit %d: page %d has %d items", limit, pages+1, len(page.Items))
		}
		for _, n := range page.Items {
			if seen[n.ID] {
				t.Fatalf("limit %d: %s appears twice (page %d)", limit, n.ID, pages+1)
			}
			seen[n.ID] = true
			got = append(got, n.ID)
		}
		if page.NextCursor == nil {
			return got
		}
		next = fmt.Sprintf("?limit=%d&cursor=%s", limit, url.QueryEscape(*page.NextCursor))
	}
}

// ---- 1. overview ----

func TestHomeOverviewAcrossServices(t *testing.T) {
	// 09:00 on Wednesday 9 January 2030 in Islamabad.
	app := apitest.New(t)
	app.Clock.Set(karachi(2030, time.January, 9, 9, 0))
	a := app.NewCitizen()
	b := app.NewCitizen()

	// Permits first, bought on the 9th: the one-month permit runs to 8
	// February, the twelve-month one to 8 January 2031.
	zone := app.Zone(50)
	yearly := app.Pay(a, app.Permit(a, app.Vehicle(a), zone, 0, 12).ID)
	monthly := app.Pay(a, app.Permit(a, app.Vehicle(a), zone, 0, 1).ID)
	if monthly.EndDate != "2030-02-08" || monthly.EndsSoon || yearly.EndsSoon {
		t.Fatalf("new permits: monthly %+v, yearly %+v", monthly, yearly)
	}
	// 25 days on, 3 February: the monthly permit is in its last 7 days.
	app.SetClock(app.Clock.Now().Add(25 * 24 * time.Hour))

	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, 2, "09:00", "10:00", 30, 2)
	child := app.Dependant(a, "Zainab Khan")
	own := app.Book(a, app.Slot(doctor, app.At(1, 9, 0)).ID, "")
	dep := app.Book(a, app.Slot(doctor, app.At(2, 9, 0)).ID, child)
	// A cancelled appointment is not upcoming.
	gone := app.Book(a, app.Slot(doctor, app.At(2, 9, 30)).ID, "")
	app.Post(v1+"/health/appointments/"+gone.ID+"/cancel", a.Token, nil).Want(t, http.StatusOK)

	year := app.Admissions()
	school := app.School(year, 10)
	application := app.Apply(a, school, year, child)

	o := overview(t, app, a)
	if len(o.UpcomingAppointments) != 2 {
		t.Fatalf("upcoming appointments = %+v, want the own and the dependant's", o.UpcomingAppointments)
	}
	for i, want := range []struct {
		appt    health.Appointment
		patient string
	}{{own, "Test Citizen"}, {dep, "Zainab Khan"}} {
		got := o.UpcomingAppointments[i]
		if got.ID != want.appt.ID || got.Status != "booked" || got.PatientName != want.patient || !got.StartsAt.Equal(want.appt.Slot.StartsAt) ||
			got.FacilityID != facility || got.PractitionerID != doctor || got.QueueNumber != want.appt.QueueNumber {
			t.Errorf("upcoming[%d] = %+v, want appointment %s of %s at %s", i, got, want.appt.ID, want.patient, want.appt.Slot.StartsAt)
		}
	}
	if len(o.SchoolApplications) != 1 {
		t.Fatalf("school applications = %+v, want one", o.SchoolApplications)
	}
	if got := o.SchoolApplications[0]; got.ID != application.ID || got.Status != "submitted" || got.ChildName != "Zainab Khan" ||
		got.SchoolID != school || got.Grade != 1 || got.AcademicYear != year {
		t.Errorf("school application = %+v, want %s", got, application.ID)
	}
	if len(o.Permits) != 2 {
		t.Fatalf("permits = %+v, want two", o.Permits)
	}
	byID := map[string]home.PermitCard{}
	for _, p := range o.Permits {
		byID[p.ID] = p
	}
	if got := byID[monthly.ID]; got.Status != "active" || !got.EndsSoon || got.EndDate != "2030-02-08" || got.Plate != monthly.Plate || got.ZoneID != zone || got.PermitType != "resident" {
		t.Errorf("monthly permit on the overview = %+v, want active and ending soon", got)
	}
	if got := byID[yearly.ID]; got.Status != "active" || got.EndsSoon || got.Plate != yearly.Plate {
		t.Errorf("yearly permit on the overview = %+v, want active, not ending soon", got)
	}
	// Unread: three bookings, the application's receipt and two activated permits.
	if o.UnreadNotifications != 6 {
		t.Errorf("unread_notifications = %d, want 6", o.UnreadNotifications)
	}
	list, _ := notifications(t, app, a, "?limit=1", nil)
	app.Post(v1+"/me/notifications/"+list.Items[0].ID+"/read", a.Token, nil).Want(t, http.StatusOK)
	if got := overview(t, app, a).UnreadNotifications; got != 5 {
		t.Errorf("after marking one read, unread_notifications = %d, want 5", got)
	}

	t.Run("another citizen sees none of it", func(t *testing.T) {
		r := app.Get(v1+"/me/overview", b.Token)
		r.Want(t, http.StatusOK)
		raw := r.Map(t)
		for _, key := range []string{"upcoming_appointments", "school_applications", "permits"} {
			if list, ok := raw[key].([]any); !ok || len(list) != 0 {
				t.Errorf("B's %s = %v, want []", key, raw[key])
			}
		}
		if raw["unread_notifications"] != float64(0) {
			t.Errorf("B's unread_notifications = %v, want 0", raw["unread_notifications"])
		}
		for _, id := range []string{own.ID, dep.ID, application.ID, monthly.ID, yearly.ID} {
			if strings.Contains(string(r.Body), id) {
				t.Errorf("B's overview names A's record %s", id)
			}
		}
	})

	t.Run("only citizens", func(t *testing.T) {
		app.Get(v1+"/me/overview", "").Want(t, http.StatusUnauthorized)
		app.Get(v1+"/me/overview", app.Admin(identity.RoleHealthAdmin).Token).Want(t, http.StatusForbidden)
	})
}

// queryCounter counts the statements run on a database while it is on.
type queryCounter struct {
	on  atomic.Bool
	n   atomic.Int64
	mu  sync.Mutex
	sql []string
}

// countQueries registers callbacks after every kind of GORM statement.
// Register before the first request, and only count while no other work
// runs on the database.
func countQueries(t *testing.T, d *db.DB) *queryCounter {
	t.Helper()
	q := &queryCounter{}
	count := func(tx *gorm.DB) {
		if !q.on.Load() {
			return
		}
		q.n.Add(1)
		q.mu.Lock()
		q.sql = append(q.sql, tx.Statement.SQL.String())
		q.mu.Unlock()
	}
	cb := d.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("hometest:count_query", count),
		"row":    cb.Row().After("gorm:row").Register("hometest:count_row", count),
		"raw":    cb.Raw().After("gorm:raw").Register("hometest:count_raw", count),
		"create": cb.Create().After("gorm:create").Register("hometest:count_create", count),
		"update": cb.Update().After("gorm:update").Register("hometest:count_update", count),
		"delete": cb.Delete().After("gorm:delete").Register("hometest:count_delete", count),
	} {
		if err != nil {
			t.Fatalf("register %s callback: %v", name, err)
		}
	}
	return q
}

// during counts the statements fn runs and returns them.
func (q *queryCounter) during(fn func()) (int64, []string) {
	q.mu.Lock()
	q.sql = nil
	q.mu.Unlock()
	q.n.Store(0)
	q.on.Store(true)
	fn()
	q.on.Store(false)
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n.Load(), append([]string(nil), q.sql...)
}

func TestHomeOverviewQueryCountIsBounded(t *testing.T) {
	const many = 15
	// 09:00 on Wednesday 15 May 2030 in Islamabad.
	app := apitest.New(t)
	app.Clock.Set(karachi(2030, time.May, 15, 9, 0))
	queries := countQueries(t, app.DB)
	small, large := app.NewCitizen(), app.NewCitizen()

	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, many, "09:00", "09:30", 30, 5)
	app.Book(small, app.Slot(doctor, app.At(1, 9, 0)).ID, "")
	for d := 1; d <= many; d++ {
		app.Book(large, app.Slot(doctor, app.At(d, 9, 0)).ID, "")
	}

	year := app.Admissions()
	schools := []string{app.School(year, 20), app.School(year, 20), app.School(year, 20)}
	app.Apply(small, schools[0], year, app.Dependant(small, "Small Child"))
	for k := range many / len(schools) { // at most 3 open applications a child
		kid := app.Dependant(large, fmt.Sprintf("Large Child %d", k))
		for _, s := range schools {
			app.Apply(large, s, year, kid)
		}
	}

	zone := app.Zone(100)
	app.Pay(small, app.Permit(small, app.Vehicle(small), zone, 0, 1).ID)
	for range many {
		app.Pay(large, app.Permit(large, app.Vehicle(large), zone, 0, 1).ID)
	}

	// Warm up, then count one request each. The caller's account and
	// session are remembered for a second of wall time, which a slow run
	// may outlast: their reads are authentication's, not the overview's,
	// and are left out.
	var os, ol home.Overview
	overview(t, app, small)
	ns, sqlSmall := overviewStatements(queries.during(func() { os = overview(t, app, small) }))
	overview(t, app, large)
	nl, sqlLarge := overviewStatements(queries.during(func() { ol = overview(t, app, large) }))
	if len(os.UpcomingAppointments) != 1 || len(os.SchoolApplications) != 1 || len(os.Permits) != 1 {
		t.Fatalf("small citizen's overview = %d appointments, %d applications, %d permits; want 1 each",
			len(os.UpcomingAppointments), len(os.SchoolApplications), len(os.Permits))
	}
	if len(ol.UpcomingAppointments) != many || len(ol.SchoolApplications) != many || len(ol.Permits) != many {
		t.Fatalf("large citizen's overview = %d appointments, %d applications, %d permits; want %d each",
			len(ol.UpcomingAppointments), len(ol.SchoolApplications), len(ol.Permits), many)
	}
	t.Logf("GET /me/overview ran %d statements for 1 item of each kind and %d for %d:\n  %s", ns, nl, many, strings.Join(sqlLarge, "\n  "))
	if ns != nl {
		t.Errorf("statements: %d for the small citizen, %d for the large one; want the same\nsmall:\n  %s\nlarge:\n  %s",
			ns, nl, strings.Join(sqlSmall, "\n  "), strings.Join(sqlLarge, "\n  "))
	}
	if nl > 15 || ns == 0 {
		t.Errorf("GET /me/overview ran %d statements, want a small fixed number (at most 15):\n  %s", nl, strings.Join(sqlLarge, "\n  "))
	}
}

// overviewStatements leaves out of n statements those that authenticate
// the caller.
func overviewStatements(n int64, sql []string) (int64, []string) {
	var kept []string
	for _, q := range sql {
		// SQLite quotes names with backticks, PostgreSQL with double quotes.
		unquoted := strings.NewReplacer("`", "", `"`, "").Replace(q)
		if !strings.Contains(unquoted, "FROM accounts ") && !strings.Contains(unquoted, "FROM refresh_tokens ") {
			kept = append(kept, q)
		}
	}
	return int64(len(kept)), kept
}

// ---- 2. notifications ----

func TestHomeNotificationsFollowCommits(t *testing.T) {
	// 09:00 on Wednesday 13 March 2030 in Islamabad.
	app := apitest.New(t)
	app.Clock.Set(karachi(2030, time.March, 13, 9, 0))
	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, 2, "09:00", "10:00", 20, 2)
	staff := app.NewStaff(identity.RoleHealthStaff, facility)
	a, b, c := app.NewCitizen(), app.NewCitizen(), app.NewCitizen()
	kid := app.Dependant(a, "Bilal Khan")
	s1 := app.Slot(doctor, app.At(1, 9, 0))

	// 1. A booking writes one notice and a delivery per channel.
	first := app.Book(a, s1.ID, "")
	notices := stored(t, app, a.ID)
	if len(notices) != 1 || notices[0].Kind != "appointment.booked" || !strings.Contains(notices[0].Data, first.ID) {
		t.Fatalf("A's notices after booking = %+v, want one appointment.booked for %s", notices, first.ID)
	}
	bookedID := notices[0].ID
	if got := deliveries(t, app, "notification_id", bookedID); !slices.Equal(got, []storedDelivery{{"email", "pending", 0}, {"sms", "pending", 0}}) {
		t.Fatalf("deliveries of the booking notice = %+v, want a pending e-mail and SMS", got)
	}
	app.SetClock(app.Clock.Now().Add(time.Minute))
	app.Book(c, s1.ID, "") // the slot is full now

	// 2. Failed bookings write nothing.
	app.SetClock(app.Clock.Now().Add(time.Minute))
	r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/health/appointments", Token: b.Token, Body: map[string]any{"slot_id": s1.ID}, Header: map[string]string{"Accept-Language": "ur"}})
	r.Want(t, http.StatusConflict)
	var full web.Problem
	r.JSON(t, &full)
	if full.Title != i18n.T(i18n.Urdu, "problem.conflict.title", nil) || full.Detail != i18n.T(i18n.Urdu, "error.slot_full", nil) || r.Header.Get("Content-Language") != i18n.Urdu {
		t.Errorf("full slot in Urdu: %q / %q (Content-Language %q), want the catalog's Urdu", full.Title, full.Detail, r.Header.Get("Content-Language"))
	}
	if n := stored(t, app, b.ID); len(n) != 0 {
		t.Fatalf("a refused booking left notices %+v", n)
	}
	if d := deliveries(t, app, "account_id", b.ID); len(d) != 0 {
		t.Fatalf("a refused booking left deliveries %+v", d)
	}
	s2 := app.Slot(doctor, app.At(1, 9, 20))
	// The same patient twice with one doctor in a day fails inside the
	// transaction, after the seat was taken: that rolls back too.
	app.Post(v1+"/health/appointments", a.Token, map[string]any{"slot_id": s2.ID}).Want(t, http.StatusConflict)
	if n := stored(t, app, a.ID); len(n) != 1 {
		t.Fatalf("a booking refused mid-transaction left notices: %+v", n)
	}
	if d := deliveries(t, app, "account_id", a.ID); len(d) != 2 {
		t.Fatalf("a booking refused mid-transaction left deliveries: %+v", d)
	}
	if got := app.Slot(doctor, s2.StartsAt); got.Remaining != 2 {
		t.Fatalf("the refused booking kept a seat: %d of 2 remaining", got.Remaining)
	}

	app.Book(a, s2.ID, kid)
	app.SetClock(app.Clock.Now().Add(time.Minute))
	// A retried request (same Idempotency-Key) replays the booking and
	// tells the citizen nothing new.
	retry := map[string]string{"Idempotency-Key": uuid.NewString()}
	day2 := map[string]any{"slot_id": app.Slot(doctor, app.At(2, 9, 0)).ID}
	r1 := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/health/appointments", Token: a.Token, Body: day2, Header: retry})
	r2 := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/health/appointments", Token: a.Token, Body: day2, Header: retry})
	if r1.Status != http.StatusCreated || r2.Status != http.StatusCreated || string(r1.Body) != string(r2.Body) {
		t.Fatalf("idempotent booking: %d %s, replay %d %s", r1.Status, r1.Body, r2.Status, r2.Body)
	}
	if n := storedOfKind(t, app, a.ID, "appointment.booked"); len(n) != 3 {
		t.Fatalf("A has %d booking notices after a replayed booking, want 3", len(n))
	}
	app.SetClock(app.Clock.Now().Add(time.Minute))

	// 3. The facility cancels the first slot: one notice per patient's account.
	r = app.Post(v1+"/admin/health/slots/"+s1.ID+"/cancel", staff.Token, map[string]string{"reason": "The doctor is on emergency duty"})
	r.Want(t, http.StatusOK)
	if res := r.Map(t); res["appointments_cancelled"] != float64(2) {
		t.Fatalf("cancellation = %v, want 2 appointments cancelled", res)
	}
	for _, who := range []*apitest.Citizen{a, c} {
		got := storedOfKind(t, app, who.ID, "appointment.cancelled_by_facility")
		if len(got) != 1 {
			t.Fatalf("%s has %d cancellation notices, want 1", who.ID, len(got))
		}
		if d := deliveries(t, app, "notification_id", got[0].ID); len(d) != 2 {
			t.Fatalf("cancellation notice has deliveries %+v, want 2", d)
		}
	}
	if n := stored(t, app, b.ID); len(n) != 0 {
		t.Fatalf("B, never booked, got %+v", n)
	}
	if n := len(stored(t, app, a.ID)); n != 4 {
		t.Fatalf("A has %d notices, want 4 (three bookings, one cancellation)", n)
	}

	// A declined payment activates nothing and tells nothing; the paid one does.
	zone := app.Zone(10)
	permit := app.Permit(b, app.Vehicle(b), zone, 0, 1)
	r = app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/parking/permits/" + permit.ID + "/payments", Token: b.Token, Body: map[string]any{"method": "sandbox", "payment_token": "tok_decline"}, Header: map[string]string{"Idempotency-Key": uuid.NewString()}})
	r.Want(t, http.StatusUnprocessableEntity)
	if n := stored(t, app, b.ID); len(n) != 0 {
		t.Fatalf("a declined payment left notices %+v", n)
	}
	app.Pay(b, permit.ID)
	if n := stored(t, app, b.ID); len(n) != 1 || n[0].Kind != "permit.activated" || !strings.Contains(n[0].Data, permit.ID) {
		t.Fatalf("after paying, B's notices = %+v, want one permit.activated", n)
	}
	if d := deliveries(t, app, "notification_id", stored(t, app, b.ID)[0].ID); len(d) != 2 {
		t.Fatalf("permit.activated deliveries = %+v, want 2", d)
	}

	// 4. Reading them.
	all, _ := notifications(t, app, a, "?limit=100", nil)
	if len(all.Items) != 4 || all.NextCursor != nil {
		t.Fatalf("A's notifications = %d items, next %v; want 4 on one page", len(all.Items), all.NextCursor)
	}
	if all.Items[0].Kind != "appointment.cancelled_by_facility" || all.Items[3].ID != bookedID {
		t.Fatalf("not newest first: %s first, %s last", all.Items[0].Kind, all.Items[3].ID)
	}
	for _, n := range all.Items {
		if n.Read || len(n.Deliveries) != 2 || n.Deliveries[0].Channel != "email" || n.Deliveries[1].Channel != "sms" || n.Deliveries[0].Status != "pending" {
			t.Fatalf("notification %+v: want unread with a pending e-mail and SMS", n)
		}
		if n.Title != i18n.T(i18n.English, "notification."+n.Kind+".title", n.Data) || n.Body != i18n.T(i18n.English, "notification."+n.Kind+".body", n.Data) {
			t.Errorf("English texts of %s = %q / %q", n.Kind, n.Title, n.Body)
		}
	}

	path := v1 + "/me/notifications/" + bookedID + "/read"
	r = app.Do(apitest.Request{Method: http.MethodPost, Path: path, Token: b.Token, Header: map[string]string{"Accept-Language": "ur"}})
	r.Want(t, http.StatusNotFound)
	var nf web.Problem
	r.JSON(t, &nf)
	if nf.Title != i18n.T(i18n.Urdu, "problem.not-found.title", nil) || nf.Detail != i18n.T(i18n.Urdu, "problem.not-found.detail", nil) {
		t.Errorf("not found in Urdu: %q / %q", nf.Title, nf.Detail)
	}
	if list, _ := notifications(t, app, a, "?limit=100", nil); list.Items[3].ID != bookedID || list.Items[3].Read {
		t.Fatalf("another citizen's attempt marked A's notification read")
	}
	if got := overview(t, app, a).UnreadNotifications; got != 4 {
		t.Fatalf("after another citizen's attempt, A has %d unread, want 4", got)
	}
	r = app.Post(path, a.Token, nil)
	r.Want(t, http.StatusOK)
	var read notify.Notification
	r.JSON(t, &read)
	if !read.Read || read.ReadAt == nil || !read.ReadAt.Equal(app.Clock.Now()) || read.ID != bookedID {
		t.Fatalf("marked notification = %+v, want read at %s", read, app.Clock.Now())
	}
	app.Post(path, a.Token, nil).Want(t, http.StatusOK)
	app.Post(v1+"/me/notifications/not-a-uuid/read", a.Token, nil).Want(t, http.StatusBadRequest)
	app.Post(v1+"/me/notifications/"+uuid.NewString()+"/read", a.Token, nil).Want(t, http.StatusNotFound)
	if list, _ := notifications(t, app, b, "", nil); len(list.Items) != 1 || list.Items[0].Kind != "permit.activated" {
		t.Fatalf("B lists %+v, want only their permit notice", list.Items)
	}

	all, _ = notifications(t, app, a, "?limit=100", nil)
	var order []string
	for i, n := range all.Items {
		order = append(order, n.ID)
		if wantRead := i == 3; n.Read != wantRead {
			t.Fatalf("item %d (%s) read = %v: unread must come first", i, n.Kind, n.Read)
		}
		if i > 0 && i < 3 && n.CreatedAt.After(all.Items[i-1].CreatedAt) {
			t.Fatalf("unread notifications are not newest first")
		}
	}
	if all.Items[3].ID != bookedID {
		t.Fatalf("the read notification is not last: %v", order)
	}

	t.Run("pages", func(t *testing.T) {
		for _, limit := range []int{1, 3} {
			if got := allPages(t, app, a, limit); !slices.Equal(got, order) {
				t.Fatalf("limit %d: pages hold %v, want %v", limit, got, order)
			}
		}
		app.Get(v1+"/me/notifications?cursor=forged", a.Token).Want(t, http.StatusBadRequest)
		app.Get(v1+"/me/notifications?limit=0", a.Token).Want(t, http.StatusUnprocessableEntity)
	})

	t.Run("in Urdu", func(t *testing.T) {
		list, r := notifications(t, app, a, "?limit=100", map[string]string{"Accept-Language": "ur"})
		if got := r.Header.Get("Content-Language"); got != i18n.Urdu {
			t.Errorf("Content-Language = %q, want ur", got)
		}
		urTitle := i18n.T(i18n.Urdu, "notification.appointment.booked.title", nil)
		if urTitle == i18n.T(i18n.English, "notification.appointment.booked.title", nil) {
			t.Fatal("the Urdu catalog has the English title")
		}
		booked := 0
		for _, n := range list.Items {
			if n.Title != i18n.T(i18n.Urdu, "notification."+n.Kind+".title", n.Data) || n.Body != i18n.T(i18n.Urdu, "notification."+n.Kind+".body", n.Data) {
				t.Errorf("%s in Urdu = %q / %q", n.Kind, n.Title, n.Body)
			}
			if n.Kind == "appointment.booked" {
				booked++
				if n.Title != urTitle {
					t.Errorf("booked title = %q, want %q", n.Title, urTitle)
				}
			}
		}
		if booked != 3 {
			t.Errorf("%d booked notices in Urdu, want 3", booked)
		}
		r = app.Do(apitest.Request{Method: http.MethodPost, Path: path, Token: a.Token, Header: map[string]string{"Accept-Language": "ur"}})
		var n notify.Notification
		r.JSON(t, &n)
		if n.Title != urTitle || r.Header.Get("Content-Language") != i18n.Urdu {
			t.Errorf("mark read in Urdu: title %q, Content-Language %q", n.Title, r.Header.Get("Content-Language"))
		}
		if _, r := notifications(t, app, a, "", nil); r.Header.Get("Content-Language") != i18n.English {
			t.Errorf("default Content-Language = %q, want en", r.Header.Get("Content-Language"))
		}
	})
}

// TestHomeNotificationPagesWithTies pages through notices written in the
// same instant (a booking spree, then one session cancellation), some read
// at the same instant too: the keyset must break the ties without skipping
// or repeating one.
func TestHomeNotificationPagesWithTies(t *testing.T) {
	// 09:00 on Wednesday 10 April 2030 in Islamabad; the clock stays put.
	app := apitest.New(t)
	app.Clock.Set(karachi(2030, time.April, 10, 9, 0))
	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, 1, "09:00", "10:00", 20, 4)
	staff := app.NewStaff(identity.RoleHealthStaff, facility)
	a := app.NewCitizen()
	patients := []string{"", app.Dependant(a, "Kid One"), app.Dependant(a, "Kid Two"), app.Dependant(a, "Kid Three")}
	for i, p := range patients {
		app.Book(a, app.Slot(doctor, app.At(1, 9, 20*(i%3))).ID, p)
	}
	r := app.Post(v1+"/admin/health/sessions/cancel", staff.Token, map[string]string{"practitioner_id": doctor, "date": app.Day(1), "reason": "Public holiday"})
	r.Want(t, http.StatusOK)
	if got := r.Map(t)["appointments_cancelled"]; got != float64(4) {
		t.Fatalf("appointments_cancelled = %v, want 4", got)
	}
	if got := len(storedOfKind(t, app, a.ID, "appointment.cancelled_by_facility")); got != 4 {
		t.Fatalf("%d cancellation notices, want one per appointment (4)", got)
	}
	all, _ := notifications(t, app, a, "?limit=100", nil)
	if len(all.Items) != 8 {
		t.Fatalf("%d notifications, want 8", len(all.Items))
	}
	for _, i := range []int{0, 3, 6} {
		app.Post(v1+"/me/notifications/"+all.Items[i].ID+"/read", a.Token, nil).Want(t, http.StatusOK)
	}
	all, _ = notifications(t, app, a, "?limit=100", nil)
	var order []string
	for i, n := range all.Items {
		order = append(order, n.ID)
		if wantRead := i >= 5; n.Read != wantRead {
			t.Fatalf("item %d read = %v: the 5 unread must come first", i, n.Read)
		}
	}
	for _, limit := range []int{1, 2, 3, 5, 7} {
		if got := allPages(t, app, a, limit); !slices.Equal(got, order) {
			t.Fatalf("limit %d: pages hold %v, want %v", limit, got, order)
		}
	}
}

// ---- 4. reminders ----

// runConcurrently runs send from n goroutines at once, as n instances
// of the service would, and returns how many reminders they sent in all.
func runConcurrently(t *testing.T, n int, send func(context.Context) (int, error)) int {
	t.Helper()
	var total atomic.Int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			n, err := send(context.Background())
			if err != nil {
				errs <- err
			}
			total.Add(int64(n))
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("SendReminders: %v", err)
	}
	return int(total.Load())
}

// forgetReminders makes reminders due again: the records' reminded_at is
// cleared and their reminder notices (those naming a record) are deleted.
func forgetReminders(t *testing.T, d *db.DB, table string, ids []string, kind string) {
	t.Helper()
	if err := d.Exec("UPDATE "+table+" SET reminded_at = NULL WHERE id IN ?", ids).Error; err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, id := range ids {
		var found []string
		if err := d.Raw("SELECT id FROM notifications WHERE kind = ? AND data LIKE ?", kind, "%"+id+"%").Scan(&found).Error; err != nil {
			t.Fatal(err)
		}
		notices = append(notices, found...)
	}
	if len(notices) == 0 {
		return
	}
	for _, stmt := range []string{"DELETE FROM notification_deliveries WHERE notification_id IN ?", "DELETE FROM notifications WHERE id IN ?"} {
		if err := d.Exec(stmt, notices).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func runOnce(t *testing.T, send func(context.Context) (int, error)) int {
	t.Helper()
	n, err := send(context.Background())
	if err != nil {
		t.Fatalf("SendReminders: %v", err)
	}
	return n
}

func TestHomeAppointmentRemindersFireOnce(t *testing.T) {
	// 09:00 on Wednesday 16 July 2031 in Islamabad.
	t0 := karachi(2031, time.July, 16, 9, 0)
	app := apitest.New(t)
	app.Clock.Set(t0)
	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, 1, "08:00", "16:00", 60, 3)
	soon, cancelling := app.NewCitizen(), app.NewCitizen()
	later := []*apitest.Citizen{app.NewCitizen(), app.NewCitizen(), app.NewCitizen()}
	in23h := app.Book(soon, app.Slot(doctor, t0.Add(23*time.Hour)).ID, "")
	in30h := map[*apitest.Citizen]health.Appointment{}
	for _, c := range later {
		in30h[c] = app.Book(c, app.Slot(doctor, t0.Add(30*time.Hour)).ID, "")
	}
	cancelled := app.Book(cancelling, app.Slot(doctor, t0.Add(24*time.Hour)).ID, "")
	app.Post(v1+"/health/appointments/"+cancelled.ID+"/cancel", cancelling.Token, nil).Want(t, http.StatusOK)

	svc := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock})
	reminders := func(who *apitest.Citizen) []storedNotice { return storedOfKind(t, app, who.ID, "appointment.reminder") }

	if n := runOnce(t, svc.SendReminders); n != 1 {
		t.Fatalf("first run sent %d reminders, want 1", n)
	}
	got := reminders(soon)
	if len(got) != 1 || !strings.Contains(got[0].Data, in23h.ID) {
		t.Fatalf("reminders of the appointment in 23 hours = %+v", got)
	}
	if d := deliveries(t, app, "notification_id", got[0].ID); len(d) != 2 {
		t.Fatalf("the reminder has deliveries %+v, want 2", d)
	}
	if n := runOnce(t, svc.SendReminders); n != 0 {
		t.Fatalf("second run sent %d, want 0", n)
	}
	if n := runConcurrently(t, 2, svc.SendReminders); n != 0 {
		t.Fatalf("two concurrent runs sent %d, want 0", n)
	}
	for _, c := range later {
		if len(reminders(c)) != 0 {
			t.Fatalf("the appointment 30 hours ahead got a reminder")
		}
	}
	if len(reminders(cancelling)) != 0 || len(reminders(soon)) != 1 {
		t.Fatalf("reminders: soon %d, cancelled %d; want 1, 0", len(reminders(soon)), len(reminders(cancelling)))
	}

	// Five hours on, the 30-hour appointments are still 25 hours away.
	app.SetClock(t0.Add(5 * time.Hour))
	if n := runOnce(t, svc.SendReminders); n != 0 {
		t.Fatalf("25 hours ahead: sent %d, want 0", n)
	}
	// Seven hours on they are 23 hours away: several instances race for
	// them. The race is run a few times, forgetting the reminders between
	// rounds, so that the instances meet in more than one order.
	app.SetClock(t0.Add(7 * time.Hour))
	var laterIDs []string
	for _, c := range later {
		laterIDs = append(laterIDs, in30h[c].ID)
	}
	for round := 1; round <= 5; round++ {
		if round > 1 {
			forgetReminders(t, app.DB, "health_appointments", laterIDs, "appointment.reminder")
		}
		if n := runConcurrently(t, 8, svc.SendReminders); n != len(later) {
			t.Fatalf("round %d: eight concurrent runs for %d newly due reminders sent %d", round, len(later), n)
		}
		for _, c := range later {
			if got := reminders(c); len(got) != 1 || !strings.Contains(got[0].Data, in30h[c].ID) {
				t.Fatalf("round %d: reminders of a later appointment = %+v, want one", round, got)
			}
		}
	}
	if n := runOnce(t, svc.SendReminders); n != 0 {
		t.Fatalf("run after that sent %d, want 0", n)
	}
	if len(reminders(soon)) != 1 || len(reminders(cancelling)) != 0 {
		t.Fatal("a reminder was repeated or sent for a cancelled appointment")
	}

	// The citizen reads it in the inbox.
	list, _ := notifications(t, app, later[0], "", map[string]string{"Accept-Language": "ur"})
	if len(list.Items) == 0 || list.Items[0].Kind != "appointment.reminder" ||
		list.Items[0].Title != i18n.T(i18n.Urdu, "notification.appointment.reminder.title", nil) {
		t.Fatalf("newest notification = %+v, want the Urdu reminder", list.Items)
	}
}

func TestHomePermitRemindersFireOnce(t *testing.T) {
	// 09:00 on Wednesday 1 October 2031 in Islamabad.
	t0 := karachi(2031, time.October, 1, 9, 0)
	app := apitest.New(t)
	app.Clock.Set(t0)
	a := app.NewCitizen()
	zone := app.Zone(20)
	first := app.Pay(a, app.Permit(a, app.Vehicle(a), zone, 0, 1).ID) // to 31 October
	// Three permits from tomorrow, to 1 November.
	var seconds []parking.Permit
	for range 3 {
		seconds = append(seconds, app.Pay(a, app.Permit(a, app.Vehicle(a), zone, 1, 1).ID))
	}
	second := seconds[0]
	yearly := app.Pay(a, app.Permit(a, app.Vehicle(a), zone, 0, 12).ID)
	unpaid := app.Permit(a, app.Vehicle(a), zone, 0, 1)
	if first.EndDate != "2031-10-31" || second.EndDate != "2031-11-01" {
		t.Fatalf("end dates %s and %s", first.EndDate, second.EndDate)
	}
	svc := parking.NewService(parking.Deps{DB: app.DB, Clock: app.Clock})
	expiring := func(p parking.Permit) int {
		n := 0
		for _, s := range storedOfKind(t, app, a.ID, "permit.expiring") {
			if strings.Contains(s.Data, p.ID) {
				n++
			}
		}
		return n
	}
	endsSoon := func(id string) bool {
		for _, p := range overview(t, app, a).Permits {
			if p.ID == id {
				return p.EndsSoon
			}
		}
		t.Fatalf("permit %s is not on the overview", id)
		return false
	}

	if n := runOnce(t, svc.SendReminders); n != 0 {
		t.Fatalf("on the first day, sent %d, want 0", n)
	}
	// 23 October: the first permit's last day is 8 days away.
	app.SetClock(karachi(2031, time.October, 23, 9, 0))
	if n := runOnce(t, svc.SendReminders); n != 0 || endsSoon(first.ID) {
		t.Fatalf("8 days before the end: sent %d, ends_soon %v; want 0, false", n, endsSoon(first.ID))
	}
	// 24 October: 7 days away.
	app.SetClock(karachi(2031, time.October, 24, 9, 0))
	if !endsSoon(first.ID) || endsSoon(second.ID) {
		t.Fatalf("7 days before the end: ends_soon first %v, second %v; want true, false", endsSoon(first.ID), endsSoon(second.ID))
	}
	if n := runOnce(t, svc.SendReminders); n != 1 || expiring(first) != 1 {
		t.Fatalf("7 days before the end: sent %d, reminders of the permit %d; want 1, 1", n, expiring(first))
	}
	if n := runOnce(t, svc.SendReminders); n != 0 {
		t.Fatalf("second run sent %d, want 0", n)
	}
	if n := runConcurrently(t, 2, svc.SendReminders); n != 0 {
		t.Fatalf("two concurrent runs sent %d, want 0", n)
	}
	// 25 October: the permits ending on 1 November are due, and several
	// instances race for them.
	app.SetClock(karachi(2031, time.October, 25, 9, 0))
	var secondIDs []string
	for _, p := range seconds {
		secondIDs = append(secondIDs, p.ID)
	}
	for round := 1; round <= 5; round++ {
		if round > 1 {
			forgetReminders(t, app.DB, "parking_permits", secondIDs, "permit.expiring")
		}
		if n := runConcurrently(t, 8, svc.SendReminders); n != len(seconds) {
			t.Fatalf("round %d: eight concurrent runs for %d newly due reminders sent %d", round, len(seconds), n)
		}
		for _, p := range seconds {
			if expiring(p) != 1 {
				t.Fatalf("round %d: permit %s got %d permit.expiring notices, want 1", round, p.ID, expiring(p))
			}
		}
	}
	if n := runOnce(t, svc.SendReminders); n != 0 {
		t.Fatalf("run after that sent %d, want 0", n)
	}
	if expiring(first) != 1 || expiring(yearly) != 0 || expiring(unpaid) != 0 {
		t.Fatalf("permit.expiring notices: first %d, yearly %d, unpaid %d; want 1, 0, 0", expiring(first), expiring(yearly), expiring(unpaid))
	}
	for _, p := range seconds {
		if expiring(p) != 1 {
			t.Fatalf("permit %s got %d permit.expiring notices, want 1", p.ID, expiring(p))
		}
	}
}

// ---- 5. access log ----

type accessLogPage struct {
	Items      []home.AccessEntry `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func TestHomeAccessLogShowsStaffUse(t *testing.T) {
	// 09:00 on Tuesday 10 September 2030 in Islamabad.
	app := apitest.New(t)
	app.Clock.Set(karachi(2030, time.September, 10, 9, 0))
	facility, other := app.Facility(), app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 1, 2, "09:00", "10:00", 20, 3)
	staff := app.NewStaff(identity.RoleHealthStaff, facility)
	elsewhere := app.NewStaff(identity.RoleHealthStaff, other)
	a, b := app.NewCitizen(), app.NewCitizen()
	kid := app.Dependant(a, "Hira Khan")
	own := app.Book(a, app.Slot(doctor, app.At(1, 9, 0)).ID, "")
	app.Book(a, app.Slot(doctor, app.At(1, 9, 20)).ID, kid)
	app.Book(b, app.Slot(doctor, app.At(2, 9, 0)).ID, "") // another day, never read

	accessLog := func(c *apitest.Citizen, lang string) (accessLogPage, *apitest.Response) {
		t.Helper()
		h := map[string]string{}
		if lang != "" {
			h["Accept-Language"] = lang
		}
		r := app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/me/access-log?limit=100", Token: c.Token, Header: h})
		r.Want(t, http.StatusOK)
		var l accessLogPage
		r.JSON(t, &l)
		return l, r
	}
	if l, _ := accessLog(a, ""); len(l.Items) != 0 {
		t.Fatalf("before any staff use, A's access log = %+v", l.Items)
	}

	// Staff of another facility are refused, and that reads nothing.
	app.Get(v1+"/admin/health/appointments?facility_id="+facility+"&date="+app.Day(1), elsewhere.Token).Want(t, http.StatusForbidden)

	app.SetClock(app.Clock.Now().Add(time.Minute))
	r := app.Get(v1+"/admin/health/appointments?date="+app.Day(1), staff.Token)
	r.Want(t, http.StatusOK)
	var day struct {
		Items []health.Appointment `json:"items"`
	}
	r.JSON(t, &day)
	if len(day.Items) != 2 {
		t.Fatalf("the day list holds %d appointments, want A's two", len(day.Items))
	}
	readAt := app.Clock.Now()
	app.SetClock(app.Clock.Now().Add(time.Minute))
	r = app.Post(v1+"/admin/health/appointments/"+own.ID+"/status", staff.Token, map[string]string{"status": "checked_in"})
	r.Want(t, http.StatusOK)
	changedAt := app.Clock.Now()
	// A signs in again: their own doings are not someone else's use.
	app.Login(a.CNIC, a.Password)

	l, raw := accessLog(a, "")
	if len(l.Items) != 2 {
		t.Fatalf("A's access log = %+v, want the read and the check-in", l.Items)
	}
	for i, want := range []struct {
		action, purposeKey string
		at                 time.Time
	}{
		{"health.appointment.checked_in", "purpose.health.appointment.checked_in", changedAt},
		{"health.appointments.read", "purpose.health.appointments.read", readAt},
	} {
		got := l.Items[i]
		if got.Action != want.action || got.By != "staff" || got.Role != identity.RoleHealthStaff || got.Department != "health" ||
			got.UnitID != facility || got.ClientID != "" || !got.At.Equal(want.at) || got.Purpose != i18n.T(i18n.English, want.purposeKey, nil) {
			t.Errorf("entry %d = %+v, want %s by health_staff of %s at %s", i, got, want.action, facility, want.at)
		}
	}
	for _, secret := range []string{staff.ID, staff.Email, "Test health_staff", "actor_id"} {
		if strings.Contains(string(raw.Body), secret) {
			t.Errorf("the access log shows %q: %s", secret, raw.Body)
		}
	}
	for _, e := range l.Items {
		if strings.HasPrefix(e.Action, "auth.") || strings.HasPrefix(e.Action, "account.") {
			t.Errorf("the access log lists the citizen's own %s", e.Action)
		}
	}

	t.Run("in Urdu", func(t *testing.T) {
		l, r := accessLog(a, "ur")
		if r.Header.Get("Content-Language") != i18n.Urdu || len(l.Items) != 2 ||
			l.Items[1].Purpose != i18n.T(i18n.Urdu, "purpose.health.appointments.read", nil) {
			t.Errorf("Urdu access log = %+v (Content-Language %q)", l.Items, r.Header.Get("Content-Language"))
		}
	})

	t.Run("another citizen's log", func(t *testing.T) {
		if l, _ := accessLog(b, ""); len(l.Items) != 0 {
			t.Errorf("B's access log = %+v, want none", l.Items)
		}
	})

	t.Run("only citizens", func(t *testing.T) {
		app.Get(v1+"/me/access-log", staff.Token).Want(t, http.StatusForbidden)
		app.Get(v1+"/me/access-log", "").Want(t, http.StatusUnauthorized)
	})
}

// ---- waitlists ----

// A live offer heads the overview with its deadline, and its notice reads
// in the citizen's language; once accepted it leaves the overview.
func TestHomeOverviewShowsLiveOffersFirst(t *testing.T) {
	app := apitest.New(t)
	holder, waiter := app.NewCitizen(), app.NewCitizen()
	doctor := app.Practitioner(app.Facility())
	app.Schedule(doctor, 1, 1, "10:00", "10:30", 30, 1)
	appt := app.Book(holder, app.Slot(doctor, app.At(1, 10, 0)).ID, "")
	app.Post("/api/v1/health/waitlist", waiter.Token, map[string]string{"practitioner_id": doctor, "date": app.Day(1)}).Want(t, http.StatusCreated)
	if o := overview(t, app, waiter); len(o.LiveOffers) != 0 {
		t.Fatalf("live offers before any seat freed: %+v", o.LiveOffers)
	}
	app.Post("/api/v1/health/appointments/"+appt.ID+"/cancel", holder.Token, nil).Want(t, http.StatusOK)

	o := overview(t, app, waiter)
	if len(o.LiveOffers) != 1 || o.LiveOffers[0].Status != "offered" || !o.LiveOffers[0].ExpiresAt.After(app.Clock.Now()) {
		t.Fatalf("live offers = %+v, want one offered with a deadline ahead", o.LiveOffers)
	}
	var notes struct {
		Items []notify.Notification `json:"items"`
	}
	app.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/me/notifications", Token: waiter.Token, Header: map[string]string{"Accept-Language": "ur"}}).
		Want(t, http.StatusOK).JSON(t, &notes)
	if len(notes.Items) == 0 || notes.Items[0].Kind != "offer.made" || !strings.Contains(notes.Items[0].Title, "جگہ") {
		t.Fatalf("newest notice = %+v, want offer.made in Urdu", notes.Items)
	}
	app.Post("/api/v1/me/offers/"+o.LiveOffers[0].ID+"/accept", waiter.Token, nil).Want(t, http.StatusOK)
	if o := overview(t, app, waiter); len(o.LiveOffers) != 0 || len(o.UpcomingAppointments) != 1 {
		t.Fatalf("after accepting: %d live offers, %d appointments; want 0 and 1", len(o.LiveOffers), len(o.UpcomingAppointments))
	}
}
