package education_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
)

const (
	lotteriesPath       = "/api/v1/admin/education/lotteries"
	publicLotteriesPath = "/api/v1/education/lotteries"
)

// sectorOf reads a school's sector from its public page.
func (r *rig) sectorOf(schoolID string) string {
	r.t.Helper()
	var sc education.School
	r.app.Get("/api/v1/education/schools/"+schoolID, "").Want(r.t, http.StatusOK).JSON(r.t, &sc)
	return sc.Sector
}

// applyFrom applies for a child to grade 1 with the family's sector.
func (r *rig) applyFrom(parent *apitest.Citizen, schoolID, childID, sector string) education.Application {
	r.t.Helper()
	var a education.Application
	r.app.Post(applicationsPath, parent.Token, map[string]any{"school_id": schoolID, "academic_year": r.year, "grade": 1,
		"child_id": childID, "home_sector": sector}).Want(r.t, http.StatusCreated).JSON(r.t, &a)
	if a.HomeSector != sector {
		r.t.Errorf("home_sector = %q, want %q", a.HomeSector, sector)
	}
	return a
}

// commit commits a grade 1 lottery of the school to seed.
func (r *rig) commit(schoolID, seed string) *apitest.Response {
	r.t.Helper()
	return r.app.Post(lotteriesPath, r.admin.Token, map[string]any{"school_id": schoolID, "academic_year": r.year, "grade": 1,
		"commitment": education.Commitment(seed)})
}

func (r *rig) mustCommit(schoolID, seed string) education.Lottery {
	r.t.Helper()
	var l education.Lottery
	r.commit(schoolID, seed).Want(r.t, http.StatusCreated).JSON(r.t, &l)
	return l
}

func (r *rig) draw(id, seed string) *apitest.Response {
	r.t.Helper()
	return r.app.Post(lotteriesPath+"/"+id+"/draw", r.admin.Token, map[string]string{"seed": seed})
}

// lottery reads a lottery as anyone does.
func (r *rig) lottery(id string) education.Lottery {
	r.t.Helper()
	var l education.Lottery
	r.app.Get(publicLotteriesPath+"/"+id, "").Want(r.t, http.StatusOK).JSON(r.t, &l)
	return l
}

// audited counts the audit entries of an action on a target.
func (r *rig) audited(action, targetID string) int {
	r.t.Helper()
	var n int
	if err := r.app.DB.Conn(context.Background()).Raw("SELECT count(*) FROM audit_log WHERE action = ? AND target_id = ?", action, targetID).
		Scan(&n).Error; err != nil {
		r.t.Fatal(err)
	}
	return n
}

// groups maps a lottery's eligible applications to their priority groups.
func groups(l education.Lottery) map[string]int {
	out := map[string]int{}
	for _, e := range l.Eligible {
		out[e.ApplicationID] = e.PriorityGroup
	}
	return out
}

