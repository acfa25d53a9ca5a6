package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// devEnv points every path the command may write to into a temporary
// directory, so that no ./data appears next to the sources, and returns the
// SQLite file's path.
func devEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	t.Setenv("APP_ENV", "development")
	t.Setenv("DATABASE_URL", "sqlite:"+path)
	t.Setenv("DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("LOG_LEVEL", "error")
	return path
}

// unsetenv removes name for the test and restores it afterwards.
func unsetenv(t *testing.T, name string) {
	t.Helper()
	t.Setenv(name, "")
	os.Unsetenv(name)
}

func TestRunRefusesBadConfiguration(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"production without signing keys", map[string]string{"APP_ENV": "production"}, "TOKEN_SIGNING_KEYS"},
		{"production with blank signing keys", map[string]string{"APP_ENV": "production", "TOKEN_SIGNING_KEYS": "  "}, "TOKEN_SIGNING_KEYS"},
		{"unknown environment", map[string]string{"APP_ENV": "staging"}, "APP_ENV"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// Opening this database would create its directory.
			never := filepath.Join(dir, "never")
			devEnv(t)
			t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(never, "x.db"))
			unsetenv(t, "TOKEN_SIGNING_KEYS")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var out bytes.Buffer
			start := time.Now()
			err := runCmd(ctx, &out, "serve")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run(serve) = %v, want an error mentioning %s", err, tc.want)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("run took %s to refuse, want it to fail before any I/O", took)
			}
			if _, err := os.Stat(never); !os.IsNotExist(err) {
				t.Errorf("the database was opened before the configuration was checked (%s exists)", never)
			}
		})
	}
}

func TestRunMigrateTwice(t *testing.T) {
	path := devEnv(t)
	for i := range 2 {
		var out bytes.Buffer
		if err := runCmd(context.Background(), &out, "migrate"); err != nil {
			t.Fatalf("migrate run %d: %v", i+1, err)
		}
	}
	d := openFile(t, path)
	var n int64
	if err := d.Table("health_facilities").Count(&n).Error; err != nil || n != 0 {
		t.Errorf("after migrate: health_facilities has %d rows (%v), want an empty table", n, err)
	}
}

// testDatabaseSchema makes a schema of the test's own in TEST_DATABASE_URL,
// dropped when the test ends, so that the shared test database is left as
// found, and returns the URL that reaches it; "" without TEST_DATABASE_URL.
func testDatabaseSchema(t *testing.T) string {
	t.Helper()
	pg := os.Getenv("TEST_DATABASE_URL")
	if pg == "" {
		return ""
	}
	admin, err := db.Open(context.Background(), db.Config{URL: pg, MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("cmdtest_%d", time.Now().UnixNano())
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(pg)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestRunMigrateTwicePostgres(t *testing.T) {
	devEnv(t)
	pg := testDatabaseSchema(t)
	if pg == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	t.Setenv("DATABASE_URL", pg)
	for i := range 2 {
		var out bytes.Buffer
		if err := runCmd(context.Background(), &out, "migrate"); err != nil {
			t.Fatalf("migrate run %d: %v", i+1, err)
		}
	}
	d, err := db.Open(context.Background(), db.Config{URL: pg, MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int64
	if err := d.Table("health_facilities").Count(&n).Error; err != nil || n != 0 {
		t.Errorf("after migrate: health_facilities has %d rows (%v), want an empty table", n, err)
	}
}

func TestRunSeedDemoTwice(t *testing.T) {
	path := devEnv(t)
	day := domain.LocalDate(time.Now())
	var outputs []string
	var counts [][3]int64
	for i := range 2 {
		var out bytes.Buffer
		if err := runCmd(context.Background(), &out, "seed", "demo"); err != nil {
			t.Fatalf("seed demo run %d: %v", i+1, err)
		}
		outputs = append(outputs, out.String())
		d := openFile(t, path)
		var c [3]int64
		for j, table := range []string{"health_facilities", "education_schools", "parking_zones"} {
			if err := d.Table(table).Count(&c[j]).Error; err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
		}
		d.Close()
		counts = append(counts, c)
	}
	if want := [3]int64{12, 16, 6}; counts[0] != want {
		t.Errorf("after the first seed: facilities, schools, zones = %v, want %v", counts[0], want)
	}
	if counts[1] != counts[0] {
		t.Errorf("the second seed changed the catalog: %v → %v", counts[0], counts[1])
	}
	if !strings.Contains(outputs[0], "Demo data:") {
		t.Errorf("output %q does not report the demo data", outputs[0])
	}
	// The timetable is reckoned from the local day; across midnight the second run may add a day.
	if domain.LocalDate(time.Now()).Equal(day) && !strings.Contains(outputs[1], " 0 new slots") {
		t.Errorf("second seed output %q, want 0 new slots", outputs[1])
	}
}

func TestRunCommands(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string // "" means success
		wantOut string
	}{
		{"help", []string{"help"}, "", "citizenapi migrate"},
		{"-h", []string{"-h"}, "", "citizenapi seed demo"},
		{"--help", []string{"--help"}, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`, ""},
		{"seed without what", []string{"seed"}, "usage: citizenapi seed demo", ""},
		{"seed something else", []string{"seed", "prod"}, "usage: citizenapi seed demo", ""},
		{"lottery without verify", []string{"lottery"}, "usage: citizenapi lottery verify", ""},
		{"lottery verify without a lottery", []string{"lottery", "verify"}, "usage: citizenapi lottery verify", ""},
		{"lottery verify of neither a file nor an ID", []string{"lottery", "verify", "no-such-file"}, "neither a file nor a lottery ID", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := devEnv(t)
			var out bytes.Buffer
			err := runCmd(context.Background(), &out, tc.args...)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("run(%q) = %v, want success", tc.args, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("run(%q) = %v, want an error containing %q", tc.args, err, tc.wantErr)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("output %q lacks %q", out.String(), tc.wantOut)
			}
			// None of these touches the database.
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("run(%q) created the database file", tc.args)
			}
		})
	}
}

// runCmd runs the command line args with nothing on standard input.
func runCmd(ctx context.Context, stdout *bytes.Buffer, args ...string) error {
	return run(ctx, args, strings.NewReader(""), stdout)
}

func openFile(t *testing.T, path string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), db.Config{URL: "sqlite:" + path})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
