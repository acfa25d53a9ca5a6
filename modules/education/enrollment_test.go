package education_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

const (
	applicationsPath      = "/api/v1/education/applications"
	adminApplicationsPath = "/api/v1/admin/education/applications"
	adminSchoolsPath      = "/api/v1/admin/education/schools"
	admissionWindowsPath  = "/api/v1/admin/education/admission-windows"
	dependantsPath        = "/api/v1/me/dependants"
)

// The cut-off and age rules most tests use: a child born on grade1DOB is 6
// on the cut-off, in range for grades 1 and 2.
const (
	defaultCutoff = "2025-03-31"
	grade1DOB     = "2019-01-15"
)

var defaultRules = []education.AgeRule{{Grade: 1, MinAge: 5, MaxAge: 7}, {Grade: 2, MinAge: 6, MaxAge: 8}, {Grade: 6, MinAge: 10, MaxAge: 12}}

// buildMu makes servers one at a time (see newRig).
var buildMu sync.Mutex

// rig is one test's server, education admin and academic year.
type rig struct {
	t     *testing.T
	app   *apitest.App
	admin *apitest.Staff
	year  string
}

// newRig starts a server for the test. The test runs in parallel, which
// also holds it back until the package's sequential tests have finished: on
// PostgreSQL they share one schema, and TestSchools expects to load the demo
// schools into an empty school table.
//
// Servers are built one at a time: api.New renders the Swagger document
// through swag's Spec.ReadDoc, which writes the package-level
// openapi.SwaggerInfo, so two at once are a data race.
func newRig(t *testing.T) *rig {
	t.Helper()
	t.Parallel()
	app := func() *apitest.App {
		buildMu.Lock()
		defer buildMu.Unlock() // also when New fails the test
		return apitest.New(t)
	}()
	return &rig{t: t, app: app, admin: app.Admin(identity.RoleEducationAdmin), year: apitest.AcademicYear()}
}

// window opens admissions for the rig's year.
func (r *rig) window(opens, closes time.Time, ageCutoff string, rules []education.AgeRule) education.AdmissionWindow {
	r.t.Helper()
	res := r.app.Post(admissionWindowsPath, r.admin.Token, map[string]any{
		"academic_year": r.year, "opens_at": opens.Format(time.RFC3339Nano), "closes_at": closes.Format(time.RFC3339Nano),
		"age_cutoff": ageCutoff, "age_rules": rules,
	})
	if res.Status != http.StatusCreated {
		r.t.Fatalf("create window: %d %s", res.Status, res.Body)
	}
	var w education.AdmissionWindow
	res.JSON(r.t, &w)
	return w
}

// openWindow opens admissions from an hour ago for a month, with the
// default cut-off and rules.
func (r *rig) openWindow() {
	r.t.Helper()
	now := r.app.Clock.Now()
	r.window(now.Add(-time.Hour), now.Add(30*24*time.Hour), defaultCutoff, defaultRules)
}

// school creates a school and returns its ID.
func (r *rig) school() string {
	r.t.Helper()
	tag := uuid.NewString()
	res := r.app.Post(adminSchoolsPath, r.admin.Token, map[string]string{
		"name": "Enrollment Test School " + tag[:8], "level": "primary", "gender": "co", "sector": "E-" + tag[:6], "emis_code": "E" + tag[:13],
	})
	if res.Status != http.StatusCreated {
		r.t.Fatalf("create school: %d %s", res.Status, res.Body)
	}
	return res.Map(r.t)["id"].(string)
}

// setSeats sets a grade's seats in the rig's year with token.
func (r *rig) setSeats(token, schoolID string, grade, seats int) *apitest.Response {
	r.t.Helper()
	return r.app.Do(apitest.Request{Method: http.MethodPut, Path: adminSchoolsPath + "/" + schoolID + "/seats", Token: token,
		Body: map[string]any{"academic_year": r.year, "grade": grade, "seats": seats}})
}

func (r *rig) mustSeats(schoolID string, grade, seats int) {
	r.t.Helper()
	if res := r.setSeats(r.admin.Token, schoolID, grade, seats); res.Status != http.StatusOK {
		r.t.Fatalf("set seats: %d %s", res.Status, res.Body)
	}
}

// schoolWithSeats creates a school with seats in grade 1.
func (r *rig) schoolWithSeats(seats int) string {
	r.t.Helper()
	id := r.school()
	r.mustSeats(id, 1, seats)
	return id
}

// seats returns a school's seats in a grade of the rig's year as the public
// school page shows them.
func (r *rig) seats(schoolID string, grade int) education.Seats {
	r.t.Helper()
	res := r.app.Get("/api/v1/education/schools/"+schoolID, "").Want(r.t, http.StatusOK)
	var sc education.School
	res.JSON(r.t, &sc)
	for _, s := range sc.Seats {
		if s.AcademicYear == r.year && s.Grade == grade {
			return s
		}
	}
	r.t.Fatalf("school %s has no %s grade %d seats: %+v", schoolID, r.year, grade, sc.Seats)
	return education.Seats{}
}

// dbFilled reads filled straight from the database.
func (r *rig) dbFilled(schoolID string, grade int) int {
	r.t.Helper()
	var filled int
	err := r.app.DB.Conn(context.Background()).
		Raw("SELECT filled FROM education_seats WHERE school_id = ? AND academic_year = ? AND grade = ?", schoolID, r.year, grade).
		Scan(&filled).Error
	if err != nil {
		r.t.Fatal(err)
	}
	return filled
}

// dependant adds a family member to c and returns its ID.
func (r *rig) dependant(c *apitest.Citizen, relation, dob string) string {
	r.t.Helper()
	res := r.app.Post(dependantsPath, c.Token, map[string]string{
		"full_name": "Test " + relation + " " + uuid.NewString()[:6], "relation": relation, "date_of_birth": dob, "gender": "female",
	})
	if res.Status != http.StatusCreated {
		r.t.Fatalf("add dependant: %d %s", res.Status, res.Body)
	}
	return res.Map(r.t)["id"].(string)
}

func (r *rig) child(c *apitest.Citizen, dob string) string {
	r.t.Helper()
	return r.dependant(c, "child", dob)
}

// family is a new parent with one child born on grade1DOB.
func (r *rig) family() (*apitest.Citizen, string) {
	r.t.Helper()
	p := r.app.NewCitizen()
	return p, r.child(p, grade1DOB)
}

func (r *rig) apply(token, schoolID string, grade int, childID string) *apitest.Response {
	r.t.Helper()
	return r.app.Post(applicationsPath, token, map[string]any{"school_id": schoolID, "academic_year": r.year, "grade": grade, "child_id": childID})
}

