// Command citizenapi serves the Islamabad citizen services API and runs its
// operational tasks: migrations and demo data.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/migrations"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
)

const usage = `citizenapi serves the Islamabad citizen services API.

Usage:
  citizenapi [serve]                              migrate, then serve the API (the default)
  citizenapi migrate                              apply database migrations and exit
  citizenapi seed demo                            load the Islamabad demo data

Configuration comes from the environment; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "citizenapi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
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
		if len(args) != 1 || args[0] != "demo" {
			return errors.New("usage: citizenapi seed demo")
		}
		d, err := openMigrated(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer d.Close()
		return seedDemo(ctx, d, stdout)
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

// openMigrated opens the database and applies pending migrations.
func openMigrated(ctx context.Context, cfg config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.db())
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, migrations.FS, log); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func serve(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	d, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	clock := domain.SystemClock{}
	if !cfg.production() {
		if err := seedIfEmpty(ctx, d, stdout); err != nil {
			return err
		}
	}
	srv, err := api.New(cfg.api(), api.Deps{DB: d, Log: log, Clock: clock})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return err
	}
	go purgeIdempotencyKeys(ctx, idempotency.NewStore(d, clock), log)
	base := displayURL(ln.Addr())
	fmt.Fprintf(stdout, "Citizen services API (%s, %s database) listening on %s\n", cfg.Env, d.Dialect, base)
	fmt.Fprintf(stdout, "  Swagger UI:  %s/swagger/index.html\n  OpenAPI 3:   %s/openapi.json\n", base, base)
	return srv.Run(ctx, ln, cfg.drain(), cfg.ShutdownTimeout)
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
func seedIfEmpty(ctx context.Context, d *db.DB, stdout io.Writer) error {
	var n int64
	if err := d.Conn(ctx).Table("health_facilities").Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return seedDemo(ctx, d, stdout)
}

func seedDemo(ctx context.Context, d *db.DB, stdout io.Writer) error {
	clock := domain.SystemClock{}
	slots, err := health.NewService(d, clock).LoadDemo(ctx)
	if err != nil {
		return fmt.Errorf("load health demo data: %w", err)
	}
	year, err := education.NewService(d, clock).LoadDemo(ctx)
	if err != nil {
		return fmt.Errorf("load education demo data: %w", err)
	}
	if _, err := parking.NewService(d, clock).LoadDemo(ctx); err != nil {
		return fmt.Errorf("load parking demo data: %w", err)
	}
	fmt.Fprintf(stdout, "Demo data: Islamabad facilities with %d new slots for the next 14 days, schools with an open %s admission window, parking zones with tariffs.\n", slots, year)
	return nil
}

func purgeIdempotencyKeys(ctx context.Context, store *idempotency.Store, log *slog.Logger) {
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if n, err := store.Purge(ctx); err != nil {
				log.Warn("purge idempotency keys", "error", err)
			} else if n > 0 {
				log.Info("purged expired idempotency keys", "count", n)
			}
		}
	}
}
