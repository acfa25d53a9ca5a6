package traffic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/home"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/payment"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// The tests in this file drive e-challans over HTTP: issuing by officers
// and cameras, the holder's list, payment, contest and decision, the bar
// on parking permits, officers' sectors and plate look-ups, notices,
// reminders, the home screen and webhooks. On PostgreSQL every test of the
// package shares one schema, so each test makes its own sectors, offence,
// citizens and plates, and deletes its sectors with their challans when it
// ends.

const (
	tfChallans = "/api/v1/traffic/challans"
	tfAdmin    = "/api/v1/admin/traffic/challans"
	tfLookup   = "/api/v1/traffic/lookup"
	tfOffences = "/api/v1/admin/traffic/offences"
	tfVehicles = "/api/v1/parking/vehicles"
	tfPermits  = "/api/v1/parking/permits"
)

// tfStart is the server's clock when every test begins: 09:00 on Wednesday
// 10 March 2027 in Islamabad. A challan issued then is due on 24 March
// (14 days), and overdue from 25 March.
var tfStart = time.Date(2027, 3, 10, 4, 0, 0, 0, time.UTC)

// The fines of every test's offence, in PKR, and its days to pay.
const (
	tfFine     = 2000
	tfLateFine = 4000
	tfDueDays  = 14
	tfDue      = "2027-03-24"
)

var numberPattern = regexp.MustCompile(`^ICT-\d{4}-\d{6}$`)

// sector is a traffic sector a test made.
type sector struct{ ID, Code string }

// tfEnv is one running server with two sectors of the test's own, an
// officer of each, the traffic admin and an offence.
type tfEnv struct {
	t                  *testing.T
	app                *apitest.App
	svc                *traffic.Service
	a, b               sector
	officerA, officerB *apitest.Staff
	admin              *apitest.Staff
	offence            traffic.Offence
	sectors            []string
}

func newTfEnv(t *testing.T, opts ...apitest.Option) *tfEnv {
	t.Helper()
	app := apitest.New(t, opts...)
	app.Clock.Set(tfStart)
	e := &tfEnv{t: t, app: app, svc: app.Server.Modules().Traffic}
	// The demo's sectors and schedule, for any test that reads them; ours
	// are made beside them.
	if _, err := e.svc.LoadDemo(context.Background()); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	t.Cleanup(e.cleanup)
	e.a, e.b = e.sector(), e.sector()
	e.admin = app.Admin(identity.RoleTrafficAdmin)
	e.officerA = app.NewStaff(identity.RoleTrafficOfficer, e.a.ID)
	e.officerB = app.NewStaff(identity.RoleTrafficOfficer, e.b.ID)
	e.offence = e.newOffence()
	return e
}

// as returns the env failing t, for the helpers a subtest calls: a subtest
// must not fail its parent.
func (e *tfEnv) as(t *testing.T) *tfEnv {
	cp := *e
	cp.t, cp.app = t, e.app.As(t)
	return &cp
}

// sector inserts a sector with a code of its own, as the demo loads them.
func (e *tfEnv) sector() sector {
	e.t.Helper()
	s := sector{ID: uuid.NewString(), Code: fmt.Sprintf("T-%d", rand.IntN(1_000_000_000))}
	err := e.app.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		s.ID, s.Code, "Test sector "+s.Code, "ٹیسٹ سیکٹر", e.app.Clock.Now()).Error
	if err != nil {
		e.t.Fatalf("insert sector: %v", err)
	}
	e.sectors = append(e.sectors, s.ID)
	return s
}

// cleanup deletes the test's sectors with their challans.
func (e *tfEnv) cleanup() {
	if len(e.sectors) == 0 {
		return
	}
	const ofSectors = "(SELECT id FROM traffic_challans WHERE sector_id IN ?)"
	for _, stmt := range []string{
		"DELETE FROM traffic_payments WHERE challan_id IN " + ofSectors,
		"DELETE FROM traffic_challan_events WHERE challan_id IN " + ofSectors,
		"DELETE FROM traffic_challans WHERE sector_id IN ?",
		"DELETE FROM traffic_sectors WHERE id IN ?",
	} {
		if err := e.app.DB.Exec(stmt, e.sectors).Error; err != nil {
			e.t.Logf("cleanup: %s: %v", stmt, err)
		}
	}
}

// newOffence adds an offence of the test's own to the schedule.
func (e *tfEnv) newOffence() traffic.Offence {
	e.t.Helper()
	in := traffic.OffenceInput{Code: fmt.Sprintf("TEST_%d", rand.IntN(1_000_000_000)), Title: "Signal violation", TitleUr: "اشارہ توڑنا",
		FinePKR: tfFine, LateFinePKR: tfLateFine, DueDays: tfDueDays}
	var o traffic.Offence
	e.app.Post(tfOffences, e.admin.Token, in).Want(e.t, http.StatusCreated).JSON(e.t, &o)
	return o
}

// randomPlate returns a well-formed plate such as ICT-QZW-4711, unlikely to
// be registered by anyone else.
func randomPlate() string {
	letters := make([]byte, 3)
	for i := range letters {
		letters[i] = byte('A' + rand.IntN(26))
	}
	return fmt.Sprintf("ICT-%s-%d", letters, 1+rand.IntN(9999))
}

func (e *tfEnv) register(c *apitest.Citizen, plate string) *apitest.Response {
	e.t.Helper()
	return e.app.Post(tfVehicles, c.Token, map[string]string{"plate": plate, "make": "Suzuki", "model": "Mehran", "colour": "white"})
}

// vehicle registers a vehicle with a random plate to c.
func (e *tfEnv) vehicle(c *apitest.Citizen) (id, plate string) {
	e.t.Helper()
	for range 5 {
		plate = randomPlate()
		r := e.register(c, plate)
		if r.Status == http.StatusConflict {
			continue // the random plate is taken
		}
		return r.Want(e.t, http.StatusCreated).Map(e.t)["id"].(string), plate
	}
	e.t.Fatal("no free random plate")
	return "", ""
}

// body is a request to issue a challan for plate in s, for an offence seen
// now.
func (e *tfEnv) body(plate string, s sector) map[string]any {
	return map[string]any{"plate": plate, "offence_code": e.offence.Code, "place": "Jinnah Avenue at the Blue Area signal",
		"sector": s.Code, "occurred_at": e.app.Clock.Now().Format(time.RFC3339Nano),
		"evidence_url": "https://evidence.ictp.gov.pk/cam/17/" + uuid.NewString() + ".jpg"}
}

