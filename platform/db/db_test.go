package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
)

func TestDialectOf(t *testing.T) {
	cases := []struct {
		name, url string
		want      Dialect
	}{
		{"postgres scheme", "postgres://postgres@127.0.0.1:5432/citizen?sslmode=disable", Postgres},
		{"postgresql scheme", "postgresql://u:p@db.internal/citizen", Postgres},
		{"sqlite relative", "sqlite:./data/citizen.db", SQLite},
		{"sqlite absolute", "sqlite:///var/lib/citizen.db", SQLite},
		{"empty", "", SQLite},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := DialectOf(tc.url); got != tc.want {
				t.Errorf("DialectOf(%q) = %q, want %q", tc.url, got, tc.want)
			}
		})
	}
}

// dsnParams splits a driver DSN "file:PATH?QUERY" into its path and parameters.
func dsnParams(t *testing.T, dsn string) (string, url.Values) {
	t.Helper()
	path, query, ok := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if !ok || !strings.HasPrefix(dsn, "file:") {
		t.Fatalf("DSN %q is not file:PATH?QUERY", dsn)
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("DSN query %q: %v", query, err)
	}
	return path, params
}

func TestSQLiteDSN(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name     string
		url      string
		wantPath string
	}{
		{"sqlite:PATH", "sqlite:" + filepath.Join(dir, "a", "x.db"), filepath.Join(dir, "a", "x.db")},
		{"sqlite://PATH", "sqlite://" + filepath.Join(dir, "b", "c", "x.db"), filepath.Join(dir, "b", "c", "x.db")},
		{"file in the working directory", "sqlite:x.db", "x.db"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dsn, err := sqliteDSN(tc.url)
			if err != nil {
				t.Fatalf("sqliteDSN(%q): %v", tc.url, err)
			}
			path, params := dsnParams(t, dsn)
			if path != tc.wantPath {
				t.Errorf("path = %q, want %q", path, tc.wantPath)
			}
			pragmas := params["_pragma"]
			for _, want := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)"} {
				if !slices.Contains(pragmas, want) {
					t.Errorf("pragmas %q lack %s", pragmas, want)
				}
			}
			if got := params.Get("_txlock"); got != "immediate" {
				t.Errorf("_txlock = %q, want immediate", got)
			}
			// The driver does not create directories; the DSN builder must.
			if d := filepath.Dir(path); d != "." {
				if info, err := os.Stat(d); err != nil || !info.IsDir() {
					t.Errorf("directory %s was not created: %v", d, err)
				}
			}
		})
	}
}

func TestSQLiteDSNRejectsNoPath(t *testing.T) {
	for _, u := range []string{"sqlite:", "sqlite://"} {
		t.Run(u, func(t *testing.T) {
			if dsn, err := sqliteDSN(u); err == nil {
				t.Errorf("sqliteDSN(%q) = %q, want an error", u, dsn)
			}
		})
	}
}

