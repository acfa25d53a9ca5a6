package db

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"
	"testing/fstest"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrate applies every pending migration in fsys. On PostgreSQL a session
// advisory lock makes instances that start together migrate once, in turn.
func (d *DB) Migrate(ctx context.Context, fsys fs.FS, log *slog.Logger) error {
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	fsys, err := dialectMigrations(fsys, d.Dialect)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	provider, err := goose.NewProvider(dialect, d.SQL(), fsys, opts...)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	start := time.Now()
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	if len(results) > 0 && log != nil {
		version, _ := provider.GetDBVersion(ctx)
		log.Info("migrations applied", "count", len(results), "version", version, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// sqliteSpelling maps the PostgreSQL spelling of the few types the dialects
// name differently to SQLite's: TIMESTAMP is the declared type the SQLite
// driver reads back as time.Time, and an INTEGER PRIMARY KEY numbers itself.
var sqliteSpelling = strings.NewReplacer("TIMESTAMPTZ", "TIMESTAMP", "BIGSERIAL", "INTEGER")

// postgresOnly and sqliteOnly match the blocks of a migration that only one
// database runs: triggers that NOTIFY other instances (a single SQLite
// process has nobody to tell), or a table rebuilt where SQLite cannot alter
// a constraint in place.
var (
	postgresOnly = regexp.MustCompile(`(?s)-- postgres only\n.*?-- end postgres only\n`)
	sqliteOnly   = regexp.MustCompile(`(?s)-- sqlite only\n.*?-- end sqlite only\n`)
)

// dialectMigrations returns the migration files as dialect runs them:
// without the other database's blocks, and in SQLite's spelling there.
func dialectMigrations(fsys fs.FS, dialect Dialect) (fs.FS, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sql := string(b)
		if dialect == Postgres {
			sql = sqliteOnly.ReplaceAllString(sql, "")
		} else {
			sql = sqliteSpelling.Replace(postgresOnly.ReplaceAllString(sql, ""))
		}
		out[name] = &fstest.MapFile{Data: []byte(sql), Mode: 0o444}
	}
	return out, nil
}
