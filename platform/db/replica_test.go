//go:build unix

package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/migrations"
	"github.com/islamabad-digital/citizenapi/platform/db/pgtest"
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
	primaryCluster := pgtest.StartPrimary(t)
	replicaCluster := primaryCluster.StartReplica()
	primary, replica := primaryCluster.URL(), replicaCluster.URL()
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
	// On a busy machine the replica may not have the tables yet.
	waitReplayed(t, d.SQL(), d.replicas[0])

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

	// As after a fail-over, the primary's URL names the read-only node
	// first: the connection goes to the node that takes writes, and a URL
	// that names only read-only nodes does not connect at all.
	both := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/postgres?sslmode=disable", replicaCluster.Port, primaryCluster.Port)
	moved, err := Open(ctx, Config{URL: both, MaxOpenConns: 1})
	if err != nil {
		t.Fatalf("open with the standby listed first: %v", err)
	}
	defer moved.Close()
	var readOnly string
	if err := moved.Raw("SHOW transaction_read_only").Scan(&readOnly).Error; err != nil || readOnly != "off" {
		t.Errorf("primary URL listing the standby first connected to a node with transaction_read_only = %q (%v), want the writable one", readOnly, err)
	}
	if standby, err := Open(ctx, Config{URL: replica, MaxOpenConns: 1}); err == nil {
		standby.Close()
		t.Errorf("opening a standby as the primary succeeded, want a refusal (target_session_attrs=read-write)")
	} else if !IsUnavailable(err) {
		t.Errorf("opening a standby as the primary: %v, want an Unavailable error", err)
	}
}

// waitReplayed waits until the replica has replayed everything the primary
// has written so far.
func waitReplayed(t *testing.T, primary, replica *sql.DB) {
	t.Helper()
	var lsn string
	if err := primary.QueryRow("SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatalf("primary WAL position: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var behind bool
		if err := replica.QueryRow("SELECT pg_last_wal_replay_lsn() < $1::pg_lsn", lsn).Scan(&behind); err != nil {
			t.Fatalf("replica replay position: %v", err)
		}
		if !behind {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica has not replayed the primary's WAL up to %s", lsn)
		}
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