// A grade with 2 free seats and 6 applications: a family with a child at
// the school and a family of the school's sector rank first, the seats go
// in rank order, the rest wait in rank order and are offered seats that
// free up in that order.
func TestLotteryDraw(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(2)
	r.mustSeats(school, 2, 1)
	sector := r.sectorOf(school)

	sibParent, elder := r.family()
	r.mustDecide(r.admin.Token, r.mustApply(sibParent.Token, school, 2, elder).ID, education.StatusAccepted, "")
	apps := map[string]applicant{}
	apps["sibling"] = applicant{sibParent, r.applyFrom(sibParent, school, r.child(sibParent, grade1DOB), "")}
	near, nearKid := r.family()
	apps["sector"] = applicant{near, r.applyFrom(near, school, nearKid, strings.ToLower(sector))}
	far, farKid := r.family()
	apps["far"] = applicant{far, r.applyFrom(far, school, farKid, "Bhara Kahu")}
	for _, name := range []string{"x", "y", "z"} {
		apps[name] = r.applicant(school)
	}

	const seed = "a long random seed: 6c0b2f7e9a41d35c8e27b0f4a9d1c6e3"
	l := r.mustCommit(school, seed)
	if l.Status != education.LotteryCommitted || l.Seed != "" || len(l.Ranking) != 0 || l.Commitment != education.Commitment(seed) ||
		l.Algorithm != education.LotteryAlgorithm || l.Rule == "" {
		t.Fatalf("committed lottery = %+v", l)
	}
	want := map[string]int{apps["sibling"].app.ID: 0, apps["sector"].app.ID: 1, apps["far"].app.ID: 2, apps["x"].app.ID: 2,
		apps["y"].app.ID: 2, apps["z"].app.ID: 2}
	if got := groups(l); len(got) != len(want) || !mapsEqual(got, want) {
		t.Errorf("eligible = %v, want %v", got, want)
	}
	if r.audited("education.lottery.commit", l.ID) != 1 {
		t.Error("the commitment was not audited")
	}
	if got := r.get(apps["x"].parent.Token, apps["x"].app.ID).Lottery; got == nil || got.ID != l.ID || got.Rank != nil {
		t.Errorf("a committed lottery's application shows lottery %+v, want {id} alone", got)
	}

	t.Run("a seed that does not match the commitment is refused and changes nothing", func(t *testing.T) {
		r.draw(l.ID, seed+" ").Problem(t, http.StatusUnprocessableEntity, "seed")
		if got := r.lottery(l.ID); got.Status != education.LotteryCommitted || got.Seed != "" || len(got.Ranking) != 0 {
			t.Errorf("after a wrong seed the lottery is %+v", got)
		}
		r.wantStatus(apps["sibling"].parent.Token, apps["sibling"].app.ID, education.StatusSubmitted)
	})

	var drawn education.Lottery
	r.draw(l.ID, seed).Want(t, http.StatusOK).JSON(t, &drawn)
	ranked := rankedIDs(drawn)
	if recomputed := education.Rank(l.ID, seed, l.Eligible); !slices.Equal(ranked, rankedIDs(education.Lottery{Ranking: recomputed})) {
		t.Errorf("the draw ranked %v; the same seed ranks %v", ranked, rankedIDs(education.Lottery{Ranking: recomputed}))
	}
	if ranked[0] != apps["sibling"].app.ID || ranked[1] != apps["sector"].app.ID {
		t.Errorf("ranking %v does not start with the sibling and the sector family", ranked)
	}
	if drawn.Seed != seed || drawn.Status != education.LotteryDrawn || drawn.SeatsOffered == nil || *drawn.SeatsOffered != 2 || drawn.DrawnAt == nil {
		t.Errorf("drawn lottery = %+v", drawn)
	}
	byID := map[string]applicant{}
	for _, a := range apps {
		byID[a.app.ID] = a
	}
	for i, id := range ranked {
		status, outcome := education.StatusWaitlisted, education.OutcomeWaitlisted
		if i < 2 {
			status, outcome = education.StatusAccepted, education.OutcomeAccepted
		}
		if drawn.Ranking[i].Outcome != outcome {
			t.Errorf("rank %d outcome %s, want %s", i+1, drawn.Ranking[i].Outcome, outcome)
		}
		a := r.wantStatus(byID[id].parent.Token, id, status)
		if a.Lottery == nil || a.Lottery.Rank == nil || *a.Lottery.Rank != i+1 || a.Lottery.Outcome != outcome {
			t.Errorf("rank %d: the parent sees lottery %+v", i+1, a.Lottery)
		}
	}
	var own education.ApplicationList
	r.app.Get(applicationsPath, apps["x"].parent.Token).Want(t, http.StatusOK).JSON(t, &own)
	if len(own.Items) != 1 || own.Items[0].Lottery == nil || own.Items[0].Lottery.Rank == nil {
		t.Errorf("the parent's list shows %+v, want the application with its rank", own.Items)
	}
	r.draw(l.ID, seed).Problem(t, http.StatusConflict, "")
	if r.audited("education.lottery.draw", l.ID) != 1 {
		t.Error("the draw was not audited once")
	}

	t.Run("anyone sees everything needed to check it, and no names", func(t *testing.T) {
		res := r.app.Get(publicLotteriesPath+"/"+l.ID, "").Want(t, http.StatusOK)
		var got education.Lottery
		res.JSON(t, &got)
		if got.Seed != seed || len(got.Ranking) != 6 || len(got.Eligible) != 6 || got.Commitment != l.Commitment {
			t.Errorf("public lottery = %+v", got)
		}
		for _, a := range apps {
			if strings.Contains(string(res.Body), a.app.Child.FullName) || strings.Contains(string(res.Body), a.parent.ID) {
				t.Errorf("the public lottery names a child or a parent: %s", res.Body)
			}
		}
	})

	t.Run("freed seats are offered in rank order", func(t *testing.T) {
		first, third, fourth, fifth := byID[ranked[0]], byID[ranked[2]], byID[ranked[3]], byID[ranked[4]]
		r.app.Clock.Advance(time.Minute)
		r.withdraw(first.parent.Token, first.app.ID).Want(t, http.StatusOK)
		r.wantStatus(third.parent.Token, third.app.ID, education.StatusOffered)
		r.wantStatus(fourth.parent.Token, fourth.app.ID, education.StatusWaitlisted)
		r.app.Post("/api/v1/me/offers/"+r.offer(third.parent).ID+"/decline", third.parent.Token, nil).Want(t, http.StatusOK)
		r.wantStatus(fourth.parent.Token, fourth.app.ID, education.StatusOffered)
		r.wantStatus(fifth.parent.Token, fifth.app.ID, education.StatusWaitlisted)
		r.app.Post("/api/v1/me/offers/"+r.offer(fourth.parent).ID+"/accept", fourth.parent.Token, nil).Want(t, http.StatusOK)
		r.wantStatus(fourth.parent.Token, fourth.app.ID, education.StatusAccepted)
	})
}

