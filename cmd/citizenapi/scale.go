package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// scalePassword is the password of every synthetic citizen.
const scalePassword = "Scale-citizen-2026"

const scaleHelp = `Usage: citizenapi seed scale [flags]

Bulk-loads synthetic Islamabad-scale data into PostgreSQL with COPY, after the
migrations: citizens and dependants, facilities, doctors, future slots and past
appointments, schools with an open admission window and its applications,
parking zones, vehicles and permits, and traffic challans on the vehicles (two
a vehicle on average, a third unpaid) with their histories and payments, in
the traffic sectors and offence schedule of seed demo (loaded when missing).
It loads in one transaction, so an interrupted load leaves nothing behind. It
is not additive: it refuses a database that already holds scale data (load a
fresh database), and SQLite.

Every synthetic citizen i (1 to -citizens) is active and verified and signs in
with the password ` + scalePassword + `:
  CNIC   69 and i in 11 digits   (i=1: 6900000000001, written 69000-0000000-1)
  phone  +9235 and i in 8 digits (i=1: +923500000001, written 0350-0000001)

Flags:
`

// Slot timetable: every doctor sees patients daily from 09:00 local time in
// 20-minute slots of 3 seats, 17 slots a day.
const (
	slotsPerDay  = 17
	slotLength   = 20 * time.Minute
	slotCapacity = 3
	// bookedDays are the days ahead in which each doctor has one booked seat a day.
	bookedDays = 14
	// copyBatchRows bounds one COPY statement, and with it the queue of
	// foreign-key checks the server keeps until the statement ends.
	copyBatchRows = 100_000
)

// scaleSizes are the row counts to load.
type scaleSizes struct {
	citizens, facilities, practitioners, slotDays, past, schools, applications, zones, vehicles int64
}

// Limits that keep the synthetic identifiers in their formats.
const (
	maxCitizens = 99_999_999 // 8 digits of the phone number
	maxVehicles = 676 * 9999 // ISB-ZAA-1 to ISB-ZZZ-9999
)

func parseScaleFlags(args []string, out io.Writer) (scaleSizes, error) {
	fs := flag.NewFlagSet("seed scale", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, scaleHelp); fs.PrintDefaults() }
	var s scaleSizes
	scale := fs.Float64("scale", 1, "multiply every size not given explicitly (-slot-days excepted); 0.01 loads a hundredth")
	sizes := []struct {
		v        *int64
		name     string
		def, min int64
		usage    string
	}{
		{&s.citizens, "citizens", 1_000_000, 1, "citizens, each with 0 to 2 dependants (0.6 on average)"},
		{&s.facilities, "facilities", 300, 1, "health facilities"},
		{&s.practitioners, "practitioners", 3000, 1, "doctors, spread over the facilities"},
		{&s.slotDays, "slot-days", 60, 0, "days ahead, from tomorrow, with 17 slots a day for every doctor"},
		{&s.past, "past-appointments", 5_000_000, 0, "appointments in the days before today (completed, no_show, cancelled)"},
		{&s.schools, "schools", 420, 1, "schools with seats in their entry grades"},
		{&s.applications, "applications", 100_000, 0, "applications by dependants for the coming academic year"},
		{&s.zones, "zones", 60, 1, "parking zones with tariffs"},
		{&s.vehicles, "vehicles", 200_000, 0, "vehicles, each with one permit (live while its zone has room, else ended) and two traffic challans on average"},
	}
	for _, f := range sizes {
		fs.Int64Var(f.v, f.name, f.def, f.usage)
	}
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	if fs.NArg() > 0 {
		return s, fmt.Errorf("seed scale takes only flags, not %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, f := range sizes {
		if !given[f.name] && f.name != "slot-days" {
			*f.v = max(f.min, int64(math.Round(float64(f.def)**scale)))
		}
		if *f.v < f.min {
			return s, fmt.Errorf("-%s must be at least %d", f.name, f.min)
		}
	}
	switch {
	case s.citizens > maxCitizens:
		return s, fmt.Errorf("-citizens must be at most %d", maxCitizens)
	case s.vehicles > maxVehicles:
		return s, fmt.Errorf("-vehicles must be at most %d", maxVehicles)
	case s.practitioners > 999_999 || s.schools > 99_999 || s.zones > 99_999:
		return s, errors.New("-practitioners must be at most 999999, -schools and -zones at most 99999")
	}
	return s, nil
}

// seedScale runs "seed scale": progress goes to stderr, the summary and the
// sign-in details to stdout.
func seedScale(ctx context.Context, cfg config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	sizes, err := parseScaleFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if db.DialectOf(cfg.DatabaseURL) != db.Postgres {
		return errors.New("seed scale loads PostgreSQL only (it uses COPY): set DATABASE_URL to postgres://…")
	}
	d, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	err = loadTrafficCatalog(ctx, d)
	d.Close()
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// One transaction of many minutes: no statement timeout, and no wait for
	// the WAL flush at commit.
	for _, set := range []string{"SET statement_timeout = 0", "SET synchronous_commit = off"} {
		if _, err := conn.Exec(ctx, set); err != nil {
			return err
		}
	}
	keys, err := cfg.piiKeys()
	if err != nil {
		return err
	}
	var loaded bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM accounts WHERE cnic_hash = $1)", keys.Hash(scaleCNIC(1))).Scan(&loaded); err != nil {
		return err
	}
	if loaded {
		return fmt.Errorf("the database holds scale data already (citizen %s exists); seed scale loads a fresh database once", scaleCNIC(1))
	}
	hash, err := identity.NewHasher().Hash(ctx, "seed scale", scalePassword)
	if err != nil {
		return err
	}
	start := time.Now()
	stats, err := newScaleGen(sizes, time.Now().UTC(), hash, keys).load(ctx, conn, stderr)
	if err != nil {
		return err
	}
	printScaleSummary(stdout, sizes, stats, time.Since(start))
	return nil
}

func printScaleSummary(stdout io.Writer, sizes scaleSizes, stats []tableStat, took time.Duration) {
	fmt.Fprintf(stdout, "Scale data loaded in %s:\n", took.Round(time.Second))
	for _, s := range stats {
		fmt.Fprintf(stdout, "  %-30s %11d rows %8.1fs %9.0f rows/s\n", s.name, s.rows, s.took.Seconds(), float64(s.rows)/max(s.took.Seconds(), 1e-3))
	}
	fmt.Fprintf(stdout, "%d synthetic citizens sign in with password %s:\n", sizes.citizens, scalePassword)
	fmt.Fprintf(stdout, "  citizen i (1 to %d): CNIC 69 and i in 11 digits, phone +9235 and i in 8 digits\n", sizes.citizens)
	fmt.Fprintf(stdout, "  first: CNIC %s, phone %s; last: CNIC %s, phone %s\n",
		scaleCNIC(1), scalePhone(1), scaleCNIC(sizes.citizens), scalePhone(sizes.citizens))
}

// scaleCNIC is the CNIC of synthetic citizen i (from 1): 69, no district
// code in use, then i in 11 digits.
func scaleCNIC(i int64) string { return fmt.Sprintf("69%011d", i) }

// scalePhone is the mobile number of synthetic citizen i (from 1); 035x is
// no network's prefix.
func scalePhone(i int64) string { return fmt.Sprintf("+9235%08d", i) }

// scalePlate is the plate of synthetic vehicle v (from 0): ISB-ZAA-1 onwards.
func scalePlate(v int64) string {
	series := v / 9999
	return fmt.Sprintf("ISB-Z%c%c-%d", 'A'+byte(series/26), 'A'+byte(series%26), v%9999+1)
}
