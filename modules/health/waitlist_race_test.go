package health_test

import (
	"net/http"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

// The tests in this file race the waitlist's changes against each other
// over HTTP, on SQLite and PostgreSQL alike, a few rounds each, and read
// the database for what checkDay promises: every seat held once, by an
// appointment or a live offer, and the line served in order.

// wlRounds is how many times each race runs, each on a day of its own.
const wlRounds = 3

// wlDays are the two shapes of a day with two seats.
var wlDays = []struct {
	name         string
	slots, seats int
}{{"one slot of two seats", 1, 2}, {"two slots of one seat", 2, 1}}

func TestWaitlistCancellationsAtOnceOfferEachWaiterOneSeat(t *testing.T) {
	for _, tc := range wlDays {
		t.Run(tc.name, func(t *testing.T) {
			e := newBkEnv(t)
			for range wlRounds {
				d, held := fullDay(e, tc.slots, tc.seats)
				waiters := d.line(2)
				for _, r := range bkRace(
					func() *apitest.Response { return d.cancel(held[0].holder, held[0].booking) },
					func() *apitest.Response { return d.cancel(held[1].holder, held[1].booking) },
				) {
					r.Want(t, http.StatusOK)
				}
				d.checkDay(nil)
				// The offers hold the freed seats: the same slot's two, or
				// one in each slot.
				freed := map[string]int{held[0].slot: 1}
				freed[held[1].slot]++
				s := d.read()
				for _, o := range s.offers {
					freed[o.Place]--
				}
				if len(s.offers) != 2 || freed[held[0].slot] != 0 || freed[held[1].slot] != 0 {
					t.Fatalf("seats freed %v, offers %+v: want each freed seat offered once", freed, s.offers)
				}
				for _, w := range waiters {
					d.offer(w)
				}
			}
		})
	}
}

func TestWaitlistAcceptRacingARefusalEndsOneWay(t *testing.T) {
	refusals := []struct {
		name   string
		refuse func(d *wlDay, c *apitest.Citizen, offerID, entryID string) *apitest.Response
	}{
		{"decline", func(d *wlDay, c *apitest.Citizen, offerID, _ string) *apitest.Response {
			return d.app.Post("/api/v1/me/offers/"+offerID+"/decline", c.Token, nil)
		}},
		{"leave the line", func(d *wlDay, c *apitest.Citizen, _, entryID string) *apitest.Response {
			return d.app.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/me/waitlists/" + entryID, Token: c.Token})
		}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			e := newBkEnv(t)
			for range wlRounds {
				d, held := fullDay(e, 1, 1)
				waiters := d.line(2)
				d.cancel(held[0].holder, held[0].booking).Want(t, http.StatusOK)
				o, entry := d.offer(waiters[0]), d.entries(waiters[0])[0].ID
				answers := bkRace(
					func() *apitest.Response { return d.accept(waiters[0], o.ID) },
					func() *apitest.Response { return tc.refuse(d, waiters[0], o.ID, entry) },
				)
				accepted, refused := answers[0].Status, answers[1].Status
				switch {
				case accepted == http.StatusOK && refused == http.StatusConflict:
					if en := d.entries(waiters[1])[0]; en.Status != offers.Waiting || d.holders(held[0].slot) != 1 {
						t.Fatalf("after the acceptance won: second %+v, %d holders", en, d.holders(held[0].slot))
					}
				case accepted == http.StatusConflict && refused == http.StatusOK:
					d.offer(waiters[1])
				default:
					t.Fatalf("accept %d racing %s %d: want one 200 and one 409", accepted, tc.name, refused)
				}
				d.checkDay(nil)
			}
		})
	}
}

// A waiter who leaves the line as a cancellation offers them the seat is
// out of the line either way, and the seat goes to the next.
func TestWaitlistLeavingAsTheSeatIsOfferedPassesItOn(t *testing.T) {
	e := newBkEnv(t)
	for range 2 * wlRounds {
		d, held := fullDay(e, 1, 1)
		waiters := d.line(2)
		entry := d.entries(waiters[0])[0].ID
		answers := bkRace(
			func() *apitest.Response { return d.cancel(held[0].holder, held[0].booking) },
			func() *apitest.Response {
				return d.app.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/me/waitlists/" + entry, Token: waiters[0].Token})
			},
		)
		answers[0].Want(t, http.StatusOK)
		if left := answers[1].Want(t, http.StatusOK).Map(t); left["status"] != offers.Left {
			t.Fatalf("leaving answered %v", left)
		}
		if en := d.entries(waiters[0])[0]; en.Status != offers.Left {
			t.Fatalf("the entry that left is %s, offer %+v", en.Status, en.Offer)
		}
		d.offer(waiters[1])
		d.checkDay(nil)
	}
}

func TestWaitlistCancellationWhileAnotherOfferIsAccepted(t *testing.T) {
	for _, tc := range wlDays {
		t.Run(tc.name, func(t *testing.T) {
			e := newBkEnv(t)
			for range wlRounds {
				d, held := fullDay(e, tc.slots, tc.seats)
				waiters := d.line(2)
				d.cancel(held[0].holder, held[0].booking).Want(t, http.StatusOK)
				o := d.offer(waiters[0])
				for _, r := range bkRace(
					func() *apitest.Response { return d.accept(waiters[0], o.ID) },
					func() *apitest.Response { return d.cancel(held[1].holder, held[1].booking) },
				) {
					r.Want(t, http.StatusOK)
				}
				d.checkDay(nil)
				if next := d.offer(waiters[1]); next.ID == o.ID {
					t.Fatal("the second waiter got the first one's offer")
				}
				if n := d.holders(held[0].slot); n != 1 {
					t.Fatalf("%d holders of the accepted seat's slot, want 1", n)
				}
			}
		})
	}
}

// A citizen who joins the line as its last seat is given back (a holder
// cancels with nobody in line, or the only waiter declines their offer)
// is offered that seat or told to book it, never left waiting beside it.
func TestWaitlistJoiningAsTheLastSeatIsGivenBackNeverWaitsBesideIt(t *testing.T) {
	frees := []struct {
		name string
		free func(d *wlDay, held wlSeat) func() *apitest.Response
	}{
		{"a cancellation", func(d *wlDay, held wlSeat) func() *apitest.Response {
			return func() *apitest.Response { return d.cancel(held.holder, held.booking) }
		}},
		{"a refusal", func(d *wlDay, held wlSeat) func() *apitest.Response {
			w := d.line(1)[0]
			d.cancel(held.holder, held.booking).Want(d.t, http.StatusOK)
			o := d.offer(w)
			return func() *apitest.Response { return d.app.Post("/api/v1/me/offers/"+o.ID+"/decline", w.Token, nil) }
		}},
	}
	for _, tc := range frees {
		t.Run(tc.name, func(t *testing.T) {
			e := newBkEnv(t)
			for range 2 * wlRounds {
				d, held := fullDay(e, 1, 1)
				free, c := tc.free(d, held[0]), d.app.NewCitizen()
				answers := bkRace(free, func() *apitest.Response { return d.join(c) })
				answers[0].Want(t, http.StatusOK)
				switch answers[1].Status {
				case http.StatusCreated:
					d.offer(c)
				case http.StatusConflict:
					if n := d.booked(held[0].slot); n != 0 {
						t.Fatalf("the join was refused while booked = %d", n)
					}
				default:
					t.Fatalf("joining answered %d %s", answers[1].Status, answers[1].Body)
				}
				d.checkDay(nil)
			}
		})
	}
}