func (e *tfEnv) issue(token string, body map[string]any) *apitest.Response {
	e.t.Helper()
	return e.app.Post(tfAdmin, token, body)
}

func (e *tfEnv) mustIssue(token string, body map[string]any) traffic.Challan {
	e.t.Helper()
	var c traffic.Challan
	e.issue(token, body).Want(e.t, http.StatusCreated).JSON(e.t, &c)
	return c
}

// challanFor registers a vehicle to c and has sector A's officer issue a
// challan on it now.
func (e *tfEnv) challanFor(c *apitest.Citizen) (vehicleID string, ch traffic.Challan) {
	e.t.Helper()
	vehicleID, plate := e.vehicle(c)
	return vehicleID, e.mustIssue(e.officerA.Token, e.body(plate, e.a))
}

// get reads one of c's challans.
func (e *tfEnv) get(c *apitest.Citizen, id string) traffic.Challan {
	e.t.Helper()
	var ch traffic.Challan
	e.app.Get(tfChallans+"/"+id, c.Token).Want(e.t, http.StatusOK).JSON(e.t, &ch)
	return ch
}

// list reads the first 100 challans of a list.
func (e *tfEnv) list(path, token string) []traffic.Challan {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var l traffic.ChallanList
	e.app.Get(path+sep+"limit=100", token).Want(e.t, http.StatusOK).JSON(e.t, &l)
	return l.Items
}

func ids(list []traffic.Challan) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

// pay pays one of c's challans in the sandbox with paymentToken, under
// the Idempotency-Key key (none when empty).
func (e *tfEnv) pay(c *apitest.Citizen, id, key, paymentToken string) *apitest.Response {
	e.t.Helper()
	var header map[string]string
	if key != "" {
		header = map[string]string{"Idempotency-Key": key}
	}
	return e.app.Do(apitest.Request{Method: http.MethodPost, Path: tfChallans + "/" + id + "/payments", Token: c.Token,
		Body: map[string]string{"method": "sandbox", "payment_token": paymentToken}, Header: header})
}

func (e *tfEnv) mustPay(c *apitest.Citizen, id string) traffic.Challan {
	e.t.Helper()
	var ch traffic.Challan
	e.pay(c, id, uuid.NewString(), "tok_visa").Want(e.t, http.StatusOK).JSON(e.t, &ch)
	return ch
}

func (e *tfEnv) contest(c *apitest.Citizen, id string) *apitest.Response {
	e.t.Helper()
	return e.app.Post(tfChallans+"/"+id+"/contest", c.Token, map[string]string{"statement": "My car was parked at home in G-9 at that time."})
}

func (e *tfEnv) decide(token, id, decision string) *apitest.Response {
	e.t.Helper()
	return e.app.Post(tfAdmin+"/"+id+"/decision", token, map[string]string{"decision": decision, "note": "Reviewed the camera photo."})
}

// payments counts a challan's payment rows with status.
func (e *tfEnv) payments(challanID, status string) int64 {
	e.t.Helper()
	var n int64
	if err := e.app.DB.Table("traffic_payments").Where("challan_id = ? AND status = ?", challanID, status).Count(&n).Error; err != nil {
		e.t.Fatalf("count payments: %v", err)
	}
	return n
}

// setClock moves the clock to hh:mm local time on a day, signing every
// citizen and staff member in again.
func (e *tfEnv) setClock(day string, hh, mm int) {
	e.t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, domain.Karachi)
	if err != nil {
		e.t.Fatal(err)
	}
	e.app.SetClock(d.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute))
}

// history is a challan's history as action/by pairs.
func history(c traffic.Challan) []string {
	out := make([]string, len(c.History))
	for i, ev := range c.History {
		out[i] = ev.Action + "/" + ev.By
	}
	return out
}

// ---- issuing ----

