package db

import (
	"context"
	"errors"
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
// NotFound with notFound as its message, an unreachable or overloaded database
// becomes Unavailable, and anything else Internal. Errors that already carry a
// kind pass through.
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
	case IsUnavailable(err):
		return domain.Wrap(domain.Unavailable, err, "the service is temporarily unavailable, try again shortly")
	}
	return domain.Wrap(domain.Internal, err, "internal error")
}

// IsUnavailable reports whether err means the database cannot serve now:
// unreachable, timed out, shutting down, or (SQLite) still locked after the
// busy timeout.
func IsUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
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
	switch code := pgCode(err); {
	case code == "57014", code == "57P01", code == "57P02", code == "57P03", code == "53300", code == "25006", code == "40P01", code == "40001":
		// query cancelled (statement timeout), admin shutdown, crash, cannot connect now,
		// too many connections, read-only transaction (a failed-over primary),
		// and a deadlock or serialization conflict that retrying did not cure
		return true
	case strings.HasPrefix(code, "08"):
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		primary := se.Code() & 0xff
		return primary == sqliteBusy || primary == sqliteLocked
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