func (r *rig) mustApply(token, schoolID string, grade int, childID string) education.Application {
	r.t.Helper()
	res := r.apply(token, schoolID, grade, childID).Want(r.t, http.StatusCreated)
	var a education.Application
	res.JSON(r.t, &a)
	if a.Status != education.StatusSubmitted {
		r.t.Fatalf("new application status = %q, want submitted", a.Status)
	}
	return a
}

func (r *rig) decide(token, id, decision, note string) *apitest.Response {
	r.t.Helper()
	return r.app.Post(adminApplicationsPath+"/"+id+"/decision", token, map[string]string{"decision": decision, "note": note})
}

func (r *rig) mustDecide(token, id, decision, note string) education.Application {
	r.t.Helper()
	res := r.decide(token, id, decision, note).Want(r.t, http.StatusOK)
	var a education.Application
	res.JSON(r.t, &a)
	return a
}

func (r *rig) withdraw(token, id string) *apitest.Response {
	r.t.Helper()
	return r.app.Post(applicationsPath+"/"+id+"/withdraw", token, nil)
}

// get reads an application as its parent.
func (r *rig) get(token, id string) education.Application {
	r.t.Helper()
	res := r.app.Get(applicationsPath+"/"+id, token).Want(r.t, http.StatusOK)
	var a education.Application
	res.JSON(r.t, &a)
	return a
}

func (r *rig) wantStatus(token, id, want string) education.Application {
	r.t.Helper()
	a := r.get(token, id)
	if a.Status != want {
		r.t.Errorf("application %s is %s, want %s", id, a.Status, want)
	}
	return a
}

// notices returns the kinds of the notifications an account received.
func (r *rig) notices(accountID string) []string {
	r.t.Helper()
	var kinds []string
	if err := r.app.DB.Conn(context.Background()).Table("notifications").Where("account_id = ?", accountID).
		Order("created_at, id").Pluck("kind", &kinds).Error; err != nil {
		r.t.Fatal(err)
	}
	return kinds
}

func countOf(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}

// decided counts the notices of a staff decision: kind application.decided,
// or application.decided.<status> where the kind names the new status.
func decided(kinds []string) int {
	n := 0
	for _, k := range kinds {
		if k == "application.decided" || strings.HasPrefix(k, "application.decided.") {
			n++
		}
	}
	return n
}

// lastEvent is the newest history entry.
func lastEvent(t *testing.T, a education.Application) education.ApplicationEvent {
	t.Helper()
	if len(a.History) == 0 {
		t.Fatalf("application %s has no history", a.ID)
	}
	return a.History[len(a.History)-1]
}

// A child's age on the cut-off date must lie in [min_age, max_age].
func TestApplyAgeBoundaries(t *testing.T) {
	r := newRig(t)
	r.openWindow() // grade 1 admits ages 5 to 7 on 2025-03-31
	school := r.schoolWithSeats(10)
	parent := r.app.NewCitizen()
	cases := []struct {
		name   string
		dob    string
		status int
	}{
		{"exactly min_age on the cut-off (fifth birthday)", "2020-03-31", http.StatusCreated},
		{"one day short of min_age", "2020-04-01", http.StatusUnprocessableEntity},
		{"min_age the day before the cut-off", "2020-03-30", http.StatusCreated},
		{"max_age, eighth birthday the day after the cut-off", "2017-04-01", http.StatusCreated},
		{"max_age+1 on the cut-off (eighth birthday)", "2017-03-31", http.StatusUnprocessableEntity},
		{"leap-day child, well inside", "2020-02-29", http.StatusCreated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := r.apply(parent.Token, school, 1, r.child(parent, tc.dob))
			if tc.status == http.StatusCreated {
				if res.Status != http.StatusCreated {
					t.Fatalf("status = %d, want 201 (%s)", res.Status, res.Body)
				}
				return
			}
			res.Problem(t, tc.status, "child_id")
		})
	}
}

// Applications are taken from opens_at (inclusive) to closes_at (exclusive).
func TestApplyWindowEdges(t *testing.T) {
	r := newRig(t)
	// Near the clock, so that the tokens issued now (15 minutes) stay valid.
	opens := r.app.Clock.Now().Truncate(time.Second).Add(5 * time.Minute)
	closes := opens.Add(5 * time.Minute)
	w := r.window(opens, closes, defaultCutoff, defaultRules)
	if !w.OpensAt.Equal(opens) || !w.ClosesAt.Equal(closes) {
		t.Fatalf("window [%s, %s), want [%s, %s)", w.OpensAt, w.ClosesAt, opens, closes)
	}
	school := r.schoolWithSeats(10)
	parent := r.app.NewCitizen()
	cases := []struct {
		name   string
		now    time.Time
		status int
	}{
		{"one second before opens_at", opens.Add(-time.Second), http.StatusUnprocessableEntity},
		{"at opens_at", opens, http.StatusCreated},
		{"one second before closes_at", closes.Add(-time.Second), http.StatusCreated},
		{"at closes_at", closes, http.StatusUnprocessableEntity},
	}
	children := make([]string, len(cases))
	for i := range cases {
		children[i] = r.child(parent, grade1DOB)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r.app.Clock.Set(tc.now)
			res := r.apply(parent.Token, school, 1, children[i])
			if tc.status == http.StatusCreated {
				if res.Status != http.StatusCreated {
					t.Fatalf("status = %d, want 201 (%s)", res.Status, res.Body)
				}
				return
			}
			res.Problem(t, tc.status, "")
		})
	}
}

