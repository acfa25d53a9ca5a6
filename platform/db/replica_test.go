//go:build unix

package db

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/migrations"
)

// facility is just enough of health_facilities to write and count rows.
type facility struct {
	ID, Name, Kind, Sector, Address string
	Lat, Lng                        float64
	CreatedAt, UpdatedAt            time.Time
}

func (facility) TableName() string { return "health_facilities" }

// TestReplicaRouting starts its own PostgreSQL primary and a streaming
// replica of it, pauses the replica's replay, writes on the primary and
// checks which of the two each kind of read sees.
func TestReplicaRouting(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" && os.Getenv("TEST_PG_REPLICA") == "" {
		t.Skip("set TEST_DATABASE_URL or TEST_PG_REPLICA=1 to start a PostgreSQL primary and replica for this test")
	}
	primary, replica := startReplicatedPair(t)
	ctx := context.Background()
	d, err := Open(ctx, Config{
		URL: primary, ReplicaURLs: []string{replica}, ReplicaTables: []string{"health_facilities"},
		MaxOpenConns: 3, ConnMaxLifetime: time.Minute, StatementTimeout: 7 * time.Second,
	})
	if err != nil {
		t.Fatalf("open with replica: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	// The replica is read-only: migrations succeed only on the primary.
	if err := d.Migrate(ctx, migrations.FS, nil); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	seen := func(ctx context.Context, id string) bool {
		t.Helper()
		var n int64
		if err := d.Conn(ctx).Model(&facility{}).Where("id = ?", id).Count(&n).Error; err != nil {
			t.Fatalf("count facility: %v", err)
		}
		return n == 1
	}
	waitSeen := func(id string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !seen(ctx, id); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("facility %s never reached the replica", id)
			}
		}
	}
	create := func() string {
		t.Helper()
		now := time.Now().UTC()
		f := facility{ID: uuid.NewString(), Name: "PIMS", Kind: "hospital", Sector: "G-8", Address: "Ibn-e-Sina Road", Lat: 33.7, Lng: 73.05, CreatedAt: now, UpdatedAt: now}
		// A write outside a transaction: on the replica it would fail (read-only).
		if err := d.Conn(ctx).Create(&f).Error; err != nil {
			t.Fatalf("create facility: %v", err)
		}
		return f.ID
	}

	waitSeen(create())

	r := d.replicas[0]
	if _, err := r.ExecContext(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatalf("pause replay: %v", err)
	}
	waitPaused(t, r)
	newer := create()
	failure := uuid.NewString()
	if err := d.Conn(ctx).Exec("INSERT INTO login_failures (id, key, at) VALUES (?, ?, ?)", failure, "ip:192.0.2.1", time.Now()).Error; err != nil {
		t.Fatalf("insert login failure: %v", err)
	}

	cases := []struct {
		name string
		read func() bool
		want bool // true: the primary's view; false: the paused replica's
	}{
		{"catalogue read", func() bool { return seen(ctx, newer) }, false},
		{"raw SELECT of a catalogue table", func() bool {
			var n int64
			if err := d.Conn(ctx).Raw("SELECT COUNT(*) FROM health_facilities WHERE id = ?", newer).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n == 1
		}, false},
		{"catalogue read in a transaction", func() (ok bool) {
			_ = d.WithinTx(ctx, func(ctx context.Context) error { ok = seen(ctx, newer); return nil })
			return ok
		}, true},
		{"SELECT … FOR UPDATE", func() bool {
			var ids []string
			if err := d.ForUpdate(d.Conn(ctx).Model(&facility{}).Where("id = ?", newer)).Pluck("id", &ids).Error; err != nil {
				t.Fatal(err)
			}
			return len(ids) == 1
		}, true},
		{"catalogue read OnPrimary", func() bool { return seen(OnPrimary(ctx), newer) }, true},
		{"table not routed (rate limits)", func() bool {
			var n int64
			if err := d.Conn(ctx).Table("login_failures").Where("id = ?", failure).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n == 1
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.read(); got != tc.want {
				t.Errorf("sees the new row = %v, want %v (true: read on the primary, false: on the replica)", got, tc.want)
			}
		})
	}

	if _, err := r.ExecContext(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatalf("resume replay: %v", err)
	}
	waitSeen(newer)

	// The replica's pool has the primary's settings.
	if got := r.Stats().MaxOpenConnections; got != 3 {
		t.Errorf("replica MaxOpenConnections = %d, want 3", got)
	}
	var timeout string
	if err := r.QueryRowContext(ctx, "SHOW statement_timeout").Scan(&timeout); err != nil || timeout != "7s" {
		t.Errorf("replica statement_timeout = %q, %v; want 7s", timeout, err)
	}
}

