package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/plugin/dbresolver"
)

type txKey struct{}

type primaryKey struct{}

type afterCommitKey struct{}

// txAttempts is how often a transaction that lost a deadlock or a
// serialization conflict is run before the error is returned.
const txAttempts = 3

// WithinTx runs fn in a transaction carried on the context. A call inside an
// open transaction joins it, so services compose without knowing who began.
// The transaction commits when fn returns nil and rolls back otherwise; fn's
// error is returned as it is, a failure to begin or commit is translated
// (see Translate). When PostgreSQL picks it as a deadlock victim or reports a
// serialization conflict, the whole transaction runs again, so fn must have
// no effects outside the database that a second run would repeat harmfully.
func (d *DB) WithinTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 1; attempt <= txAttempts; attempt++ {
		var fnErr error
		var after []func()
		fnErr, err = d.runTx(context.WithValue(ctx, afterCommitKey{}, &after), fn)
		if err == nil {
			for _, f := range after {
				f()
			}
			return nil
		}
		if fnErr == nil {
			// fn succeeded, so beginning or committing failed: a database
			// error like a store's, translated like one (a connection lost
			// at commit is Unavailable, not Internal).
			err = Translate(withContextCause(ctx, err), "")
		}
		if !IsRetryable(err) || attempt == txAttempts {
			break
		}
		// A short random pause lets the transaction that won go first.
		jitter := rand.IntN(20) // #nosec G404 -- spreads retries; nothing secret depends on it
		select {
		case <-time.After(time.Duration(attempt*10+jitter) * time.Millisecond):
		case <-ctx.Done():
			return err
		}
	}
	return err
}

// AfterCommit runs fn once the transaction on ctx has committed, and not
// if it rolls back; outside a transaction it runs fn at once. It is for what
// must not happen before others can read the change, such as forgetting an
// instance's remembered answers: forgotten earlier, a read in between would
// remember the old state again.
func AfterCommit(ctx context.Context, fn func()) {
	if after, ok := ctx.Value(afterCommitKey{}).(*[]func()); ok {
		*after = append(*after, fn)
		return
	}
	fn()
}

// runTx runs fn in one transaction and returns fn's error and the
// transaction's. PostgreSQL transactions are pgTx, for AtCommit.
func (d *DB) runTx(ctx context.Context, fn func(ctx context.Context) error) (fnErr, err error) {
	if d.Dialect != Postgres {
		err = d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			fnErr = fn(context.WithValue(ctx, txKey{}, tx))
			return fnErr
		})
		return fnErr, err
	}
	t, err := d.beginPostgres(ctx)
	if err != nil {
		return nil, err
	}
	// Rolled back on an error or a panic; a no-op after the commit.
	defer func() { _ = t.Rollback() }()
	tx := d.DB.Session(&gorm.Session{Context: ctx, NewDB: true})
	tx.Statement.ConnPool = t
	if fnErr = fn(context.WithValue(ctx, txKey{}, tx)); fnErr != nil {
		return fnErr, fnErr
	}
	return nil, t.Commit()
}

// withContextCause adds ctx's error to err when ctx ended before the
// transaction could commit: database/sql has then rolled it back, and the
// commit answers only sql.ErrTxDone, which hides the deadline behind it (and
// would be an internal error instead of "try again").
func withContextCause(ctx context.Context, err error) error {
	if cause := ctx.Err(); cause != nil && errors.Is(err, sql.ErrTxDone) && !errors.Is(err, cause) {
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
}

// Conn returns the transaction on ctx, or the pool, bound to ctx. Stores take
// every handle from here so that they join the caller's transaction.
func (d *DB) Conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	if ctx.Value(primaryKey{}) != nil {
		// Clauses before WithContext, so that the handle stays safe to reuse.
		return d.DB.Clauses(dbresolver.Write).WithContext(ctx)
	}
	return d.DB.WithContext(ctx)
}

// OnPrimary marks ctx so that Conn reads even the replicas' tables from the
// primary: for reading back, outside a transaction, what was just written
// (a replica may not have it yet).
func OnPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// ForUpdate locks the rows q reads until the transaction ends. PostgreSQL
// takes row locks; SQLite needs none, because its write transactions
// (BEGIN IMMEDIATE) already hold the database's one write lock.
func (d *DB) ForUpdate(q *gorm.DB) *gorm.DB {
	if d.Dialect == Postgres {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}