// Who may apply for whom, where and how often.
func TestApplyRules(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	schools := make([]string, 4)
	for i := range schools {
		schools[i] = r.schoolWithSeats(10)
	}
	parent, kid := r.family()
	other, othersKid := r.family()

	t.Run("refused requests", func(t *testing.T) {
		spouse := r.dependant(parent, "spouse", "1990-05-01")
		otherYear := apitest.AcademicYear() // no window
		cases := []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"another citizen's child", map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 1, "child_id": othersKid}, 422, "child_id"},
			{"a spouse", map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 1, "child_id": spouse}, 422, "child_id"},
			{"an unknown child", map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 1, "child_id": uuid.NewString()}, 422, "child_id"},
			{"a grade with an age rule but no seats", map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 2, "child_id": kid}, 422, "grade"},
			{"a grade without an age rule", map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 3, "child_id": kid}, 422, "grade"},
			{"an unknown school", map[string]any{"school_id": uuid.NewString(), "academic_year": r.year, "grade": 1, "child_id": kid}, 422, "school_id"},
			{"a year without admissions", map[string]any{"school_id": schools[0], "academic_year": otherYear, "grade": 1, "child_id": kid}, 422, "academic_year"},
			{"a malformed year", map[string]any{"school_id": schools[0], "academic_year": "2025-27", "grade": 1, "child_id": kid}, 422, "academic_year"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r.app.Post(applicationsPath, parent.Token, tc.body).Problem(t, tc.status, tc.field)
			})
		}
		t.Run("a malformed child_id", func(t *testing.T) {
			res := r.app.Post(applicationsPath, parent.Token, map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 1, "child_id": "kid-1"})
			if res.Status != http.StatusBadRequest && res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 400 or 422 (%s)", res.Status, res.Body)
			}
			res.Problem(t, res.Status, "child_id")
		})
		// Nothing of that was recorded.
		var l education.ApplicationList
		r.app.Get(applicationsPath, parent.Token).JSON(t, &l)
		if len(l.Items) != 0 {
			t.Errorf("refused requests left %d applications: %+v", len(l.Items), l.Items)
		}
	})

	t.Run("one application per child, school and year; at most three open", func(t *testing.T) {
		a := r.mustApply(parent.Token, schools[0], 1, kid)
		r.apply(parent.Token, schools[0], 1, kid).Problem(t, http.StatusConflict, "")
		// The refused duplicate took no open place: two more schools are fine.
		r.mustApply(parent.Token, schools[1], 1, kid)
		c := r.mustApply(parent.Token, schools[2], 1, kid)
		r.apply(parent.Token, schools[3], 1, kid).Problem(t, http.StatusConflict, "")

		// Another child of another parent is not affected.
		r.mustApply(other.Token, schools[3], 1, othersKid)

		// Withdrawing one frees a place.
		if res := r.withdraw(parent.Token, c.ID); res.Status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.Status, res.Body)
		}
		r.mustApply(parent.Token, schools[3], 1, kid)
		r.apply(parent.Token, schools[2], 1, kid).Problem(t, http.StatusConflict, "")

		// Withdrawing again frees a place, and a withdrawn application does
		// not block a new one to the same school.
		if res := r.withdraw(parent.Token, a.ID); res.Status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.Status, res.Body)
		}
		again := r.mustApply(parent.Token, schools[0], 1, kid)
		if again.ID == a.ID {
			t.Error("re-applying returned the withdrawn application")
		}
		var l education.ApplicationList
		r.app.Get(applicationsPath+"?limit=100", parent.Token).JSON(t, &l)
		open := 0
		for _, x := range l.Items {
			if education.IsOpen(x.Status) {
				open++
			}
		}
		if len(l.Items) != 5 || open != 3 {
			t.Errorf("parent has %d applications, %d open; want 5 and 3 (%+v)", len(l.Items), open, l.Items)
		}
	})

	t.Run("Idempotency-Key", func(t *testing.T) {
		kid2 := r.child(parent, grade1DOB)
		key := uuid.NewString()
		body := map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 1, "child_id": kid2}
		send := func(b map[string]any) *apitest.Response {
			return r.app.Do(apitest.Request{Method: http.MethodPost, Path: applicationsPath, Token: parent.Token, Body: b,
				Header: map[string]string{"Idempotency-Key": key}})
		}
		first := send(body).Want(t, http.StatusCreated)
		replay := send(body)
		if replay.Status != first.Status || string(replay.Body) != string(first.Body) {
			t.Errorf("replay = %d %s, want %d %s", replay.Status, replay.Body, first.Status, first.Body)
		}
		if replay.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay lacks Idempotent-Replayed: true (headers %v)", replay.Header)
		}
		// Without the key, the same body is a second application: 409.
		r.apply(parent.Token, schools[0], 1, kid2).Problem(t, http.StatusConflict, "")
		// The same key with another body is refused.
		changed := map[string]any{"school_id": schools[1], "academic_year": r.year, "grade": 1, "child_id": kid2}
		send(changed).Problem(t, http.StatusUnprocessableEntity, "Idempotency-Key")
		// Keys belong to their caller: the other parent's same key runs afresh.
		res := r.app.Do(apitest.Request{Method: http.MethodPost, Path: applicationsPath, Token: other.Token, Header: map[string]string{"Idempotency-Key": key},
			Body: map[string]any{"school_id": schools[0], "academic_year": r.year, "grade": 1, "child_id": othersKid}})
		if res.Status != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("other caller, same key: %d replayed=%q %s", res.Status, res.Header.Get("Idempotent-Replayed"), res.Body)
		}

		var n int64
		r.app.DB.Conn(context.Background()).Table("education_applications").Where("child_id = ?", kid2).Count(&n)
		if n != 1 {
			t.Errorf("child has %d applications, want 1", n)
		}
	})
}

// Twelve acceptances race for three seats.
func TestConcurrentAcceptances(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(3)
	const applicants = 12
	ids := make([]string, applicants)
	for i := range ids {
		parent, kid := r.family()
		ids[i] = r.mustApply(parent.Token, school, 1, kid).ID
	}
	tokens := []string{
		r.app.NewStaff("education_staff", school).Token,
		r.app.NewStaff("education_staff", school).Token,
		r.app.NewStaff("education_staff", school).Token,
		r.admin.Token,
	}

	statuses := make([]int, applicants)
	bodies := make([][]byte, applicants)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			<-start
			res := r.decide(tokens[i%len(tokens)], id, education.StatusAccepted, "")
			statuses[i], bodies[i] = res.Status, res.Body
		})
	}
	close(start)
	wg.Wait()

	byStatus := map[int]int{}
	var accepted []string
	for i, s := range statuses {
		byStatus[s]++
		if s >= 500 || (s != http.StatusOK && s != http.StatusConflict) {
			t.Errorf("decision %d: %d %s", i, s, bodies[i])
		}
		if s == http.StatusOK {
			var a education.Application
			if err := json.Unmarshal(bodies[i], &a); err != nil || a.Status != education.StatusAccepted {
				t.Errorf("decision %d answered 200 with %s", i, bodies[i])
			}
			accepted = append(accepted, ids[i])
		}
	}
	if byStatus[http.StatusOK] != 3 || byStatus[http.StatusConflict] != applicants-3 {
		t.Errorf("answers %v, want 3 × 200 and %d × 409", byStatus, applicants-3)
	}
	if s := r.seats(school, 1); s.Seats != 3 || s.Filled != 3 {
		t.Errorf("seats = %+v, want 3 of 3 filled", s)
	}
	if got := r.dbFilled(school, 1); got != 3 {
		t.Errorf("education_seats.filled = %d, want 3", got)
	}
	var inDB []string
	r.app.DB.Conn(context.Background()).Table("education_applications").Where("school_id = ? AND status = ?", school, education.StatusAccepted).
		Order("id").Pluck("id", &inDB)
	slices.Sort(accepted)
	if !slices.Equal(inDB, accepted) {
		t.Errorf("accepted in the database %v, want the ones answered 200 %v", inDB, accepted)
	}
	// The losers are unchanged.
	var list education.ApplicationList
	r.app.Get(adminApplicationsPath+"?limit=100&status=submitted&school_id="+school, r.admin.Token).JSON(t, &list)
	if len(list.Items) != applicants-3 {
		t.Errorf("%d applications still submitted, want %d", len(list.Items), applicants-3)
	}
}

