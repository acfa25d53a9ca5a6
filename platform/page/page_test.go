package page

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
)

type item struct {
	ID        string
	Name      string
	Rank      int
	CreatedAt time.Time
}

// items stores n items whose names, ranks and times repeat, so that
// paging must fall back on later keys to keep its place.
func items(t *testing.T, n int) *gorm.DB {
	t.Helper()
	d, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "page.db")), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AutoMigrate(&item{}); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		it := item{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", (i*7919)%n), Name: fmt.Sprintf("name %d", i%4),
			Rank: i % 3, CreatedAt: base.Add(time.Duration(i%5) * time.Minute)}
		if err := d.Create(&it).Error; err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// TestPagesVisitEveryRowOnce pages through a table in several orders and
// page sizes: every row comes once, in the order's order.
func TestPagesVisitEveryRowOnce(t *testing.T) {
	d := items(t, 23)
	orders := []struct {
		name  string
		order Order
		key   func(item) []any
		less  func(a, b item) bool
	}{
		{"by name, ascending", Ascending(Text("name"), ID("id")), func(i item) []any { return []any{i.Name, i.ID} },
			func(a, b item) bool { return a.Name < b.Name || (a.Name == b.Name && a.ID < b.ID) }},
		{"by time, descending", Descending(Time("created_at"), ID("id")), func(i item) []any { return []any{i.CreatedAt, i.ID} },
			func(a, b item) bool {
				return a.CreatedAt.After(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.ID > b.ID)
			}},
		{"by rank and time, ascending", Ascending(Int("rank"), Time("created_at"), ID("id")),
			func(i item) []any { return []any{i.Rank, i.CreatedAt, i.ID} },
			func(a, b item) bool {
				return a.Rank < b.Rank || (a.Rank == b.Rank && (a.CreatedAt.Before(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID)))
			}},
	}
	for _, o := range orders {
		for _, limit := range []int{1, 4, 23, 100} {
			t.Run(fmt.Sprintf("%s, %d a page", o.name, limit), func(t *testing.T) {
				var seen []item
				r := Request{Limit: limit}
				for pages := 0; ; pages++ {
					if pages > 30 {
						t.Fatal("paging does not end")
					}
					q, err := o.order.Seek(d.WithContext(context.Background()).Model(&item{}), r)
					if err != nil {
						t.Fatal(err)
					}
					var rows []item
					if err := q.Find(&rows).Error; err != nil {
						t.Fatal(err)
					}
					p := Build(o.order, rows, r, o.key)
					seen = append(seen, p.Items...)
					if p.NextCursor == nil {
						break
					}
					r.Cursor = *p.NextCursor
				}
				if len(seen) != 23 {
					t.Fatalf("saw %d rows, want 23", len(seen))
				}
				for i := 1; i < len(seen); i++ {
					if !o.less(seen[i-1], seen[i]) {
						t.Errorf("row %d (%+v) does not come after row %d (%+v)", i, seen[i], i-1, seen[i-1])
					}
				}
			})
		}
	}
}

func TestCursorsOfAnotherListAreRefused(t *testing.T) {
	order := Ascending(Time("created_at"), Int("rank"), ID("id"))
	cursor := func(values ...string) string {
		raw := "["
		for i, v := range values {
			if i > 0 {
				raw += ","
			}
			raw += fmt.Sprintf("%q", v)
		}
		return base64.RawURLEncoding.EncodeToString([]byte(raw + "]"))
	}
	good := cursor("2027-01-01T09:00:00Z", "2", "00000000-0000-4000-8000-000000000001")
	if after, err := order.decode(good); err != nil || len(after) != 3 || after[1] != 2 {
		t.Fatalf("decode(%s) = %v, %v; want three typed values", good, after, err)
	}
	if after, err := order.decode(""); err != nil || after != nil {
		t.Errorf("an empty cursor = %v, %v; want the first page", after, err)
	}
	cases := map[string]string{
		"not base64":      "%%%",
		"not JSON":        base64.RawURLEncoding.EncodeToString([]byte("not json")),
		"too few values":  cursor("2027-01-01T09:00:00Z", "2"),
		"too many values": cursor("2027-01-01T09:00:00Z", "2", "00000000-0000-4000-8000-000000000001", "x"),
		"a name for time": cursor("PIMS", "2", "00000000-0000-4000-8000-000000000001"),
		"text for a rank": cursor("2027-01-01T09:00:00Z", "two", "00000000-0000-4000-8000-000000000001"),
		"a forged ID":     cursor("2027-01-01T09:00:00Z", "2", "1 OR 1=1"),
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := order.decode(c)
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.Malformed || len(de.Fields) != 1 || de.Fields[0].Field != "cursor" {
				t.Errorf("decode = %v, want Malformed naming cursor", err)
			}
		})
	}
}
