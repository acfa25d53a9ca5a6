package owasp_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/openapi"
)

// The phases of TestOWASPAPITop10 share the world built here: two
// citizens, where A owns one record of every kind a citizen can own and B
// is the attacker, two facilities, two schools, a zone, two traffic
// sectors, unit-bound staff and unit-bound clients. Everything is made
// through the API (but the sectors, which have none), as the other tests
// of this package do, because on PostgreSQL they share one schema.

const v1 = api.BasePath

// owWorld is a running server with the records the attacks aim at.
type owWorld struct {
	app     *apitest.App
	a, b    *apitest.Citizen
	admin   *apitest.Staff
	f1, f2  string // facilities
	p1, p2  string // a practitioner at each
	day     int    // the day the appointments are on, from today
	slot    health.Slot
	free    health.Slot // a free slot at F1 on the same day
	slotF2  health.Slot
	year    string
	s1, s2  string // schools, grade 1 has seats for year
	zone    string
	staffF1 *apitest.Staff // health_staff of F1
	staffF2 *apitest.Staff // health_staff of F2
	eduS1   *apitest.Staff // education_staff of S1
	eduS2   *apitest.Staff // education_staff of S2
	officer *apitest.Staff // parking_officer
	// clientF1 and clientF2 read their facility's appointments and manage webhooks.
	clientF1, clientF2 *apitest.Client
	sub1               string // clientF1's webhook subscription
	// Traffic: sectors T1 and T2, an officer of each, a camera client
	// bound to T2, the traffic admin and the offence challans are for.
	t1, t2       owSector
	tOff1, tOff2 *apitest.Staff  // traffic_officer of T1, of T2
	tCam2        *apitest.Client // traffic.challans:issue, bound to T2
	tAdmin       *apitest.Staff  // traffic_admin
	offence      string          // offence code

	// A's records.
	appt         health.Appointment
	dep          string // a child
	application  education.Application
	vehActive    string // carries the active permit
	vehPending   string // carries the unpaid permit
	vehSpare     string // no permits: A may delete it
	permit       parking.Permit
	pending      parking.Permit
	notification string
	challan      traffic.Challan // on vehActive's plate, issued in T1
	// A waits for p3's full day at F1 and holds an offer of its seat; B
	// waits behind.
	p3, waitEntry, offer string

	// B's own records.
	bDep, bVeh string
	bPlate     string // bVeh's
	// B's challans in T2: one to pay, one to contest, one contested (to
	// decide).
	bPay, bContest, bContested string
}

// owSector is a traffic sector.
type owSector struct{ ID, Code string }

