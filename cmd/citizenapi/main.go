// Command citizenapi serves the Islamabad citizen services API and runs its
// operational tasks: migrations, the first admin account and demo data.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/migrations"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

const usage = `citizenapi serves the Islamabad citizen services API.

Usage:
  citizenapi [serve]                              migrate, then serve the API (the default)
  citizenapi migrate                              apply database migrations and exit
  citizenapi admin create --email E --name N      create a platform admin; the password is read from standard input
  citizenapi seed demo                            load the Islamabad demo data
  citizenapi seed scale [flags]                   bulk-load synthetic Islamabad-scale data into an empty PostgreSQL
                                                  database (-h explains the data, the CNICs and the password):
      -scale F               multiply every size not given (default 1)
      -citizens N            citizens with 0-2 dependants each (default 1000000)
      -facilities N          health facilities (default 300)
      -practitioners N       doctors (default 3000)
      -slot-days N           days ahead with 17 slots a day per doctor (default 60)
      -past-appointments N   appointments before today (default 5000000)
      -schools N             schools (default 420)
      -applications N        applications for the coming academic year (default 100000)
      -zones N               parking zones (default 60)
      -vehicles N            vehicles, each with a permit (default 200000)
  citizenapi openapi [-o DIR]                     print the OpenAPI 3 document built from the code, or write it to
                                                  DIR/openapi.json and DIR/openapi.yaml (make openapi writes openapi/)
  citizenapi lottery verify [-url URL] ID|FILE    recompute a drawn school lottery's ranking from its public page
                                                  (fetched by ID from URL, default http://localhost:8080, or read from
                                                  FILE) and fail unless the published ranking is that one

Configuration comes from the environment; see README.md.
`

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT sets
// one: after a rush the collector otherwise lets the heap grow to twice
// what is live, and an instance is sized for 256 MiB.
const defaultMemoryLimit = 192 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "citizenapi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "openapi":
		return writeOpenAPI(args, stdout)
	case "lottery":
		return lotteryCommand(ctx, args, stdout)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := cfg.logger()
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		d, err := openMigrated(ctx, cfg, log)
		if err != nil {
			return err
		}
		return d.Close()
	case "seed":
		if len(args) > 0 && args[0] == "scale" {
			return seedScale(ctx, cfg, log, args[1:], stdout, os.Stderr)
		}
		if len(args) != 1 || args[0] != "demo" {
			return errors.New("usage: citizenapi seed demo, or citizenapi seed scale [flags]")
		}
		m, d, err := modules(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer d.Close()
		return seedDemo(ctx, m, stdout)
	case "admin":
		return adminCommand(ctx, cfg, log, args, stdin, stdout)
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

// openMigrated opens the database, applies pending migrations and seals
// any identity number or webhook signing secret still stored in the clear
// or under an old key.
func openMigrated(ctx context.Context, cfg config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.db())
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, migrations.FS, log); err != nil {
		d.Close()
		return nil, err
	}
	keys, err := cfg.piiKeys()
	if err != nil {
		d.Close()
		return nil, err
	}
	for _, pass := range []struct {
		what string
		seal func(context.Context, *db.DB, *pii.Keys) (int, error)
	}{{"identity numbers", identity.SealIdentityNumbers}, {"webhook secrets", webhook.SealSecrets}} {
		n, err := pass.seal(ctx, d, keys)
		if errors.Is(err, pii.ErrCannotOpen) {
			d.Close()
			return nil, fmt.Errorf("seal %s: %w: the database holds values sealed with keys this server was not given; "+
				"start it with the data folder it used before (DATA_DIR, where development keeps its keys) or with the "+
				"PII_SEALING_KEYS and PII_LOOKUP_KEY it ran with", pass.what, err)
		}
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("seal %s: %w", pass.what, err)
		}
		if n > 0 {
			log.Info("sealed "+pass.what, "rows", n, "key", keys.Current())
		}
	}
	return d, nil
}