func TestPostgresDSN(t *testing.T) {
	cases := []struct {
		name         string
		url          string
		timeout      time.Duration
		sessionAttrs string
		want         map[string]string // "" means absent
	}{
		{"adds both timeouts and read-write", "postgres://u@db:5432/citizen?sslmode=disable", 5 * time.Second, "read-write",
			map[string]string{"connect_timeout": "3", "statement_timeout": "5000", "target_session_attrs": "read-write", "sslmode": "disable"}},
		{"keeps given timeouts", "postgres://u@db/citizen?connect_timeout=2&statement_timeout=250", 5 * time.Second, "read-write",
			map[string]string{"connect_timeout": "2", "statement_timeout": "250"}},
		{"no statement timeout configured", "postgresql://u@db/citizen", 0, "read-write",
			map[string]string{"connect_timeout": "3", "statement_timeout": ""}},
		{"sub-second statement timeout", "postgres://u@db/citizen", 1500 * time.Millisecond, "read-write",
			map[string]string{"statement_timeout": "1500"}},
		{"keeps the URL's target_session_attrs", "postgres://u@db1,db2/citizen?target_session_attrs=primary", 0, "read-write",
			map[string]string{"target_session_attrs": "primary", "connect_timeout": "3"}},
		{"several hosts get read-write", "postgres://u@db1:5432,db2:5432/citizen", 0, "read-write",
			map[string]string{"target_session_attrs": "read-write"}},
		{"replica: no session attributes", "postgres://u@replica/citizen", 2 * time.Second, "",
			map[string]string{"target_session_attrs": "", "connect_timeout": "3", "statement_timeout": "2000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dsn := postgresDSN(Config{URL: tc.url, StatementTimeout: tc.timeout}, tc.sessionAttrs)
			got, err := url.Parse(dsn)
			if err != nil {
				t.Fatalf("parse DSN: %v", err)
			}
			orig, _ := url.Parse(tc.url)
			if got.Scheme != orig.Scheme || got.User.String() != orig.User.String() || got.Host != orig.Host || got.Path != orig.Path {
				t.Errorf("DSN %s changed the address of %s", got, tc.url)
			}
			q := got.Query()
			for k, want := range tc.want {
				if q.Get(k) != want || (want == "" && q.Has(k)) {
					t.Errorf("%s = %q, want %q", k, q.Get(k), want)
				}
			}
			// The driver must accept what we add.
			if _, err := pgconn.ParseConfig(dsn); err != nil {
				t.Errorf("pgconn.ParseConfig(%s): %v", dsn, err)
			}
		})
	}
}

// A URL that is neither postgres:// nor sqlite: is a mistake (a typo, or
// another engine); it must not quietly become an SQLite file named after it.
func TestOpenRejectsUnknownScheme(t *testing.T) {
	for _, u := range []string{"postgress://u@db.internal/citizen", "mysql://u@db.internal/citizen"} {
		t.Run(u, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			d, err := Open(context.Background(), Config{URL: u})
			if err == nil {
				d.Close()
				t.Errorf("Open(%q) succeeded (dialect %s), want an error", u, d.Dialect)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("Open(%q) created %s in the working directory", u, entries[0].Name())
			}
		})
	}
}

// Replica settings that cannot work are refused before anything is opened,
// so none of these URLs is ever dialled.
func TestOpenRejectsReplicaConfig(t *testing.T) {
	pg := "postgres://u@db.invalid/citizen"
	tables := []string{"health_facilities"}
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"SQLite primary", Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "x.db"), ReplicaURLs: []string{pg}, ReplicaTables: tables}, "needs a PostgreSQL DATABASE_URL"},
		{"replica of another engine", Config{URL: pg, ReplicaURLs: []string{pg, "mysql://u:secret@r2/citizen"}, ReplicaTables: tables}, `entry 2 must be a postgres:// URL, not "mysql:"`},
		{"empty entry", Config{URL: pg, ReplicaURLs: []string{pg, ""}, ReplicaTables: tables}, "entry 2 is empty"},
		{"no tables", Config{URL: pg, ReplicaURLs: []string{pg}}, "no table"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Open(context.Background(), tc.cfg)
			if err == nil {
				d.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
				t.Errorf("Open error = %q, want it to say %q without the password", err, tc.want)
			}
		})
	}
}

// backend is an open database with two scratch tables, parent and child,
// whose names are unique so that runs on a shared PostgreSQL never collide.
type backend struct {
	db            *DB
	parent, child string
}

func backends(t *testing.T) map[string]backend {
	t.Helper()
	out := map[string]backend{"sqlite": openBackend(t, Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "db.db")})}
	if pg := os.Getenv("TEST_DATABASE_URL"); pg != "" {
		out["postgres"] = openBackend(t, Config{URL: pg, MaxOpenConns: 4, StatementTimeout: 30 * time.Second})
	}
	return out
}