// newOwWorld starts a server with opts and builds the world in it.
func newOwWorld(t *testing.T, opts ...apitest.Option) *owWorld {
	t.Helper()
	app := apitest.New(t, opts...)
	w := &owWorld{app: app, day: 3}
	w.a, w.b = app.NewCitizen(), app.NewCitizen()
	w.admin = w.app.NewStaff(identity.RoleAdmin, "")

	w.f1, w.f2 = w.app.Facility(), w.app.Facility()
	w.p1, w.p2 = w.app.Practitioner(w.f1), w.app.Practitioner(w.f2)
	w.app.Schedule(w.p1, w.day, w.day, "09:00", "11:00", 30, 3)
	w.app.Schedule(w.p2, w.day, w.day, "09:00", "10:00", 30, 3)
	w.slot, w.free = w.app.Slot(w.p1, w.app.At(w.day, 9, 0)), w.app.Slot(w.p1, w.app.At(w.day, 10, 0))
	w.slotF2 = w.app.Slot(w.p2, w.app.At(w.day, 9, 0))
	w.staffF1, w.staffF2 = w.app.NewStaff(identity.RoleHealthStaff, w.f1), w.app.NewStaff(identity.RoleHealthStaff, w.f2)

	w.year = w.app.Admissions()
	w.s1, w.s2 = w.app.School(w.year, 5), w.app.School(w.year, 5)
	w.eduS1, w.eduS2 = w.app.NewStaff(identity.RoleEducationStaff, w.s1), w.app.NewStaff(identity.RoleEducationStaff, w.s2)

	w.zone = w.app.Zone(50)
	w.officer = w.app.NewStaff(identity.RoleParkingOfficer, "")

	w.appt = w.app.Book(w.a, w.slot.ID, "")
	w.dep = w.app.Dependant(w.a, "Zainab Victim")
	w.application = w.app.Apply(w.a, w.s1, w.year, w.dep)
	w.vehActive, w.vehPending, w.vehSpare = w.app.Vehicle(w.a), w.app.Vehicle(w.a), w.app.Vehicle(w.a)
	w.permit = w.app.Pay(w.a, w.app.Permit(w.a, w.vehActive, w.zone, 0, 1).ID)
	w.pending = w.app.Permit(w.a, w.vehPending, w.zone, 0, 1)
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	w.app.Get(v1+"/me/notifications?limit=100", w.a.Token).Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) == 0 {
		t.Fatal("A has no notification after booking")
	}
	w.notification = list.Items[0].ID

	w.bDep = w.app.Dependant(w.b, "Bilal Attacker")
	w.bVeh = w.app.Vehicle(w.b)

	w.t1, w.t2 = w.sector(t), w.sector(t)
	w.tAdmin = app.Admin(identity.RoleTrafficAdmin)
	w.tOff1, w.tOff2 = app.NewStaff(identity.RoleTrafficOfficer, w.t1.ID), app.NewStaff(identity.RoleTrafficOfficer, w.t2.ID)
	w.tCam2 = app.NewClient([]string{"traffic.challans:issue"}, w.t2.ID)
	w.offence = fmt.Sprintf("OW_%d", rand.IntN(1_000_000_000))
	app.Post(v1+"/admin/traffic/offences", w.tAdmin.Token, map[string]any{"code": w.offence, "title": "Signal violation",
		"title_ur": "اشارہ توڑنا", "fine_pkr": owFine, "late_fine_pkr": 2 * owFine, "due_days": 14}).Want(t, http.StatusCreated)
	w.challan = w.issue(t, w.tOff1.Token, w.permit.Plate, w.t1.Code)
	w.bPlate = w.plate(t, w.b, w.bVeh)
	w.bPay, w.bContest, w.bContested = w.issue(t, w.tOff2.Token, w.bPlate, w.t2.Code).ID, w.issue(t, w.tOff2.Token, w.bPlate, w.t2.Code).ID,
		w.issue(t, w.tOff2.Token, w.bPlate, w.t2.Code).ID
	app.Post(v1+"/traffic/challans/"+w.bContested+"/contest", w.b.Token, map[string]string{"statement": owStatement}).Want(t, http.StatusOK)

	w.waitForOffer(t)

	scopes := []string{"health.appointments:read", "webhooks:manage"}
	w.clientF1, w.clientF2 = app.NewClient(scopes, w.f1), app.NewClient(scopes, w.f2)
	r := app.Post(v1+"/integrations/webhooks", w.clientF1.Token,
		map[string]any{"url": "https://203.0.113.10/hooks/owasp", "events": []string{"appointment.booked"}})
	r.Want(t, http.StatusCreated)
	w.sub1 = r.Map(t)["id"].(string)
	return w
}

// waitForOffer fills p3's one seat on the world's day, puts A and then B
// in its line and frees the seat, so that A holds an offer of it.
func (w *owWorld) waitForOffer(t *testing.T) {
	t.Helper()
	w.p3 = w.app.Practitioner(w.f1)
	w.app.Schedule(w.p3, w.day, w.day, "12:00", "12:30", 30, 1)
	holder := w.app.NewCitizen()
	appt := w.app.Book(holder, w.app.Slot(w.p3, w.app.At(w.day, 12, 0)).ID, "")
	for _, c := range []*apitest.Citizen{w.a, w.b} {
		w.app.Post(v1+"/health/waitlist", c.Token, map[string]string{"practitioner_id": w.p3, "date": w.app.Day(w.day)}).Want(t, http.StatusCreated)
		w.app.Clock.Advance(time.Second)
	}
	w.app.Post(v1+"/health/appointments/"+appt.ID+"/cancel", holder.Token, nil).Want(t, http.StatusOK)
	var mine struct {
		Items []struct {
			ID    string `json:"id"`
			Offer *struct {
				ID string `json:"id"`
			} `json:"offer"`
		} `json:"items"`
	}
	w.app.Get(v1+"/me/waitlists", w.a.Token).Want(t, http.StatusOK).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Offer == nil {
		t.Fatalf("A's waitlists: %+v, want one entry with an offer", mine.Items)
	}
	w.waitEntry, w.offer = mine.Items[0].ID, mine.Items[0].Offer.ID
}

