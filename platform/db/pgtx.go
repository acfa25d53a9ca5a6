package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// pgTx is a PostgreSQL transaction on one connection of the pool, begun and
// ended here rather than by database/sql, to spend fewer round trips: BEGIN
// travels with the transaction's first write, and the writes queued with
// AtCommit travel with the COMMIT (pgx pipelines). A transaction holding a
// hot row (a slot's seats) then holds it for one round trip and the
// commit, however many writes follow the one that took it. It is a GORM
// connection pool that is also a transaction (Commit and Rollback), so that
// GORM and the replica resolver treat it as one.
type pgTx struct {
	*sql.Conn
	// ctx is the transaction's: a COMMIT after it ended is not sent.
	ctx    context.Context
	begun  bool
	queued []queuedWrite
	done   bool
}

// queuedWrite is a statement in PostgreSQL's own form ($1 placeholders)
// with its arguments.
type queuedWrite struct {
	sql  string
	args []any
}

// beginPostgres takes a connection from the pool for a transaction, begun
// by its first statement.
func (d *DB) beginPostgres(ctx context.Context) (*pgTx, error) {
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &pgTx{Conn: conn, ctx: ctx}, nil
}

// pipeline sends statements, each with its arguments, on conn in one round
// trip and returns the last one's command tag. PostgreSQL skips the
// statements after one that fails; outside a transaction block they run as
// one implicit transaction.
func pipeline(ctx context.Context, conn *sql.Conn, statements ...queuedWrite) (tag pgconn.CommandTag, err error) {
	err = conn.Raw(func(driverConn any) error {
		batch := &pgx.Batch{}
		for _, s := range statements {
			batch.Queue(s.sql, s.args...)
		}
		results := driverConn.(*stdlib.Conn).Conn().SendBatch(ctx, batch)
		var err error
		for range statements {
			if tag, err = results.Exec(); err != nil {
				break
			}
		}
		return errors.Join(err, results.Close())
	})
	return tag, err
}

// beginStatement and commitStatement open and end a pgTx inside its pipelines.
var beginStatement, commitStatement = queuedWrite{sql: "BEGIN"}, queuedWrite{sql: "COMMIT"}

// ExecContext sends the transaction's first write with its BEGIN.
func (t *pgTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.begun {
		return t.Conn.ExecContext(ctx, query, args...)
	}
	t.begun = true
	tag, err := pipeline(ctx, t.Conn, beginStatement, queuedWrite{sql: query, args: args})
	return driver.RowsAffected(tag.RowsAffected()), err
}

// QueryContext begins the transaction first if no write did.
func (t *pgTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := t.begin(ctx); err != nil {
		return nil, err
	}
	return t.Conn.QueryContext(ctx, query, args...)
}

// QueryRowContext begins the transaction first if no write did. A failed
// BEGIN is the row's error.
func (t *pgTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := t.begin(ctx); err != nil {
		// database/sql makes a row with an error only from a failed query;
		// an ended context fails it before it is sent.
		ended, cancel := context.WithCancelCause(ctx)
		cancel(err)
		return t.Conn.QueryRowContext(ended, query, args...)
	}
	return t.Conn.QueryRowContext(ctx, query, args...)
}

func (t *pgTx) begin(ctx context.Context) error {
	if t.begun {
		return nil
	}
	t.begun = true
	_, err := pipeline(ctx, t.Conn, beginStatement)
	return err
}

// Commit sends the queued writes and COMMIT in one pipeline (with BEGIN
// when nothing else began the transaction). A queued write that fails
// makes PostgreSQL skip the rest and the COMMIT, so the transaction rolls
// back whole.
func (t *pgTx) Commit() error {
	return t.end(func(ctx context.Context) error {
		if !t.begun && len(t.queued) == 0 {
			return nil
		}
		statements := t.queued
		if !t.begun {
			statements = append([]queuedWrite{beginStatement}, statements...)
		}
		tag, err := pipeline(ctx, t.Conn, append(statements, commitStatement)...)
		if err == nil && tag.String() == "ROLLBACK" {
			// A COMMIT of a transaction that failed earlier rolls back.
			err = pgx.ErrTxCommitRollback
		}
		return err
	})
}

// Rollback ends the transaction without its writes.
func (t *pgTx) Rollback() error {
	return t.end(func(ctx context.Context) error {
		if !t.begun {
			return nil
		}
		_, err := t.Conn.ExecContext(ctx, "ROLLBACK")
		return err
	})
}

// rollbackTimeout bounds a ROLLBACK sent after the transaction's own
// context ended, so that the connection goes back to the pool clean.
const rollbackTimeout = 5 * time.Second

// end runs finish and gives the connection back. When finish fails the
// transaction is rolled back, even after the transaction's context ended; a
// connection left inside a transaction all the same is discarded by the
// driver when next taken from the pool, never reused.
func (t *pgTx) end(finish func(ctx context.Context) error) error {
	if t.done {
		return sql.ErrTxDone
	}
	t.done = true
	defer t.Conn.Close()
	err := finish(t.ctx)
	if err != nil && t.begun {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), rollbackTimeout)
		defer cancel()
		_, _ = t.Conn.ExecContext(ctx, "ROLLBACK")
	}
	return err
}

// AtCommit runs write, a GORM statement whose outcome nothing in the
// transaction reads back (a notice, an outbox row, a stored answer). Inside
// WithinTx on PostgreSQL it is only built now and sent with the COMMIT, in
// the same round trip; its failure fails the commit, and the transaction
// rolls back whole. Elsewhere (SQLite, or outside a transaction) it runs at
// once.
func (d *DB) AtCommit(ctx context.Context, write func(conn *gorm.DB) *gorm.DB) error {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		if t, ok := tx.Statement.ConnPool.(*pgTx); ok {
			statement, err := build(tx.Session(&gorm.Session{DryRun: true}), write)
			if err != nil {
				return err
			}
			t.queued = append(t.queued, statement)
			return nil
		}
	}
	return Translate(write(d.Conn(ctx)).Error, "")
}

// asyncCommit makes the implicit transaction it opens commit without
// waiting for the disk.
var asyncCommit = queuedWrite{sql: "SET LOCAL synchronous_commit TO OFF"}

// ExecAsyncCommit runs write, a bookkeeping statement whose loss in a crash
// of the database only repeats work (a delivery recorded as sent is sent
// again), as its own transaction committed asynchronously on PostgreSQL:
// acknowledged before it reaches the disk, so that it neither waits for a
// flush nor makes the commits that need one queue behind it. Once
// acknowledged it is visible to everyone at once. Inside a transaction, or
// on SQLite, it runs like any statement.
func (d *DB) ExecAsyncCommit(ctx context.Context, write func(conn *gorm.DB) *gorm.DB) error {
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx || d.Dialect != Postgres {
		return Translate(write(d.Conn(ctx)).Error, "")
	}
	statement, err := build(d.DB.Session(&gorm.Session{DryRun: true, Context: ctx}), write)
	if err != nil {
		return err
	}
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return Translate(err, "")
	}
	defer conn.Close()
	_, err = pipeline(ctx, conn, asyncCommit, statement)
	return Translate(err, "")
}

// build renders write on dryRun, a DryRun session, as a statement to send
// later.
func build(dryRun *gorm.DB, write func(conn *gorm.DB) *gorm.DB) (queuedWrite, error) {
	built := write(dryRun)
	if built.Error != nil {
		return queuedWrite{}, Translate(built.Error, "")
	}
	return queuedWrite{sql: built.Statement.SQL.String(), args: built.Statement.Vars}, nil
}
