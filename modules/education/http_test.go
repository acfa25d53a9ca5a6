package education_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
)

const schools = "/api/v1/education/schools"

func list(t *testing.T, app *apitest.App, path string) education.SchoolList {
	t.Helper()
	r := app.Get(path, "").Want(t, http.StatusOK)
	var l education.SchoolList
	r.JSON(t, &l)
	return l
}

// walk follows next_cursor from path (which has a query) to the last page.
func walk(t *testing.T, app *apitest.App, path string) []education.School {
	t.Helper()
	var all []education.School
	next := path
	for range 1000 {
		l := list(t, app, next)
		all = append(all, l.Items...)
		if l.NextCursor == nil {
			return all
		}
		next = path + "&cursor=" + url.QueryEscape(*l.NextCursor)
	}
	t.Fatalf("GET %s: more than 1000 pages", path)
	return nil
}

func schoolIDs(list []education.School) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func filter(list []education.School, keep func(education.School) bool) []string {
	out := []string{}
	for _, s := range list {
		if keep(s) {
			out = append(out, s.ID)
		}
	}
	return out
}

// hasFreeSeats tells whether sc has a seat row for year and grade with room left.
func hasFreeSeats(sc education.School, year string, grade int) bool {
	return slices.ContainsFunc(sc.Seats, func(s education.Seats) bool {
		return s.AcademicYear == year && s.Grade == grade && s.Filled < s.Seats
	})
}

// TestSchools holds every assertion on the demo data in one App, because on
// PostgreSQL the tests of a package share one schema.
func TestSchools(t *testing.T) {
	app := apitest.New(t)
	ctx := context.Background()
	svc := education.NewService(education.Deps{DB: app.DB, Clock: app.Clock})
	window, err := svc.LoadDemo(ctx)
	if err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	year := window.AcademicYear
	if want := education.ComingAcademicYear(app.Clock.Now()); year != want || window.AgeCutoff.Format(time.DateOnly) != year[:4]+"-03-31" {
		t.Fatalf("LoadDemo window = %s cut off %s, want the coming year %q cut off on 31 March", year, window.AgeCutoff.Format(time.DateOnly), want)
	}
	start, _ := strconv.Atoi(year[:4])
	nextYear := fmt.Sprintf("%d-%02d", start+1, (start+2)%100)

	// Schools of our own in a sector no one else uses, one per seat situation.
	tag := uuid.NewString()[:8]
	sector := "T-" + tag
	store := education.NewStore(app.DB)
	mine := map[string]education.School{}
	for i, s := range []struct {
		key   string
		seats []education.Seats
	}{
		{"free", []education.Seats{{AcademicYear: year, Grade: 6, Seats: 10, Filled: 9}}},
		{"full", []education.Seats{{AcademicYear: year, Grade: 6, Seats: 10, Filled: 10}}},
		{"next year only", []education.Seats{{AcademicYear: nextYear, Grade: 6, Seats: 10}}},
		{"other grade", []education.Seats{{AcademicYear: year, Grade: 9, Seats: 10}}},
	} {
		now := app.Clock.Now()
		sc := education.School{
			ID: uuid.NewString(), Name: "Test School " + s.key + " " + tag, Level: "middle", Gender: "co", Sector: sector,
			EMISCode: fmt.Sprintf("T%s-%d", tag, i), Seats: s.seats, CreatedAt: now, UpdatedAt: now,
		}
		if err := store.CreateSchool(ctx, sc); err != nil {
			t.Fatalf("create %s school: %v", s.key, err)
		}
		mine[s.key] = sc
	}

	whole := list(t, app, schools+"?limit=100")
	if whole.NextCursor != nil {
		t.Fatal("more than 100 schools; the test assumes one page holds them all")
	}
	all := whole.Items
	if len(all) < 16+len(mine) {
		t.Fatalf("got %d schools, want the 16 demo schools and ours", len(all))
	}

	t.Run("pages add up to the whole list", func(t *testing.T) {
		if got, want := schoolIDs(walk(t, app, schools+"?limit=3")), schoolIDs(all); !slices.Equal(got, want) {
			t.Errorf("walked %v, want %v", got, want)
		}
	})

	t.Run("filters", func(t *testing.T) {
		cases := []struct {
			name  string
			query string
			keep  func(education.School) bool
			must  string
		}{
			{"level", "level=higher_secondary", func(s education.School) bool { return s.Level == "higher_secondary" }, "Islamabad Model College for Girls, F-7/2"},
			{"gender", "gender=girls", func(s education.School) bool { return s.Gender == "girls" }, "Islamabad Model College for Girls, F-7/2"},
			{"sector", "sector=" + url.QueryEscape("F-7/2"), func(s education.School) bool { return s.Sector == "F-7/2" }, "Islamabad Model College for Girls, F-7/2"},
			{"level and gender", "level=secondary&gender=boys", func(s education.School) bool { return s.Level == "secondary" && s.Gender == "boys" }, ""},
			{"grade 6 in the coming year", "grade=6", func(s education.School) bool { return hasFreeSeats(s, year, 6) }, mine["free"].Name},
			{"grade 6 in a named year", "grade=6&academic_year=" + nextYear, func(s education.School) bool { return hasFreeSeats(s, nextYear, 6) }, mine["next year only"].Name},
			{"grade 6 with the year spelled out", "grade=6&academic_year=" + year, func(s education.School) bool { return hasFreeSeats(s, year, 6) }, mine["free"].Name},
			{"grade 6 in our sector", "grade=6&sector=" + sector, func(s education.School) bool { return s.ID == mine["free"].ID }, mine["free"].Name},
			{"grade 9 in our sector", "grade=9&sector=" + sector, func(s education.School) bool { return s.ID == mine["other grade"].ID }, mine["other grade"].Name},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := list(t, app, schools+"?limit=100&"+tc.query).Items
				if want := filter(all, tc.keep); !slices.Equal(schoolIDs(got), want) {
					t.Errorf("got %d schools %v, want %d %v", len(got), schoolIDs(got), len(want), want)
				}
				if tc.must != "" && !slices.ContainsFunc(got, func(s education.School) bool { return s.Name == tc.must }) {
					t.Errorf("result lacks %q", tc.must)
				}
			})
		}
	})

	t.Run("grade 6 has demo schools with free seats", func(t *testing.T) {
		got := list(t, app, schools+"?limit=100&grade=6").Items
		demo := 0
		for _, s := range got {
			if !hasFreeSeats(s, year, 6) {
				t.Errorf("%s has no free %s grade-6 seats: %+v", s.Name, year, s.Seats)
			}
			if strings.HasPrefix(s.Name, "Islamabad Model") {
				demo++
			}
			if s.ID == mine["full"].ID || s.ID == mine["next year only"].ID || s.ID == mine["other grade"].ID {
				t.Errorf("%s is listed for grade 6 in %s", s.Name, year)
			}
		}
		if demo == 0 {
			t.Error("no demo school offers grade 6")
		}
	})

	t.Run("get one school with its seats", func(t *testing.T) {
		want := mine["free"]
		r := app.Get(schools+"/"+want.ID, "").Want(t, http.StatusOK)
		var got education.School
		r.JSON(t, &got)
		if got.ID != want.ID || got.Name != want.Name || !slices.Equal(got.Seats, want.Seats) {
			t.Errorf("got %+v, want %+v", got, want)
		}
		demo := all[slices.IndexFunc(all, func(s education.School) bool { return s.Name == "Islamabad Model College for Girls, F-7/2" })]
		r = app.Get(schools+"/"+demo.ID, "")
		r.JSON(t, &got)
		if !hasFreeSeats(got, year, 6) || !hasFreeSeats(got, year, 11) {
			t.Errorf("demo school seats = %+v, want grades 6 and 11 for %s", got.Seats, year)
		}
	})

	t.Run("loading the demo again adds nothing", func(t *testing.T) {
		count := func() [3]int64 {
			var n [3]int64
			for i, table := range []string{"education_schools", "education_seats", "education_admission_windows"} {
				app.DB.Conn(ctx).Table(table).Count(&n[i])
			}
			return n
		}
		before := count()
		if _, err := svc.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if after := count(); after != before {
			t.Errorf("schools, seats, windows went from %v to %v", before, after)
		}
	})

	t.Run("admission window covers now", func(t *testing.T) {
		var w struct {
			OpensAt, ClosesAt time.Time
		}
		if err := app.DB.Conn(ctx).Table("education_admission_windows").Select("opens_at, closes_at").Where("academic_year = ?", year).Take(&w).Error; err != nil {
			t.Fatal(err)
		}
		if now := app.Clock.Now(); now.Before(w.OpensAt) || !now.Before(w.ClosesAt) {
			t.Errorf("window [%s, %s) does not hold now %s", w.OpensAt, w.ClosesAt, now)
		}
	})
}

