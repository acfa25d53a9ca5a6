// Package idempotency makes creating and paying POSTs safe to retry. The
// first request with an Idempotency-Key runs; its response is stored per
// caller and key with a hash of the request. A retry with the same request
// replays that response; the same key with a different request is refused.
// Keys expire after a day.
//
// A route whose work is all in the database claims its key in the work's
// own transaction (Middleware with InTransaction): the key, the work and
// the stored response commit together, or the key is released with the
// work, at no cost of a commit of its own. A duplicate arriving while the
// first runs waits for it and gets its answer. A route that calls out of
// the database (a payment provider) claims its key in a commit of its own
// first, and a duplicate arriving while it runs is refused (409).
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Header is the request header that carries the key.
const Header = "Idempotency-Key"

// ReplayedHeader marks a response that was replayed from the store.
const ReplayedHeader = "Idempotent-Replayed"

const (
	// keyTTL is how long a key and its response are kept.
	keyTTL = 24 * time.Hour
	// lease is how long a running request holds its key; a key still
	// "running" after it (its instance died mid-request) may be taken over.
	lease = 2 * time.Minute
	// maxKeyLength keeps keys to what clients need (a UUID is 36).
	maxKeyLength = 255
)

type record struct {
	Caller      string
	Key         string
	RequestHash string
	State       string
	StatusCode  int
	ContentType string
	Body        string
	LockedUntil time.Time
	ExpiresAt   time.Time
	CreatedAt   time.Time
}

func (record) TableName() string { return "idempotency_keys" }

// Store keeps idempotency keys in the database, so that every instance of
// the service sees the same keys.
type Store struct {
	db    *db.DB
	clock domain.Clock
}

// NewStore returns a Store on database d.
func NewStore(d *db.DB, clock domain.Clock) *Store {
	return &Store{db: d, clock: clock}
}

// Mode is how a route holds its keys.
type Mode int

const (
	// InTransaction claims the key in the transaction the route's work
	// runs in, and answers only once it has committed. The key is optional.
	InTransaction Mode = iota
	// Required claims the key in a commit of its own before the route runs,
	// for work with effects outside the database; a request without a key
	// is refused (400).
	Required
)

// Middleware honours the Idempotency-Key header on the route it wraps, in
// mode. Keys belong to the authenticated caller; anonymous requests are
// passed through unchanged.
func (s *Store) Middleware(mode Mode) echo.MiddlewareFunc {
	required := mode == Required
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			key := c.Request().Header.Get(Header)
			if key == "" {
				if required {
					return domain.FieldMalformed(Header, "validation.required_on_request", nil)
				}
				return next(c)
			}
			if len(key) > maxKeyLength {
				return domain.FieldMalformed(Header, "validation.max.string", map[string]string{"n": strconv.Itoa(maxKeyLength)})
			}
			p, ok := domain.PrincipalFrom(c.Request().Context())
			if !ok {
				return next(c)
			}
			return s.serve(c, next, p.Kind+":"+p.Subject, key, mode)
		}
	}
}

func (s *Store) serve(c echo.Context, next echo.HandlerFunc, caller, key string, mode Mode) error {
	ctx := c.Request().Context()
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.TooLarge, "the request body is larger than %d bytes", tooBig.Limit)
		}
		return domain.Wrap(domain.Malformed, err, "the request body could not be read")
	}
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	hash := requestHash(c.Request().Method, c.Request().URL.Path, body)
	if mode == InTransaction {
		taken, err := s.serveInTx(c, next, caller, key, hash)
		if !taken {
			return err
		}
	}

	stored, err := s.claim(ctx, caller, key, hash)
	if err != nil {
		return err
	}
	if stored != nil {
		c.Response().Header().Set(ReplayedHeader, "true")
		return c.Blob(stored.StatusCode, stored.ContentType, []byte(stored.Body))
	}

	rec := &recorder{ResponseWriter: c.Response().Writer}
	c.Response().Writer = rec
	if err := next(c); err != nil {
		// Write the error response now so that it is recorded with the key.
		c.Error(err)
	}
	// The outcome is stored even when the request's context is cancelled,
	// so that a retry sees what happened.
	s.finish(context.WithoutCancel(ctx), caller, key, c.Response().Status, c.Response().Header().Get(echo.HeaderContentType), rec.body.String())
	return nil
}

// errKeyTaken ends a transaction whose claim found the key stored.
var errKeyTaken = errors.New("idempotency key taken")

// errAnswered ends a transaction whose request failed without a retryable
// database error: its answer is kept, its writes are not.
var errAnswered = errors.New("request failed")

