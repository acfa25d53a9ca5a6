package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// PathID returns the path parameter name, which must be a UUID.
func PathID(c echo.Context, name string) (string, error) {
	return parseID(name, c.Param(name))
}

// QueryID returns the optional query parameter name, which must be a UUID
// when present.
func QueryID(c echo.Context, name string) (string, error) {
	v := c.QueryParam(name)
	if v == "" {
		return "", nil
	}
	return parseID(name, v)
}

func parseID(name, v string) (string, error) {
	id, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return "", domain.FieldMalformed(name, "validation.uuid", nil)
	}
	return id.String(), nil
}

// QueryTime returns the optional RFC 3339 query parameter name in UTC.
func QueryTime(c echo.Context, name string) (time.Time, bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, false, domain.FieldMalformed(name, "validation.time", nil)
	}
	return t.UTC(), true, nil
}

// QueryBool returns the optional boolean query parameter name.
func QueryBool(c echo.Context, name string) (bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, domain.FieldMalformed(name, "validation.bool", nil)
	}
	return b, nil
}

// QueryInt returns the optional integer query parameter name.
func QueryInt(c echo.Context, name string) (int, bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false, domain.FieldMalformed(name, "validation.integer", nil)
	}
	return n, true, nil
}

// QueryIntPtr returns the optional integer query parameter name, nil when
// it is not given: a filter can tell 0 sent from nothing sent.
func QueryIntPtr(c echo.Context, name string) (*int, error) {
	n, given, err := QueryInt(c, name)
	if err != nil || !given {
		return nil, err
	}
	return &n, nil
}

// Page reads the page a client asked for: limit, which defaults to
// page.DefaultLimit and is capped at page.MaxLimit, and cursor, which the
// list's store reads (page.Order.Seek), since it knows what a cursor holds.
func Page(c echo.Context) (page.Request, error) {
	limit, given, err := QueryInt(c, "limit")
	if err != nil {
		return page.Request{}, err
	}
	switch {
	case !given:
		limit = page.DefaultLimit
	case limit < 1:
		return page.Request{}, domain.FieldInvalid("limit", "validation.min.number", map[string]string{"n": "1"})
	case limit > page.MaxLimit:
		limit = page.MaxLimit
	}
	return page.Request{Limit: limit, Cursor: c.QueryParam("cursor")}, nil
}

// Principal returns the caller the route's guard authenticated.
func Principal(c echo.Context) domain.Principal {
	p, _ := domain.PrincipalFrom(c.Request().Context())
	return p
}

// Matches reports whether an If-None-Match header names etag (RFC 9110
// §13.1.2: weak comparison, a list of tags or "*").
func Matches(ifNoneMatch, etag string) bool {
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || (tag != "" && tag == strings.TrimPrefix(etag, "W/")) {
			return true
		}
	}
	return false
}