// A parent fires six applications for one child at once: the limit of
// three open applications holds under concurrency.
func TestConcurrentApplicationsOfOneChild(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	const tries = 6
	schools := make([]string, tries)
	for i := range schools {
		schools[i] = r.schoolWithSeats(5)
	}
	parent, kid := r.family()
	statuses := make([]int, tries)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range schools {
		wg.Go(func() {
			<-start
			res := r.apply(parent.Token, s, 1, kid)
			statuses[i] = res.Status
			if res.Status != http.StatusCreated && res.Status != http.StatusConflict {
				t.Errorf("apply to school %d: %d %s", i, res.Status, res.Body)
			}
		})
	}
	close(start)
	wg.Wait()
	if created := slices.DeleteFunc(slices.Clone(statuses), func(s int) bool { return s != http.StatusCreated }); len(created) != 3 {
		t.Errorf("answers %v, want 3 × 201 and 3 × 409", statuses)
	}
	var n int64
	r.app.DB.Conn(context.Background()).Table("education_applications").Where("child_id = ?", kid).Count(&n)
	if n != 3 {
		t.Errorf("the child has %d applications, want 3", n)
	}
}

// Two schools accept the same child at the same moment: one wins, the
// other is told 409, and the child holds one seat.
func TestConcurrentAcceptancesOfOneChild(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	a, b := r.schoolWithSeats(50), r.schoolWithSeats(50)
	staffA, staffB := r.app.NewStaff("education_staff", a), r.app.NewStaff("education_staff", b)
	const children = 8
	type pair struct {
		parent *apitest.Citizen
		atA    string
		atB    string
	}
	pairs := make([]pair, children)
	for i := range pairs {
		p, kid := r.family()
		pairs[i] = pair{parent: p, atA: r.mustApply(p.Token, a, 1, kid).ID, atB: r.mustApply(p.Token, b, 1, kid).ID}
	}
	for i, pr := range pairs {
		var resA, resB *apitest.Response
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { <-start; resA = r.decide(staffA.Token, pr.atA, education.StatusAccepted, "") })
		wg.Go(func() { <-start; resB = r.decide(staffB.Token, pr.atB, education.StatusAccepted, "") })
		close(start)
		wg.Wait()
		got := []int{resA.Status, resB.Status}
		slices.Sort(got)
		if !slices.Equal(got, []int{http.StatusOK, http.StatusConflict}) {
			t.Errorf("child %d: accept at A = %d %s; at B = %d %s; want one 200 and one 409", i, resA.Status, resA.Body, resB.Status, resB.Body)
			continue
		}
		winner, loser := pr.atA, pr.atB
		if resB.Status == http.StatusOK {
			winner, loser = pr.atB, pr.atA
		}
		r.wantStatus(pr.parent.Token, winner, education.StatusAccepted)
		r.wantStatus(pr.parent.Token, loser, education.StatusWithdrawn)
	}
	if fa, fb := r.dbFilled(a, 1), r.dbFilled(b, 1); fa+fb != children {
		t.Errorf("filled at A %d + at B %d = %d, want one seat per child: %d", fa, fb, fa+fb, children)
	}
}

// A child holds at most one seat a year: accepting one withdraws the rest.
func TestAcceptingWithdrawsOtherApplications(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	a, b, c := r.schoolWithSeats(5), r.schoolWithSeats(5), r.schoolWithSeats(5)
	staffA, staffB := r.app.NewStaff("education_staff", a), r.app.NewStaff("education_staff", b)
	parent, kid := r.family()
	atA := r.mustApply(parent.Token, a, 1, kid)
	atB := r.mustApply(parent.Token, b, 1, kid)
	atC := r.mustApply(parent.Token, c, 1, kid)
	r.mustDecide(staffB.Token, atB.ID, education.StatusUnderReview, "")
	// Another child at B keeps its application.
	otherParent, otherKid := r.family()
	otherAtB := r.mustApply(otherParent.Token, b, 1, otherKid)
	before := r.notices(parent.ID)

	r.app.Clock.Advance(time.Second)
	got := r.mustDecide(staffA.Token, atA.ID, education.StatusAccepted, "Welcome.")
	if got.Status != education.StatusAccepted {
		t.Fatalf("A is %s, want accepted", got.Status)
	}
	for name, x := range map[string]struct {
		id, from string
	}{"B": {atB.ID, education.StatusUnderReview}, "C": {atC.ID, education.StatusSubmitted}} {
		app := r.wantStatus(parent.Token, x.id, education.StatusWithdrawn)
		if e := lastEvent(t, app); e.FromStatus != x.from || e.ToStatus != education.StatusWithdrawn || e.ActorRole != "system" || e.Note == "" {
			t.Errorf("%s last event = %+v, want %s → withdrawn by system with a note", name, e, x.from)
		}
	}
	r.wantStatus(otherParent.Token, otherAtB.ID, education.StatusSubmitted)
	for name, s := range map[string]string{"A": a, "B": b, "C": c} {
		want := 0
		if name == "A" {
			want = 1
		}
		if got := r.seats(s, 1); got.Filled != want || got.Seats != 5 {
			t.Errorf("school %s seats = %+v, want 5 with %d filled", name, got, want)
		}
	}
	after := r.notices(parent.ID)
	if n := decided(after) - decided(before); n != 3 {
		t.Errorf("parent got %d application.decided notices (%v), want 3: accepted at A, withdrawn at B and C", n, after)
	}
	// B cannot take the withdrawn application back.
	r.decide(staffB.Token, atB.ID, education.StatusAccepted, "").Problem(t, http.StatusConflict, "")
	if got := r.seats(b, 1); got.Filled != 0 {
		t.Errorf("B filled = %d after the refused acceptance, want 0", got.Filled)
	}
	// The child holds one open application; two more may be made.
	d, e, f := r.schoolWithSeats(1), r.schoolWithSeats(1), r.schoolWithSeats(1)
	r.mustApply(parent.Token, d, 1, kid)
	r.mustApply(parent.Token, e, 1, kid)
	r.apply(parent.Token, f, 1, kid).Problem(t, http.StatusConflict, "")
}