// owFine is the fine of the world's offence, in PKR.
const owFine = 2000

// owStatement is a citizen's statement contesting a challan.
const owStatement = "My car was parked at home in G-9 at that time."

// sector inserts a traffic sector with a code of its own, as the demo
// loads them: sectors have no API.
func (w *owWorld) sector(t *testing.T) owSector {
	t.Helper()
	s := owSector{ID: uuid.NewString(), Code: fmt.Sprintf("OW-%d", rand.IntN(1_000_000_000))}
	if err := w.app.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		s.ID, s.Code, "Attack sector "+s.Code, "حملہ سیکٹر", w.app.Clock.Now()).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

// issue has an officer (or camera) issue a challan on plate in a sector,
// for the world's offence, seen now.
func (w *owWorld) issue(t *testing.T, token, plate, sector string) traffic.Challan {
	t.Helper()
	var c traffic.Challan
	w.app.Post(v1+"/admin/traffic/challans", token, w.challanBody(plate, sector)).Want(t, http.StatusCreated).JSON(t, &c)
	return c
}

// challanBody is a request to issue a challan on plate in a sector, for
// the world's offence, seen now.
func (w *owWorld) challanBody(plate, sector string) map[string]any {
	return map[string]any{"plate": plate, "offence_code": w.offence, "place": "Jinnah Avenue at the Blue Area signal", "sector": sector,
		"occurred_at": w.app.Clock.Now().Format(time.RFC3339Nano)}
}

// plate reads the plate of one of c's vehicles.
func (w *owWorld) plate(t *testing.T, c *apitest.Citizen, vehicleID string) string {
	t.Helper()
	var list struct {
		Items []struct{ ID, Plate string } `json:"items"`
	}
	w.app.Get(v1+"/parking/vehicles?limit=100", c.Token).Want(t, http.StatusOK).JSON(t, &list)
	for _, v := range list.Items {
		if v.ID == vehicleID {
			return v.Plate
		}
	}
	t.Fatalf("vehicle %s is not the citizen's", vehicleID)
	return ""
}

// as returns the world with its helpers failing t, for use inside a
// subtest (a helper must not fail a parent test from a subtest).
func (w *owWorld) as(t *testing.T) *owWorld {
	cp := *w
	cp.app = w.app.As(t)
	return &cp
}

// aIDs are the IDs of A's records: none may ever reach B.
func (w *owWorld) aIDs() []string {
	return []string{w.appt.ID, w.dep, w.application.ID, w.vehActive, w.vehPending, w.vehSpare, w.permit.ID, w.pending.ID, w.notification, w.challan.ID}
}

// aSecrets is what identifies A as a person, in every spelling the API or
// its database might use.
func (w *owWorld) aSecrets() []string {
	c, p := w.a.CNIC, w.a.Phone
	return []string{c, apitest.DashedCNIC(c), p, apitest.NationalPhone(p), strings.TrimPrefix(p, "+"), "Zainab Victim"}
}

// snapshotA reads every record of A through A's own GETs, without the
// fields that are made afresh on each read.
func (w *owWorld) snapshotA(t *testing.T) map[string]string {
	t.Helper()
	paths := []string{
		"/health/appointments/" + w.appt.ID, "/me/dependants/" + w.dep, "/education/applications/" + w.application.ID,
		"/parking/permits/" + w.permit.ID, "/parking/permits/" + w.pending.ID, "/parking/vehicles?limit=100",
		"/me/notifications?limit=100", "/health/appointments?limit=100", "/education/applications?limit=100",
		"/parking/permits?limit=100", "/me/dependants?limit=100", "/traffic/challans/" + w.challan.ID, "/traffic/challans?limit=100",
	}
	out := map[string]string{}
	for _, p := range paths {
		r := w.app.Get(v1+p, w.a.Token)
		r.Want(t, http.StatusOK)
		out[p] = owStable(t, r.Body)
	}
	r := w.app.Get(v1+"/integrations/webhooks", w.clientF1.Token)
	r.Want(t, http.StatusOK)
	out["webhooks of client F1"] = owStable(t, r.Body)
	return out
}