func openBackend(t *testing.T, cfg Config) backend {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.URL, err)
	}
	t.Cleanup(func() { d.Close() })
	prefix := fmt.Sprintf("dbtest_%d", time.Now().UnixNano())
	b := backend{db: d, parent: prefix + "_parent", child: prefix + "_child"}
	for _, stmt := range []string{
		"CREATE TABLE " + b.parent + " (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, qty INTEGER NOT NULL CHECK (qty >= 0))",
		"CREATE TABLE " + b.child + " (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES " + b.parent + " (id))",
	} {
		if err := d.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		for _, table := range []string{b.child, b.parent} {
			if err := d.Exec("DROP TABLE " + table).Error; err != nil {
				t.Errorf("drop %s: %v", table, err)
			}
		}
	})
	return b
}

func (b backend) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := b.db.Conn(context.Background()).Table(table).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestConstraintViolations(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			if err := b.db.Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'a', 1)").Error; err != nil {
				t.Fatalf("seed: %v", err)
			}
			cases := []struct {
				name                string
				stmt                string
				unique, fk, checkOK bool
			}{
				{"unique", "INSERT INTO " + b.parent + " (id, code, qty) VALUES (2, 'a', 1)", true, false, false},
				{"foreign key", "INSERT INTO " + b.child + " (id, parent_id) VALUES (1, 99)", false, true, false},
				{"check", "INSERT INTO " + b.parent + " (id, code, qty) VALUES (3, 'c', -1)", false, false, true},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					err := b.db.Exec(tc.stmt).Error
					if err == nil {
						t.Fatal("insert succeeded, want a constraint violation")
					}
					// Callers wrap driver errors; the checks must see through that.
					err = fmt.Errorf("store: %w", err)
					if got := IsUniqueViolation(err); got != tc.unique {
						t.Errorf("IsUniqueViolation = %v, want %v (%v)", got, tc.unique, err)
					}
					if got := IsForeignKeyViolation(err); got != tc.fk {
						t.Errorf("IsForeignKeyViolation = %v, want %v (%v)", got, tc.fk, err)
					}
					if got := IsCheckViolation(err); got != tc.checkOK {
						t.Errorf("IsCheckViolation = %v, want %v (%v)", got, tc.checkOK, err)
					}
					if IsUnavailable(err) {
						t.Errorf("IsUnavailable(%v) = true, want false", err)
					}
				})
			}
			for _, err := range []error{nil, errors.New("boom"), gorm.ErrRecordNotFound} {
				if IsUniqueViolation(err) || IsForeignKeyViolation(err) || IsCheckViolation(err) {
					t.Errorf("%v was taken for a constraint violation", err)
				}
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	passed := domain.Errorf(domain.Conflict, "taken")
	const unavailable = "the service is temporarily unavailable, try again shortly"
	cases := []struct {
		name    string
		err     error
		kind    domain.Kind
		message string
	}{
		{"record not found", gorm.ErrRecordNotFound, domain.NotFound, "facility not found"},
		{"wrapped record not found", fmt.Errorf("take: %w", gorm.ErrRecordNotFound), domain.NotFound, "facility not found"},
		{"deadline", context.DeadlineExceeded, domain.Unavailable, unavailable},
		{"bad connection", fmt.Errorf("book: %w", driver.ErrBadConn), domain.Unavailable, unavailable},
		{"statement timeout", &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}, domain.Unavailable, unavailable},
		{"server hung up", fmt.Errorf("commit: %w", io.ErrUnexpectedEOF), domain.Unavailable, unavailable},
		{"unique violation left unhandled", &pgconn.PgError{Code: "23505"}, domain.Internal, "internal error"},
		{"anything else", errors.New("disk on fire"), domain.Internal, "internal error"},
		{"domain error passes through", passed, domain.Conflict, "taken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Translate(tc.err, "facility not found")
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != tc.kind || de.Message != tc.message {
				t.Fatalf("Translate(%v) = %#v, want kind %d %q", tc.err, err, tc.kind, tc.message)
			}
			// The cause stays reachable for logs.
			if !errors.Is(err, tc.err) {
				t.Errorf("errors.Is(Translate(err), err) = false")
			}
		})
	}
	if err := Translate(nil, "x"); err != nil {
		t.Errorf("Translate(nil) = %v, want nil", err)
	}
}