// applicant is a parent and their child's new application.
type applicant struct {
	parent *apitest.Citizen
	app    education.Application
}

func (r *rig) applicant(school string) applicant {
	r.t.Helper()
	p, kid := r.family()
	return applicant{parent: p, app: r.mustApply(p.Token, school, 1, kid)}
}

// A freed seat is offered to the earliest waitlisted application; the
// family accepts it, declines it (it goes to the next) or lets it lapse.
func TestWaitlistOffers(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(1)
	staff := r.app.NewStaff("education_staff", school)
	x := r.applicant(school)
	w := []applicant{r.applicant(school), r.applicant(school), r.applicant(school), r.applicant(school)}

	r.mustDecide(staff.Token, x.app.ID, education.StatusAccepted, "")
	for i := range w {
		r.app.Clock.Advance(time.Second)
		got := r.mustDecide(staff.Token, w[i].app.ID, education.StatusWaitlisted, fmt.Sprintf("number %d", i+1))
		if got.WaitlistedAt == nil || !got.WaitlistedAt.Equal(r.app.Clock.Now()) {
			t.Errorf("W%d waitlisted_at = %v, want %s", i+1, got.WaitlistedAt, r.app.Clock.Now())
		}
	}
	// No seat: accepting W3 past capacity is refused.
	r.decide(staff.Token, w[2].app.ID, education.StatusAccepted, "").Problem(t, http.StatusConflict, "")
	r.wantStatus(w[2].parent.Token, w[2].app.ID, education.StatusWaitlisted)

	// X's parent withdraws: W1 is offered the seat, which stays filled.
	r.app.Clock.Advance(time.Second)
	var withdrawn education.Application
	r.withdraw(x.parent.Token, x.app.ID).Want(t, http.StatusOK).JSON(t, &withdrawn)
	if withdrawn.Status != education.StatusWithdrawn {
		t.Errorf("withdraw answered status %s", withdrawn.Status)
	}
	w1 := r.wantStatus(w[0].parent.Token, w[0].app.ID, education.StatusOffered)
	if e := lastEvent(t, w1); e.FromStatus != education.StatusWaitlisted || e.ToStatus != education.StatusOffered || e.ActorRole != "system" {
		t.Errorf("W1 last event = %+v, want waitlisted → offered by system", e)
	}
	r.wantStatus(w[1].parent.Token, w[1].app.ID, education.StatusWaitlisted)
	if s := r.seats(school, 1); s.Filled != 1 {
		t.Errorf("filled = %d while offered, want 1", s.Filled)
	}
	if n := countOf(r.notices(w[0].parent.ID), "offer.made"); n != 1 {
		t.Errorf("W1's parent got %d offer.made notices (%v), want 1", n, r.notices(w[0].parent.ID))
	}
	if n := countOf(r.notices(w[1].parent.ID), "offer.made"); n != 0 {
		t.Errorf("W2's parent got %d offer.made notices, want 0", n)
	}
	// Staff cannot decide an offered application: the family does.
	r.decide(staff.Token, w[0].app.ID, education.StatusRejected, "").Problem(t, http.StatusConflict, "")
	o := r.offer(w[0].parent)
	if hold := o.ExpiresAt.Sub(r.app.Clock.Now()); hold != 72*time.Hour {
		t.Errorf("the seat is held for %v, want 72h", hold)
	}
	r.app.Post("/api/v1/me/offers/"+o.ID+"/accept", w[0].parent.Token, nil).Want(t, http.StatusOK)
	r.wantStatus(w[0].parent.Token, w[0].app.ID, education.StatusAccepted)

	// Staff reverse W1's acceptance: W2 is offered it and, a day later,
	// declines; W3 gets the whole 72 hours, lets them lapse, and W4 is
	// offered it and declines: nobody waits, so the seat is free.
	r.app.Clock.Advance(time.Second)
	if got := r.mustDecide(staff.Token, w[0].app.ID, education.StatusRejected, "Documents missing."); got.Status != education.StatusRejected {
		t.Errorf("W1 is %s, want rejected", got.Status)
	}
	r.wantStatus(w[1].parent.Token, w[1].app.ID, education.StatusOffered)
	r.app.SetClock(r.app.Clock.Now().Add(24 * time.Hour))
	r.app.Post("/api/v1/me/offers/"+r.offer(w[1].parent).ID+"/decline", w[1].parent.Token, nil).Want(t, http.StatusOK)
	r.wantStatus(w[1].parent.Token, w[1].app.ID, education.StatusWithdrawn)
	r.wantStatus(w[2].parent.Token, w[2].app.ID, education.StatusOffered)
	if hold := r.offer(w[2].parent).ExpiresAt.Sub(r.app.Clock.Now()); hold != 72*time.Hour {
		t.Errorf("W3's offer holds the seat for %v, want 72h", hold)
	}
	if got := r.dbFilled(school, 1); got != 1 {
		t.Errorf("education_seats.filled = %d, want 1", got)
	}
	r.app.SetClock(r.offer(w[2].parent).ExpiresAt)
	if _, err := r.app.Server.Modules().Offers.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.wantStatus(w[2].parent.Token, w[2].app.ID, education.StatusWithdrawn)
	r.wantStatus(w[3].parent.Token, w[3].app.ID, education.StatusOffered)
	r.app.Post("/api/v1/me/offers/"+r.offer(w[3].parent).ID+"/decline", w[3].parent.Token, nil).Want(t, http.StatusOK)
	if got := r.dbFilled(school, 1); got != 0 {
		t.Errorf("education_seats.filled = %d once every offer ended, want 0", got)
	}
}

