package traffic_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
)

const (
	advisories = api.BasePath + "/traffic/advisories"
	publish    = api.BasePath + "/admin/traffic/advisories"
	followed   = api.BasePath + "/me/followed-sectors"
)

// newSector adds a traffic sector of its own to the database and returns
// its ID and code: on PostgreSQL the tests of a package share one schema,
// so each test filters by sectors nobody else uses.
func newSector(t *testing.T, app *apitest.App) (string, string) {
	t.Helper()
	id, code := uuid.NewString(), fmt.Sprintf("T-%d", rand.IntN(1_000_000_000))
	err := app.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		id, code, "Test sector "+code, "ٹیسٹ سیکٹر", app.Clock.Now()).Error
	if err != nil {
		t.Fatal(err)
	}
	return id, code
}

// advisory is a valid advisory on sectors from off to until after the
// clock's time.
func advisory(app *apitest.App, title string, from, until time.Duration, sectors ...string) map[string]any {
	now := app.Clock.Now()
	return map[string]any{"kind": "closure", "title": title, "title_ur": title + " (اردو)", "body": "Use another road.",
		"body_ur": "دوسری سڑک استعمال کریں۔", "sectors": sectors, "starts_at": now.Add(from), "ends_at": now.Add(until)}
}

// sorted returns codes in the order the API lists them.
func sorted(codes ...string) []string {
	slices.Sort(codes)
	return codes
}

func published(t *testing.T, app *apitest.App, token string, body map[string]any) traffic.Advisory {
	t.Helper()
	var a traffic.Advisory
	app.Post(publish, token, body).Want(t, http.StatusCreated).JSON(t, &a)
	return a
}

// titles lists the titles of the advisories at path.
func titles(t *testing.T, app *apitest.App, path string) []string {
	t.Helper()
	var l traffic.AdvisoryList
	app.Get(path, "").Want(t, http.StatusOK).JSON(t, &l)
	out := []string{}
	for _, a := range l.Items {
		out = append(out, a.Title)
	}
	return out
}

func TestPublishAdvisory(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleTrafficAdmin).Token
	sectorID, a := newSector(t, app)
	_, b := newSector(t, app)
	officer := app.NewStaff(identity.RoleTrafficOfficer, sectorID).Token
	citizen := app.NewCitizen()

	refused := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"texts, kind, repeated sector and end before start", apitest.With(advisory(app, "x", time.Hour, 2*time.Hour, a, b, strings.ToLower(a)),
			"kind", "flood", "title", "", "body_ur", strings.Repeat("ا", 2001), "ends_at", app.Clock.Now()),
			[]string{"kind", "title", "body_ur", "sectors", "ends_at"}},
		{"unknown sector and an end in the past", advisory(app, "x", -3*time.Hour, -time.Hour, a, "NOWHERE"), []string{"sectors", "ends_at"}},
		{"a missing title and an unknown sector at once", apitest.With(advisory(app, "x", 0, time.Hour, "NOWHERE"), "title", ""),
			[]string{"title", "sectors"}},
		{"no sectors", advisory(app, "x", 0, time.Hour), []string{"sectors"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			p := app.Post(publish, admin, tc.body).Problem(t, http.StatusUnprocessableEntity, "")
			var got []string
			for _, f := range p.Errors {
				got = append(got, f.Field)
			}
			for _, f := range tc.fields {
				if !slices.Contains(got, f) {
					t.Errorf("errors name %v, want %s among them", got, f)
				}
			}
		})
	}

	for who, token := range map[string]string{"citizen": citizen.Token, "traffic officer": officer} {
		t.Run(who+" may not publish", func(t *testing.T) {
			app.Post(publish, token, advisory(app, "x", 0, time.Hour, a)).Problem(t, http.StatusForbidden, "")
		})
	}

	t.Run("published", func(t *testing.T) {
		got := published(t, app, admin, advisory(app, "Murree Road diversion", time.Hour, 3*time.Hour, b, " "+strings.ToLower(a)))
		if got.ID == "" || got.Kind != traffic.KindClosure || !slices.Equal(got.Sectors, sorted(a, b)) ||
			!got.StartsAt.Equal(app.Clock.Now().Add(time.Hour)) || got.CreatedAt.IsZero() {
			t.Errorf("advisory = %+v, want a closure on %s and %s starting in an hour", got, a, b)
		}
		var n int64
		app.DB.Raw("SELECT count(*) FROM audit_log WHERE action = 'traffic.advisory.publish' AND target_id = ?", got.ID).Scan(&n)
		if n != 1 {
			t.Errorf("audit entries of the publication = %d, want 1", n)
		}
	})
}