// TestIsUnavailable lists the ways a database outage reaches the code, real
// ones where they can be produced here: each must be Unavailable (503 and
// Retry-After), never Internal (500), and ordinary failures must not be.
func TestIsUnavailable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("book appointment: %w", err) }
	pg := func(code string) error { return wrap(&pgconn.PgError{Severity: "FATAL", Code: code}) }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused (pgconn.ConnectError)", wrap(connectRefused(t)), true},
		{"closed pool", wrap(closedPoolError(t)), true},
		{"bad connection", wrap(driver.ErrBadConn), true},
		{"connection already closed (database/sql)", wrap(sql.ErrConnDone), true},
		{"connection closed (pgx)", wrap(fmt.Errorf("conn closed: %w", pgconn.ErrConnClosed)), true},
		{"connection reset", wrap(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), true},
		{"request deadline", wrap(context.DeadlineExceeded), true},
		{"statement timeout", pg("57014"), true},
		{"lock timeout", pg("55P03"), true},
		{"idle in transaction timeout", pg("25P03"), true},
		{"admin shutdown (pg_ctl stop)", pg("57P01"), true},
		{"crash shutdown", pg("57P02"), true},
		{"starting up", pg("57P03"), true},
		{"too many connections", pg("53300"), true},
		{"disk full", pg("53100"), true},
		{"connection failure", pg("08006"), true},
		{"read-only transaction (failed-over primary)", pg("25006"), true},
		{"serialization failure", pg("40001"), true},
		{"deadlock", pg("40P01"), true},
		{"nil", nil, false},
		{"unique violation", pg("23505"), false},
		{"undefined table", pg("42P01"), false},
		{"invalid input", pg("22P02"), false},
		{"no rows", wrap(gorm.ErrRecordNotFound), false},
		{"a bug", errors.New("nil map"), false},
		// Only Translate, which knows it has a database error, takes it for
		// a server that hung up (TestTranslate).
		{"bare unexpected EOF", wrap(io.ErrUnexpectedEOF), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsUnavailable(tc.err); got != tc.want {
				t.Errorf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
			if got := Translate(tc.err, "x"); tc.want && !domain.IsKind(got, domain.Unavailable) {
				t.Errorf("Translate(%v) = %v, want Unavailable", tc.err, got)
			}
		})
	}
}

// connectRefused dials a port nobody listens on and returns pgconn's error.
func connectRefused(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = pgconn.Connect(context.Background(), "postgres://u@"+addr+"/x?sslmode=disable&connect_timeout=2")
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("connect to a closed port: %v, want a *pgconn.ConnectError", err)
	}
	return err
}

// closedPoolError is what a query on a closed pool returns.
func closedPoolError(t *testing.T) error {
	t.Helper()
	d, err := Open(context.Background(), Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "closed.db")})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	err = d.Exec("SELECT 1").Error
	if err == nil {
		t.Fatal("a query on a closed pool succeeded")
	}
	return err
}

func TestTranslateRealNotFound(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			var row struct{ ID int }
			err := b.db.Conn(context.Background()).Table(b.parent).Where("id = ?", 42).Take(&row).Error
			if err := Translate(err, "parent not found"); !domain.IsKind(err, domain.NotFound) {
				t.Errorf("Translate(missing row) = %v, want NotFound", err)
			}
		})
	}
}