// A family offered a seat while their child holds one at another school
// may take it: the other seat is given up, to that school's own line.
func TestOfferedSeatReplacesASeatElsewhere(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school, elsewhere := r.schoolWithSeats(1), r.schoolWithSeats(1)
	staff := r.app.NewStaff("education_staff", school)
	x := r.applicant(school)
	r.mustDecide(staff.Token, x.app.ID, education.StatusAccepted, "")

	yParent, yKid := r.family()
	yElsewhere := r.mustApply(yParent.Token, elsewhere, 1, yKid)
	r.mustDecide(r.admin.Token, yElsewhere.ID, education.StatusAccepted, "")
	yHere := r.mustApply(yParent.Token, school, 1, yKid)
	r.app.Clock.Advance(time.Second)
	r.mustDecide(staff.Token, yHere.ID, education.StatusWaitlisted, "")
	// Z waits for a seat at the other school.
	z := r.applicant(elsewhere)
	r.app.Clock.Advance(time.Second)
	r.mustDecide(r.admin.Token, z.app.ID, education.StatusWaitlisted, "")

	r.app.Clock.Advance(time.Second)
	r.withdraw(x.parent.Token, x.app.ID).Want(t, http.StatusOK)
	r.wantStatus(yParent.Token, yHere.ID, education.StatusOffered)
	r.app.Post("/api/v1/me/offers/"+r.offer(yParent).ID+"/accept", yParent.Token, nil).Want(t, http.StatusOK)
	r.wantStatus(yParent.Token, yHere.ID, education.StatusAccepted)
	r.wantStatus(yParent.Token, yElsewhere.ID, education.StatusWithdrawn)
	r.wantStatus(z.parent.Token, z.app.ID, education.StatusOffered)
	if a, b := r.dbFilled(school, 1), r.dbFilled(elsewhere, 1); a != 1 || b != 1 {
		t.Errorf("filled = %d here and %d elsewhere, want 1 and 1 (Z's offer holds it)", a, b)
	}
}

// Moving an accepted application back to the waitlist frees its seat for
// someone else (who is offered it); with no one else waiting the seat
// stays free and the application stays waitlisted, as the staff decided.
func TestAcceptedToWaitlistedWithNoOneElseWaiting(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(1)
	staff := r.app.NewStaff("education_staff", school)
	x := r.applicant(school)
	r.mustDecide(staff.Token, x.app.ID, education.StatusAccepted, "")

	r.app.Clock.Advance(time.Second)
	got := r.mustDecide(staff.Token, x.app.ID, education.StatusWaitlisted, "Back to the list.")
	if got.Status != education.StatusWaitlisted {
		t.Errorf("decision waitlisted answered status %q (history %+v), want waitlisted", got.Status, got.History)
	}
	if s := r.seats(school, 1); s.Filled != 0 {
		t.Errorf("filled = %d, want 0", s.Filled)
	}
	if n := countOf(r.notices(x.parent.ID), "offer.made"); n != 0 {
		t.Errorf("parent was offered the seat back %d times", n)
	}

	// With someone else waiting, the seat goes to them and X waits behind.
	w := r.applicant(school)
	r.app.Clock.Advance(time.Second)
	r.mustDecide(staff.Token, w.app.ID, education.StatusWaitlisted, "")
	r.app.Clock.Advance(time.Second)
	r.mustDecide(staff.Token, x.app.ID, education.StatusAccepted, "")
	r.wantStatus(w.parent.Token, w.app.ID, education.StatusWaitlisted)
	r.app.Clock.Advance(time.Second)
	if got := r.mustDecide(staff.Token, x.app.ID, education.StatusWaitlisted, ""); got.Status != education.StatusWaitlisted {
		t.Errorf("X is %s, want waitlisted", got.Status)
	}
	r.wantStatus(w.parent.Token, w.app.ID, education.StatusOffered)
	if s := r.seats(school, 1); s.Filled != 1 {
		t.Errorf("filled = %d, want 1", s.Filled)
	}
}

// Seats may be raised any time and lowered down to the seats filled.
func TestSetSeats(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(2)
	staff := r.app.NewStaff("education_staff", school)
	for range 2 {
		a := r.applicant(school)
		r.mustDecide(staff.Token, a.app.ID, education.StatusAccepted, "")
	}
	steps := []struct {
		name   string
		token  string
		seats  int
		status int
		want   education.Seats // after the step
	}{
		{"raise", r.admin.Token, 5, http.StatusOK, education.Seats{Seats: 5, Filled: 2}},
		{"raise again, as the school's staff", staff.Token, 8, http.StatusOK, education.Seats{Seats: 8, Filled: 2}},
		{"lower below filled", r.admin.Token, 1, http.StatusConflict, education.Seats{Seats: 8, Filled: 2}},
		{"lower to zero", staff.Token, 0, http.StatusConflict, education.Seats{Seats: 8, Filled: 2}},
		{"lower to exactly filled", r.admin.Token, 2, http.StatusOK, education.Seats{Seats: 2, Filled: 2}},
		{"set to the same", staff.Token, 2, http.StatusOK, education.Seats{Seats: 2, Filled: 2}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res := r.setSeats(st.token, school, 1, st.seats)
			if st.status == http.StatusOK {
				if res.Status != http.StatusOK {
					t.Fatalf("status = %d, want 200 (%s)", res.Status, res.Body)
				}
			} else {
				res.Problem(t, st.status, "")
			}
			got := r.seats(school, 1)
			if got.Seats != st.want.Seats || got.Filled != st.want.Filled {
				t.Errorf("seats = %+v, want %d seats, %d filled", got, st.want.Seats, st.want.Filled)
			}
		})
	}
	// Full: a third acceptance is refused.
	a := r.applicant(school)
	r.decide(staff.Token, a.app.ID, education.StatusAccepted, "").Problem(t, http.StatusConflict, "")
}

