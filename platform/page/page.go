// Package page implements cursor (keyset) pagination: a list is read in the
// order of a few columns ending in a unique one, and the cursor holds the
// last row's values of those columns. Cursors stay valid while rows are added
// and never skip or repeat a row.
//
// Each list says its order once, in its store, as an Order; the order reads
// and checks the cursor, resumes after it and makes the next one, so the
// number and types of a cursor's values cannot disagree with the list.
package page

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
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
	// Cursor is the next_cursor of the previous page; empty for the first.
	Cursor string
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	NextCursor *string
}

type keyKind int

const (
	textKey keyKind = iota
	timeKey
	intKey
	idKey
)

// Key is one column a list is sorted by, and how its values are written in
// a cursor.
type Key struct {
	// Column names the column or expression as SQL reads it: a code
	// constant, never client input.
	Column string
	kind   keyKind
}

// Text is a column of text.
func Text(column string) Key { return Key{Column: column, kind: textKey} }

// Time is a column of times.
func Time(column string) Key { return Key{Column: column, kind: timeKey} }

// Int is a column (or expression) of integers.
func Int(column string) Key { return Key{Column: column, kind: intKey} }

// ID is a column of UUIDs. A forged cursor whose value is not one is
// refused before it reaches the database.
func ID(column string) Key { return Key{Column: column, kind: idKey} }

// Order is how one list is read: by its keys, the last of which is unique,
// all ascending or all descending.
type Order struct {
	keys []Key
	desc bool
}

// Ascending orders by keys, smallest first.
func Ascending(keys ...Key) Order { return Order{keys: keys} }

// Descending orders by keys, largest first.
func Descending(keys ...Key) Order { return Order{keys: keys, desc: true} }

// Seek orders q, resumes it after r's cursor and reads one row more than
// the limit, which tells Build whether a next page exists. Errors:
// Malformed naming cursor, for a cursor this list did not make.
func (o Order) Seek(q *gorm.DB, r Request) (*gorm.DB, error) {
	after, err := o.decode(r.Cursor)
	if err != nil {
		return nil, err
	}
	cols := make([]string, len(o.keys))
	order := make([]string, len(o.keys))
	for i, k := range o.keys {
		cols[i], order[i] = k.Column, k.Column
		if o.desc {
			order[i] += " DESC"
		}
	}
	if after != nil {
		next := ">"
		if o.desc {
			next = "<"
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(after)), ", ")
		q = q.Where("("+strings.Join(cols, ", ")+") "+next+" ("+marks+")", after...)
	}
	return q.Order(strings.Join(order, ", ")).Limit(r.Limit + 1), nil
}

// decode reads a cursor written by Build for this order into typed values.
func (o Order) decode(cursor string) ([]any, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := domain.FieldMalformed("cursor", "validation.cursor", nil)
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	var text []string
	if err != nil || json.Unmarshal(raw, &text) != nil || len(text) != len(o.keys) {
		return nil, bad
	}
	out := make([]any, len(text))
	for i, k := range o.keys {
		switch k.kind {
		case timeKey:
			t, err := time.Parse(time.RFC3339Nano, text[i])
			if err != nil {
				return nil, bad
			}
			out[i] = t.UTC()
		case intKey:
			n, err := strconv.Atoi(text[i])
			if err != nil {
				return nil, bad
			}
			out[i] = n
		case idKey:
			if _, err := uuid.Parse(text[i]); err != nil {
				return nil, bad
			}
			out[i] = text[i]
		default:
			out[i] = text[i]
		}
	}
	return out, nil
}

// Build turns rows read by o.Seek into a page: the extra row, when present,
// only says that a next page exists. key gives a row's values of o's keys,
// in order: times, or values written as they print (strings, ints).
func Build[T any](o Order, rows []T, r Request, key func(T) []any) Page[T] {
	if len(rows) <= r.Limit {
		return Page[T]{Items: rows}
	}
	rows = rows[:r.Limit]
	values := key(rows[len(rows)-1])
	text := make([]string, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case time.Time:
			text[i] = v.UTC().Format(time.RFC3339Nano)
		case int:
			text[i] = strconv.Itoa(v)
		default:
			text[i] = fmt.Sprint(v)
		}
	}
	raw, _ := json.Marshal(text)
	next := base64.RawURLEncoding.EncodeToString(raw)
	return Page[T]{Items: rows, NextCursor: &next}
}
