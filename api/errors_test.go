package api

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// TestDatabaseOutageIsServiceUnavailable feeds the error handler the
// errors a handler sees while the database is down, slow or restarting,
// raw as a store may return them: each must be a 503 problem with
// Retry-After and a generic message that shows nothing of the driver, and
// none is logged as an internal error. A real bug stays a logged 500.
func TestDatabaseOutageIsServiceUnavailable(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status int
	}{
		{"connection refused", connectRefused(t), http.StatusServiceUnavailable},
		{"bad connection", fmt.Errorf("book appointment: %w", driver.ErrBadConn), http.StatusServiceUnavailable},
		{"connection done", fmt.Errorf("book appointment: %w", sql.ErrConnDone), http.StatusServiceUnavailable},
		{"pgx conn closed", fmt.Errorf("take seat: conn closed: %w", pgconn.ErrConnClosed), http.StatusServiceUnavailable},
		{"server hung up mid-query", db.Translate(fmt.Errorf("list slots: %w", io.ErrUnexpectedEOF), ""), http.StatusServiceUnavailable},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, http.StatusServiceUnavailable},
		{"closed pool", errors.New("sql: database is closed"), http.StatusServiceUnavailable},
		{"statement timeout", &pgconn.PgError{Severity: "ERROR", Code: "57014", Message: "canceling statement due to statement timeout"}, http.StatusServiceUnavailable},
		{"pg_ctl stop", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}, http.StatusServiceUnavailable},
		{"starting up", &pgconn.PgError{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"}, http.StatusServiceUnavailable},
		{"read-only after a fail-over", &pgconn.PgError{Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}, http.StatusServiceUnavailable},
		{"request deadline", fmt.Errorf("book appointment: %w", context.DeadlineExceeded), http.StatusServiceUnavailable},
		{"translated by a store", db.Translate(driver.ErrBadConn, "slot not found"), http.StatusServiceUnavailable},
		{"a bug", errors.New("sql: Scan error on column index 2, name \"booked\""), http.StatusInternalServerError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			handle := errorHandler(slog.New(slog.NewTextHandler(&logs, nil)))
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/api/v1/health/appointments", nil), rec)
			handle(tc.err, c)

			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("Content-Type = %q, want application/problem+json", ct)
			}
			var p struct {
				Type   string `json:"type"`
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != tc.status {
				t.Fatalf("body %s is not a problem with status %d: %v", rec.Body, tc.status, err)
			}
			body := strings.ToLower(rec.Body.String())
			for _, leak := range []string{"sql", "conn", "eof", "refused", "reset", "deadline", "statement", "administrator", "booked", "127.0.0.1"} {
				if strings.Contains(body, leak) {
					t.Errorf("the body shows %q: %s", leak, rec.Body)
				}
			}
			logged := strings.Contains(logs.String(), "request failed")
			switch tc.status {
			case http.StatusServiceUnavailable:
				if p.Type != "/problems/unavailable" || rec.Header().Get("Retry-After") == "" {
					t.Errorf("type %q, Retry-After %q; want /problems/unavailable with Retry-After", p.Type, rec.Header().Get("Retry-After"))
				}
				if logged {
					t.Errorf("an outage was logged as an internal error: %s", logs.String())
				}
			default:
				if !logged {
					t.Errorf("an internal error was not logged")
				}
			}
			if kind := toDomain(tc.err).Kind; (kind == domain.Unavailable) != (tc.status == http.StatusServiceUnavailable) {
				t.Errorf("toDomain kind = %d, which the metrics would count differently from status %d", kind, tc.status)
			}
		})
	}
}

// connectRefused returns pgconn's error for a server that is not there.
func connectRefused(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = pgconn.Connect(context.Background(), "postgres://citizen@"+addr+"/citizen?sslmode=disable&connect_timeout=2")
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("connect to a closed port: %v, want a *pgconn.ConnectError", err)
	}
	return err
}