// School staff act only for their own school.
func TestStaffScope(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	s1, s2 := r.schoolWithSeats(5), r.schoolWithSeats(5)
	staff1 := r.app.NewStaff("education_staff", s1)
	at1, at2 := r.applicant(s1), r.applicant(s2)
	citizen := r.app.NewCitizen()
	health := r.app.NewStaff("health_staff", uuid.NewString())

	t.Run("own school", func(t *testing.T) {
		for _, path := range []string{adminApplicationsPath, adminApplicationsPath + "?school_id=" + s1} {
			res := r.app.Get(path, staff1.Token).Want(t, http.StatusOK)
			var l education.ApplicationList
			res.JSON(t, &l)
			if len(l.Items) != 1 || l.Items[0].ID != at1.app.ID {
				t.Errorf("GET %s listed %+v, want only %s", path, l.Items, at1.app.ID)
			}
		}
		r.mustDecide(staff1.Token, at1.app.ID, education.StatusUnderReview, "")
		for query, want := range map[string]int{"status=under_review": 1, "status=submitted": 0, "grade=1": 1, "grade=2": 0} {
			var l education.ApplicationList
			if res := r.app.Get(adminApplicationsPath+"?"+query, staff1.Token); res.Status != http.StatusOK {
				t.Errorf("GET ?%s = %d %s", query, res.Status, res.Body)
			} else if res.JSON(t, &l); len(l.Items) != want {
				t.Errorf("GET ?%s listed %d, want %d", query, len(l.Items), want)
			}
		}
		r.app.Get(adminApplicationsPath+"?status=approved", staff1.Token).Problem(t, http.StatusBadRequest, "status")
		r.app.Get(adminApplicationsPath+"?school_id=school-1", staff1.Token).Problem(t, http.StatusBadRequest, "school_id")
		if res := r.setSeats(staff1.Token, s1, 1, 6); res.Status != http.StatusOK {
			t.Errorf("own seats: %d %s", res.Status, res.Body)
		}
	})

	t.Run("another school", func(t *testing.T) {
		r.app.Get(adminApplicationsPath+"?school_id="+s2, staff1.Token).Problem(t, http.StatusForbidden, "")
		r.decide(staff1.Token, at2.app.ID, education.StatusAccepted, "").Problem(t, http.StatusNotFound, "")
		r.setSeats(staff1.Token, s2, 1, 50).Problem(t, http.StatusNotFound, "")
		r.wantStatus(at2.parent.Token, at2.app.ID, education.StatusSubmitted)
		if s := r.seats(s2, 1); s.Seats != 5 || s.Filled != 0 {
			t.Errorf("S2 seats = %+v, want 5 with none filled", s)
		}
		// School administration is the education admin's.
		r.app.Post(adminSchoolsPath, staff1.Token, map[string]string{"name": "X school", "level": "primary", "gender": "co", "sector": "X", "emis_code": "X1"}).Problem(t, http.StatusForbidden, "")
		r.app.Get(admissionWindowsPath, staff1.Token).Problem(t, http.StatusForbidden, "")
	})

	t.Run("education admin acts on both", func(t *testing.T) {
		for _, s := range []string{s1, s2} {
			if res := r.app.Get(adminApplicationsPath+"?school_id="+s, r.admin.Token); res.Status != http.StatusOK {
				t.Errorf("admin list %s: %d %s", s, res.Status, res.Body)
			}
			if res := r.setSeats(r.admin.Token, s, 1, 7); res.Status != http.StatusOK {
				t.Errorf("admin seats %s: %d %s", s, res.Status, res.Body)
			}
		}
		r.mustDecide(r.admin.Token, at1.app.ID, education.StatusWaitlisted, "")
		r.mustDecide(r.admin.Token, at2.app.ID, education.StatusUnderReview, "")
		// An admin has no school of their own: the list needs one.
		r.app.Get(adminApplicationsPath, r.admin.Token).Problem(t, http.StatusUnprocessableEntity, "school_id")
	})

	t.Run("citizens and other departments", func(t *testing.T) {
		for _, who := range []struct{ name, token string }{{"citizen", citizen.Token}, {"health_staff", health.Token}, {"parent", at2.parent.Token}} {
			t.Run(who.name, func(t *testing.T) {
				r.app.Get(adminApplicationsPath+"?school_id="+s2, who.token).Problem(t, http.StatusForbidden, "")
				r.decide(who.token, at2.app.ID, education.StatusAccepted, "").Problem(t, http.StatusForbidden, "")
				r.setSeats(who.token, s2, 1, 50).Problem(t, http.StatusForbidden, "")
				r.app.Post(admissionWindowsPath, who.token, map[string]any{}).Problem(t, http.StatusForbidden, "")
			})
		}
		// Staff are not parents.
		r.apply(staff1.Token, s1, 1, uuid.NewString()).Problem(t, http.StatusForbidden, "")
		r.app.Get(applicationsPath, r.admin.Token).Problem(t, http.StatusForbidden, "")
		r.wantStatus(at2.parent.Token, at2.app.ID, education.StatusUnderReview)
	})
}

// A parent sees and withdraws only their own applications.
func TestApplicationsBelongToTheirParent(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(5)
	a := r.applicant(school)
	b := r.applicant(school)

	r.app.Get(applicationsPath+"/"+a.app.ID, b.parent.Token).Problem(t, http.StatusNotFound, "")
	r.withdraw(b.parent.Token, a.app.ID).Problem(t, http.StatusNotFound, "")
	r.app.Get(applicationsPath+"/"+uuid.NewString(), b.parent.Token).Problem(t, http.StatusNotFound, "")
	r.app.Get(applicationsPath+"/not-a-uuid", b.parent.Token).Problem(t, http.StatusBadRequest, "id")
	r.wantStatus(a.parent.Token, a.app.ID, education.StatusSubmitted)

	var l education.ApplicationList
	r.app.Get(applicationsPath+"?limit=100", b.parent.Token).JSON(t, &l)
	if len(l.Items) != 1 || l.Items[0].ID != b.app.ID {
		t.Errorf("B's list = %+v, want only B's application", l.Items)
	}

	for _, req := range []apitest.Request{
		{Method: http.MethodGet, Path: applicationsPath},
		{Method: http.MethodGet, Path: applicationsPath + "/" + a.app.ID},
		{Method: http.MethodPost, Path: applicationsPath + "/" + a.app.ID + "/withdraw"},
		{Method: http.MethodPost, Path: applicationsPath, Body: map[string]any{"school_id": school, "academic_year": r.year, "grade": 1, "child_id": uuid.NewString()}},
		{Method: http.MethodGet, Path: adminApplicationsPath + "?school_id=" + school},
		{Method: http.MethodPost, Path: adminApplicationsPath + "/" + a.app.ID + "/decision", Body: map[string]string{"decision": "accepted"}},
		{Method: http.MethodPut, Path: adminSchoolsPath + "/" + school + "/seats", Body: map[string]any{"academic_year": r.year, "grade": 1, "seats": 9}},
	} {
		t.Run("anonymous "+req.Method+" "+req.Path, func(t *testing.T) {
			r.app.Do(req).Problem(t, http.StatusUnauthorized, "")
		})
	}
	r.wantStatus(a.parent.Token, a.app.ID, education.StatusSubmitted)
	if s := r.seats(school, 1); s.Seats != 5 || s.Filled != 0 {
		t.Errorf("seats = %+v, want 5 with none filled", s)
	}
}

