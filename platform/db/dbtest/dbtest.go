// Package dbtest opens fresh, migrated databases for tests, and gives them
// a clock that tests set.
//
// Without TEST_DATABASE_URL every database is its own SQLite file. With
// TEST_DATABASE_URL=postgres://… the databases of one test binary share a
// schema of its own, created on first use and dropped by Main.
package dbtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/migrations"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Open returns a fresh, migrated database that is closed when the test ends.
func Open(t testing.TB) *db.DB {
	t.Helper()
	ctx := context.Background()
	cfg := db.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "test.db"), MaxOpenConns: 8}
	if pg := os.Getenv("TEST_DATABASE_URL"); pg != "" {
		schema, err := packageSchema(pg)
		if err != nil {
			t.Fatalf("create test schema: %v", err)
		}
		cfg = db.Config{URL: withSearchPath(pg, schema), MaxOpenConns: 20, StatementTimeout: 30 * time.Second}
	}
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, migrations.FS, nil); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return d
}

var (
	schemaOnce sync.Once
	schemaName string
	schemaErr  error
)

// packageSchema creates this test binary's schema once.
func packageSchema(pg string) (string, error) {
	schemaOnce.Do(func() {
		schemaName = fmt.Sprintf("test_%d_%d", time.Now().UnixNano(), os.Getpid())
		schemaErr = adminExec(pg, "CREATE SCHEMA "+schemaName)
	})
	return schemaName, schemaErr
}

func adminExec(pg, statement string) error {
	d, err := db.Open(context.Background(), db.Config{URL: pg, MaxOpenConns: 1})
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Exec(statement).Error
}

func withSearchPath(pg, schema string) string {
	u, err := url.Parse(pg)
	if err != nil {
		return pg
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// DatabaseURL returns the URL of the test database d is open on: the
// package's schema of TEST_DATABASE_URL, or the SQLite file. A test gives it
// to a command or a second handle that must see the same data.
func DatabaseURL(t testing.TB, d *db.DB) string {
	t.Helper()
	if d.Dialect == db.Postgres {
		var schema string
		if err := d.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
			t.Fatal(err)
		}
		return withSearchPath(os.Getenv("TEST_DATABASE_URL"), schema)
	}
	var file string
	if err := d.Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error; err != nil || file == "" {
		t.Fatalf("SQLite file: %q, %v", file, err)
	}
	return "sqlite:" + file
}

// Reopen opens a second handle on the database d is open on, as another
// process would, and closes it when the test ends.
func Reopen(t testing.TB, d *db.DB) *db.DB {
	t.Helper()
	other, err := db.Open(context.Background(), db.Config{URL: DatabaseURL(t, d), MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("open a second handle: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// Main runs a package's tests and drops its PostgreSQL schema afterwards.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if pg := os.Getenv("TEST_DATABASE_URL"); pg != "" && schemaName != "" {
		if err := adminExec(pg, "DROP SCHEMA "+schemaName+" CASCADE"); err != nil {
			fmt.Fprintln(os.Stderr, "drop test schema:", err)
		}
	}
	os.Exit(code)
}