func rankedIDs(l education.Lottery) []string {
	out := make([]string, len(l.Ranking))
	for i, rk := range l.Ranking {
		if rk.Rank != i+1 {
			return nil
		}
		out[i] = rk.ApplicationID
	}
	return out
}

func mapsEqual(a, b map[string]int) bool {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return len(a) == len(b)
}

// The eligible list is frozen at the commitment: a later application is
// not in it, staff cannot decide the grade's open applications before the
// draw, and one withdrawn meanwhile is skipped.
func TestLotteryEligibleFrozen(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(1)
	staff := r.app.NewStaff("education_staff", school)
	a, b, c := r.applicant(school), r.applicant(school), r.applicant(school)
	r.mustDecide(staff.Token, c.app.ID, education.StatusUnderReview, "")
	const seed = "frozen-list seed 0b9e4d2a7c51f836"
	l := r.mustCommit(school, seed)
	late := r.applicant(school)

	if got := groups(r.lottery(l.ID)); len(got) != 3 || !mapsEqual(got, map[string]int{a.app.ID: 2, b.app.ID: 2, c.app.ID: 2}) {
		t.Errorf("eligible = %v, want a, b and c", got)
	}
	r.decide(staff.Token, a.app.ID, education.StatusAccepted, "").Problem(t, http.StatusConflict, "")
	r.decide(r.admin.Token, c.app.ID, education.StatusRejected, "").Problem(t, http.StatusConflict, "")
	r.decide(staff.Token, late.app.ID, education.StatusAccepted, "").Problem(t, http.StatusConflict, "")
	if got := r.dbFilled(school, 1); got != 0 {
		t.Errorf("filled = %d before the draw, want 0", got)
	}
	r.commit(school, "another seed").Problem(t, http.StatusConflict, "")
	r.withdraw(b.parent.Token, b.app.ID).Want(t, http.StatusOK)

	var drawn education.Lottery
	r.draw(l.ID, seed).Want(t, http.StatusOK).JSON(t, &drawn)
	outcomes := map[string]string{}
	for _, rk := range drawn.Ranking {
		outcomes[rk.ApplicationID] = rk.Outcome
	}
	if outcomes[b.app.ID] != education.OutcomeSkipped || len(outcomes) != 3 {
		t.Errorf("outcomes %v, want b skipped among 3", outcomes)
	}
	if n := countOutcome(outcomes, education.OutcomeAccepted) + countOutcome(outcomes, education.OutcomeWaitlisted); n != 2 {
		t.Errorf("outcomes %v, want a and c accepted or waitlisted", outcomes)
	}
	r.wantStatus(late.parent.Token, late.app.ID, education.StatusSubmitted)
	if got := r.get(late.parent.Token, late.app.ID).Lottery; got != nil {
		t.Errorf("the late application shows lottery %+v", got)
	}
	// Drawn, the lottery no longer holds staff back.
	r.mustDecide(staff.Token, late.app.ID, education.StatusWaitlisted, "")
}