func TestIssueChallan(t *testing.T) {
	e := newTfEnv(t)
	holder := e.app.NewCitizen()
	_, plate := e.vehicle(holder)

	t.Run("officer in their own sector", func(t *testing.T) {
		e := e.as(t)
		body := e.body(strings.ToLower(strings.ReplaceAll(plate, "-", " ")), e.a) // as typed at the roadside
		var c traffic.Challan
		e.issue(e.officerA.Token, body).Want(t, http.StatusCreated).JSON(t, &c)
		if !numberPattern.MatchString(c.Number) {
			t.Errorf("number %q, want ICT-YYYY-NNNNNN", c.Number)
		}
		if c.Status != traffic.StatusIssued || c.AmountPKR != tfFine || c.Plate != plate || c.Sector != e.a.Code || c.Offence.Code != e.offence.Code {
			t.Errorf("challan = %s, %d PKR, plate %s, sector %s, offence %s; want issued, %d, %s, %s, %s",
				c.Status, c.AmountPKR, c.Plate, c.Sector, c.Offence.Code, tfFine, plate, e.a.Code, e.offence.Code)
		}
		if c.DueDate != tfDue || c.ContestUntil != tfDue || !c.IssuedAt.Equal(tfStart) || c.EvidenceURL != body["evidence_url"] {
			t.Errorf("due %s, contest until %s, issued at %s, evidence %q; want %s, %s, %s, %q",
				c.DueDate, c.ContestUntil, c.IssuedAt, c.EvidenceURL, tfDue, tfDue, tfStart, body["evidence_url"])
		}
		if got := history(c); !slices.Equal(got, []string{"issued/staff"}) {
			t.Errorf("history %v, want issued by staff", got)
		}
		var log struct{ Items []home.AccessEntry }
		e.app.Get("/api/v1/me/access-log?limit=100", holder.Token).Want(t, http.StatusOK).JSON(t, &log)
		if !slices.ContainsFunc(log.Items, func(a home.AccessEntry) bool {
			return a.Action == "traffic.challan.issue" && a.Role == identity.RoleTrafficOfficer && a.UnitID == e.a.ID && a.Purpose != a.Action
		}) {
			t.Errorf("the holder's access log %+v lacks the officer issuing the challan", log.Items)
		}
	})

	t.Run("officer in another sector", func(t *testing.T) {
		e := e.as(t)
		e.issue(e.officerB.Token, e.body(plate, e.a)).Problem(t, http.StatusForbidden, "")
	})

	t.Run("every invalid field named at once", func(t *testing.T) {
		e := e.as(t)
		body := apitest.With(e.body("ICT 12345 ABC", e.a), "offence_code", "NO_SUCH_OFFENCE", "sector", "NO-SUCH-SECTOR",
			"occurred_at", e.app.Clock.Now().Add(time.Hour).Format(time.RFC3339), "place", "   ", "evidence_url", "http://evidence.example/1.jpg")
		p := e.issue(e.officerA.Token, body).Problem(t, http.StatusUnprocessableEntity, "")
		var got []string
		for _, f := range p.Errors {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		if want := []string{"evidence_url", "occurred_at", "offence_code", "place", "plate", "sector"}; !slices.Equal(got, want) {
			t.Errorf("errors name %v, want %v", got, want)
		}
	})

	t.Run("one invalid field", func(t *testing.T) {
		e := e.as(t)
		now := e.app.Clock.Now()
		tests := []struct {
			name  string
			key   string
			value any
		}{
			{"unknown offence", "offence_code", "NO_SUCH_OFFENCE"},
			{"unknown sector", "sector", "NO-SUCH-SECTOR"},
			{"an hour ahead", "occurred_at", now.Add(time.Hour).Format(time.RFC3339)},
			{"91 days ago", "occurred_at", now.Add(-91 * 24 * time.Hour).Format(time.RFC3339)},
			{"plate of symbols", "plate", "ICT-#$%-1"},
			{"plate too long for a plate", "plate", "ICT-ABC-12345"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.as(t)
				p := e.issue(e.officerA.Token, apitest.With(e.body(plate, e.a), tt.key, tt.value)).Problem(t, http.StatusUnprocessableEntity, tt.key)
				if len(p.Errors) != 1 {
					t.Errorf("errors %+v, want %s alone", p.Errors, tt.key)
				}
			})
		}
	})

	t.Run("within the clock skew and the 90 days", func(t *testing.T) {
		e := e.as(t)
		now := e.app.Clock.Now()
		for _, at := range []time.Time{now.Add(4 * time.Minute), now.Add(-89 * 24 * time.Hour)} {
			e.issue(e.officerA.Token, apitest.With(e.body(plate, e.a), "occurred_at", at.Format(time.RFC3339))).Want(t, http.StatusCreated)
		}
	})

	t.Run("who may not issue", func(t *testing.T) {
		e := e.as(t)
		e.issue(holder.Token, e.body(plate, e.a)).Problem(t, http.StatusForbidden, "")
		e.issue(e.admin.Token, e.body(plate, e.a)).Problem(t, http.StatusForbidden, "")
		e.issue(e.app.NewClient([]string{"traffic.challans:lookup"}, "").Token, e.body(plate, e.a)).Problem(t, http.StatusForbidden, "")
		e.issue("", e.body(plate, e.a)).Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("camera client", func(t *testing.T) {
		e := e.as(t)
		camera := e.app.NewClient([]string{"traffic.challans:issue"}, "")
		for _, s := range []sector{e.a, e.b} {
			c := e.mustIssue(camera.Token, apitest.With(e.body(plate, s), "device_ref", "cam-17-"+uuid.NewString()))
			if c.Status != traffic.StatusIssued || c.Sector != s.Code || !slices.Equal(history(c), []string{"issued/client"}) {
				t.Errorf("camera's challan: %s in %s, history %v; want issued in %s by client", c.Status, c.Sector, history(c), s.Code)
			}
		}
	})
}

func TestIssueSameDeviceRefConcurrently(t *testing.T) {
	e := newTfEnv(t)
	camera := e.app.NewClient([]string{"traffic.challans:issue"}, "")
	_, plate := e.vehicle(e.app.NewCitizen())
	body := apitest.With(e.body(plate, e.a), "device_ref", "cam-17-"+uuid.NewString())

	const n = 15
	responses := make([]*apitest.Response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			responses[i] = e.issue(camera.Token, body)
		})
	}
	close(start)
	wg.Wait()

	count := map[int]int{}
	challans := map[string]bool{}
	for i, r := range responses {
		count[r.Status]++
		if r.Status != http.StatusCreated && r.Status != http.StatusOK {
			t.Errorf("request %d: %d %s", i, r.Status, r.Body)
			continue
		}
		var c traffic.Challan
		r.JSON(t, &c)
		challans[c.ID] = true
	}
	if count[http.StatusCreated] != 1 || count[http.StatusOK] != n-1 {
		t.Errorf("answers = %v, want 1 × 201 and %d × 200", count, n-1)
	}
	if len(challans) != 1 {
		t.Errorf("the answers name %d challans, want 1: %v", len(challans), challans)
	}
	var stored int64
	e.app.DB.Table("traffic_challans").Where("device_ref = ?", body["device_ref"]).Count(&stored)
	if stored != 1 {
		t.Errorf("%d challans stored with the device_ref, want 1", stored)
	}

	// A later retry, even with another body, returns the first challan; the
	// same device_ref from another issuer is its own.
	var again traffic.Challan
	e.issue(camera.Token, apitest.With(body, "place", "elsewhere")).Want(t, http.StatusOK).JSON(t, &again)
	if !challans[again.ID] || again.Place != body["place"] {
		t.Errorf("retry returned %s at %q, want the first challan", again.ID, again.Place)
	}
	other := e.app.NewClient([]string{"traffic.challans:issue"}, "")
	if c := e.mustIssue(other.Token, body); challans[c.ID] {
		t.Errorf("another camera's device_ref returned the first camera's challan")
	}

	// A retry after the holder contested and the authority decided shows
	// the camera what is owed, never what the holder wrote or the note.
	holder := e.app.NewCitizen()
	_, held := e.vehicle(holder)
	contested := apitest.With(e.body(held, e.a), "device_ref", "cam-17-"+uuid.NewString())
	first := e.mustIssue(camera.Token, contested)
	e.contest(holder, first.ID).Want(t, http.StatusOK)
	e.decide(e.admin.Token, first.ID, traffic.DecisionUpheld).Want(t, http.StatusOK)
	r := e.issue(camera.Token, contested).Want(t, http.StatusOK)
	if strings.Contains(string(r.Body), "parked at home") || strings.Contains(string(r.Body), "Reviewed the camera photo") {
		t.Errorf("the retry's answer holds the statement or the decision's note: %s", r.Body)
	}
}