// owStable is a JSON body re-encoded without the keys minted on every read.
func owStable(t *testing.T, body []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "verification_token")
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	out, _ := json.Marshal(v)
	return string(out)
}

// wantUnchanged fails for every record of A that reads differently now.
func (w *owWorld) wantUnchanged(t *testing.T, before map[string]string) {
	t.Helper()
	after := w.snapshotA(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("A's %s changed:\nbefore %s\nafter  %s", k, v, after[k])
		}
	}
}

// ---- what an answer may never contain ----

// owInternals match what an error answer must never show: stack traces,
// source files, SQL and driver names, file system paths.
var owInternals = []*regexp.Regexp{
	regexp.MustCompile(`goroutine \d|goroutine `),
	regexp.MustCompile(`\.go:\d+|\.go\b`),
	regexp.MustCompile(`\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|RETURNING)\b`),
	regexp.MustCompile(`(?i)sqlstate|\bpq:|pgx|pgconn|gorm|sqlite|syntax error|duplicate key|violates|constraint|relation "|column "`),
	regexp.MustCompile(`(?i)runtime error|panic|nil pointer|index out of range`),
	regexp.MustCompile(`(/home/|/root/|/usr/|/work/|/tmp/|/var/|[A-Z]:\\|github\.com/)`),
}