func TestWithinTx(t *testing.T) {
	errBoom := errors.New("boom")
	insert := func(b backend, ctx context.Context, id int) error {
		return b.db.Conn(ctx).Exec("INSERT INTO "+b.parent+" (id, code, qty) VALUES (?, ?, 0)", id, fmt.Sprint("code-", id)).Error
	}
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			cases := []struct {
				name    string
				fn      func(ctx context.Context) error
				wantErr error
				wantAdd int64
			}{
				{"commit on nil", func(ctx context.Context) error {
					return insert(b, ctx, 1)
				}, nil, 1},
				{"rollback on error", func(ctx context.Context) error {
					if err := insert(b, ctx, 2); err != nil {
						return err
					}
					return errBoom
				}, errBoom, 0},
				{"nested joins the outer transaction", func(ctx context.Context) error {
					if err := b.db.WithinTx(ctx, func(ctx context.Context) error { return insert(b, ctx, 3) }); err != nil {
						return err
					}
					// The inner call returned nil, but the outer failure undoes its write.
					return errBoom
				}, errBoom, 0},
				{"nested commits with the outer", func(ctx context.Context) error {
					if err := insert(b, ctx, 4); err != nil {
						return err
					}
					return b.db.WithinTx(ctx, func(ctx context.Context) error { return insert(b, ctx, 5) })
				}, nil, 2},
				{"inner error rolls back the outer write", func(ctx context.Context) error {
					if err := insert(b, ctx, 6); err != nil {
						return err
					}
					return b.db.WithinTx(ctx, func(ctx context.Context) error {
						if err := insert(b, ctx, 7); err != nil {
							return err
						}
						return fmt.Errorf("inner: %w", errBoom)
					})
				}, errBoom, 0},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := b.count(t, b.parent)
					err := b.db.WithinTx(ctx, tc.fn)
					if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
						t.Fatalf("WithinTx = %v, want %v", err, tc.wantErr)
					}
					if got := b.count(t, b.parent) - before; got != tc.wantAdd {
						t.Errorf("rows added = %d, want %d", got, tc.wantAdd)
					}
				})
			}
		})
	}
}

// A transaction whose context ends before it commits is rolled back, and
// its error says why: a deadline is Unavailable (503, try again), not the
// bare "transaction has already been committed or rolled back" (500).
func TestWithinTxPastItsDeadline(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err := b.db.WithinTx(ctx, func(ctx context.Context) error {
				if err := b.db.Conn(ctx).Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'late', 1)").Error; err != nil {
					return err
				}
				// The work outlasts the deadline; database/sql rolls back meanwhile.
				time.Sleep(200 * time.Millisecond)
				return nil
			})
			if !errors.Is(err, context.DeadlineExceeded) || !domain.IsKind(Translate(err, ""), domain.Unavailable) {
				t.Errorf("WithinTx past its deadline = %v, want a deadline error that translates to Unavailable", err)
			}
			if n := b.count(t, b.parent); n != 0 {
				t.Errorf("%d rows written by a transaction that missed its deadline, want 0", n)
			}
		})
	}
}

// A transaction whose connection dies before it commits fails as
// Unavailable (503, try again), not Internal, and nothing of it is written.
func TestWithinTxConnectionLostAtCommit(t *testing.T) {
	b, ok := backends(t)["postgres"]
	if !ok {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	err := b.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := b.db.Conn(ctx).Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'lost', 1)").Error; err != nil {
			return err
		}
		var pid int
		if err := b.db.Conn(ctx).Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
			return err
		}
		// From another connection, end this one's server process, as a
		// crash or a fail-over would.
		if err := b.db.Exec("SELECT pg_terminate_backend(?, 5000)", pid).Error; err != nil {
			t.Fatalf("terminate backend %d: %v", pid, err)
		}
		return nil
	})
	if !domain.IsKind(err, domain.Unavailable) {
		t.Errorf("WithinTx whose connection died before the commit = %v (%T), want Unavailable", err, errors.Unwrap(err))
	}
	if n := b.count(t, b.parent); n != 0 {
		t.Errorf("%d rows written by a transaction that never committed, want 0", n)
	}
}