func TestSchoolBadRequests(t *testing.T) {
	app := apitest.New(t)
	cases := []struct {
		name   string
		path   string
		status int
		field  string
	}{
		{"unknown school", schools + "/00000000-0000-4000-8000-000000000000", 404, ""},
		{"id not a UUID", schools + "/41021", 400, "id"},
		{"bad level", schools + "?level=university", 400, "level"},
		{"bad gender", schools + "?gender=mixed", 400, "gender"},
		{"grade not a number", schools + "?grade=six", 400, "grade"},
		{"grade above 12", schools + "?grade=13", 422, "grade"},
		{"negative grade", schools + "?grade=-1", 422, "grade"},
		{"bad academic year", schools + "?grade=6&academic_year=2027-29", 422, "academic_year"},
		{"academic year in the wrong form", schools + "?grade=6&academic_year=" + url.QueryEscape("2027/28"), 422, "academic_year"},
		{"forged cursor", schools + "?cursor=abc", 400, "cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app.Get(tc.path, "").Problem(t, tc.status, tc.field)
		})
	}
}

// grade is documented as 1 to 12; 0 is refused like -1 and 13, not taken
// for "no grade given" (which once returned every school unfiltered).
func TestSchoolsGradeZeroIsRejected(t *testing.T) {
	app := apitest.New(t)
	r := app.Get(schools+"?grade=0", "")
	if r.Status != http.StatusUnprocessableEntity {
		var l education.SchoolList
		r.JSON(t, &l)
		t.Fatalf("GET ?grade=0 = %d with %d unfiltered schools, want 422 naming grade", r.Status, len(l.Items))
	}
	r.Problem(t, http.StatusUnprocessableEntity, "grade")
}