func TestListAdvisories(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleTrafficAdmin).Token
	_, a := newSector(t, app)
	_, b := newSector(t, app)
	published(t, app, admin, advisory(app, "ending soon", -2*time.Hour, 10*time.Minute, a))
	published(t, app, admin, advisory(app, "in force", -time.Hour, 5*time.Hour, a, b))
	published(t, app, admin, advisory(app, "to come", time.Hour, 6*time.Hour, b))

	in := func(code, query string) string { return advisories + "?sector=" + url.QueryEscape(code) + query }
	cases := []struct {
		path string
		want []string
	}{
		{in(a, ""), []string{"ending soon", "in force"}},
		{in(strings.ToLower(b), ""), []string{"in force", "to come"}},
		{in(b, "&active=true"), []string{"in force"}},
		{in(a, "&active=false"), []string{"ending soon", "in force"}},
	}
	for _, tc := range cases {
		if got := titles(t, app, tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
		}
	}

	t.Run("pages", func(t *testing.T) {
		var first traffic.AdvisoryList
		app.Get(in(b, "&limit=1"), "").Want(t, http.StatusOK).JSON(t, &first)
		if len(first.Items) != 1 || first.Items[0].Title != "in force" || first.NextCursor == nil {
			t.Fatalf("first page = %+v, want in force and a cursor", first)
		}
		if got := titles(t, app, in(b, "&limit=1&cursor="+url.QueryEscape(*first.NextCursor))); !slices.Equal(got, []string{"to come"}) {
			t.Errorf("second page = %q, want to come", got)
		}
	})

	t.Run("bad filters", func(t *testing.T) {
		app.Get(in("NOWHERE", ""), "").Problem(t, http.StatusUnprocessableEntity, "sector")
		app.Get(in(a, "&active=maybe"), "").Problem(t, http.StatusBadRequest, "active")
	})

	t.Run("once over", func(t *testing.T) {
		app.Clock.Advance(20 * time.Minute)
		for _, tc := range []struct {
			path string
			want []string
		}{
			{in(a, ""), []string{"in force"}},
			{in(a, "&active=true"), []string{"in force"}},
			{in(a, "&active=false"), []string{"ending soon", "in force"}},
		} {
			if got := titles(t, app, tc.path); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
			}
		}
	})
}

func TestFollowedSectors(t *testing.T) {
	app := apitest.New(t)
	_, a := newSector(t, app)
	_, b := newSector(t, app)
	c := app.NewCitizen()
	put := func(body any) *apitest.Response {
		return app.Do(apitest.Request{Method: http.MethodPut, Path: followed, Token: c.Token, Body: body})
	}
	get := func() []string {
		var f traffic.FollowedSectors
		app.Get(followed, c.Token).Want(t, http.StatusOK).JSON(t, &f)
		return f.Sectors
	}

	if got := get(); got == nil || len(got) != 0 {
		t.Errorf("before following: %q, want an empty list", got)
	}
	var f traffic.FollowedSectors
	put(map[string]any{"sectors": []string{b, strings.ToLower(a), a}}).Want(t, http.StatusOK).JSON(t, &f)
	if want := sorted(a, b); !slices.Equal(f.Sectors, want) || !slices.Equal(get(), want) {
		t.Errorf("followed %q, then read %q; want %q", f.Sectors, get(), want)
	}

	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("X-%d", i)
	}
	for name, body := range map[string]any{
		"unknown code": map[string]any{"sectors": []string{a, "NOWHERE"}},
		"21 sectors":   map[string]any{"sectors": many},
		"no list":      map[string]any{},
	} {
		t.Run(name, func(t *testing.T) {
			put(body).Problem(t, http.StatusUnprocessableEntity, "sectors")
			if got := get(); !slices.Equal(got, sorted(a, b)) {
				t.Errorf("after a refused change: %q, want %q", got, sorted(a, b))
			}
		})
	}

	put(map[string]any{"sectors": []string{b}}).Want(t, http.StatusOK)
	if got := get(); !slices.Equal(got, []string{b}) {
		t.Errorf("after replacing: %q, want %q", got, []string{b})
	}
	put(map[string]any{"sectors": []string{}}).Want(t, http.StatusOK)
	if got := get(); len(got) != 0 {
		t.Errorf("after following none: %q", got)
	}

	admin := app.Admin(identity.RoleTrafficAdmin).Token
	app.Do(apitest.Request{Method: http.MethodPut, Path: followed, Token: admin, Body: map[string]any{"sectors": []string{a}}}).
		Problem(t, http.StatusForbidden, "")
}

// advisoryNotices returns the notices of the advisory with id in c's
// inbox, read in lang.
func advisoryNotices(t *testing.T, app *apitest.App, c *apitest.Citizen, id, lang string) []string {
	t.Helper()
	var l struct {
		Items []struct {
			Kind  string            `json:"kind"`
			Title string            `json:"title"`
			Body  string            `json:"body"`
			Data  map[string]string `json:"data"`
		} `json:"items"`
	}
	r := app.Do(apitest.Request{Method: http.MethodGet, Path: api.BasePath + "/me/notifications?limit=100", Token: c.Token,
		Header: map[string]string{"Accept-Language": lang}})
	r.Want(t, http.StatusOK).JSON(t, &l)
	var out []string
	for _, n := range l.Items {
		if n.Kind == "advisory.published" && n.Data["advisory_id"] == id {
			out = append(out, n.Title+" | "+n.Body)
		}
	}
	return out
}

