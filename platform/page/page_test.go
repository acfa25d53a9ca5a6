package page

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

type row struct {
	Name string
	ID   int
}

func rowKey(r row) []string { return []string{r.Name, strconv.Itoa(r.ID)} }

func rows(n int) []row {
	out := make([]row, n)
	for i := range out {
		out[i] = row{Name: "row " + strconv.Itoa(i), ID: i}
	}
	return out
}

func TestBuild(t *testing.T) {
	cases := []struct {
		name      string
		rows      int
		limit     int
		wantItems int
		wantNext  bool
	}{
		{"empty", 0, 5, 0, false},
		{"fewer than limit", 3, 5, 3, false},
		{"equal to limit", 5, 5, 5, false},
		{"one more than limit", 6, 5, 5, true},
		{"limit of one", 2, 1, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Build(rows(tc.rows), tc.limit, rowKey)
			if len(p.Items) != tc.wantItems {
				t.Fatalf("items = %d, want %d", len(p.Items), tc.wantItems)
			}
			if got := p.NextCursor != nil; got != tc.wantNext {
				t.Fatalf("has next cursor = %v, want %v", got, tc.wantNext)
			}
			if !tc.wantNext {
				return
			}
			// The cursor holds the last row shown, not the extra row read.
			after, err := DecodeCursor(*p.NextCursor, 2)
			if err != nil {
				t.Fatalf("DecodeCursor: %v", err)
			}
			if want := rowKey(p.Items[len(p.Items)-1]); !slices.Equal(after, want) {
				t.Errorf("cursor = %q, want %q", after, want)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		key  []string
	}{
		{"plain", []string{"PIMS", "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"}},
		{"punctuation and quotes", []string{`Model College "F-7/2", Islamabad`, "a,b"}},
		{"non-ASCII", []string{"اسلام آباد", "ü"}},
		{"empty values", []string{"", ""}},
		{"time key", []string{TimeKey(time.Date(2026, 3, 2, 4, 0, 0, 123456000, time.UTC)), "x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Build([][]string{tc.key, {"next"}}, 1, func(k []string) []string { return k })
			if p.NextCursor == nil {
				t.Fatal("no cursor")
			}
			// Cursors travel in query strings without escaping.
			if strings.ContainsAny(*p.NextCursor, "+/=&?# ") {
				t.Errorf("cursor %q is not URL-safe", *p.NextCursor)
			}
			got, err := DecodeCursor(*p.NextCursor, len(tc.key))
			if err != nil {
				t.Fatalf("DecodeCursor: %v", err)
			}
			if !slices.Equal(got, tc.key) {
				t.Errorf("round trip = %q, want %q", got, tc.key)
			}
		})
	}
}

func TestDecodeCursorEmptyIsFirstPage(t *testing.T) {
	after, err := DecodeCursor("", 2)
	if err != nil || after != nil {
		t.Errorf("DecodeCursor(\"\") = %q, %v; want nil, nil", after, err)
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		name   string
		cursor string
		keys   int
	}{
		{"not base64", "abc!", 2},
		{"base64 of garbage", enc("hello"), 2},
		{"padded standard base64", base64.StdEncoding.EncodeToString([]byte(`["a","b"]`)) + "=", 2},
		{"JSON object", enc(`{"a":"b"}`), 2},
		{"numbers instead of strings", enc(`[1,2]`), 2},
		{"too few keys", enc(`["a"]`), 2},
		{"too many keys", enc(`["a","b","c"]`), 2},
		{"null", enc(`null`), 2},
		{"empty list", enc(`[]`), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCursor(tc.cursor, tc.keys)
			if !domain.IsKind(err, domain.Malformed) {
				t.Fatalf("err = %v, want Malformed", err)
			}
			assertNamesCursor(t, err)
		})
	}
}

func assertNamesCursor(t *testing.T, err error) {
	t.Helper()
	de, ok := err.(*domain.Error)
	if !ok || len(de.Fields) != 1 || de.Fields[0].Field != "cursor" {
		t.Errorf("err = %#v, want a field error naming cursor", err)
	}
}

func TestTimeKeyRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		in   time.Time
	}{
		{"whole second", time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)},
		{"microseconds", time.Date(2026, 3, 2, 4, 0, 0, 123456000, time.UTC)},
		{"nanoseconds", time.Date(2026, 3, 2, 4, 0, 0, 1, time.UTC)},
		{"in Karachi", time.Date(2026, 3, 2, 9, 0, 0, 500, domain.Karachi)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := TimeKey(tc.in)
			if !strings.HasSuffix(key, "Z") {
				t.Errorf("TimeKey = %q, want UTC", key)
			}
			got, err := ParseTimeKey(key)
			if err != nil {
				t.Fatalf("ParseTimeKey(%q): %v", key, err)
			}
			if !got.Equal(tc.in) || got.Location() != time.UTC {
				t.Errorf("round trip = %s, want %s in UTC", got, tc.in)
			}
		})
	}
}

func TestParseTimeKeyRejects(t *testing.T) {
	for _, s := range []string{"", "yesterday", "2026-03-02", "2026-03-02 04:00:00"} {
		t.Run(s, func(t *testing.T) {
			_, err := ParseTimeKey(s)
			if !domain.IsKind(err, domain.Malformed) {
				t.Fatalf("err = %v, want Malformed", err)
			}
			assertNamesCursor(t, err)
		})
	}
}
