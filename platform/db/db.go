// Package db opens the database (PostgreSQL or embedded SQLite), carries
// transactions on the context and turns driver errors into domain kinds.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine in use.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Config says where the database is and how to pool connections.
type Config struct {
	// URL is postgres://… for PostgreSQL or sqlite:PATH for the embedded database.
	URL             string
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
	// StatementTimeout bounds every PostgreSQL statement so that no request hangs on the database.
	StatementTimeout time.Duration
	// ReplicaURLs are postgres:// URLs of streaming replicas of URL. Reads of
	// ReplicaTables made outside a transaction go to them (see replica.go).
	ReplicaURLs []string
	// ReplicaTables are the tables whose reads may lag the primary: public
	// catalogues, never a citizen's own records.
	ReplicaTables []string
}

// DB is an open database: the GORM handle and the dialect behind it.
type DB struct {
	*gorm.DB
	Dialect  Dialect
	replicas []*sql.DB
}

// DialectOf tells which engine a database URL points at.
func DialectOf(rawURL string) Dialect {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by cfg.URL and checks that it answers.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if err := checkReplicas(cfg); err != nil {
		return nil, err
	}
	dialect := DialectOf(cfg.URL)
	var dialector gorm.Dialector
	switch dialect {
	case Postgres:
		dialector = postgres.Open(postgresDSN(cfg, "read-write"))
	default:
		dsn, err := sqliteDSN(cfg.URL)
		if err != nil {
			return nil, err
		}
		dialector = sqlite.Open(dsn)
	}
	gdb, sqlDB, err := openPool(ctx, dialector, cfg)
	if err != nil {
		return nil, err
	}
	d := &DB{DB: gdb, Dialect: dialect}
	if len(cfg.ReplicaURLs) > 0 {
		if d.replicas, err = useReplicas(ctx, gdb, cfg); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	}
	return d, nil
}

// openPool opens a GORM handle on dialector, sizes its pool and checks that
// the database answers.
func openPool(ctx context.Context, dialector gorm.Dialector, cfg Config) (*gorm.DB, *sql.DB, error) {
	gdb, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		SkipDefaultTransaction: true,
		TranslateError:         false,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("open %s database: %w", dialector.Name(), err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, nil, err
	}
	configurePool(sqlDB, cfg)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, nil, fmt.Errorf("reach %s database: %w", dialector.Name(), err)
	}
	return gdb, sqlDB, nil
}

// Close closes the connection pools, the replicas' included.
func (d *DB) Close() error {
	var errs []error
	for _, r := range d.replicas {
		errs = append(errs, r.Close())
	}
	sqlDB, err := d.DB.DB()
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	return errors.Join(append(errs, sqlDB.Close())...)
}

// SQL returns the underlying pool.
func (d *DB) SQL() *sql.DB {
	sqlDB, _ := d.DB.DB()
	return sqlDB
}

func configurePool(sqlDB *sql.DB, cfg Config) {
	maxOpen := cfg.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 20
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	maxIdle := cfg.MaxIdleConns
	if maxIdle <= 0 || maxIdle > maxOpen {
		maxIdle = maxOpen
	}
	sqlDB.SetMaxIdleConns(maxIdle)
	if cfg.ConnMaxLifetime > 0 {
		sqlDB.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	}
	if cfg.ConnMaxIdleTime > 0 {
		sqlDB.SetConnMaxIdleTime(cfg.ConnMaxIdleTime)
	}
}

// connectTimeout bounds each attempt to reach a PostgreSQL server unless
// the URL sets connect_timeout, so that a stopped or unreachable database
// fails requests fast instead of holding them until their own deadline.
const connectTimeout = "3"

// postgresDSN adds to cfg.URL what it does not set itself: the connect
// timeout, the statement timeout and, when sessionAttrs is not empty,
// target_session_attrs. The primary asks for "read-write": after a
// fail-over, a URL that lists several hosts then connects only to the one
// that accepts writes, and never writes to a read-only node.
func postgresDSN(cfg Config, sessionAttrs string) string {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return cfg.URL
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", connectTimeout)
	}
	if q.Get("statement_timeout") == "" && cfg.StatementTimeout > 0 {
		q.Set("statement_timeout", fmt.Sprint(cfg.StatementTimeout.Milliseconds()))
	}
	if q.Get("target_session_attrs") == "" && sessionAttrs != "" {
		q.Set("target_session_attrs", sessionAttrs)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sqliteDSN turns sqlite:PATH into a driver DSN with WAL, a busy timeout,
// foreign keys and immediate write transactions (so that two writers queue on
// the busy timeout instead of failing when a read lock is upgraded).
func sqliteDSN(rawURL string) (string, error) {
	if !strings.HasPrefix(rawURL, "sqlite:") {
		return "", fmt.Errorf("DATABASE_URL must start with postgres://, postgresql:// or sqlite:, not %q", scheme(rawURL))
	}
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "sqlite:")
	if path == "" {
		return "", fmt.Errorf("DATABASE_URL %q names no SQLite file", rawURL)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", fmt.Errorf("create database directory: %w", err)
		}
	}
	params := url.Values{}
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Set("_txlock", "immediate")
	return "file:" + path + "?" + params.Encode(), nil
}

// scheme returns the part of a URL before its first colon, so that an error
// can name it without repeating credentials.
func scheme(rawURL string) string {
	s, _, _ := strings.Cut(rawURL, ":")
	return s + ":"
}