func waitPaused(t *testing.T, r *sql.DB) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var state string
		if err := r.QueryRow("SELECT pg_get_wal_replay_pause_state()").Scan(&state); err != nil {
			t.Fatalf("replay pause state: %v", err)
		}
		if state == "paused" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replay is %s, not paused", state)
		}
	}
}

// startReplicatedPair starts a throwaway primary (initdb, trust auth) and a
// streaming replica made with pg_basebackup -R, each on a free port under a
// temporary directory, stops both when the test ends, and returns their URLs.
// initdb refuses to run as root, so as root the servers run as the postgres
// OS user.
func startReplicatedPair(t *testing.T) (primaryURL, replicaURL string) {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) in $PG_BIN, PATH or /usr/lib/postgresql/*/bin")
	}
	// Not t.TempDir: its parent is private to root, and the servers may run
	// as the postgres user.
	base, err := os.MkdirTemp("", "citizenapi-replica-")
	if err != nil {
		t.Fatal(err)
	}
	pg := pgServer{bin: bin, dir: base}
	t.Cleanup(func() { os.RemoveAll(base) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root, where initdb refuses to run, and there is no postgres user to run it as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		pg.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(base, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	primaryDir, replicaDir := filepath.Join(base, "primary"), filepath.Join(base, "replica")
	primaryPort, replicaPort := freePort(t), freePort(t)

	if err := pg.run("initdb", "-D", primaryDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		t.Skipf("cannot create a PostgreSQL cluster: %v", err)
	}
	// Fast and private: TCP on loopback only, no Unix socket in a shared
	// directory, no fsync. The replica inherits this file.
	conf := "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n" +
		"shared_buffers = 16MB\nmax_connections = 20\nwal_level = replica\nmax_wal_senders = 4\n"
	f, err := os.OpenFile(filepath.Join(primaryDir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(conf)
		f.Close()
	}
	if err != nil {
		t.Fatalf("configure primary: %v", err)
	}
	pg.start(t, primaryDir, primaryPort)
	if err := pg.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primaryPort), "-U", "postgres",
		"-D", replicaDir, "-R", "-X", "stream", "-c", "fast", "--no-sync"); err != nil {
		t.Fatalf("pg_basebackup: %v", err)
	}
	pg.start(t, replicaDir, replicaPort)
	url := func(port int) string {
		return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	}
	return url(primaryPort), url(replicaPort)
}

// pgServer runs PostgreSQL's programs from bin in dir, as cred when set.
type pgServer struct {
	bin, dir string
	cred     *syscall.Credential
}

func (p pgServer) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	cmd.Dir = p.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

// start starts the cluster in dir on port and stops it (immediately: the
// data is thrown away) when the test ends.
func (p pgServer) start(t *testing.T, dir string, port int) {
	t.Helper()
	if err := p.run("pg_ctl", "-D", dir, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "20",
		"-o", "-p "+strconv.Itoa(port), "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		t.Fatalf("start PostgreSQL in %s: %v\n%s", dir, err, log)
	}
	t.Cleanup(func() {
		if err := p.run("pg_ctl", "-D", dir, "-m", "immediate", "stop"); err != nil {
			t.Errorf("stop PostgreSQL in %s: %v", dir, err)
		}
	})
}

// pgBinDir finds the directory of initdb: $PG_BIN, PATH, or
// /usr/lib/postgresql/*/bin (Debian keeps the server programs out of PATH).
func pgBinDir() string {
	if dir := os.Getenv("PG_BIN"); dir != "" {
		return dir
	}
	// PATH may hold only links (Debian's /usr/bin wrappers, or one program
	// linked on its own): the real directory has them all.
	if path, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			return filepath.Dir(real)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(dirs) == 0 {
		return ""
	}
	return filepath.Dir(dirs[len(dirs)-1])
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