// A write queued with AtCommit is written with the transaction (on
// PostgreSQL it is sent with the COMMIT, on SQLite at once); when it fails, nothing of the transaction is written and the connection
// goes back to the pool clean.
func TestAtCommit(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			insertChild := func(id, parentID int) func(conn *gorm.DB) *gorm.DB {
				return func(conn *gorm.DB) *gorm.DB {
					return conn.Exec("INSERT INTO "+b.child+" (id, parent_id) VALUES (?, ?)", id, parentID)
				}
			}
			err := b.db.WithinTx(ctx, func(ctx context.Context) error {
				if err := b.db.Conn(ctx).Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'one', 1)").Error; err != nil {
					return err
				}
				if err := b.db.AtCommit(ctx, insertChild(1, 1)); err != nil {
					return err
				}
				if err := b.db.AtCommit(ctx, insertChild(2, 1)); err != nil {
					return err
				}
				var seen int64
				if err := b.db.Conn(ctx).Table(b.child).Count(&seen).Error; err != nil {
					return err
				}
				if want := map[string]int64{"postgres": 0, "sqlite": 2}[name]; seen != want {
					t.Errorf("children seen inside the transaction = %d, want %d", seen, want)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("WithinTx with queued writes = %v", err)
			}
			if n := b.count(t, b.child); n != 2 {
				t.Fatalf("%d children after the commit, want 2", n)
			}

			// Many more failing transactions than the pool has connections:
			// a connection left inside a transaction would show below.
			for i := range 6 {
				err = b.db.WithinTx(ctx, func(ctx context.Context) error {
					if err := b.db.Conn(ctx).Exec("UPDATE " + b.parent + " SET qty = qty + 1 WHERE id = 1").Error; err != nil {
						return err
					}
					return b.db.AtCommit(ctx, insertChild(1, 1)) // the child exists: a unique violation
				})
				if name == "postgres" && !IsUniqueViolation(err) {
					t.Fatalf("transaction %d whose queued write fails = %v, want the unique violation", i, err)
				} else if err == nil {
					t.Fatalf("transaction %d whose queued write fails = nil, want its error", i)
				}
			}
			var qty int
			if err := b.db.Conn(ctx).Raw("SELECT qty FROM " + b.parent + " WHERE id = 1").Scan(&qty).Error; err != nil || qty != 1 {
				t.Errorf("qty after failed transactions = %d, %v; want 1: the update must roll back with the queued write", qty, err)
			}

			// Outside a transaction it runs at once.
			if err := b.db.AtCommit(ctx, insertChild(3, 1)); err != nil || b.count(t, b.child) != 3 {
				t.Errorf("AtCommit outside a transaction = %v, children %d; want it written at once", err, b.count(t, b.child))
			}
		})
	}
}

// AfterCommit runs once the change can be read from elsewhere, never for a
// transaction that rolls back, and at once outside a transaction.
func TestAfterCommit(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var seen []int64
			// The pool's count, not the transaction's: what another reader sees.
			seeParents := func() { seen = append(seen, b.count(t, b.parent)) }
			err := b.db.WithinTx(ctx, func(ctx context.Context) error {
				AfterCommit(ctx, seeParents)
				// A joined transaction's callbacks wait for the outer commit.
				return b.db.WithinTx(ctx, func(ctx context.Context) error {
					AfterCommit(ctx, seeParents)
					return b.db.Conn(ctx).Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'one', 1)").Error
				})
			})
			if err != nil {
				t.Fatalf("WithinTx = %v", err)
			}
			if len(seen) != 2 || seen[0] != 1 || seen[1] != 1 {
				t.Fatalf("AfterCommit saw %v parents, want [1 1]: run twice, after the commit", seen)
			}

			seen = nil
			failed := errors.New("refused")
			err = b.db.WithinTx(ctx, func(ctx context.Context) error {
				AfterCommit(ctx, seeParents)
				if err := b.db.Conn(ctx).Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (2, 'two', 1)").Error; err != nil {
					return err
				}
				return failed
			})
			if !errors.Is(err, failed) || len(seen) != 0 {
				t.Fatalf("a rolled-back transaction = %v and ran its callbacks %d times, want %v and none", err, len(seen), failed)
			}

			AfterCommit(ctx, seeParents)
			if len(seen) != 1 {
				t.Fatalf("AfterCommit outside a transaction ran %d times, want once at once", len(seen))
			}
		})
	}
}

