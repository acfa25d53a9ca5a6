package db

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type txKey struct{}

// WithinTx runs fn in a transaction carried on the context. A call inside an
// open transaction joins it, so services compose without knowing who began.
// The transaction commits when fn returns nil and rolls back otherwise.
func (d *DB) WithinTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// Conn returns the transaction on ctx, or the pool, bound to ctx. Stores take
// every handle from here so that they join the caller's transaction.
func (d *DB) Conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return d.DB.WithContext(ctx)
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