func countOutcome(outcomes map[string]string, want string) int {
	n := 0
	for _, o := range outcomes {
		if o == want {
			n++
		}
	}
	return n
}

// A winner whose child holds a seat at another school is offered the
// seat, for the family to choose, instead of a second seat.
func TestLotteryWinnerHoldingASeatElsewhere(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school, elsewhere := r.schoolWithSeats(1), r.schoolWithSeats(1)
	parent, kid := r.family()
	held := r.mustApply(parent.Token, elsewhere, 1, kid)
	r.mustDecide(r.admin.Token, held.ID, education.StatusAccepted, "")
	here := r.applyFrom(parent, school, kid, r.sectorOf(school)) // ranks first
	other := r.applicant(school)

	const seed = "seat-elsewhere seed 5e1a9c7d3b20f846"
	l := r.mustCommit(school, seed)
	var drawn education.Lottery
	r.draw(l.ID, seed).Want(t, http.StatusOK).JSON(t, &drawn)
	if len(drawn.Ranking) != 2 || drawn.Ranking[0].ApplicationID != here.ID || drawn.Ranking[0].Outcome != education.OutcomeOffered ||
		drawn.Ranking[1].Outcome != education.OutcomeWaitlisted {
		t.Fatalf("ranking = %+v, want the family holding a seat offered one, the other waitlisted", drawn.Ranking)
	}
	r.wantStatus(parent.Token, here.ID, education.StatusOffered)
	r.wantStatus(other.parent.Token, other.app.ID, education.StatusWaitlisted)
	if got := r.dbFilled(school, 1); got != 1 {
		t.Errorf("filled = %d, want 1 (held by the offer)", got)
	}
	r.app.Post("/api/v1/me/offers/"+r.offer(parent).ID+"/accept", parent.Token, nil).Want(t, http.StatusOK)
	r.wantStatus(parent.Token, here.ID, education.StatusAccepted)
	r.wantStatus(parent.Token, held.ID, education.StatusWithdrawn)
}

// What a commitment or a draw may not be.
func TestLotteryRefusals(t *testing.T) {
	r := newRig(t)
	r.openWindow()
	school := r.schoolWithSeats(1)
	roomy := r.schoolWithSeats(5)
	for range 2 {
		r.applicant(school)
		r.applicant(roomy)
	}
	good := education.Commitment("seed")
	body := func(kv ...any) map[string]any {
		return apitest.With(map[string]any{"school_id": school, "academic_year": r.year, "grade": 1, "commitment": good}, kv...)
	}
	cases := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{"a commitment of 63 digits", r.admin.Token, body("commitment", good[1:]), 422, "commitment"},
		{"a commitment that is not hex", r.admin.Token, body("commitment", strings.Repeat("g", 64)), 422, "commitment"},
		{"an unknown school", r.admin.Token, body("school_id", uuid.NewString()), 422, "school_id"},
		{"a grade without seats that year", r.admin.Token, body("grade", 2), 422, "grade"},
		{"a grade that is not oversubscribed", r.admin.Token, body("school_id", roomy), 422, "grade"},
		{"a malformed year", r.admin.Token, body("academic_year", "2027-29"), 422, "academic_year"},
		{"school staff", r.app.NewStaff("education_staff", school).Token, body(), 403, ""},
		{"a citizen", r.app.NewCitizen().Token, body(), 403, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r.app.Post(lotteriesPath, tc.token, tc.body).Problem(t, tc.status, tc.field)
		})
	}
	r.draw(uuid.NewString(), "seed").Problem(t, http.StatusNotFound, "")
	r.app.Get(publicLotteriesPath+"/"+uuid.NewString(), "").Problem(t, http.StatusNotFound, "")
	r.app.Post(applicationsPath, r.app.NewCitizen().Token, map[string]any{"school_id": school, "academic_year": r.year, "grade": 1,
		"child_id": uuid.NewString(), "home_sector": "G-9/4; DROP"}).Problem(t, http.StatusUnprocessableEntity, "home_sector")

	var list education.LotteryList
	l := r.mustCommit(school, "seed")
	r.app.Get(lotteriesPath+"?school_id="+school, r.admin.Token).Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != l.ID || len(list.Items[0].Eligible) != 2 {
		t.Errorf("the school's lotteries = %+v, want the one committed", list.Items)
	}
}