// owLeaks returns what in an answer's body must not be there: internals in
// an error answer, and any of secrets in any answer.
func owLeaks(r *apitest.Response, secrets ...string) []string {
	var found []string
	body := string(r.Body)
	if r.Status >= 400 {
		for _, re := range owInternals {
			if m := re.FindString(body); m != "" {
				found = append(found, fmt.Sprintf("internals %q", m))
			}
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(body, s) {
			found = append(found, fmt.Sprintf("secret %q", s))
		}
	}
	return found
}

// owCheck applies the rules every answer of these tests must keep: no
// server error, errors as problem+json (RFC 6749 JSON for the token
// endpoint), and nothing of owLeaks.
func owCheck(t *testing.T, what string, r *apitest.Response, secrets ...string) {
	t.Helper()
	if r.Status >= 500 {
		t.Errorf("%s: server error %d %s", what, r.Status, owShort(r.Body))
	}
	if r.Status >= 400 {
		ct := r.Header.Get("Content-Type")
		switch {
		case strings.Contains(what, "/oauth/token"):
			if !strings.HasPrefix(ct, "application/json") && ct != "application/problem+json" {
				t.Errorf("%s: token error with Content-Type %q", what, ct)
			}
		case ct != "application/problem+json":
			t.Errorf("%s: %d with Content-Type %q, want application/problem+json (%s)", what, r.Status, ct, owShort(r.Body))
		}
	}
	for _, leak := range owLeaks(r, secrets...) {
		t.Errorf("%s: %d answer shows %s: %s", what, r.Status, leak, owShort(r.Body))
	}
}

// owShort cuts a body for messages.
func owShort(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// owNames reports whether the problem in r names one of fields.
func owNames(t *testing.T, r *apitest.Response, fields ...string) bool {
	t.Helper()
	var p struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(r.Body, &p) != nil {
		return false
	}
	for _, e := range p.Errors {
		for _, f := range fields {
			if e.Field == f || strings.HasSuffix(e.Field, "."+f) || strings.HasPrefix(e.Field, f+"[") || strings.HasPrefix(e.Field, f+".") {
				return true
			}
		}
	}
	return false
}

// ---- the spec ----

// owOp is one operation of the committed spec.
type owOp struct {
	Method, Path string // Path as the spec writes it, {id} for parameters
	Query        []owParam
	Body         string // the body schema's definition name, or ""
	Form         bool   // takes a form (the OAuth token endpoint)
}

// owParam is a query parameter.
type owParam struct {
	Name, Type, Format string
	Enum               []string
	Minimum, Maximum   *float64
}

// owSpec reads the operations and definitions of the committed spec.
func owSpec(t testing.TB) ([]owOp, map[string]owDefinition) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				In      string         `json:"in"`
				Name    string         `json:"name"`
				Type    string         `json:"type"`
				Format  string         `json:"format"`
				Enum    []any          `json:"enum"`
				Minimum *float64       `json:"minimum"`
				Maximum *float64       `json:"maximum"`
				Schema  map[string]any `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
		Definitions map[string]owDefinition `json:"definitions"`
	}
	if err := json.Unmarshal([]byte(openapi.SwaggerInfo.ReadDoc()), &doc); err != nil {
		t.Fatal(err)
	}
	var ops []owOp
	for path, methods := range doc.Paths {
		for method, op := range methods {
			o := owOp{Method: strings.ToUpper(method), Path: path}
			for _, p := range op.Parameters {
				switch p.In {
				case "query":
					q := owParam{Name: p.Name, Type: p.Type, Format: p.Format, Minimum: p.Minimum, Maximum: p.Maximum}
					for _, e := range p.Enum {
						q.Enum = append(q.Enum, fmt.Sprint(e))
					}
					o.Query = append(o.Query, q)
				case "body":
					ref, _ := p.Schema["$ref"].(string)
					o.Body = strings.TrimPrefix(ref, "#/definitions/")
				case "formData":
					o.Form = true
				}
			}
			ops = append(ops, o)
		}
	}
	return ops, doc.Definitions
}

// owDefinition is a schema of the spec's definitions.
type owDefinition struct {
	Properties map[string]struct {
		Ref   string `json:"$ref"`
		Type  string `json:"type"`
		Items struct {
			Ref string `json:"$ref"`
		} `json:"items"`
	} `json:"properties"`
}

// owFill puts IDs into a spec path: id, then delivery_id.
func owFill(path, id, deliveryID string) string {
	return strings.NewReplacer("{id}", id, "{delivery_id}", deliveryID).Replace(path)
}

// owRandomID is an ID nothing has.
func owRandomID() string { return uuid.NewString() }

// TestOWASPLeakDetector checks owLeaks itself: it finds each kind of
// internals in an error body and passes ordinary problems, so that the
// sweeps above cannot pass for want of looking.
func TestOWASPLeakDetector(t *testing.T) {
	leaky := []string{
		"goroutine 42 [running]:\nmain.main()",
		`{"detail":"handler.go:42: boom"}`,
		`{"detail":"SELECT id FROM accounts WHERE cnic = $1"}`,
		`{"detail":"ERROR: invalid byte sequence for encoding \"UTF8\": 0x00 (SQLSTATE 22021)"}`,
		`{"detail":"pq: duplicate key value violates unique constraint \"accounts_cnic_key\""}`,
		`{"detail":"gorm: record not found"}`,
		`{"detail":"sqlite3: constraint failed"}`,
		`{"detail":"runtime error: invalid memory address or nil pointer dereference"}`,
		`{"detail":"open /home/app/data/citizen.db: permission denied"}`,
		`{"detail":"github.com/islamabad-digital/citizenapi/modules/identity.(*Service).Login"}`,
	}
	for _, body := range leaky {
		if got := owLeaks(&apitest.Response{Status: 500, Body: []byte(body)}); len(got) == 0 {
			t.Errorf("owLeaks found nothing in %s", body)
		}
	}
	clean := []string{
		`{"type":"/problems/not-found","title":"Not found","status":404,"detail":"appointment not found","request_id":"a-1"}`,
		`{"type":"/problems/malformed-request","title":"Your request could not be read","status":400,"errors":[{"field":"cursor","message":"is not a cursor returned by this list"}]}`,
		`{"error":"invalid_client","error_description":"unknown client, wrong secret, or a revoked client"}`,
	}
	for _, body := range clean {
		if got := owLeaks(&apitest.Response{Status: 400, Body: []byte(body)}); len(got) != 0 {
			t.Errorf("owLeaks flags an ordinary problem %s: %v", body, got)
		}
	}
	if got := owLeaks(&apitest.Response{Status: 200, Body: []byte(`{"cnic":"6110112345671"}`)}, "6110112345671"); len(got) != 1 {
		t.Errorf("owLeaks missed a secret: %v", got)
	}
}
