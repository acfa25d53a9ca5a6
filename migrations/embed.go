// Package migrations holds the versioned SQL schema, embedded in the binary.
//
// One set of files serves PostgreSQL and SQLite. Files are written in the
// common subset of both; the two types they spell differently are written
// TIMESTAMPTZ and BIGSERIAL and become TIMESTAMP and INTEGER on SQLite (see
// platform/db.Migrate).
package migrations

import "embed"

// FS holds the migration files, named NNNNN_description.sql in goose format.
//
//go:embed *.sql
var FS embed.FS
