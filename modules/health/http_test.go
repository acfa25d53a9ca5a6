package health_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

const base = "/api/v1/health"

type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// get fetches one page and fails the test unless it is a 200.
func get[T any](t *testing.T, app *apitest.App, path string) list[T] {
	t.Helper()
	r := app.Get(path, "").Want(t, http.StatusOK)
	var l list[T]
	r.JSON(t, &l)
	return l
}

// walk follows next_cursor from path until the last page and returns every
// item and the number of pages read.
func walk[T any](t *testing.T, app *apitest.App, path string) ([]T, int) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var all []T
	next := path
	for pages := 1; ; pages++ {
		if pages > 1000 {
			t.Fatalf("GET %s: more than 1000 pages, the cursor does not advance", path)
		}
		l := get[T](t, app, next)
		all = append(all, l.Items...)
		if l.NextCursor == nil {
			return all, pages
		}
		if len(l.Items) == 0 {
			t.Fatalf("GET %s: empty page with a next cursor", next)
		}
		next = path + sep + "cursor=" + url.QueryEscape(*l.NextCursor)
	}
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func facilityID(f health.Facility) string { return f.ID }

// TestCatalog holds every assertion on the demo data in one App: on
// PostgreSQL the tests of a package share one schema, and LoadDemo loads the
// catalog only into an empty one.
func TestCatalog(t *testing.T) {
	app := apitest.New(t)
	ctx := context.Background()
	svc := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock})
	if _, err := svc.LoadDemo(ctx); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	now := app.Clock.Now()

	everything := get[health.Facility](t, app, base+"/facilities?limit=100")
	if everything.NextCursor != nil {
		t.Fatalf("more than 100 facilities; the test assumes one page holds them all")
	}
	facilities := everything.Items
	if len(facilities) < 12 {
		t.Fatalf("got %d facilities, want at least the 12 demo ones", len(facilities))
	}
	var pims health.Facility
	for _, f := range facilities {
		if strings.Contains(f.Name, "(PIMS)") {
			pims = f
		}
	}
	if pims.ID == "" {
		t.Fatalf("PIMS is not among %v", ids(facilities, func(f health.Facility) string { return f.Name }))
	}

	t.Run("facility pages add up to the whole list", func(t *testing.T) {
		walked, pages := walk[health.Facility](t, app, base+"/facilities?limit=5")
		if want := (len(facilities) + 4) / 5; pages != want {
			t.Errorf("pages = %d, want %d", pages, want)
		}
		got, want := ids(walked, facilityID), ids(facilities, facilityID)
		// Same rows in the same order: nothing skipped, nothing repeated.
		if !slices.Equal(got, want) {
			t.Errorf("walked %d facilities %v, want %d %v", len(got), got, len(want), want)
		}
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("facility %s seen twice", id)
			}
			seen[id] = true
		}
	})

	t.Run("get one facility", func(t *testing.T) {
		r := app.Get(base+"/facilities/"+pims.ID, "").Want(t, http.StatusOK)
		var got health.Facility
		r.JSON(t, &got)
		if got.ID != pims.ID || got.Name != pims.Name || !slices.Equal(got.Specialties, pims.Specialties) {
			t.Errorf("got %+v, want %+v", got, pims)
		}
	})

	t.Run("filters", func(t *testing.T) {
		has := func(spec string) func(health.Facility) bool {
			return func(f health.Facility) bool { return slices.Contains(f.Specialties, spec) }
		}
		nameHas := func(part string) func(health.Facility) bool {
			return func(f health.Facility) bool { return strings.Contains(strings.ToLower(f.Name), part) }
		}
		cases := []struct {
			name  string
			query string
			match func(health.Facility) bool
			must  string // a facility name the result must hold
		}{
			{"specialty", "specialty=cardiology", has("cardiology"), pims.Name},
			{"specialty nobody offers", "specialty=astrology", has("astrology"), ""},
			{"sector", "sector=" + url.QueryEscape("G-8/3"), func(f health.Facility) bool { return f.Sector == "G-8/3" }, pims.Name},
			{"name ignoring case", "q=pims", nameHas("pims"), pims.Name},
			{"name in mixed case", "q=PiMs", nameHas("pims"), pims.Name},
			{"name and specialty", "q=hospital&specialty=cardiology", func(f health.Facility) bool { return has("cardiology")(f) && nameHas("hospital")(f) }, ""},
			// LIKE wildcards in q are literal characters, which no name holds.
			{"percent is literal", "q=" + url.QueryEscape("%"), nameHas("%"), ""},
			{"underscore is literal", "q=" + url.QueryEscape("_"), nameHas("_"), ""},
			{"backslash is literal", "q=" + url.QueryEscape(`\`), nameHas(`\`), ""},
			{"percent inside a word", "q=" + url.QueryEscape("P%S"), nameHas("p%s"), ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := get[health.Facility](t, app, base+"/facilities?limit=100&"+tc.query).Items
				var want []string
				for _, f := range facilities {
					if tc.match(f) {
						want = append(want, f.ID)
					}
				}
				if !slices.Equal(ids(got, facilityID), want) {
					t.Errorf("got %v, want %v", ids(got, func(f health.Facility) string { return f.Name }), want)
				}
				if tc.must != "" && !slices.ContainsFunc(got, func(f health.Facility) bool { return f.Name == tc.must }) {
					t.Errorf("result lacks %q", tc.must)
				}
			})
		}
	})

	t.Run("limit is capped at 100", func(t *testing.T) {
		if got := get[health.Facility](t, app, base+"/facilities?limit=1000").Items; len(got) > 100 {
			t.Errorf("facilities: %d items, want at most 100", len(got))
		}
		// The demo has thousands of slots, so here the cap is visible.
		l := get[health.Slot](t, app, base+"/slots?limit=1000")
		if len(l.Items) != 100 || l.NextCursor == nil {
			t.Errorf("slots: %d items, next %v; want 100 and a next page", len(l.Items), l.NextCursor)
		}
	})

	t.Run("practitioners by facility", func(t *testing.T) {
		all, _ := walk[health.Practitioner](t, app, base+"/practitioners?limit=7")
		total := 0
		for _, f := range facilities {
			got := get[health.Practitioner](t, app, base+"/practitioners?limit=100&facility_id="+f.ID).Items
			for _, p := range got {
				if p.FacilityID != f.ID {
					t.Errorf("facility %s lists practitioner %s of facility %s", f.Name, p.FullName, p.FacilityID)
				}
			}
			total += len(got)
			if f.ID == pims.ID {
				if len(got) != 6 || !slices.ContainsFunc(got, func(p health.Practitioner) bool {
					return p.FullName == "Dr. Ayesha Siddiqui" && p.Specialty == "cardiology"
				}) {
					t.Errorf("PIMS practitioners = %+v, want the 6 demo doctors", got)
				}
			}
		}
		if total != len(all) {
			t.Errorf("practitioners per facility add up to %d, the whole list has %d", total, len(all))
		}
		cardio := get[health.Practitioner](t, app, base+"/practitioners?limit=100&specialty=cardiology").Items
		if len(cardio) == 0 {
			t.Error("no cardiologists")
		}
		for _, p := range cardio {
			if p.Specialty != "cardiology" {
				t.Errorf("specialty filter returned %+v", p)
			}
		}
	})

	t.Run("slots", func(t *testing.T) {
		path := base + "/slots?limit=40&include_full=true&facility_id=" + pims.ID
		slots, pages := walk[health.Slot](t, app, path)
		if pages < 2 {
			t.Fatalf("only %d page(s); the test needs several", pages)
		}
		assertSlotOrder(t, slots, now, now.Add(14*24*time.Hour))
		for _, s := range slots {
			if s.FacilityID != pims.ID {
				t.Errorf("slot %s is at facility %s, want PIMS", s.ID, s.FacilityID)
			}
			// The demo timetable: Monday to Saturday, 09:00 to 13:00 local.
			local := s.StartsAt.In(domain.Karachi)
			if local.Weekday() == time.Sunday || local.Hour() < 9 || local.Hour() >= 13 || s.EndsAt.Sub(s.StartsAt) != 20*time.Minute {
				t.Errorf("slot %s–%s is outside the demo timetable", local, s.EndsAt.In(domain.Karachi))
			}
		}
		// Count the slots the timetable yields in the window, for PIMS's 6 doctors.
		today := domain.LocalDate(now)
		times, err := health.Schedule{Weekdays: []int{1, 2, 3, 4, 5, 6}, StartTime: "09:00", EndTime: "13:00", SlotMinutes: 20,
			From: today, To: today.AddDate(0, 0, 13)}.Times()
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, st := range times {
			if !st.StartsAt.Before(now) {
				want += 6
			}
		}
		if len(slots) != want {
			t.Errorf("walked %d slots, want %d", len(slots), want)
		}
	})

	t.Run("default slot search", func(t *testing.T) {
		l := get[health.Slot](t, app, base+"/slots?limit=100")
		for _, s := range l.Items {
			if s.Remaining <= 0 || s.Remaining > s.Capacity {
				t.Errorf("slot %s remaining = %d of %d, want 1..capacity", s.ID, s.Remaining, s.Capacity)
			}
		}
		assertSlotOrder(t, l.Items, now, now.Add(14*24*time.Hour))
	})

	t.Run("explicit range in local time", func(t *testing.T) {
		from := now.Add(48 * time.Hour).Truncate(time.Second)
		to := from.Add(24 * time.Hour)
		q := url.Values{"from": {from.In(domain.Karachi).Format(time.RFC3339)}, "to": {to.In(domain.Karachi).Format(time.RFC3339)}, "limit": {"100"}}
		slots, _ := walk[health.Slot](t, app, base+"/slots?"+q.Encode())
		if len(slots) == 0 {
			t.Fatal("no slots in a day two days ahead")
		}
		assertSlotOrder(t, slots, from, to)
	})

	t.Run("full slots are hidden", func(t *testing.T) {
		first := get[health.Slot](t, app, base+"/slots?limit=1&facility_id="+pims.ID).Items
		if len(first) != 1 {
			t.Fatal("no PIMS slot")
		}
		full := first[0]
		if err := app.DB.Conn(ctx).Exec("UPDATE health_slots SET booked = capacity WHERE id = ?", full.ID).Error; err != nil {
			t.Fatal(err)
		}
		path := base + "/slots?limit=100&practitioner_id=" + full.PractitionerID + "&to=" + url.QueryEscape(full.EndsAt.Format(time.RFC3339))
		if got := get[health.Slot](t, app, path).Items; slices.ContainsFunc(got, func(s health.Slot) bool { return s.ID == full.ID }) {
			t.Errorf("full slot %s is listed", full.ID)
		}
		got := get[health.Slot](t, app, path+"&include_full=true").Items
		i := slices.IndexFunc(got, func(s health.Slot) bool { return s.ID == full.ID })
		if i < 0 || got[i].Remaining != 0 {
			t.Errorf("include_full: slot %s missing or remaining != 0 in %+v", full.ID, got)
		}
	})

	t.Run("loading the demo again adds nothing", func(t *testing.T) {
		count := func() (facilities, slots int64) {
			app.DB.Conn(ctx).Table("health_facilities").Count(&facilities)
			app.DB.Conn(ctx).Table("health_slots").Count(&slots)
			return
		}
		f1, s1 := count()
		added, err := svc.LoadDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f2, s2 := count()
		if added != 0 || f2 != f1 || s2 != s1 {
			t.Errorf("second LoadDemo added %d slots (facilities %d→%d, slots %d→%d), want nothing", added, f1, f2, s1, s2)
		}
	})
}

// assertSlotOrder checks that slots start in [from, to), strictly ordered by
// (starts_at, id), with no slot twice.
func assertSlotOrder(t *testing.T, slots []health.Slot, from, to time.Time) {
	t.Helper()
	seen := map[string]bool{}
	for i, s := range slots {
		if seen[s.ID] {
			t.Errorf("slot %s listed twice", s.ID)
		}
		seen[s.ID] = true
		if s.StartsAt.Before(from) || !s.StartsAt.Before(to) {
			t.Errorf("slot %s starts at %s, outside [%s, %s)", s.ID, s.StartsAt, from, to)
		}
		if i > 0 {
			p := slots[i-1]
			if s.StartsAt.Before(p.StartsAt) || (s.StartsAt.Equal(p.StartsAt) && s.ID <= p.ID) {
				t.Errorf("slot %d (%s, %s) is not after (%s, %s)", i, s.StartsAt, s.ID, p.StartsAt, p.ID)
			}
		}
	}
}

func TestCatalogBadRequests(t *testing.T) {
	app := apitest.New(t)
	now := app.Clock.Now()
	// A cursor of the facility list has the right shape but holds a name, not a time.
	facilityCursor := *page.Build(page.Ascending(page.Text("name"), page.ID("id")), []int{1, 2}, page.Request{Limit: 1},
		func(int) []any { return []any{"PIMS", "00000000-0000-4000-8000-000000000000"} }).NextCursor
	rfc := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339)) }
	cases := []struct {
		name   string
		path   string
		status int
		field  string
	}{
		{"to before from", base + "/slots?from=" + rfc(now.Add(48*time.Hour)) + "&to=" + rfc(now.Add(24*time.Hour)), 422, "to"},
		{"to in the past", base + "/slots?to=" + rfc(now.Add(-time.Hour)), 422, "to"},
		{"forged slot cursor", base + "/slots?cursor=" + url.QueryEscape(`not a cursor`), 400, "cursor"},
		{"practitioner_id not a UUID", base + "/slots?practitioner_id=42", 400, "practitioner_id"},
		{"include_full not a bool", base + "/slots?include_full=maybe", 400, "include_full"},
		{"facility_id not a UUID", base + "/practitioners?facility_id=pims", 400, "facility_id"},
		{"unknown facility", base + "/facilities/" + "00000000-0000-4000-8000-000000000000", 404, ""},
		{"facility cursor on slots", base + "/slots?cursor=" + url.QueryEscape(facilityCursor), 400, "cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app.Get(tc.path, "").Problem(t, tc.status, tc.field)
		})
	}
}
