// Package page implements cursor (keyset) pagination: a list is read in the
// order of a few columns ending in the unique ID, and the cursor holds the
// last row's values of those columns. Cursors stay valid while rows are added
// and never skip or repeat a row.
package page

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Limits on the page size.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Request is the page a client asked for.
type Request struct {
	// Limit is the page size, between 1 and MaxLimit.
	Limit int
	// After holds the sort-key values of the last row of the previous page;
	// empty for the first page.
	After []string
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	NextCursor *string
}

// DecodeCursor parses a cursor as written by Build. It returns a Malformed
// error naming the cursor parameter when the cursor was not made here.
func DecodeCursor(cursor string, keys int) ([]string, error) {
	if cursor == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	var after []string
	if err == nil {
		err = json.Unmarshal(raw, &after)
	}
	if err != nil || len(after) != keys {
		return nil, domain.FieldMalformed("cursor", "validation.cursor", nil)
	}
	return after, nil
}

// Build turns rows read with Limit+1 into a page: the extra row, when
// present, only says that a next page exists.
func Build[T any](rows []T, limit int, key func(T) []string) Page[T] {
	if len(rows) <= limit {
		return Page[T]{Items: rows}
	}
	rows = rows[:limit]
	raw, _ := json.Marshal(key(rows[len(rows)-1]))
	next := base64.RawURLEncoding.EncodeToString(raw)
	return Page[T]{Items: rows, NextCursor: &next}
}

// Seek orders q by cols (which must be code constants, never client input),
// resumes after the cursor values, and reads one row more than the limit.
// after holds typed values parsed from Request.After by the caller.
func Seek(q *gorm.DB, r Request, cols []string, after ...any) *gorm.DB {
	if len(after) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(after)), ", ")
		q = q.Where("("+strings.Join(cols, ", ")+") > ("+marks+")", after...)
	}
	return q.Order(strings.Join(cols, ", ")).Limit(r.Limit + 1)
}

// TimeKey formats t for a cursor.
func TimeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ParseTimeKey reads a time written by TimeKey.
func ParseTimeKey(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, domain.FieldMalformed("cursor", "validation.cursor", nil)
	}
	return t.UTC(), nil
}
