package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// tableStat is how long one table took.
type tableStat struct {
	name string
	rows int64
	took time.Duration
}

// table is one table's rows, made one at a time: next fills the values of
// the next row and reports false when there are no more. name is the
// table's, followed by which part of it for a table loaded in parts.
type table struct {
	name  string
	cols  []string
	total int64 // expected rows, for the progress line
	next  func(v []any) bool
}

// counted is a table of n rows made from their numbers.
func counted(name string, cols []string, n int64, row func(i int64, v []any)) table {
	var i int64
	return table{name, cols, n, func(v []any) bool {
		if i == n {
			return false
		}
		row(i, v)
		i++
		return true
	}}
}

// load writes every table in one transaction, then analyzes them.
func (g *scaleGen) load(ctx context.Context, conn *pgx.Conn, progress io.Writer) ([]tableStat, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var stats []tableStat
	copyAll := func(tables ...table) error {
		for _, t := range tables {
			s, err := copyTable(ctx, tx, t, progress)
			if err != nil {
				return err
			}
			stats = append(stats, s)
		}
		return nil
	}
	if err := copyAll(g.accounts(), g.people(), g.dependants(), g.dependantCounts(), g.facilities(), g.specialties(), g.practitioners(),
		g.futureSlots(), g.pastSlots(), g.futureAppointments(), g.accountBookings(), g.pastAppointments(), g.schools()); err != nil {
		return nil, err
	}
	if err := g.planEducation(ctx, tx); err != nil {
		return nil, err
	}
	if err := copyAll(g.applications(), g.seats(), g.events(), g.openCounts(),
		g.zones(), g.tariffs(), g.vehicles(), g.permits(), g.payments()); err != nil {
		return nil, err
	}
	if err := g.planTraffic(ctx, tx); err != nil {
		return nil, err
	}
	if err := copyAll(g.challans(), g.challanEvents(), g.challanPayments()); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	// VACUUM sets the visibility map of the fresh pages, so index-only
	// scans work at once and autovacuum does not start on them under load.
	fmt.Fprint(progress, "vacuuming and analyzing…")
	for _, t := range []string{"accounts", "people", "dependants", "dependant_counts", "health_account_bookings", "health_facilities", "health_facility_specialties", "health_practitioners",
		"health_slots", "health_appointments", "education_schools", "education_admission_windows", "education_age_rules",
		"education_applications", "education_seats", "education_application_events", "education_open_applications",
		"parking_zones", "parking_tariffs", "vehicles", "parking_permits", "parking_payments",
		"traffic_sectors", "traffic_offences", "traffic_challans", "traffic_challan_events", "traffic_payments"} {
		if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) "+t); err != nil {
			return nil, err
		}
	}
	fmt.Fprintln(progress, " done")
	return stats, nil
}

// copyTable streams a table through COPY statements of copyBatchRows rows.
func copyTable(ctx context.Context, tx pgx.Tx, t table, w io.Writer) (tableStat, error) {
	now := time.Now()
	src := &copySource{next: t.next, vals: make([]any, len(t.cols)), bar: progressBar{w: w, name: t.name, total: t.total, start: now, last: now}}
	for !src.done {
		src.left = copyBatchRows
		name, _, _ := strings.Cut(t.name, " ")
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{name}, t.cols, src); err != nil {
			fmt.Fprintln(w)
			return tableStat{}, fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	src.bar.finish(src.rows)
	return tableStat{t.name, src.rows, time.Since(src.bar.start)}, nil
}

// copySource feeds one COPY statement from a table's rows, up to left rows.
// The values slice is reused: pgx encodes each row before asking for the next.
type copySource struct {
	next func([]any) bool
	vals []any
	left int
	rows int64
	done bool
	bar  progressBar
}

func (s *copySource) Next() bool {
	if s.left == 0 || s.done {
		return false
	}
	if !s.next(s.vals) {
		s.done = true
		return false
	}
	s.left--
	s.rows++
	if s.rows%4096 == 0 {
		s.bar.update(s.rows)
	}
	return true
}

func (s *copySource) Values() ([]any, error) { return s.vals, nil }

func (s *copySource) Err() error { return nil }

// progressBar redraws one table's line in place at most four times a second.
type progressBar struct {
	w           io.Writer
	name        string
	total       int64
	start, last time.Time
}

func (b *progressBar) update(done int64) {
	now := time.Now()
	if now.Sub(b.last) < 250*time.Millisecond {
		return
	}
	b.last = now
	rate := float64(done) / max(now.Sub(b.start).Seconds(), 1e-3)
	eta := "-"
	if left := b.total - done; left > 0 {
		eta = time.Duration(float64(left) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(b.w, "\r%-30s %11d / %-11d %3d%% %9.0f rows/s  ETA %-8s", b.name, done, b.total, 100*done/max(b.total, 1), rate, eta)
}

func (b *progressBar) finish(done int64) {
	took := time.Since(b.start)
	fmt.Fprintf(b.w, "\r%-30s %11d rows in %6.1fs %9.0f rows/s%22s\n", b.name, done, took.Seconds(), float64(done)/max(took.Seconds(), 1e-3), "")
}
