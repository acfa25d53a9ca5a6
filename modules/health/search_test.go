package health_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
)

// The public slot search may answer from this instance's memory for a
// second, but never hides the caller's own booking, and tells apps and
// caches how to revalidate.
func TestAvailabilityIsAtMostASecondOld(t *testing.T) {
	app := apitest.New(t)
	practitioner := app.Practitioner(app.Facility())
	app.Schedule(practitioner, 1, 1, "09:00", "10:00", 30, 3)
	search := base + "/slots?practitioner_id=" + practitioner
	remaining := func(r *apitest.Response) int {
		var l list[health.Slot]
		r.JSON(t, &l)
		if len(l.Items) == 0 {
			t.Fatal("no slots listed")
		}
		return l.Items[0].Remaining
	}

	first := app.Get(search, "").Want(t, http.StatusOK)
	etag := first.Header.Get("ETag")
	if etag == "" || first.Header.Get("Cache-Control") != "public, max-age=1" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, first.Header.Get("Cache-Control"))
	}
	t.Run("an unchanged answer is 304 to its ETag", func(t *testing.T) {
		r := app.Do(apitest.Request{Method: http.MethodGet, Path: search, Header: map[string]string{"If-None-Match": etag}})
		if r.Status != http.StatusNotModified || len(r.Body) != 0 || r.Header.Get("ETag") != etag {
			t.Fatalf("status %d, body %q, ETag %q; want 304 with the same ETag", r.Status, r.Body, r.Header.Get("ETag"))
		}
	})
	t.Run("the caller's own booking shows at once", func(t *testing.T) {
		c := app.NewCitizen()
		var l list[health.Slot]
		first.JSON(t, &l)
		app.Book(c, l.Items[0].ID, "")
		r := app.Get(search, "").Want(t, http.StatusOK)
		if got := remaining(r); got != 2 {
			t.Fatalf("remaining %d after booking one of 3 seats, want 2", got)
		}
		if r.Header.Get("ETag") == etag {
			t.Fatal("the ETag did not change with the answer")
		}
	})
	t.Run("a change made elsewhere shows within a second", func(t *testing.T) {
		var l list[health.Slot]
		app.Get(search, "").Want(t, http.StatusOK).JSON(t, &l)
		// Another instance books the seat: this one learns it from the database.
		if err := app.DB.Exec("UPDATE health_slots SET booked = booked + 1 WHERE id = ?", l.Items[0].ID).Error; err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond)
		if got := remaining(app.Get(search, "").Want(t, http.StatusOK)); got != l.Items[0].Remaining-1 {
			t.Fatalf("remaining %d a second after another instance's booking, want %d", got, l.Items[0].Remaining-1)
		}
	})
}