// ExecAsyncCommit's write is visible at once, joins a transaction it runs
// in, and on PostgreSQL commits asynchronously without leaving the setting
// on the pooled connection.
func TestExecAsyncCommit(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			insert := func(id int) func(conn *gorm.DB) *gorm.DB {
				return func(conn *gorm.DB) *gorm.DB {
					return conn.Exec("INSERT INTO "+b.parent+" (id, code, qty) VALUES (?, ?, 1)", id, fmt.Sprint("c", id))
				}
			}
			if err := b.db.ExecAsyncCommit(ctx, insert(1)); err != nil || b.count(t, b.parent) != 1 {
				t.Fatalf("ExecAsyncCommit = %v, %d rows; want the row visible at once", err, b.count(t, b.parent))
			}
			if err := b.db.ExecAsyncCommit(ctx, insert(1)); !IsUniqueViolation(err) {
				t.Fatalf("a failing ExecAsyncCommit = %v, want the unique violation", err)
			}
			failed := errors.New("refused")
			err := b.db.WithinTx(ctx, func(ctx context.Context) error {
				if err := b.db.ExecAsyncCommit(ctx, insert(2)); err != nil {
					return err
				}
				return failed
			})
			if !errors.Is(err, failed) || b.count(t, b.parent) != 1 {
				t.Fatalf("ExecAsyncCommit in a rolled-back transaction left %d rows, want 1", b.count(t, b.parent))
			}
			if name != "postgres" {
				return
			}
			conn, err := b.db.SQL().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var inside, after string
			err = conn.Raw(func(driverConn any) error {
				res := driverConn.(*stdlib.Conn).Conn().SendBatch(ctx, &pgx.Batch{QueuedQueries: []*pgx.QueuedQuery{
					{SQL: asyncCommit.sql}, {SQL: "SELECT current_setting('synchronous_commit')"},
				}})
				if _, err := res.Exec(); err != nil {
					return err
				}
				if err := res.QueryRow().Scan(&inside); err != nil {
					return err
				}
				return res.Close()
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := conn.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&after); err != nil {
				t.Fatal(err)
			}
			if inside != "off" || after != "on" {
				t.Fatalf("synchronous_commit = %q in the pipeline and %q after it, want off and on", inside, after)
			}
		})
	}
}