// crowdSize is how many followers TestFollowersNotifiedOnce adds beside
// its citizens.
const crowdSize = 300

func TestFollowersNotifiedOnce(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleTrafficAdmin).Token
	_, a := newSector(t, app)
	_, b := newSector(t, app)
	_, other := newSector(t, app)
	both, elsewhere, nobody := app.NewCitizen(), app.NewCitizen(), app.NewCitizen()
	for c, sectors := range map[*apitest.Citizen][]string{both: {a, b}, elsewhere: {other}} {
		app.Do(apitest.Request{Method: http.MethodPut, Path: followed, Token: c.Token, Body: map[string]any{"sectors": sectors}}).
			Want(t, http.StatusOK)
	}
	// A crowd of followers, some of both sectors, keeps the first run's
	// transaction open long enough for the others to find the advisory
	// unclaimed too.
	var crowd []map[string]any
	for i := range crowdSize {
		id := uuid.NewString()
		crowd = append(crowd, map[string]any{"account_id": id, "sector": a, "created_at": app.Clock.Now()})
		if i%2 == 0 {
			crowd = append(crowd, map[string]any{"account_id": id, "sector": b, "created_at": app.Clock.Now()})
		}
	}
	if err := app.DB.Table("followed_sectors").Create(&crowd).Error; err != nil {
		t.Fatal(err)
	}
	adv := published(t, app, admin, advisory(app, "Faisal Avenue closed", -time.Hour, 4*time.Hour, a, b))
	if got := advisoryNotices(t, app, both, adv.ID, "en"); len(got) != 0 {
		t.Fatalf("notices before the job ran: %q; publishing must leave them to NotifyFollowers", got)
	}

	// Instances run the job at once, each on a service of its own; they
	// start together so that they all find the advisory unclaimed.
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 8 {
		svc := traffic.NewService(traffic.Deps{DB: app.DB, Clock: app.Clock})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := svc.NotifyFollowers(context.Background()); err != nil {
				t.Errorf("NotifyFollowers: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	svc := traffic.NewService(traffic.Deps{DB: app.DB, Clock: app.Clock})
	if _, err := svc.NotifyFollowers(context.Background()); err != nil {
		t.Fatalf("NotifyFollowers again: %v", err)
	}

	var counts []int
	err := app.DB.Raw("SELECT count(*) FROM notifications WHERE kind = 'advisory.published' AND data LIKE ? GROUP BY account_id",
		"%"+adv.ID+"%").Scan(&counts).Error
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != crowdSize+1 || slices.Max(counts) != 1 {
		t.Errorf("%d followers got notices, at most %d each; want %d, once each", len(counts), slices.Max(append(counts, 0)), crowdSize+1)
	}
	got := advisoryNotices(t, app, both, adv.ID, "en")
	if len(got) != 1 || !strings.Contains(got[0], "Faisal Avenue closed") || !strings.Contains(got[0], strings.Join(sorted(a, b), ", ")) {
		t.Errorf("notices of a follower of both sectors = %q, want one naming the advisory and its sectors", got)
	}
	if ur := advisoryNotices(t, app, both, adv.ID, "ur"); len(ur) != 1 || !strings.Contains(ur[0], adv.TitleUr) {
		t.Errorf("in Urdu: %q, want one with the Urdu title %q", ur, adv.TitleUr)
	}
	for name, c := range map[string]*apitest.Citizen{"a follower of another sector": elsewhere, "a citizen following none": nobody} {
		if got := advisoryNotices(t, app, c, adv.ID, "en"); len(got) != 0 {
			t.Errorf("%s got %q, want none", name, got)
		}
	}
}

// TestFollowedSectorsReplacedAtOnce has a citizen's devices replace the
// followed sectors at the same moment: what stays is one device's list,
// never the union of several.
func TestFollowedSectorsReplacedAtOnce(t *testing.T) {
	app := apitest.New(t)
	var codes []string
	for range 4 {
		_, code := newSector(t, app)
		codes = append(codes, code)
	}
	c := app.NewCitizen()
	lists := [][]string{sorted(codes[0]), sorted(codes[1]), sorted(codes[2], codes[3])}
	for round := range 5 {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, list := range lists {
			wg.Go(func() {
				<-start
				app.Do(apitest.Request{Method: http.MethodPut, Path: followed, Token: c.Token, Body: map[string]any{"sectors": list}}).
					Want(t, http.StatusOK)
			})
		}
		close(start)
		wg.Wait()
		var f traffic.FollowedSectors
		app.Get(followed, c.Token).Want(t, http.StatusOK).JSON(t, &f)
		if !slices.ContainsFunc(lists, func(l []string) bool { return slices.Equal(l, f.Sectors) }) {
			t.Fatalf("round %d: following %q, want one of %q", round, f.Sectors, lists)
		}
	}
}