// ---- the holder ----

func TestCitizenSeesOwnChallansOnly(t *testing.T) {
	e := newTfEnv(t)
	holder, other := e.app.NewCitizen(), e.app.NewCitizen()
	_, ch := e.challanFor(holder)

	t.Run("the holder lists and reads it", func(t *testing.T) {
		e := e.as(t)
		if got := ids(e.list(tfChallans, holder.Token)); !slices.Equal(got, []string{ch.ID}) {
			t.Errorf("holder's list %v, want [%s]", got, ch.ID)
		}
		c := e.get(holder, ch.ID)
		if c.Number != ch.Number || c.EvidenceURL == "" || c.Place == "" || c.OccurredAt.IsZero() || !c.IssuedAt.Equal(tfStart) ||
			c.Offence.Title != e.offence.Title || !slices.Equal(history(c), []string{"issued/staff"}) {
			t.Errorf("holder reads %+v, want the challan with evidence, place, times and history", c)
		}
	})

	t.Run("anyone else gets 404", func(t *testing.T) {
		e := e.as(t)
		e.app.Get(tfChallans+"/"+ch.ID, other.Token).Problem(t, http.StatusNotFound, "")
		e.pay(other, ch.ID, uuid.NewString(), "tok_visa").Problem(t, http.StatusNotFound, "")
		e.contest(other, ch.ID).Problem(t, http.StatusNotFound, "")
		if got := e.list(tfChallans, other.Token); len(got) != 0 {
			t.Errorf("another citizen lists %v", ids(got))
		}
		if got := e.get(holder, ch.ID); got.Status != traffic.StatusIssued || len(got.History) != 1 {
			t.Errorf("after the other citizen's tries the challan is %s with history %v", got.Status, history(got))
		}
		e.app.Get(tfChallans+"/"+uuid.NewString(), holder.Token).Problem(t, http.StatusNotFound, "")
	})

	t.Run("staff are not citizens", func(t *testing.T) {
		e := e.as(t)
		e.app.Get(tfChallans+"/"+ch.ID, e.officerA.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(tfChallans, e.admin.Token).Problem(t, http.StatusForbidden, "")
	})
}

func TestPlateChangesOwner(t *testing.T) {
	e := newTfEnv(t)
	a, b := e.app.NewCitizen(), e.app.NewCitizen()
	vehicleA, plate := e.vehicle(a)
	first := e.mustIssue(e.officerA.Token, e.body(plate, e.a))
	seenBefore := e.app.Clock.Now().Add(30 * time.Minute)

	e.app.SetClock(tfStart.Add(time.Hour))
	e.app.Do(apitest.Request{Method: http.MethodDelete, Path: tfVehicles + "/" + vehicleA, Token: a.Token}).Want(t, http.StatusNoContent)
	e.register(b, plate).Want(t, http.StatusCreated)

	e.app.SetClock(tfStart.Add(2 * time.Hour))
	second := e.mustIssue(e.officerA.Token, e.body(plate, e.a))
	// Issued now for an offence seen while A still held the plate: A's.
	late := e.mustIssue(e.officerA.Token, apitest.With(e.body(plate, e.a), "occurred_at", seenBefore.Format(time.RFC3339)))

	if got, want := ids(e.list(tfChallans, a.Token)), []string{late.ID, first.ID}; !slices.Equal(got, want) {
		t.Errorf("A's challans %v, want %v (newest first)", got, want)
	}
	if got, want := ids(e.list(tfChallans, b.Token)), []string{second.ID}; !slices.Equal(got, want) {
		t.Errorf("B's challans %v, want %v", got, want)
	}
	e.app.Get(tfChallans+"/"+first.ID, b.Token).Problem(t, http.StatusNotFound, "")
	e.app.Get(tfChallans+"/"+second.ID, a.Token).Problem(t, http.StatusNotFound, "")
	e.get(a, first.ID)
	e.get(b, second.ID)
}

// ---- payment ----

func TestPayChallan(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()

	t.Run("Idempotency-Key is required", func(t *testing.T) {
		e := e.as(t)
		_, ch := e.challanFor(c)
		e.pay(c, ch.ID, "", "tok_visa").Problem(t, http.StatusBadRequest, "")
		if got := e.get(c, ch.ID).Status; got != traffic.StatusIssued {
			t.Errorf("status %s after a payment without a key, want issued", got)
		}
	})

	t.Run("concurrent payments charge once", func(t *testing.T) {
		e := e.as(t)
		_, ch := e.challanFor(c)
		e.app.Clock.Advance(time.Second) // so that the history's order is the order of its times
		const n = 10
		responses := make([]*apitest.Response, n)
		keys := make([]string, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			keys[i] = uuid.NewString()
			wg.Go(func() {
				<-start
				responses[i] = e.pay(c, ch.ID, keys[i], "tok_visa")
			})
		}
		close(start)
		wg.Wait()
		count, winner := map[int]int{}, -1
		for i, r := range responses {
			count[r.Status]++
			switch r.Status {
			case http.StatusOK:
				winner = i
			case http.StatusConflict:
				r.Problem(t, http.StatusConflict, "")
			default:
				t.Errorf("payment %d: %d %s", i, r.Status, r.Body)
			}
		}
		if count[http.StatusOK] != 1 || count[http.StatusConflict] != n-1 {
			t.Fatalf("answers = %v, want 1 × 200 and %d × 409", count, n-1)
		}
		if got := e.payments(ch.ID, "succeeded"); got != 1 {
			t.Errorf("%d succeeded payments, want 1", got)
		}
		var paid traffic.Challan
		responses[winner].JSON(t, &paid)
		if paid.Status != traffic.StatusPaid || paid.AmountPKR != tfFine || paid.PaidAt == nil || !slices.Equal(history(paid), []string{"issued/staff", "paid/citizen"}) {
			t.Errorf("paid challan: %s, %d PKR, paid at %v, history %v", paid.Status, paid.AmountPKR, paid.PaidAt, history(paid))
		}

		// The winner's key replays its answer; nothing is charged again.
		replay := e.pay(c, ch.ID, keys[winner], "tok_visa").Want(t, http.StatusOK)
		if string(replay.Body) != string(responses[winner].Body) {
			t.Errorf("replay %s, want %s", replay.Body, responses[winner].Body)
		}
		if got := e.payments(ch.ID, "succeeded"); got != 1 {
			t.Errorf("%d succeeded payments after the replay, want 1", got)
		}
	})

	t.Run("declined card", func(t *testing.T) {
		e := e.as(t)
		_, ch := e.challanFor(c)
		e.pay(c, ch.ID, uuid.NewString(), payment.SandboxDeclineToken).Problem(t, http.StatusUnprocessableEntity, "payment_token")
		if got := e.get(c, ch.ID); got.Status != traffic.StatusIssued || got.PaidAt != nil || len(got.History) != 1 {
			t.Errorf("after a decline: %s, paid at %v, history %v; want issued, unpaid", got.Status, got.PaidAt, history(got))
		}
		if d, s := e.payments(ch.ID, "declined"), e.payments(ch.ID, "succeeded"); d != 1 || s != 0 {
			t.Errorf("%d declined and %d succeeded payments, want 1 and 0", d, s)
		}
		if got := e.mustPay(c, ch.ID); got.Status != traffic.StatusPaid {
			t.Errorf("paid with another card: %s", got.Status)
		}
	})

	t.Run("unknown method", func(t *testing.T) {
		e := e.as(t)
		_, ch := e.challanFor(c)
		e.app.Do(apitest.Request{Method: http.MethodPost, Path: tfChallans + "/" + ch.ID + "/payments", Token: c.Token,
			Body: map[string]string{"method": "cheque"}, Header: map[string]string{"Idempotency-Key": uuid.NewString()}}).
			Problem(t, http.StatusUnprocessableEntity, "method")
	})

	t.Run("contested or cancelled", func(t *testing.T) {
		e := e.as(t)
		_, ch := e.challanFor(c)
		e.contest(c, ch.ID).Want(t, http.StatusOK)
		e.pay(c, ch.ID, uuid.NewString(), "tok_visa").Problem(t, http.StatusConflict, "")
		e.decide(e.admin.Token, ch.ID, traffic.DecisionCancelled).Want(t, http.StatusOK)
		e.pay(c, ch.ID, uuid.NewString(), "tok_visa").Problem(t, http.StatusConflict, "")
		if got := e.payments(ch.ID, "succeeded"); got != 0 {
			t.Errorf("%d succeeded payments, want 0", got)
		}
	})
}

func TestLateFine(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	_, onTime := e.challanFor(c)
	_, late := e.challanFor(c)

	e.setClock(tfDue, 23, 50)
	if got := e.get(c, late.ID); got.Status != traffic.StatusIssued || got.AmountPKR != tfFine {
		t.Errorf("on the due date: %s, %d PKR; want issued, %d", got.Status, got.AmountPKR, tfFine)
	}
	if got := e.mustPay(c, onTime.ID); got.AmountPKR != tfFine {
		t.Errorf("paid on the due date: %d PKR, want %d", got.AmountPKR, tfFine)
	}

	e.setClock("2027-03-25", 0, 5)
	if got := e.get(c, late.ID); got.Status != traffic.StatusOverdue || got.AmountPKR != tfLateFine {
		t.Errorf("the day after: %s, %d PKR; want overdue, %d", got.Status, got.AmountPKR, tfLateFine)
	}
	if got := e.get(c, onTime.ID); got.Status != traffic.StatusPaid || got.AmountPKR != tfFine {
		t.Errorf("paid in time, read later: %s, %d PKR; want paid, %d", got.Status, got.AmountPKR, tfFine)
	}
	if got := e.mustPay(c, late.ID); got.Status != traffic.StatusPaid || got.AmountPKR != tfLateFine {
		t.Errorf("paid late: %s, %d PKR; want paid, %d", got.Status, got.AmountPKR, tfLateFine)
	}
	var charged int64
	e.app.DB.Table("traffic_payments").Select("amount_pkr").Where("challan_id = ? AND status = 'succeeded'", late.ID).Scan(&charged)
	if charged != tfLateFine {
		t.Errorf("charged %d PKR, want %d", charged, tfLateFine)
	}
}

// ---- contest and decision ----

func TestContestChallan(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	_, lastDay := e.challanFor(c)
	_, dayAfter := e.challanFor(c)
	_, twice := e.challanFor(c)
	_, upheld := e.challanFor(c)
	_, cancelled := e.challanFor(c)
	_, untouched := e.challanFor(c)
	_, final := e.challanFor(c)
	e.app.Clock.Advance(time.Second) // so that the history's order is the order of its times

	e.contest(c, twice.ID).Want(t, http.StatusOK)
	e.contest(c, twice.ID).Problem(t, http.StatusConflict, "")
	e.contest(c, upheld.ID).Want(t, http.StatusOK)
	e.contest(c, cancelled.ID).Want(t, http.StatusOK)

	t.Run("a decision is final", func(t *testing.T) {
		e := e.as(t)
		e.contest(c, final.ID).Want(t, http.StatusOK)
		e.app.Clock.Advance(time.Second)
		e.decide(e.admin.Token, final.ID, traffic.DecisionUpheld).Want(t, http.StatusOK)
		// Still within the days to contest, but decided: the decision stands.
		if p := e.contest(c, final.ID).Problem(t, http.StatusConflict, ""); !strings.Contains(p.Detail, "decision stands") {
			t.Errorf("detail %q, want the decision stands", p.Detail)
		}
		if got := e.get(c, final.ID); got.Status != traffic.StatusIssued || len(got.History) != 3 {
			t.Errorf("after a second contest: %s, history %v; want issued, decided once", got.Status, history(got))
		}
	})

	t.Run("on the last day", func(t *testing.T) {
		e := e.as(t)
		e.setClock(tfDue, 23, 50)
		var got traffic.Challan
		e.contest(c, lastDay.ID).Want(t, http.StatusOK).JSON(t, &got)
		if got.Status != traffic.StatusContested || got.Statement == "" || !slices.Equal(history(got), []string{"issued/staff", "contested/citizen"}) {
			t.Errorf("contested: %s, statement %q, history %v", got.Status, got.Statement, history(got))
		}
	})

	t.Run("the day after", func(t *testing.T) {
		e := e.as(t)
		e.setClock("2027-03-25", 0, 5)
		e.contest(c, dayAfter.ID).Problem(t, http.StatusConflict, "")
		if got := e.get(c, dayAfter.ID).Status; got != traffic.StatusOverdue {
			t.Errorf("status %s, want overdue", got)
		}
	})

	t.Run("an officer may not decide", func(t *testing.T) {
		e := e.as(t)
		e.decide(e.officerA.Token, upheld.ID, traffic.DecisionUpheld).Problem(t, http.StatusForbidden, "")
		e.decide(c.Token, upheld.ID, traffic.DecisionUpheld).Problem(t, http.StatusForbidden, "")
	})

	t.Run("upheld", func(t *testing.T) {
		e := e.as(t)
		var got traffic.Challan
		e.decide(e.admin.Token, upheld.ID, traffic.DecisionUpheld).Want(t, http.StatusOK).JSON(t, &got)
		// Decided on 25 March: due 14 days later, at the fine.
		if got.Status != traffic.StatusIssued || got.DueDate != "2027-04-08" || got.AmountPKR != tfFine || got.DecisionNote == "" {
			t.Errorf("upheld: %s, due %s, %d PKR, note %q; want issued, due 2027-04-08, %d", got.Status, got.DueDate, got.AmountPKR, got.DecisionNote, tfFine)
		}
		if want := []string{"issued/staff", "contested/citizen", "upheld/staff"}; !slices.Equal(history(got), want) {
			t.Errorf("history %v, want %v", history(got), want)
		}
		e.decide(e.admin.Token, upheld.ID, traffic.DecisionCancelled).Problem(t, http.StatusConflict, "")
		// A decision is final: the challan is not contested again.
		e.contest(c, upheld.ID).Problem(t, http.StatusConflict, "")
		if got := e.mustPay(c, upheld.ID); got.AmountPKR != tfFine {
			t.Errorf("paid after the decision: %d PKR, want %d", got.AmountPKR, tfFine)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		e := e.as(t)
		var got traffic.Challan
		e.decide(e.admin.Token, cancelled.ID, traffic.DecisionCancelled).Want(t, http.StatusOK).JSON(t, &got)
		if got.Status != traffic.StatusCancelled || e.get(c, cancelled.ID).Status != traffic.StatusCancelled {
			t.Errorf("cancelled: %s", got.Status)
		}
		if want := []string{"issued/staff", "contested/citizen", "cancelled/staff"}; !slices.Equal(history(got), want) {
			t.Errorf("history %v, want %v", history(got), want)
		}
		e.contest(c, cancelled.ID).Problem(t, http.StatusConflict, "")
	})

	t.Run("not contested", func(t *testing.T) {
		e := e.as(t)
		e.decide(e.admin.Token, untouched.ID, traffic.DecisionUpheld).Problem(t, http.StatusConflict, "")
		e.decide(e.admin.Token, uuid.NewString(), traffic.DecisionUpheld).Problem(t, http.StatusNotFound, "")
		e.decide(e.admin.Token, lastDay.ID, "maybe").Problem(t, http.StatusUnprocessableEntity, "decision")
	})
}

// ---- parking ----

func TestOverdueChallanBarsParkingPermits(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	zone, other := e.app.Zone(10), e.app.Zone(10)
	vehicleID, ch := e.challanFor(c)
	buy := func(zoneID string) *apitest.Response {
		return e.app.Post(tfPermits, c.Token, map[string]any{"vehicle_id": vehicleID, "zone_id": zoneID, "permit_type": "resident",
			"start_date": e.app.Day(0), "months": 1})
	}
	renew := func(permitID string) *apitest.Response {
		return e.app.Post(tfPermits+"/"+permitID+"/renew", c.Token, map[string]any{"months": 1})
	}
	// Unpaid but not overdue: no bar.
	permit := e.app.Permit(c, vehicleID, zone, 0, 1)
	e.app.Pay(c, permit.ID)

	e.setClock("2027-03-25", 9, 0)
	for _, r := range []*apitest.Response{buy(other), renew(permit.ID)} {
		p := r.Problem(t, http.StatusUnprocessableEntity, "vehicle_id")
		if !strings.Contains(fmt.Sprint(p.Errors), ch.Number) {
			t.Errorf("errors %+v do not name challan %s", p.Errors, ch.Number)
		}
	}

	e.mustPay(c, ch.ID)
	buy(other).Want(t, http.StatusCreated)
	renew(permit.ID).Want(t, http.StatusCreated)
}

// TestOverdueChallanFollowsThePlate: removing a vehicle and registering its
// plate again does not lift the bar, since the challan is still the
// holder's; the plate's next owner is not barred by it.
func TestOverdueChallanFollowsThePlate(t *testing.T) {
	e := newTfEnv(t)
	a, b := e.app.NewCitizen(), e.app.NewCitizen()
	zone := e.app.Zone(10)
	vehicleID, ch := e.challanFor(a)
	buy := func(c *apitest.Citizen, vehicleID string) *apitest.Response {
		return e.app.Post(tfPermits, c.Token, map[string]any{"vehicle_id": vehicleID, "zone_id": zone, "permit_type": "resident",
			"start_date": e.app.Day(0), "months": 1})
	}

	e.setClock("2027-03-25", 9, 0)
	e.app.Do(apitest.Request{Method: http.MethodDelete, Path: tfVehicles + "/" + vehicleID, Token: a.Token}).Want(t, http.StatusNoContent)
	again := e.register(a, ch.Plate).Want(t, http.StatusCreated).Map(t)["id"].(string)
	buy(a, again).Problem(t, http.StatusUnprocessableEntity, "vehicle_id")

	e.app.Do(apitest.Request{Method: http.MethodDelete, Path: tfVehicles + "/" + again, Token: a.Token}).Want(t, http.StatusNoContent)
	e.setClock("2027-03-25", 10, 0)
	bought := e.register(b, ch.Plate).Want(t, http.StatusCreated).Map(t)["id"].(string)
	buy(b, bought).Want(t, http.StatusCreated)
}

// ---- staff ----

func TestOfficersReadTheirSector(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	_, plate := e.vehicle(c)
	inA := e.mustIssue(e.officerA.Token, e.body(plate, e.a))
	e.app.Clock.Advance(time.Second) // lists are newest first
	inB := e.mustIssue(e.officerB.Token, e.body(plate, e.b))
	lookupClient := e.app.NewClient([]string{"traffic.challans:lookup"}, "")

	t.Run("an officer lists their own sector", func(t *testing.T) {
		e := e.as(t)
		for _, path := range []string{tfAdmin, tfAdmin + "?sector=" + e.a.Code, tfAdmin + "?plate=" + plate} {
			if got := ids(e.list(path, e.officerA.Token)); !slices.Equal(got, []string{inA.ID}) {
				t.Errorf("%s: officer A sees %v, want [%s]", path, got, inA.ID)
			}
		}
		e.app.Get(tfAdmin+"?sector="+e.b.Code, e.officerA.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(tfAdmin+"?sector=NO-SUCH-SECTOR", e.officerA.Token).Problem(t, http.StatusUnprocessableEntity, "sector")
		e.app.Get(tfAdmin+"?status=lost", e.officerA.Token).Problem(t, http.StatusBadRequest, "status")
	})

	t.Run("the admin lists every sector", func(t *testing.T) {
		e := e.as(t)
		if got := ids(e.list(tfAdmin+"?sector="+e.a.Code, e.admin.Token)); !slices.Equal(got, []string{inA.ID}) {
			t.Errorf("admin's sector A: %v, want [%s]", got, inA.ID)
		}
		if got := ids(e.list(tfAdmin+"?sector="+e.b.Code, e.admin.Token)); !slices.Equal(got, []string{inB.ID}) {
			t.Errorf("admin's sector B: %v, want [%s]", got, inB.ID)
		}
		if got := ids(e.list(tfAdmin+"?plate="+plate, e.admin.Token)); !slices.Equal(got, []string{inB.ID, inA.ID}) {
			t.Errorf("admin's plate list: %v, want [%s %s]", got, inB.ID, inA.ID)
		}
	})

	t.Run("status filters", func(t *testing.T) {
		e := e.as(t)
		e.setClock("2027-03-25", 9, 0)
		lookupClient.Token = e.app.ClientToken(lookupClient.ID, lookupClient.Secret, "")
		e.mustPay(c, inB.ID)
		for status, want := range map[string][]string{
			"overdue": {inA.ID}, "issued": {}, "paid": {inB.ID}, "unpaid": {inA.ID}, "contested": {},
		} {
			if got := ids(e.list(tfAdmin+"?plate="+plate+"&status="+status, e.admin.Token)); !slices.Equal(got, want) {
				t.Errorf("status=%s: %v, want %v", status, got, want)
			}
		}
	})

	t.Run("plate look-up in every sector", func(t *testing.T) {
		e := e.as(t)
		_, second := e.vehicle(c)
		unpaidA := e.mustIssue(e.officerA.Token, e.body(second, e.a))
		e.app.Clock.Advance(time.Second)
		unpaidB := e.mustIssue(e.officerB.Token, e.body(second, e.b))
		want := []string{unpaidB.ID, unpaidA.ID}
		for name, token := range map[string]string{"officer of sector B": e.officerB.Token, "lookup client": lookupClient.Token} {
			if got := ids(e.list(tfLookup+"?plate="+strings.ToLower(second), token)); !slices.Equal(got, want) {
				t.Errorf("%s looks up %s: %v, want %v", name, second, got, want)
			}
		}
		e.mustPay(c, unpaidB.ID)
		if got := ids(e.list(tfLookup+"?plate="+second, e.officerA.Token)); !slices.Equal(got, []string{unpaidA.ID}) {
			t.Errorf("after paying B's: %v, want [%s]", got, unpaidA.ID)
		}
		e.app.Get(tfLookup+"?plate="+second, c.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(tfLookup+"?plate=%23%23", e.officerA.Token).Problem(t, http.StatusUnprocessableEntity, "plate")
	})

	t.Run("the holder sees the reads", func(t *testing.T) {
		e := e.as(t)
		var log struct{ Items []home.AccessEntry }
		e.app.Get("/api/v1/me/access-log?limit=100", c.Token).Want(t, http.StatusOK).JSON(t, &log)
		byOfficer := slices.ContainsFunc(log.Items, func(a home.AccessEntry) bool {
			return a.By == "staff" && a.Role == identity.RoleTrafficOfficer && a.Department == "traffic" && a.UnitID == e.b.ID &&
				a.Action == "traffic.plate.lookup" && a.Purpose != a.Action
		})
		byClient := slices.ContainsFunc(log.Items, func(a home.AccessEntry) bool {
			return a.By == "client" && a.ClientID == lookupClient.ID && a.Action == "traffic.plate.lookup"
		})
		listed := slices.ContainsFunc(log.Items, func(a home.AccessEntry) bool {
			return a.By == "staff" && a.Action == "traffic.challans.list" && a.UnitID == e.a.ID
		})
		if !byOfficer || !byClient || !listed {
			t.Errorf("access log %+v: officer's look-up %v, client's look-up %v, sector list %v; want all", log.Items, byOfficer, byClient, listed)
		}
	})
}

// ---- notices ----

// notices reads c's notifications of kind about a challan, in lang.
func (e *tfEnv) notices(c *apitest.Citizen, challanID, kind, lang string) []notify.Notification {
	e.t.Helper()
	var page struct{ Items []notify.Notification }
	r := e.app.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/me/notifications?limit=100", Token: c.Token,
		Header: map[string]string{"Accept-Language": lang}})
	r.Want(e.t, http.StatusOK).JSON(e.t, &page)
	var out []notify.Notification
	for _, n := range page.Items {
		if n.Kind == kind && n.Data["challan_id"] == challanID {
			out = append(out, n)
		}
	}
	return out
}

func TestChallanNotices(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	_, paid := e.challanFor(c)
	_, decided := e.challanFor(c)
	e.mustPay(c, paid.ID)
	e.contest(c, decided.ID).Want(t, http.StatusOK)
	e.decide(e.admin.Token, decided.ID, traffic.DecisionCancelled).Want(t, http.StatusOK)

	tests := []struct {
		challan traffic.Challan
		kind    string
	}{
		{paid, "challan.issued"},
		{paid, "challan.paid"},
		{decided, "challan.issued"},
		{decided, "challan.contested"},
		{decided, "challan.cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			e := e.as(t)
			en := e.notices(c, tt.challan.ID, tt.kind, "en")
			if len(en) != 1 || !strings.Contains(en[0].Title, tt.challan.Number) {
				t.Fatalf("%s notices of %s: %+v, want one naming it", tt.kind, tt.challan.Number, en)
			}
			ur := e.notices(c, tt.challan.ID, tt.kind, "ur")
			want := i18n.T(i18n.Urdu, "notification."+tt.kind+".title", map[string]string{"number": tt.challan.Number})
			if len(ur) != 1 || ur[0].Title != want || ur[0].Body == en[0].Body {
				t.Errorf("in Urdu: %+v, want the title %q and an Urdu body", ur, want)
			}
		})
	}
}

func TestChallanReminders(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	_, ch := e.challanFor(c)
	_, paid := e.challanFor(c)
	e.mustPay(c, paid.ID)
	remind := func() {
		t.Helper()
		if _, err := e.svc.SendReminders(context.Background()); err != nil {
			t.Fatalf("SendReminders: %v", err)
		}
	}
	count := func(id, kind string) int { return len(e.notices(c, id, kind, "en")) }

	tests := []struct {
		day              string
		dueSoon, overdue int
		status           string
	}{
		{"2027-03-20", 0, 0, traffic.StatusIssued}, // four days before
		{"2027-03-21", 1, 0, traffic.StatusIssued}, // three days before
		{"2027-03-24", 1, 0, traffic.StatusIssued}, // the due date: no second reminder
		{"2027-03-25", 1, 1, traffic.StatusOverdue},
		{"2027-04-25", 1, 1, traffic.StatusOverdue},
	}
	for _, tt := range tests {
		e.setClock(tt.day, 9, 0)
		remind()
		remind() // a second run sends nothing again
		if got, got2 := count(ch.ID, "challan.due_soon"), count(ch.ID, "challan.overdue"); got != tt.dueSoon || got2 != tt.overdue {
			t.Errorf("%s: %d due-soon and %d overdue notices, want %d and %d", tt.day, got, got2, tt.dueSoon, tt.overdue)
		}
		if got := e.get(c, ch.ID).Status; got != tt.status {
			t.Errorf("%s: status %s, want %s", tt.day, got, tt.status)
		}
	}
	if n := count(paid.ID, "challan.due_soon") + count(paid.ID, "challan.overdue"); n != 0 {
		t.Errorf("a paid challan got %d reminders", n)
	}
	overdue := e.notices(c, ch.ID, "challan.overdue", "en")[0]
	if !strings.Contains(overdue.Body, fmt.Sprint(tfLateFine)) {
		t.Errorf("overdue notice %q does not name the late fine %d", overdue.Body, tfLateFine)
	}
}

// ---- home ----

func TestOverviewShowsUnpaidChallans(t *testing.T) {
	e := newTfEnv(t)
	c := e.app.NewCitizen()
	_, ch := e.challanFor(c)
	overview := func() []home.ChallanCard {
		t.Helper()
		var o home.Overview
		e.app.Get("/api/v1/me/overview", c.Token).Want(t, http.StatusOK).JSON(t, &o)
		return o.UnpaidChallans
	}

	want := home.ChallanCard{ID: ch.ID, Number: ch.Number, Status: traffic.StatusIssued, Plate: ch.Plate, Offence: e.offence.Title,
		OffenceUr: e.offence.TitleUr, AmountPKR: tfFine, DueDate: tfDue}
	if got := overview(); len(got) != 1 || got[0] != want {
		t.Errorf("unpaid challans %+v, want [%+v]", got, want)
	}
	e.setClock("2027-03-25", 9, 0)
	want.Status, want.AmountPKR = traffic.StatusOverdue, tfLateFine
	if got := overview(); len(got) != 1 || got[0] != want {
		t.Errorf("overdue: unpaid challans %+v, want [%+v]", got, want)
	}
	e.mustPay(c, ch.ID)
	if got := overview(); len(got) != 0 {
		t.Errorf("after payment: unpaid challans %+v, want none", got)
	}
}

// ---- webhooks ----

func TestChallanIssuedWebhook(t *testing.T) {
	e := newTfEnv(t, func(c *api.Config) { c.WebhookAllowPrivate = true })
	var (
		mu   sync.Mutex
		hits [][]byte
	)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		apitest.CheckWebhook(t, r.Header, body)
		mu.Lock()
		hits = append(hits, body)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)

	client := e.app.NewClient([]string{"traffic.challans:lookup", "webhooks:manage"}, "")
	var sub integrations.SubscriptionWithSecret
	e.app.Post("/api/v1/integrations/webhooks", client.Token, map[string]any{"url": receiver.URL, "events": []string{"challan.issued"}}).
		Want(t, http.StatusCreated).JSON(t, &sub)
	t.Cleanup(func() {
		e.app.DB.Exec("UPDATE webhook_subscriptions SET status = 'deleted' WHERE id = ?", sub.ID)
		e.app.DB.Exec("UPDATE oauth_clients SET status = 'revoked' WHERE id = ?", client.ID)
	})

	_, ch := e.challanFor(e.app.NewCitizen())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dispatcher := webhook.NewDispatcher(e.app.DB, e.app.Clock, (webhook.Targets{AllowPrivate: true}).Client(5*time.Second), apitest.PII, log)
	if _, err := dispatcher.RunOnce(context.Background()); err != nil {
		t.Fatalf("dispatch: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(hits) != 1 {
		t.Fatalf("the receiver got %d deliveries, want 1", len(hits))
	}
	var ev struct {
		Type string                   `json:"type"`
		Data webhook.ChallanEventData `json:"data"`
	}
	if err := json.Unmarshal(hits[0], &ev); err != nil {
		t.Fatal(err)
	}
	want := webhook.ChallanEventData{ChallanID: ch.ID, Number: ch.Number, Plate: ch.Plate, OffenceCode: e.offence.Code,
		Status: traffic.StatusIssued, AmountPKR: tfFine, DueDate: tfDue}
	if ev.Type != "challan.issued" || ev.Data != want {
		t.Errorf("event %s, want challan.issued with %+v", hits[0], want)
	}
}