// serveInTx runs the request in one transaction with its key's claim and
// stored response, holding the response back until the transaction has
// committed, so that nobody is told of work that did not happen. It reports
// taken when the key was already stored, for serve to answer from it.
func (s *Store) serveInTx(c echo.Context, next echo.HandlerFunc, caller, key, hash string) (taken bool, err error) {
	outer, req := c.Response(), c.Request()
	defer func() { c.SetResponse(outer); c.SetRequest(req) }()
	var held *heldResponse
	err = s.db.WithinTx(req.Context(), func(ctx context.Context) error {
		now := s.clock.Now()
		err := s.db.Conn(ctx).Create(&record{Caller: caller, Key: key, RequestHash: hash, State: "running",
			LockedUntil: now.Add(lease), ExpiresAt: now.Add(keyTTL), CreatedAt: now}).Error
		if db.IsUniqueViolation(err) {
			return errKeyTaken
		} else if err != nil {
			return db.Translate(err, "")
		}
		// Every attempt of the transaction answers afresh.
		held = &heldResponse{header: http.Header{}}
		c.SetResponse(echo.NewResponse(held, c.Echo()))
		c.SetRequest(req.WithContext(ctx))
		if err := next(c); err != nil {
			if db.IsRetryable(err) {
				return err
			}
			c.Error(err)
		}
		res := c.Response()
		if res.Status >= http.StatusBadRequest {
			return errAnswered
		}
		// Nothing reads the answer back before the commit, so it travels with it.
		return s.db.AtCommit(ctx, func(conn *gorm.DB) *gorm.DB {
			return conn.Model(&record{}).Where("caller = ? AND key = ?", caller, key).
				Updates(map[string]any{"state": "done", "status_code": res.Status, "content_type": res.Header().Get(echo.HeaderContentType), "body": held.body.String()})
		})
	})
	switch {
	case errors.Is(err, errKeyTaken):
		return true, nil
	case errors.Is(err, errAnswered):
		// A refusal is kept like any answer, so that a retry gets it too;
		// a server failure or a rate limit releases the key.
		if status := held.status; status < http.StatusInternalServerError && status != http.StatusTooManyRequests {
			s.store(context.WithoutCancel(req.Context()), caller, key, hash, status, held.header.Get(echo.HeaderContentType), held.body.String())
		}
	case err != nil:
		return false, err
	}
	return false, held.sendTo(outer)
}

// store keeps the answer to a request that ran without its key, unless the
// key was taken meanwhile.
func (s *Store) store(ctx context.Context, caller, key, hash string, status int, contentType, body string) {
	now := s.clock.Now()
	s.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&record{Caller: caller, Key: key, RequestHash: hash, State: "done",
		StatusCode: status, ContentType: contentType, Body: body, LockedUntil: now, ExpiresAt: now.Add(keyTTL), CreatedAt: now})
}

// heldResponse keeps a response until it may be sent.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header         { return h.header }
func (h *heldResponse) WriteHeader(status int)      { h.status = status }
func (h *heldResponse) Write(b []byte) (int, error) { return h.body.Write(b) }

// sendTo writes the held response to res.
func (h *heldResponse) sendTo(res *echo.Response) error {
	for k, v := range h.header {
		res.Header()[k] = v
	}
	res.WriteHeader(h.status)
	_, err := res.Write(h.body.Bytes())
	return err
}

// claim records a running request for the key. It returns the stored
// response when the key has already completed with the same request.
func (s *Store) claim(ctx context.Context, caller, key, hash string) (*record, error) {
	now := s.clock.Now()
	conn := s.db.Conn(ctx)
	create := func() error {
		return conn.Create(&record{
			Caller: caller, Key: key, RequestHash: hash, State: "running",
			LockedUntil: now.Add(lease), ExpiresAt: now.Add(keyTTL), CreatedAt: now,
		}).Error
	}
	// Insert first: a new key, the common case, costs one statement.
	err := create()
	if db.IsUniqueViolation(err) {
		// A key past its expiry that the hourly purge has not removed yet is free again.
		res := conn.Where("caller = ? AND key = ? AND expires_at < ?", caller, key, now).Delete(&record{})
		if res.Error != nil {
			return nil, db.Translate(res.Error, "")
		}
		if res.RowsAffected == 1 {
			err = create()
		}
	}
	if err == nil {
		return nil, nil
	}
	if !db.IsUniqueViolation(err) {
		return nil, db.Translate(err, "")
	}
	var existing record
	if err := conn.Where("caller = ? AND key = ?", caller, key).Take(&existing).Error; err != nil {
		return nil, db.Translate(err, "the idempotency key was just released, retry the request")
	}
	switch {
	case existing.RequestHash != hash:
		return nil, domain.FieldInvalid(Header, "validation.idempotency_key.reused", nil)
	case existing.State == "done":
		return &existing, nil
	case existing.LockedUntil.After(now):
		return nil, domain.Errorf(domain.Conflict, "a request with this Idempotency-Key is still being processed; retry later")
	}
	// The first attempt's instance stopped before finishing: take the key over.
	res := conn.Model(&record{}).
		Where("caller = ? AND key = ? AND state = 'running' AND locked_until = ?", caller, key, existing.LockedUntil).
		Update("locked_until", now.Add(lease))
	if res.Error != nil {
		return nil, db.Translate(res.Error, "")
	}
	if res.RowsAffected != 1 {
		return nil, domain.Errorf(domain.Conflict, "a request with this Idempotency-Key is still being processed; retry later")
	}
	return nil, nil
}

// finish stores the response, or releases the key when the failure was the
// server's or a rate limit, so that a retry may run. The response has been
// sent already; if storing fails the key stays running until its lease ends
// and a retry then takes it over.
func (s *Store) finish(ctx context.Context, caller, key string, status int, contentType, body string) {
	conn := s.db.Conn(ctx).Model(&record{}).Where("caller = ? AND key = ?", caller, key)
	if status >= 500 || status == http.StatusTooManyRequests {
		conn.Delete(&record{})
		return
	}
	conn.Updates(map[string]any{"state": "done", "status_code": status, "content_type": contentType, "body": body})
}

// Purge deletes expired keys.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	res := s.db.Conn(ctx).Where("expires_at < ?", s.clock.Now()).Delete(&record{})
	return res.RowsAffected, res.Error
}

func requestHash(method, route string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + route + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// recorder keeps a copy of the response body as it is written.
type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
