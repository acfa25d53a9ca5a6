package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	sqlite "github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
)

// SQLite primary result codes (the low byte of an extended code).
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteConstraint = 19
)

// IsUniqueViolation reports whether err is a unique-constraint violation.
func IsUniqueViolation(err error) bool {
	return pgCode(err) == "23505" || sqliteConstraintKind(err, "UNIQUE")
}

// IsForeignKeyViolation reports whether err is a foreign-key violation.
func IsForeignKeyViolation(err error) bool {
	return pgCode(err) == "23503" || sqliteConstraintKind(err, "FOREIGN KEY")
}

// IsCheckViolation reports whether err is a check-constraint violation.
func IsCheckViolation(err error) bool {
	return pgCode(err) == "23514" || sqliteConstraintKind(err, "CHECK")
}

// IsRetryable reports whether err means the transaction lost a deadlock or
// a serialization conflict and would succeed if run again.
func IsRetryable(err error) bool {
	code := pgCode(err)
	return code == "40P01" || code == "40001"
}

// Translate turns a database error into a domain error: "no rows" becomes
// NotFound with notFound as its message, an unreachable, lost or overloaded
// database becomes Unavailable (see IsUnavailable), and anything else
// Internal. Errors that already carry a kind pass through.
func Translate(err error, notFound string) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.Wrap(domain.NotFound, err, notFound)
	case strings.HasPrefix(pgCode(err), "22"):
		// A data exception: a value the client sent (a forged cursor's ID, a
		// number past the column's range) that PostgreSQL cannot compare or
		// store. Handlers check what they can name; this is the backstop.
		return domain.Wrap(domain.Malformed, err, "a value in the request is not valid")
	case IsUnavailable(err), errors.Is(err, io.ErrUnexpectedEOF):
		// From the database, an unexpected EOF is a server that hung up
		// mid-statement: pgx reports a dropped connection so.
		return domain.Wrap(domain.Unavailable, err, "the service is temporarily unavailable, try again shortly")
	}
	return domain.Wrap(domain.Internal, err, "internal error")
}

// IsUnavailable reports whether err means the database cannot serve now
// and a retry later may succeed: it is unreachable or went away
// mid-statement, the pool is closed, a connect, statement or request
// deadline passed, the server is shutting down, starting up, out of
// connections or read-only (a failed-over primary), or (SQLite) still
// locked after the busy timeout.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || connectionLost(err) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	if pgUnavailable(pgCode(err)) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		primary := se.Code() & 0xff
		return primary == sqliteBusy || primary == sqliteLocked
	}
	return false
}

// errPoolClosed is database/sql's error for a pool that was closed; the
// package does not export it.
const errPoolClosed = "sql: database is closed"

// connectionLost reports whether err says the connection or the pool is
// gone: database/sql's "bad connection" (the driver found its connection
// dead, as every statement of a transaction whose server went away does),
// or a connection or pool already closed. (pgx reports a server that hung
// up mid-statement as a bare unexpected EOF, which only Translate, knowing
// the error came from the database, may take for an outage.)
func connectionLost(err error) bool {
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, pgconn.ErrConnClosed) || strings.Contains(err.Error(), errPoolClosed)
}

// pgUnavailable reports whether a PostgreSQL SQLSTATE is a condition that
// passes: a connection exception (class 08), insufficient resources (53:
// too many connections, out of memory or disk), a statement, lock or idle
// timeout, the server shutting down, crashing or starting up, a read-only
// transaction (a failed-over primary), and a deadlock or serialization
// conflict that retrying did not cure.
func pgUnavailable(code string) bool {
	switch {
	case code == "":
		return false
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"):
		return true
	}
	switch code {
	case "57014", "55P03", "25P03", "57P05", // statement, lock, idle-in-transaction and idle-session timeouts
		"57P01", "57P02", "57P03", // admin shutdown, crash shutdown, cannot connect now
		"25006",          // read-only transaction
		"40P01", "40001": // deadlock, serialization failure
		return true
	}
	return false
}

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func sqliteConstraintKind(err error, kind string) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqliteConstraint {
		return false
	}
	return strings.Contains(se.Error(), kind+" constraint failed")
}
