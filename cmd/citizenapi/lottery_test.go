package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// drawnLottery draws a lottery for 2 seats among 5 applications on a real
// server and returns the server and the lottery's public page. The server
// runs on a SQLite file of its own even with TEST_DATABASE_URL: the
// command reads no database, and TestSeedScalePostgres counts every row
// of this package's PostgreSQL schema (the draw itself is tested on both
// databases in modules/education).
func drawnLottery(t *testing.T) (*apitest.App, []byte) {
	t.Helper()
	t.Setenv("TEST_DATABASE_URL", "")
	app := apitest.New(t)
	year := app.Admissions()
	school := app.School(year, 2)
	for i := range 5 {
		c := app.NewCitizen()
		app.Apply(c, school, year, app.Dependant(c, fmt.Sprintf("Verify Child %d", i)))
	}
	admin := app.Admin(identity.RoleEducationAdmin).Token
	const seed = "verify test seed 4e8b1d6a0c9f2735"
	var l education.Lottery
	app.Post("/api/v1/admin/education/lotteries", admin, map[string]any{"school_id": school, "academic_year": year, "grade": 1,
		"commitment": education.Commitment(seed)}).Want(t, http.StatusCreated).JSON(t, &l)
	app.Post("/api/v1/admin/education/lotteries/"+l.ID+"/draw", admin, map[string]string{"seed": seed}).Want(t, http.StatusOK)
	return app, app.Get("/api/v1/education/lotteries/"+l.ID, "").Want(t, http.StatusOK).Body
}

func TestLotteryVerify(t *testing.T) {
	app, page := drawnLottery(t)
	var l education.Lottery
	if err := json.Unmarshal(page, &l); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, l education.Lottery) string {
		raw, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".json")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tampered := func(change func(l *education.Lottery)) education.Lottery {
		var c education.Lottery
		if err := json.Unmarshal(page, &c); err != nil {
			t.Fatal(err)
		}
		change(&c)
		return c
	}
	page2 := filepath.Join(dir, "page.json")
	if err := os.WriteFile(page2, page, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, arg string
		url       string
		want      string // in the output; "" for a lottery that verifies
	}{
		{"the page saved from a real draw", page2, "", ""},
		{"fetched by ID", l.ID, app.URL, ""},
		{"swapped ranks", write("swapped", tampered(func(l *education.Lottery) {
			l.Ranking[0].ApplicationID, l.Ranking[1].ApplicationID = l.Ranking[1].ApplicationID, l.Ranking[0].ApplicationID
		})), "", "the seed gives rank 1"},
		{"another seed", write("seed", tampered(func(l *education.Lottery) { l.Seed = "another seed" })), "", "not the commitment"},
		{"another seed and its commitment", write("both", tampered(func(l *education.Lottery) {
			l.Seed = otherSeed(*l)
			l.Commitment = education.Commitment(l.Seed)
		})), "", "the seed gives"},
		{"a changed group", write("group", tampered(func(l *education.Lottery) {
			for i, e := range l.Eligible {
				if e.ApplicationID == l.Ranking[4].ApplicationID {
					l.Eligible[i].PriorityGroup = education.GroupSibling
				}
			}
		})), "", "the seed gives rank 1"},
		{"a seat given out of rank order", write("outcomes", tampered(func(l *education.Lottery) {
			l.Ranking[0].Outcome, l.Ranking[4].Outcome = l.Ranking[4].Outcome, l.Ranking[0].Outcome
		})), "", "won a seat after a better rank was waitlisted"},
		{"an undrawn lottery", write("undrawn", tampered(func(l *education.Lottery) {
			l.Status, l.Seed, l.Ranking, l.SeatsOffered = education.LotteryCommitted, "", nil, nil
		})), "", "not drawn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			args := []string{"lottery", "verify", tc.arg}
			if tc.url != "" {
				args = []string{"lottery", "verify", "-url", tc.url, tc.arg}
			}
			err := runCmd(context.Background(), &out, args...)
			if tc.want == "" {
				if err != nil || !strings.Contains(out.String(), "verifies") {
					t.Fatalf("run(%q) = %v, output %q; want it to verify", args, err, out.String())
				}
				return
			}
			if err == nil || !strings.Contains(out.String(), tc.want) {
				t.Errorf("run(%q) = %v, output %q; want a refusal saying %q", args, err, out.String(), tc.want)
			}
		})
	}
	t.Run("an unknown ID", func(t *testing.T) {
		var out bytes.Buffer
		if err := runCmd(context.Background(), &out, "lottery", "verify", "-url", app.URL, uuid.NewString()); err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("run = %v, want a 404", err)
		}
	})
}

// otherSeed is a seed that ranks l's eligible applications otherwise.
func otherSeed(l education.Lottery) string {
	for i := 0; ; i++ {
		seed := fmt.Sprint("other seed ", i)
		if !slices.EqualFunc(education.Rank(l.ID, seed, l.Eligible), l.Ranking, func(a, b education.LotteryRank) bool {
			return a.ApplicationID == b.ApplicationID
		}) {
			return seed
		}
	}
}
