// Package pgtest starts throw-away PostgreSQL servers for tests that need
// one of their own rather than a schema on the shared TEST_DATABASE_URL: a
// primary to stop abruptly and start again, or a streaming replica.
//
// Each server is a new cluster (initdb, trust authentication) in a
// temporary directory, listening on a free port on 127.0.0.1 only, with
// fsync off; it is stopped and its files removed when the test ends. The
// server programs (initdb, pg_ctl, pg_basebackup) are looked up in $PG_BIN,
// PATH and /usr/lib/postgresql/*/bin. initdb refuses to run as root, so a
// test running as root runs them as the postgres OS user. When the programs
// or that user are missing the test is skipped, not failed.
//
// The package is for tests only and works on Unix systems.
package pgtest