// A transaction begins with its first statement, whatever it is, and
// commits whatever it ran; the first write's result is its own (on
// PostgreSQL it travels with the BEGIN).
func TestTransactionShapes(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if err := b.db.Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 1)").Error; err != nil {
				t.Fatalf("seed: %v", err)
			}
			insert := func(ctx context.Context, id int) error {
				return b.db.Conn(ctx).Exec("INSERT INTO "+b.child+" (id, parent_id) VALUES (?, 1)", id).Error
			}
			cases := []struct {
				name     string
				fn       func(ctx context.Context) error
				children int64
			}{
				{"nothing", func(ctx context.Context) error { return nil }, 0},
				{"a read first", func(ctx context.Context) error {
					var n int64
					if err := b.db.Conn(ctx).Table(b.parent).Count(&n).Error; err != nil || n != 2 {
						return fmt.Errorf("count = %d, %v", n, err)
					}
					return insert(ctx, 1)
				}, 1},
				{"a write first, its rows affected counted", func(ctx context.Context) error {
					res := b.db.Conn(ctx).Exec("UPDATE " + b.parent + " SET qty = qty + 1")
					if res.Error != nil || res.RowsAffected != 2 {
						return fmt.Errorf("update = %d rows, %v; want 2", res.RowsAffected, res.Error)
					}
					return insert(ctx, 2)
				}, 2},
				{"queued writes only", func(ctx context.Context) error {
					return b.db.AtCommit(ctx, func(conn *gorm.DB) *gorm.DB {
						return conn.Exec("INSERT INTO "+b.child+" (id, parent_id) VALUES (?, 1)", 3)
					})
				}, 3},
			}
			for _, tc := range cases {
				if err := b.db.WithinTx(ctx, tc.fn); err != nil {
					t.Fatalf("%s: WithinTx = %v", tc.name, err)
				}
				if n := b.count(t, b.child); n != tc.children {
					t.Errorf("%s: %d children after the commit, want %d", tc.name, n, tc.children)
				}
			}
			// A first write that fails leaves nothing behind, and the pool's
			// connections stay usable.
			for range 6 {
				err := b.db.WithinTx(ctx, func(ctx context.Context) error {
					return b.db.Conn(ctx).Exec("UPDATE " + b.parent + " SET qty = -1").Error
				})
				if !IsCheckViolation(err) {
					t.Fatalf("a failing first write = %v, want its check violation", err)
				}
			}
			if n := b.count(t, b.child); n != 3 {
				t.Errorf("%d children at the end, want 3", n)
			}
		})
	}
}

func TestConnOutsideTxUsesPool(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var inside, outside *gorm.DB
			_ = b.db.WithinTx(ctx, func(ctx context.Context) error {
				inside = b.db.Conn(ctx)
				return nil
			})
			outside = b.db.Conn(ctx)
			if inside == nil || inside.Statement.ConnPool == outside.Statement.ConnPool {
				t.Errorf("Conn inside a transaction returned the pool")
			}
		})
	}
}

// A handle from Conn(OnPrimary(ctx)) is reused for several queries, like
// any other; conditions must not pile up from one query to the next.
func TestConnOnPrimaryReusable(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			if err := b.db.Exec("INSERT INTO " + b.parent + " (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2)").Error; err != nil {
				t.Fatalf("seed: %v", err)
			}
			conn := b.db.Conn(OnPrimary(context.Background()))
			for _, id := range []int{1, 2} {
				var n int64
				if err := conn.Table(b.parent).Where("id = ?", id).Count(&n).Error; err != nil || n != 1 {
					t.Errorf("count of id %d = %d, %v; want 1", id, n, err)
				}
			}
		})
	}
}

func TestSQLiteConnectionSettings(t *testing.T) {
	d := openBackend(t, Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "s.db")}).db
	cases := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for _, tc := range cases {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			if err := d.Raw("PRAGMA " + tc.pragma).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
			}
		})
	}
}

func TestPostgresStatementTimeout(t *testing.T) {
	pg := os.Getenv("TEST_DATABASE_URL")
	if pg == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	d, err := Open(context.Background(), Config{URL: pg, MaxOpenConns: 1, StatementTimeout: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var setting string
	if err := d.Raw("SHOW statement_timeout").Scan(&setting).Error; err != nil {
		t.Fatal(err)
	}
	if setting != "150ms" {
		t.Errorf("statement_timeout = %q, want 150ms", setting)
	}
	// A statement cut off by the timeout is "try again", not an internal error.
	err = d.Exec("SELECT pg_sleep(2)").Error
	if !IsUnavailable(err) || !domain.IsKind(Translate(err, ""), domain.Unavailable) {
		t.Errorf("timed-out statement: %v, want Unavailable", err)
	}
}
