package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// problemKind says how one error kind is answered.
type problemKind struct {
	status int
	slug   string
	title  string
}

// problemKinds is the one table from error kind to HTTP status.
var problemKinds = map[domain.Kind]problemKind{
	domain.Malformed:       {http.StatusBadRequest, "malformed-request", "Your request could not be read"},
	domain.Invalid:         {http.StatusUnprocessableEntity, "validation-failed", "Your request has invalid fields"},
	domain.Unauthenticated: {http.StatusUnauthorized, "unauthenticated", "You need to sign in"},
	domain.Forbidden:       {http.StatusForbidden, "forbidden", "You are not allowed to do this"},
	domain.NotFound:        {http.StatusNotFound, "not-found", "Not found"},
	domain.Conflict:        {http.StatusConflict, "conflict", "This conflicts with the current state"},
	domain.TooLarge:        {http.StatusRequestEntityTooLarge, "too-large", "Your request is too large"},
	domain.RateLimited:     {http.StatusTooManyRequests, "rate-limited", "Too many requests"},
	domain.Unavailable:     {http.StatusServiceUnavailable, "unavailable", "The service is busy"},
	domain.Internal:        {http.StatusInternalServerError, "internal", "Something went wrong on our side"},
}

// errorHandler writes every failure as problem+json. Only Internal errors
// are logged with their cause; clients see a generic message for them.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var herr *echo.HTTPError
		if errors.As(err, &herr) && herr.Code == http.StatusMethodNotAllowed {
			writeProblem(c, web.Problem{
				Type: "/problems/method-not-allowed", Title: "Method not allowed", Status: http.StatusMethodNotAllowed,
				Detail: "this path does not accept " + c.Request().Method, RequestID: requestID(c),
			})
			return
		}
		derr := toDomain(err)
		pk := problemKinds[derr.Kind]
		detail := derr.Message
		if derr.Kind == domain.Internal {
			log.ErrorContext(c.Request().Context(), "request failed", "error", err.Error(),
				"route", c.Path(), "method", c.Request().Method, "request_id", requestID(c))
			detail = "the request could not be completed; if it keeps failing, quote the request_id"
		}
		if derr.Kind == domain.Unavailable || derr.Kind == domain.RateLimited {
			c.Response().Header().Set("Retry-After", strconv.Itoa(max(int(derr.RetryAfter.Seconds()), 1)))
		}
		p := web.Problem{
			Type: "/problems/" + pk.slug, Title: pk.title, Status: pk.status,
			Detail: detail, RequestID: requestID(c), Errors: derr.Fields,
		}
		writeProblem(c, p)
	}
}

func writeProblem(c echo.Context, p web.Problem) {
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().Header().Del("Content-Encoding")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.JSON(p.Status, p)
}

// toDomain classifies any error a handler or middleware returned.
func toDomain(err error) *domain.Error {
	var derr *domain.Error
	if errors.As(err, &derr) {
		return derr
	}
	var herr *echo.HTTPError
	if errors.As(err, &herr) {
		return fromHTTPError(herr)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return domain.Errorf(domain.TooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	}
	if errors.Is(err, context.DeadlineExceeded) || db.IsUnavailable(err) {
		return domain.Wrap(domain.Unavailable, err, "the service is temporarily unavailable, try again shortly")
	}
	return domain.Wrap(domain.Internal, err, "internal error")
}

func fromHTTPError(herr *echo.HTTPError) *domain.Error {
	msg := strings.ToLower(http.StatusText(herr.Code))
	if m, ok := herr.Message.(string); ok && m != "" {
		msg = strings.ToLower(m)
	}
	switch herr.Code {
	case http.StatusNotFound:
		return domain.Errorf(domain.NotFound, "no such resource or route")
	case http.StatusRequestEntityTooLarge:
		return domain.Errorf(domain.TooLarge, "the request body is too large")
	case http.StatusUnauthorized:
		return domain.Errorf(domain.Unauthenticated, "%s", msg)
	case http.StatusForbidden:
		return domain.Errorf(domain.Forbidden, "%s", msg)
	case http.StatusTooManyRequests:
		return domain.Errorf(domain.RateLimited, "too many requests")
	case http.StatusServiceUnavailable:
		return domain.Errorf(domain.Unavailable, "the service is temporarily unavailable")
	case http.StatusUnsupportedMediaType, http.StatusBadRequest:
		return domain.Errorf(domain.Malformed, "%s", msg)
	}
	if herr.Code >= 500 {
		return domain.Wrap(domain.Internal, herr, "internal error")
	}
	return domain.Errorf(domain.Malformed, "%s", msg)
}
