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
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// problemKind says how one error kind is answered; its title and generic
// detail are in the text catalogs under problem.<slug>.
type problemKind struct {
	status int
	slug   string
}

// problemKinds is the one table from error kind to HTTP status.
var problemKinds = map[domain.Kind]problemKind{
	domain.Malformed:       {http.StatusBadRequest, "malformed-request"},
	domain.Invalid:         {http.StatusUnprocessableEntity, "validation-failed"},
	domain.Unauthenticated: {http.StatusUnauthorized, "unauthenticated"},
	domain.Forbidden:       {http.StatusForbidden, "forbidden"},
	domain.NotFound:        {http.StatusNotFound, "not-found"},
	domain.Conflict:        {http.StatusConflict, "conflict"},
	domain.TooLarge:        {http.StatusRequestEntityTooLarge, "too-large"},
	domain.RateLimited:     {http.StatusTooManyRequests, "rate-limited"},
	domain.Unavailable:     {http.StatusServiceUnavailable, "unavailable"},
	domain.Internal:        {http.StatusInternalServerError, "internal"},
}

// errorHandler writes every failure as problem+json in the language the
// client asked for (Accept-Language: ur for Urdu, English otherwise). Only
// Internal errors are logged with their cause; clients see a generic
// message for them.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		lang := i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
		var herr *echo.HTTPError
		if errors.As(err, &herr) && herr.Code == http.StatusMethodNotAllowed {
			writeProblem(c, lang, web.Problem{
				Type: "/problems/method-not-allowed", Title: i18n.T(lang, "problem.method-not-allowed.title", nil), Status: http.StatusMethodNotAllowed,
				Detail: i18n.T(lang, "problem.method-not-allowed.detail", map[string]string{"method": c.Request().Method}), RequestID: requestID(c),
			})
			return
		}
		derr := toDomain(err)
		pk := problemKinds[derr.Kind]
		if derr.Kind == domain.Internal {
			log.ErrorContext(c.Request().Context(), "request failed", "error", err.Error(),
				"route", c.Path(), "method", c.Request().Method, "request_id", requestID(c))
		}
		if derr.Kind == domain.Unavailable || derr.Kind == domain.RateLimited {
			c.Response().Header().Set("Retry-After", strconv.Itoa(max(int(derr.RetryAfter.Seconds()), 1)))
		}
		writeProblem(c, lang, web.Problem{
			Type: "/problems/" + pk.slug, Title: i18n.T(lang, "problem."+pk.slug+".title", nil), Status: pk.status,
			Detail: detail(lang, pk.slug, derr), RequestID: requestID(c), Errors: fieldMessages(lang, derr.Fields),
		})
	}
}

// detail is the error's own message in lang: from the catalogs when it has
// a key, as written when the language is English, else the kind's generic
// detail. Internal errors always get the generic one.
func detail(lang, slug string, derr *domain.Error) string {
	switch {
	case derr.Kind == domain.Internal:
		return i18n.T(lang, "problem.internal.detail", nil)
	case derr.Key != "":
		return i18n.T(lang, derr.Key, derr.Params)
	case lang == i18n.English && derr.Message != "":
		return derr.Message
	}
	return i18n.T(lang, "problem."+slug+".detail", nil)
}

// fieldMessages writes field errors in lang.
func fieldMessages(lang string, fields []domain.FieldError) []web.FieldError {
	out := make([]web.FieldError, len(fields))
	for i, f := range fields {
		out[i] = web.FieldError{Field: f.Field, Message: i18n.T(lang, f.Key, f.Params)}
	}
	return out
}

func writeProblem(c echo.Context, lang string, p web.Problem) {
	c.Response().Header().Set("Content-Language", lang)
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
