package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// checkReplicas refuses a replica setting that cannot work, before anything
// is opened: replicas of an SQLite file, URLs of another engine, or replicas
// with no tables to serve (dbresolver would then send every read to them).
func checkReplicas(cfg Config) error {
	if len(cfg.ReplicaURLs) == 0 {
		return nil
	}
	if DialectOf(cfg.URL) != Postgres {
		return errors.New("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL; the embedded SQLite database has no replicas")
	}
	if len(cfg.ReplicaTables) == 0 {
		return errors.New("replicas are configured but no table may be read from them")
	}
	for i, u := range cfg.ReplicaURLs {
		if u == "" {
			return fmt.Errorf("DATABASE_REPLICA_URLS entry %d is empty", i+1)
		}
		if DialectOf(u) != Postgres {
			return fmt.Errorf("DATABASE_REPLICA_URLS entry %d must be a postgres:// URL, not %q", i+1, scheme(u))
		}
	}
	return nil
}

// useReplicas registers GORM's dbresolver so that reads of cfg.ReplicaTables
// go to the replicas. dbresolver leaves a statement on its transaction, sends
// creates, updates, deletes and locking reads (FOR UPDATE) to the primary,
// and routes only the tables it was given, so a citizen's own records, the
// idempotency keys and the rate-limit counters are always read where they
// were written. Each replica gets the primary's pool settings, connect
// timeout and statement timeout. It returns the replicas' pools for Close.
func useReplicas(ctx context.Context, gdb *gorm.DB, cfg Config) ([]*sql.DB, error) {
	var pools []*sql.DB
	closeAll := func() {
		for _, p := range pools {
			_ = p.Close()
		}
	}
	var replicas []gorm.Dialector
	for i, u := range cfg.ReplicaURLs {
		rcfg := cfg
		rcfg.URL = u
		// A replica is read-only: no target_session_attrs=read-write here.
		_, pool, err := openPool(ctx, postgres.Open(postgresDSN(rcfg, "")), rcfg)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("DATABASE_REPLICA_URLS entry %d: %w", i+1, err)
		}
		pools = append(pools, pool)
		replicas = append(replicas, postgres.New(postgres.Config{Conn: pool}))
	}
	tables := make([]any, len(cfg.ReplicaTables))
	for i, t := range cfg.ReplicaTables {
		tables[i] = t
	}
	if err := gdb.Use(dbresolver.Register(dbresolver.Config{Replicas: replicas}, tables...)); err != nil {
		closeAll()
		return nil, fmt.Errorf("register replicas: %w", err)
	}
	return pools, nil
}
