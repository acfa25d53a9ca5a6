package console_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// applicants makes n families who each apply for a daughter to grade 1
// of the school in year, and returns the applications, oldest first.
func applicants(t *testing.T, app *apitest.App, school, year string, n int) []education.Application {
	t.Helper()
	var out []education.Application
	for i := range n {
		c := app.NewCitizen()
		out = append(out, app.Apply(c, school, year, app.Dependant(c, fmt.Sprintf("Console Child %d", i+1))))
	}
	return out
}

// decide picks decision on an application's row, with a note, and sends it.
func decide(t *testing.T, ctx context.Context, id, decision, note string) {
	t.Helper()
	setValueOf(t, ctx, "#decision-"+id, decision)
	fill(t, ctx, "#note-"+id, note)
	click(t, ctx, "#application-"+id+` button[type="submit"]`)
}

// TestSchoolOfficeFillsGrade: the school office accepts a grade's
// applications until its seats are full, and the API's refusal of one
// more shows on the page; the office then adds a seat and accepts it. The
// API's seat counts and statuses match, and the audit log holds each
// decision, made by the office.
func TestSchoolOfficeFillsGrade(t *testing.T) {
	app := apitest.New(t)
	year := app.Admissions()
	school := app.School(year, 2)
	apps := applicants(t, app, school, year, 3)
	office := app.NewStaff(identity.RoleEducationStaff, school)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, office.Email)

	open(t, ctx, app, "/console/education/applications?grade=1")
	for _, a := range apps[:2] {
		decide(t, ctx, a.ID, "accepted", "Documents checked")
		if got := flash(ctx); !strings.Contains(got, "decision is recorded") {
			t.Fatalf("after accepting %s the page says %q", a.Number, got)
		}
		if got := text(t, ctx, "#application-"+a.ID+" .status"); got != "accepted" {
			t.Fatalf("status of %s after accepting: %q", a.Number, got)
		}
	}
	decide(t, ctx, apps[2].ID, "accepted", "Documents checked")
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "no free seat") {
		t.Fatalf("accepting past the seats shows %q", got)
	}
	if got := text(t, ctx, "#application-"+apps[2].ID+" .status"); got != "submitted" {
		t.Fatalf("status of the refused application: %q", got)
	}
	if got := text(t, ctx, "#seats-"+year+"-1 td:nth-child(4)"); got != "2" {
		t.Fatalf("seats filled %q, want 2", got)
	}
	screenshot(t, ctx, "education-applications")

	var sc education.School
	app.Get(api.BasePath+"/education/schools/"+school, "").Want(t, http.StatusOK).JSON(t, &sc)
	if len(sc.Seats) != 1 || sc.Seats[0].Filled != 2 || sc.Seats[0].Seats != 2 {
		t.Fatalf("the API's seats after the console's decisions: %+v", sc.Seats)
	}
	want := map[string]string{apps[0].ID: "accepted", apps[1].ID: "accepted", apps[2].ID: "submitted"}
	var list education.ApplicationList
	app.Get(api.BasePath+"/admin/education/applications?grade=1", office.Token).Want(t, http.StatusOK).JSON(t, &list)
	for _, a := range list.Items {
		if want[a.ID] != a.Status {
			t.Errorf("the API's application %s is %s, want %s", a.Number, a.Status, want[a.ID])
		}
	}
	for _, a := range apps[:2] {
		wantAudit(t, app, a.ID, office.ID, "education.application.accepted")
	}

	// The office may add a seat to its own school; then the third fits.
	fill(t, ctx, "#seats-year", year)
	setValueOf(t, ctx, "#seats-grade", "1")
	fill(t, ctx, "#seats-count", "3")
	click(t, ctx, `#set-seats button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "seats are set") {
		t.Fatalf("after setting seats the page says %q", got)
	}
	decide(t, ctx, apps[2].ID, "accepted", "A seat was added")
	if got := text(t, ctx, "#application-"+apps[2].ID+" .status"); got != "accepted" {
		t.Fatalf("status of the third after adding a seat: %q (%s)", got, flash(ctx))
	}
	wantAudit(t, app, school, office.ID, "education.seats.set")
	wantAudit(t, app, apps[2].ID, office.ID, "education.application.accepted")

	// The same page in Urdu.
	open(t, ctx, app, "/console/language/ur?next=/console/education/applications")
	if got := text(t, ctx, "main h1"); !strings.Contains(got, "درخواستیں") {
		t.Fatalf("the Urdu page's heading is %q", got)
	}
	if got := text(t, ctx, "#application-"+apps[0].ID+" .status"); got != "منظور" {
		t.Fatalf("an accepted application in Urdu reads %q", got)
	}
}

// TestSchoolOfficeCannotReachAnotherSchool: an office that edits the
// address to ask for another school's applications is refused by the API
// and sees none of its children.
func TestSchoolOfficeCannotReachAnotherSchool(t *testing.T) {
	app := apitest.New(t)
	year := app.Admissions()
	other := app.School(year, 1)
	apps := applicants(t, app, other, year, 1)
	office := app.NewStaff(identity.RoleEducationStaff, app.School(year, 1))
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, office.Email)

	open(t, ctx, app, "/console/education/applications?school_id="+other)
	if got := pageText(ctx); strings.Contains(got, apps[0].Child.FullName) || strings.Contains(got, apps[0].Number) ||
		!strings.Contains(text(t, ctx, ".flash.error"), "your own school") {
		t.Fatalf("another school's applications showed %q", got)
	}
}

// TestEducationAdminRunsLottery: the education administrator commits a
// lottery for an oversubscribed grade with a commitment of their own and
// draws it with the seed, and commits another to a seed the console makes
// and shows once, and draws that too. The public record shows the seeds
// and rankings, the applications got the seats, and the audit log holds
// the draws, made by the administrator.
func TestEducationAdminRunsLottery(t *testing.T) {
	app := apitest.New(t)
	year := app.Admissions()
	school := app.School(year, 1)
	apps := applicants(t, app, school, year, 2)
	admin := app.Admin(identity.RoleEducationAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	open(t, ctx, app, "/console/education/schools/"+school)
	click(t, ctx, "#school-lotteries")
	seed := fmt.Sprintf("console test seed %d", rand.Int64())
	fill(t, ctx, "#academic_year", year)
	setValueOf(t, ctx, "#grade", "1")
	fill(t, ctx, "#commitment", education.Commitment(seed))
	click(t, ctx, `#new-lottery button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "lottery is committed") {
		t.Fatalf("after committing the page says %q", got)
	}
	lottery := lotteryOf(t, app, admin, school)
	if got := text(t, ctx, "#lottery-"+lottery.ID); !strings.Contains(got, "committed") || !strings.Contains(got, "2 in the lottery") {
		t.Fatalf("lottery row %q", got)
	}
	fill(t, ctx, "#seed-"+lottery.ID, seed)
	click(t, ctx, "#lottery-"+lottery.ID+` button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "lottery is drawn") {
		t.Fatalf("after drawing the page says %q", got)
	}
	if got := text(t, ctx, "#lottery-"+lottery.ID); !strings.Contains(got, "drawn") || !strings.Contains(got, "1. seat") || !strings.Contains(got, "2. waitlisted") {
		t.Fatalf("drawn lottery row %q", got)
	}
	checkDrawn(t, app, lottery.ID, seed, apps)
	wantAudit(t, app, lottery.ID, admin.ID, "education.lottery.draw")

	// A seed the console makes: shown once, then drawn with.
	second := app.School(year, 1)
	apps = applicants(t, app, second, year, 2)
	open(t, ctx, app, "/console/education/lotteries?school_id="+second)
	fill(t, ctx, "#academic_year", year)
	click(t, ctx, `#new-lottery button[type="submit"]`)
	made, err := chromedpValue(ctx, "#seed")
	if err != nil || len(made) != 64 {
		t.Fatalf("the seed page shows %q (%v): %s", made, err, pageText(ctx))
	}
	lottery = lotteryOf(t, app, admin, second)
	if lottery.Commitment != education.Commitment(made) {
		t.Fatalf("the lottery's commitment %s is not the SHA-256 of the seed shown", lottery.Commitment)
	}
	open(t, ctx, app, "/console/education/lotteries")
	screenshot(t, ctx, "education-lotteries")
	fill(t, ctx, "#seed-"+lottery.ID, made)
	click(t, ctx, "#lottery-"+lottery.ID+` button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "lottery is drawn") {
		t.Fatalf("after drawing the second the page says %q", got)
	}
	checkDrawn(t, app, lottery.ID, made, apps)
}

// lotteryOf is the school's one lottery, as the API lists it.
func lotteryOf(t *testing.T, app *apitest.App, admin *apitest.Staff, school string) education.Lottery {
	t.Helper()
	var list education.LotteryList
	app.Get(api.BasePath+"/admin/education/lotteries?school_id="+school, admin.Token).Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("lotteries of the school: %+v", list.Items)
	}
	return list.Items[0]
}

// checkDrawn fails unless the public record shows the lottery drawn with
// seed, the first of the two applications ranked won the one seat and the
// other is waitlisted, as their own statuses say too.
func checkDrawn(t *testing.T, app *apitest.App, id, seed string, apps []education.Application) {
	t.Helper()
	var l education.Lottery
	app.Get(api.BasePath+"/education/lotteries/"+id, "").Want(t, http.StatusOK).JSON(t, &l)
	if l.Status != education.LotteryDrawn || l.Seed != seed || len(l.Ranking) != 2 ||
		l.Ranking[0].Outcome != education.OutcomeAccepted || l.Ranking[1].Outcome != education.OutcomeWaitlisted {
		t.Fatalf("the public lottery after the console's draw: %+v", l)
	}
	want := map[string]string{l.Ranking[0].ApplicationID: education.StatusAccepted, l.Ranking[1].ApplicationID: education.StatusWaitlisted}
	var list education.ApplicationList
	app.Get(api.BasePath+"/admin/education/applications?school_id="+apps[0].SchoolID, app.Admin(identity.RoleEducationAdmin).Token).
		Want(t, http.StatusOK).JSON(t, &list)
	for _, a := range list.Items {
		if want[a.ID] != a.Status {
			t.Errorf("application %s is %s after the draw, want %s", a.Number, a.Status, want[a.ID])
		}
	}
}

// TestEducationAdminManagesSchoolsAndWindows: the education administrator
// adds a school, changes it and sets its seats, and opens admissions for a
// year in Islamabad time; the API holds each as entered.
func TestEducationAdminManagesSchoolsAndWindows(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleEducationAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	open(t, ctx, app, "/console/education/schools")
	emis := fmt.Sprintf("C%d", rand.IntN(1_000_000_000))
	fill(t, ctx, "#name", "Console Model School")
	fill(t, ctx, "#emis_code", emis)
	setValueOf(t, ctx, "#level", "middle")
	setValueOf(t, ctx, "#gender", "girls")
	fill(t, ctx, "#sector", "F-7/2")
	click(t, ctx, `#new-school button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "school is added") {
		t.Fatalf("after adding the school the page says %q", got)
	}
	school := pathID(t, ctx, "/console/education/schools/")
	openDetails(t, ctx, "details")
	fill(t, ctx, "#name", "Console Model School for Girls")
	click(t, ctx, `#edit-school button[type="submit"]`)
	year := apitest.AcademicYear()
	fill(t, ctx, "#seats-year", year)
	setValueOf(t, ctx, "#seats-grade", "6")
	fill(t, ctx, "#seats-count", "40")
	click(t, ctx, `#set-seats button[type="submit"]`)
	if got := text(t, ctx, "#seats-"+year+"-6 td:nth-child(3)"); got != "40" {
		t.Fatalf("seats row %q", got)
	}
	var sc education.School
	app.Get(api.BasePath+"/education/schools/"+school, "").Want(t, http.StatusOK).JSON(t, &sc)
	if sc.Name != "Console Model School for Girls" || sc.Level != "middle" || sc.Gender != "girls" || sc.EMISCode != emis ||
		len(sc.Seats) != 1 || sc.Seats[0].Seats != 40 || sc.Seats[0].Grade != 6 {
		t.Fatalf("the API's school after the console: %+v", sc)
	}
	wantAudit(t, app, school, admin.ID, "education.school.update")
	open(t, ctx, app, "/console/education/schools?sector="+"F-7/2")
	screenshot(t, ctx, "education-schools")

	// A year after every other test's, so that it heads the list.
	start := 9000 + rand.IntN(999)
	window := fmt.Sprintf("%d-%02d", start, (start+1)%100)
	open(t, ctx, app, "/console/education/windows")
	fill(t, ctx, "#academic_year", window)
	setValueOf(t, ctx, "#age_cutoff", fmt.Sprintf("%d-03-31", start))
	setValueOf(t, ctx, "#opens_at", fmt.Sprintf("%d-01-01T09:00", start))
	setValueOf(t, ctx, "#closes_at", fmt.Sprintf("%d-02-28T17:00", start))
	fill(t, ctx, "#min_age_1", "5")
	fill(t, ctx, "#max_age_1", "7")
	click(t, ctx, `#new-window button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "Admissions are open") {
		t.Fatalf("after opening admissions the page says %q", got)
	}
	if got := text(t, ctx, "#window-"+window); !strings.Contains(got, fmt.Sprintf("%d-01-01 09:00", start)) || !strings.Contains(got, "grade 1: 5 to 7 years") {
		t.Fatalf("window row %q", got)
	}
	var windows education.WindowList
	app.Get(api.BasePath+"/admin/education/admission-windows?limit=100", admin.Token).Want(t, http.StatusOK).JSON(t, &windows)
	for _, w := range windows.Items {
		if w.AcademicYear == window {
			if !w.OpensAt.Equal(time.Date(start, 1, 1, 4, 0, 0, 0, time.UTC)) || len(w.AgeRules) != 1 || w.AgeRules[0].MaxAge != 7 {
				t.Fatalf("the API's window after the console: %+v", w)
			}
			return
		}
	}
	t.Fatalf("the API lists no window for %s", window)
}

// chromedpValue is the value of the field sel.
func chromedpValue(ctx context.Context, sel string) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, sel)))
}