func serve(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	d, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	deps, err := cfg.deps(d, log)
	if err != nil {
		return err
	}
	srv, err := api.New(cfg.api(), deps)
	if err != nil {
		return err
	}
	if !cfg.production() {
		if err := seedIfEmpty(ctx, srv.Modules(), d, stdout); err != nil {
			return err
		}
		if err := printDemoLogins(ctx, srv.Modules(), stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return err
	}
	if cfg.OpsAddr != "" {
		opsLn, err := net.Listen("tcp", cfg.OpsAddr)
		if err != nil {
			return fmt.Errorf("operations listener: %w", err)
		}
		ops := &http.Server{Handler: srv.Ops(), ReadHeaderTimeout: cfg.ReadHeaderTimeout}
		go func() { _ = ops.Serve(opsLn) }()
		defer ops.Close()
		fmt.Fprintf(stdout, "  Operations:  %s/metrics and /debug/pprof/\n", displayURL(opsLn.Addr()))
	}
	srv.RunBackground(ctx)
	base := displayURL(ln.Addr())
	fmt.Fprintf(stdout, "Citizen services API (%s, %s database) listening on %s\n", cfg.Env, d.Dialect, base)
	fmt.Fprintf(stdout, "  Swagger UI:     %s/swagger/index.html\n  OpenAPI 3:      %s/openapi.json\n  Staff console:  %s/console/\n", base, base, base)
	return srv.Run(ctx, ln, cfg.drain(), cfg.ShutdownTimeout)
}

// modules opens the migrated database and builds every module on it, as
// the server does, for the commands that are not serve.
func modules(ctx context.Context, cfg config, log *slog.Logger) (*api.Modules, *db.DB, error) {
	d, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	deps, err := cfg.deps(d, log)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	m, err := api.NewModules(cfg.api(), deps)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return m, d, nil
}

// displayURL is the address a person on this machine can open.
func displayURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// seedIfEmpty loads the demo data into a database that has no facilities,
// schools or zones, as on the first start of a development server.
func seedIfEmpty(ctx context.Context, m *api.Modules, d *db.DB, stdout io.Writer) error {
	var n int64
	if err := d.Conn(ctx).Table("health_facilities").Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return seedDemo(ctx, m, stdout)
}

func seedDemo(ctx context.Context, m *api.Modules, stdout io.Writer) error {
	slots, err := m.Health.LoadDemo(ctx)
	if err != nil {
		return fmt.Errorf("load health demo data: %w", err)
	}
	window, err := m.Education.LoadDemo(ctx)
	if err != nil {
		return fmt.Errorf("load education demo data: %w", err)
	}
	if _, err := m.Parking.LoadDemo(ctx); err != nil {
		return fmt.Errorf("load parking demo data: %w", err)
	}
	if _, err := m.Traffic.LoadDemo(ctx); err != nil {
		return fmt.Errorf("load traffic demo data: %w", err)
	}
	facility, school, err := demoUnits(ctx, m.Health, m.Education)
	if err != nil {
		return err
	}
	sector, err := m.Traffic.DemoSector(ctx, "BLUE-AREA")
	if err != nil {
		return fmt.Errorf("find the demo traffic sector: %w", err)
	}
	places := identity.DemoPlaces{FacilityID: facility.ID, SchoolID: school.ID, SectorID: sector, AgeCutoff: window.AgeCutoff.Time}
	if _, err := m.Identity.LoadDemo(ctx, places); err != nil {
		return fmt.Errorf("load demo accounts: %w", err)
	}
	if err := m.Traffic.LoadDemoChallan(ctx, identity.DemoPlate); err != nil {
		return fmt.Errorf("issue the demo challan: %w", err)
	}
	fmt.Fprintf(stdout, "Demo data: Islamabad facilities with %d new slots for the next 14 days, schools with an open %s admission window, parking zones with tariffs, traffic sectors with the offence schedule and a challan on the demo citizen's car.\n", slots, window.AcademicYear)
	return nil
}

// printDemoLogins lists the demo accounts when the database has them, on
// every development start, so that they are at hand after the first one.
func printDemoLogins(ctx context.Context, m *api.Modules, stdout io.Writer) error {
	if loaded, err := m.Identity.DemoLoaded(ctx); err != nil || !loaded {
		return err
	}
	facility, school, err := demoUnits(ctx, m.Health, m.Education)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Demo logins (POST /api/v1/auth/login with {\"username\", \"password\"}; staff also sign in at /console/):")
	for _, l := range identity.DemoLogins(facility.Name, school.Name) {
		fmt.Fprintf(stdout, "  %-16s %-38s %-26s %s\n", l.Role, l.Username, l.Password, l.Note)
	}
	return nil
}

// demoUnits picks the facility and school the demo unit staff work at.
func demoUnits(ctx context.Context, h *health.Service, e *education.Service) (health.Facility, education.School, error) {
	facilities, err := h.Facilities(ctx, health.FacilityFilter{Q: "PIMS"}, page.Request{Limit: 1})
	if err != nil || len(facilities.Items) == 0 {
		return health.Facility{}, education.School{}, fmt.Errorf("find the demo facility: %v", err)
	}
	schools, err := e.Schools(ctx, education.SchoolFilter{}, page.Request{Limit: 1})
	if err != nil || len(schools.Items) == 0 {
		return health.Facility{}, education.School{}, fmt.Errorf("find the demo school: %v", err)
	}
	return facilities.Items[0], schools.Items[0], nil
}
