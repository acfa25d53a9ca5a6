package main

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

// TestWaitlistOfferAcrossInstances puts patients in a one-seat day's line
// through three server processes, frees the seat and races thirty
// acceptances of its offer over them; then it lets the next offer expire
// while it is accepted through every instance and swept by three engines
// at once. The seat is taken once, or passed on once.
func TestWaitlistOfferAcrossInstances(t *testing.T) {
	in := startInstances(t, 3)
	// The holder, then three patients in line.
	people := make([]string, 4)
	for i := range people {
		people[i] = in.citizen(t, i)
	}
	doctor, day, slot := in.slot(t, in.login(t, 1, "health.admin@demo.citizen.gov.pk"), 1)
	var booking struct{ ID string }
	if s := call(t, in.urls[0], "POST", "/api/v1/health/appointments", people[0], map[string]string{"slot_id": slot}, &booking); s != http.StatusCreated {
		t.Fatalf("book: %d", s)
	}
	for i, tok := range people[1:] {
		if s := call(t, in.urls[i%3], "POST", "/api/v1/health/waitlist", tok, map[string]string{"practitioner_id": doctor, "date": day}, nil); s != http.StatusCreated {
			t.Fatalf("join the line on instance %d: %d", i%3, s)
		}
	}
	if s := call(t, in.urls[1], "POST", "/api/v1/health/appointments/"+booking.ID+"/cancel", people[0], nil, nil); s != http.StatusOK {
		t.Fatalf("cancel: %d", s)
	}
	d := in.open(t)
	offer := in.offer(t, 2, people[1])
	count := in.race(t, 30, func(_ int, base string) int {
		return call(t, base, "POST", "/api/v1/me/offers/"+offer+"/accept", people[1], nil, nil)
	})
	if count[http.StatusOK] != 1 || count[http.StatusConflict] != 29 {
		t.Fatalf("acceptances %v, want one 200 and 29 × 409", count)
	}
	if booked, holders := seat(t, d, slot); booked != 1 || holders != 1 {
		t.Fatalf("booked %d with %d appointments, want 1 and 1", booked, holders)
	}

	// The new holder cancels; the next in line's offer expires a moment
	// from now, as it is accepted through every instance and swept.
	var accepted string
	if err := d.Raw("SELECT id FROM health_appointments WHERE slot_id = ? AND status = 'booked'", slot).Scan(&accepted).Error; err != nil {
		t.Fatal(err)
	}
	if s := call(t, in.urls[0], "POST", "/api/v1/health/appointments/"+accepted+"/cancel", people[1], nil, nil); s != http.StatusOK {
		t.Fatalf("cancel the accepted appointment: %d", s)
	}
	next, expiry := in.offer(t, 1, people[2]), time.Now().Add(time.Second)
	if err := d.Exec("UPDATE offers SET expires_at = ? WHERE id = ?", expiry, next).Error; err != nil {
		t.Fatal(err)
	}
	sweeps := sweepUntil(t, in, 3, expiry.Add(2*time.Second))
	time.Sleep(time.Until(expiry) - 20*time.Millisecond)
	count = in.race(t, 30, func(_ int, base string) int {
		return call(t, base, "POST", "/api/v1/me/offers/"+next+"/accept", people[2], nil, nil)
	})
	sweeps()
	checkOfferEndedOnce(t, d, in, slot, next, count, people[3])
}

// offer returns the live offer a citizen sees on instance i.
func (in *instances) offer(t *testing.T, i int, tok string) string {
	t.Helper()
	var lines struct {
		Items []offers.EntryView `json:"items"`
	}
	call(t, in.urls[i], "GET", "/api/v1/me/waitlists", tok, nil, &lines)
	for _, en := range lines.Items {
		if en.Offer != nil && en.Offer.Status == offers.Offered {
			return en.Offer.ID
		}
	}
	t.Fatalf("no live offer on instance %d: %+v", i, lines.Items)
	return ""
}

// seat reads a slot's booked count and its booked appointments.
func seat(t *testing.T, d *db.DB, slot string) (booked, holders int) {
	t.Helper()
	err := d.Raw(`SELECT booked, (SELECT COUNT(*) FROM health_appointments WHERE slot_id = s.id AND status = 'booked')
		FROM health_slots s WHERE id = ?`, slot).Row().Scan(&booked, &holders)
	if err != nil {
		t.Fatal(err)
	}
	return booked, holders
}

// sweepUntil runs the offer sweep from n engines, each on connections of
// its own as an instance's job is, over and over until the deadline. The
// returned wait waits for the deadline and fails the test if a sweep did.
func sweepUntil(t *testing.T, in *instances, n int, deadline time.Time) (wait func()) {
	t.Helper()
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		d := in.open(t)
		engine := offers.New(d, domain.SystemClock{}, nil)
		health.NewService(health.Deps{DB: d, Clock: domain.SystemClock{}, Offers: engine})
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, err := engine.Sweep(ctx); err != nil && ctx.Err() == nil {
					errs[i] = err
					return
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
	return func() {
		t.Helper()
		wg.Wait()
		cancel()
		for _, err := range errs {
			if err != nil {
				t.Errorf("sweep: %v", err)
			}
		}
	}
}

// checkOfferEndedOnce checks an offer that expired while it was accepted
// and swept: accepted once, and the seat booked for its patient; or
// lapsed, and the seat offered to the next in line, once.
func checkOfferEndedOnce(t *testing.T, d *db.DB, in *instances, slot, offer string, count map[int]int, nextInLine string) {
	t.Helper()
	var status string
	var live int
	err := d.Raw("SELECT status, (SELECT COUNT(*) FROM offers WHERE pool = o.pool AND status = 'offered') FROM offers o WHERE id = ?", offer).
		Row().Scan(&status, &live)
	if err != nil {
		t.Fatal(err)
	}
	booked, holders := seat(t, d, slot)
	t.Logf("at expiry: acceptances %v, offer %s, %d live offers, booked %d, %d appointments", count, status, live, booked, holders)
	if count[http.StatusOK]+count[http.StatusConflict] != 30 || booked != 1 {
		t.Fatalf("acceptances %v, booked %d: want only 200 and 409, and the seat held", count, booked)
	}
	switch {
	case count[http.StatusOK] == 1 && status == offers.Accepted && holders == 1 && live == 0:
	case count[http.StatusOK] == 0 && status == offers.Lapsed && holders == 0 && live == 1:
		in.offer(t, 2, nextInLine)
	default:
		t.Fatalf("the offer ended %s after %v, with %d appointments and %d live offers", status, count, holders, live)
	}
}