// The whole life of an application, recorded step by step.
func TestDecisionFlow(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(3)
	staff := r.app.NewStaff("education_staff", school)
	a := r.applicant(school)

	steps := []struct{ to, note string }{
		{education.StatusUnderReview, "Checking the B-form."},
		{education.StatusWaitlisted, "Class is full for now."},
		{education.StatusAccepted, "A seat is yours."},
		{education.StatusEnrolled, "Fees paid."},
	}
	from := education.StatusSubmitted
	for i, st := range steps {
		r.app.Clock.Advance(time.Minute)
		got := r.mustDecide(staff.Token, a.app.ID, st.to, st.note)
		if got.Status != st.to {
			t.Errorf("step %d: status %s, want %s", i, got.Status, st.to)
		}
		if e := lastEvent(t, got); e.FromStatus != from || e.ToStatus != st.to || e.ActorRole != "education_staff" || e.Note != st.note ||
			!e.At.Equal(r.app.Clock.Now()) {
			t.Errorf("step %d: last event %+v, want %s → %s by education_staff at %s with note %q", i, e, from, st.to, r.app.Clock.Now(), st.note)
		}
		from = st.to
	}

	got := r.wantStatus(a.parent.Token, a.app.ID, education.StatusEnrolled)
	want := []education.ApplicationEvent{{FromStatus: "", ToStatus: education.StatusSubmitted, ActorRole: "parent"}}
	for i, st := range steps {
		prev := education.StatusSubmitted
		if i > 0 {
			prev = steps[i-1].to
		}
		want = append(want, education.ApplicationEvent{FromStatus: prev, ToStatus: st.to, ActorRole: "education_staff", Note: st.note})
	}
	if len(got.History) != len(want) {
		t.Fatalf("history %+v, want %d entries", got.History, len(want))
	}
	for i := range want {
		h := got.History[i]
		if h.FromStatus != want[i].FromStatus || h.ToStatus != want[i].ToStatus || h.ActorRole != want[i].ActorRole || h.Note != want[i].Note {
			t.Errorf("history[%d] = %+v, want %+v", i, h, want[i])
		}
		if i > 0 && !h.At.After(got.History[i-1].At) {
			t.Errorf("history[%d] at %s is not after history[%d] at %s", i, h.At, i-1, got.History[i-1].At)
		}
	}
	// Enrolled keeps its seat and is final.
	if s := r.seats(school, 1); s.Filled != 1 {
		t.Errorf("filled = %d, want 1", s.Filled)
	}
	for _, to := range []string{education.StatusRejected, education.StatusWaitlisted, education.StatusAccepted, education.StatusUnderReview, education.StatusEnrolled} {
		r.decide(staff.Token, a.app.ID, to, "").Problem(t, http.StatusConflict, "")
	}
	r.withdraw(a.parent.Token, a.app.ID).Problem(t, http.StatusConflict, "")
	r.wantStatus(a.parent.Token, a.app.ID, education.StatusEnrolled)
	if s := r.seats(school, 1); s.Filled != 1 {
		t.Errorf("filled = %d after refused moves, want 1", s.Filled)
	}

	t.Run("refused moves", func(t *testing.T) {
		b := r.applicant(school)
		r.decide(staff.Token, b.app.ID, education.StatusEnrolled, "").Problem(t, http.StatusConflict, "")
		r.mustDecide(staff.Token, b.app.ID, education.StatusRejected, "")
		r.decide(staff.Token, b.app.ID, education.StatusAccepted, "").Problem(t, http.StatusConflict, "")
		r.withdraw(b.parent.Token, b.app.ID).Problem(t, http.StatusConflict, "")
		r.decide(staff.Token, b.app.ID, "expelled", "").Problem(t, http.StatusUnprocessableEntity, "decision")
		r.wantStatus(b.parent.Token, b.app.ID, education.StatusRejected)

		c := r.applicant(school)
		r.app.Clock.Advance(time.Second)
		if res := r.withdraw(c.parent.Token, c.app.ID); res.Status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.Status, res.Body)
		}
		r.withdraw(c.parent.Token, c.app.ID).Problem(t, http.StatusConflict, "")
		r.decide(staff.Token, c.app.ID, education.StatusUnderReview, "").Problem(t, http.StatusConflict, "")
		if e := lastEvent(t, r.get(c.parent.Token, c.app.ID)); e.ActorRole != "parent" || e.ToStatus != education.StatusWithdrawn {
			t.Errorf("withdrawal event = %+v, want by parent", e)
		}
		if s := r.seats(school, 1); s.Filled != 1 {
			t.Errorf("filled = %d, want 1", s.Filled)
		}
	})
}

// Every application gets the next number of its academic year's series,
// also when many are made at once, and the family gets a receipt quoting it
// in the language they read.
func TestApplicationNumberAndReceipt(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(30)
	series := "APP-" + r.year[:4] + "-"

	parent, child := r.family()
	first := r.mustApply(parent.Token, school, 1, child)
	if first.Number != series+"000001" {
		t.Fatalf("the year's first application is numbered %q, want %s000001", first.Number, series)
	}
	res := r.app.Do(apitest.Request{Method: http.MethodGet, Path: "/api/v1/me/notifications", Token: parent.Token,
		Header: map[string]string{"Accept-Language": "ur"}})
	var list struct{ Items []notify.Notification }
	res.JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Kind != "application.submitted" || !strings.Contains(list.Items[0].Body, first.Number) ||
		!strings.Contains(list.Items[0].Body, "درخواست") {
		t.Fatalf("notifications in Urdu = %+v, want one receipt quoting %s", list.Items, first.Number)
	}

	const families = 12
	numbers := make(chan string, families)
	var wg sync.WaitGroup
	for range families {
		p, c := r.family()
		wg.Go(func() {
			res := r.apply(p.Token, school, 1, c)
			if res.Status != http.StatusCreated {
				t.Errorf("apply: %d %s", res.Status, res.Body)
				return
			}
			numbers <- res.Map(t)["number"].(string)
		})
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		seen[n] = true
	}
	for i := 2; i <= families+1; i++ {
		if want := fmt.Sprintf("%s%06d", series, i); !seen[want] {
			t.Errorf("concurrent applications were numbered %v, missing %s", slices.Sorted(maps.Keys(seen)), want)
		}
	}
}

// offer returns the live offer a family holds.
func (r *rig) offer(parent *apitest.Citizen) offers.OfferView {
	r.t.Helper()
	var mine struct{ Items []offers.EntryView }
	r.app.Get("/api/v1/me/waitlists", parent.Token).Want(r.t, http.StatusOK).JSON(r.t, &mine)
	for _, en := range mine.Items {
		if en.Offer != nil && en.Offer.Status == offers.Offered {
			return *en.Offer
		}
	}
	r.t.Fatalf("no live offer: %+v", mine.Items)
	return offers.OfferView{}
}
