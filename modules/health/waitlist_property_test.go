package health_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

// The test in this file drives a doctor's full day through random runs of
// cancellations, acceptances, refusals, departures, arrivals and lapses,
// over HTTP, and after every step reads the database for what the waitlist
// promises: every seat has one holder (an appointment or a live offer), the
// line is served in the order it joined, and an accepted offer is a
// booking. WAITLIST_SEED replays one run.

// wlState is what the database holds of a doctor's day.
type wlState struct {
	slots []struct {
		ID               string
		Booked, Capacity int
	}
	appointments []wlAppointment
	entries      []wlEntry
	offers       []wlOffer
}

type wlAppointment struct{ ID, SlotID, AccountID, PersonID, Status string }

type wlEntry struct {
	ID, AccountID, Status string
	JoinedAt              time.Time
	Seq                   int
}

type wlOffer struct {
	ID, EntryID, AccountID, Place, Status, ResultID string
	ExpiresAt                                       time.Time
}

// read loads the day's slots, appointments, line and offers.
func (d *wlDay) read() wlState {
	d.t.Helper()
	conn, pool := d.app.DB.Conn(context.Background()), "health:"+d.practitioner+":"+d.date(1)
	var s wlState
	for _, err := range []error{
		conn.Raw("SELECT id, booked, capacity FROM health_slots WHERE practitioner_id = ?", d.practitioner).Scan(&s.slots).Error,
		conn.Raw("SELECT id, slot_id, account_id, person_id, status FROM health_appointments WHERE practitioner_id = ?", d.practitioner).Scan(&s.appointments).Error,
		conn.Raw("SELECT id, account_id, status, joined_at, seq FROM waitlist_entries WHERE pool = ?", pool).Scan(&s.entries).Error,
		conn.Raw("SELECT id, entry_id, account_id, place, status, result_id, expires_at FROM offers WHERE pool = ?", pool).Scan(&s.offers).Error,
	} {
		if err != nil {
			d.t.Fatalf("read the day: %v", err)
		}
	}
	return s
}

// ahead says whether a comes before b in line: by joined_at, seq and id.
func ahead(a, b wlEntry) bool {
	switch {
	case !a.JoinedAt.Equal(b.JoinedAt):
		return a.JoinedAt.Before(b.JoinedAt)
	case a.Seq != b.Seq:
		return a.Seq < b.Seq
	}
	return a.ID < b.ID
}

// checkDay fails the test unless the database holds the day as the
// waitlist promises; cancelled are the appointments the test cancelled.
func (d *wlDay) checkDay(cancelled map[string]bool) {
	d.t.Helper()
	s := d.read()
	if problems := s.problems(cancelled); len(problems) > 0 {
		d.t.Fatalf("%s\nslots %+v\nappointments %+v\nentries %+v\noffers %+v", strings.Join(problems, "\n"), s.slots, s.appointments, s.entries, s.offers)
	}
}

// problems lists what breaks the waitlist's promises in s.
func (s wlState) problems(cancelled map[string]bool) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	held, live, accepted, full := map[string]int{}, map[string]int{}, map[string]bool{}, true
	appointments, persons, entries := map[string]wlAppointment{}, map[string]int{}, map[string]wlEntry{}
	for _, a := range s.appointments {
		appointments[a.ID] = a
		if a.Status == "booked" {
			held[a.SlotID]++
			if persons[a.PersonID]++; persons[a.PersonID] > 1 {
				bad("patient %s holds two appointments that day", a.PersonID)
			}
		}
	}
	for _, en := range s.entries {
		entries[en.ID] = en
	}
	for _, o := range s.offers {
		if o.Status == offers.Offered {
			held[o.Place]++ // an unswept expired offer still holds its seat
			live[o.EntryID]++
		}
		for _, w := range s.entries {
			if w.Status == offers.Waiting && ahead(w, entries[o.EntryID]) {
				bad("offer %s went to entry %s while %s, ahead of it, still waits", o.ID, o.EntryID, w.ID)
			}
		}
		if o.Status == offers.Accepted {
			accepted[o.EntryID] = true
		}
		if a := appointments[o.ResultID]; o.Status == offers.Accepted && (a.SlotID != o.Place || a.AccountID != o.AccountID || (a.Status != "booked" && !cancelled[a.ID])) {
			bad("accepted offer %s made appointment %q: %+v", o.ID, o.ResultID, a)
		}
	}
	for _, sl := range s.slots {
		if sl.Booked != held[sl.ID] || sl.Booked > sl.Capacity {
			bad("slot %s: booked %d of %d, held by %d appointments and live offers", sl.ID, sl.Booked, sl.Capacity, held[sl.ID])
		}
		full = full && sl.Booked >= sl.Capacity
	}
	for _, en := range s.entries {
		if n := live[en.ID]; n > 1 || (n == 1) != (en.Status == offers.Offered) {
			bad("entry %s is %s with %d live offers", en.ID, en.Status, n)
		}
		if en.Status == offers.Served && !accepted[en.ID] {
			bad("entry %s was served without an accepted offer", en.ID)
		}
		if en.Status == offers.Waiting && !full {
			bad("entry %s waits while a seat of the day is free", en.ID)
		}
	}
	return out
}

// wlRun is one random run over a doctor's day: its citizens and the
// appointments it cancelled.
type wlRun struct {
	*wlDay
	rng       *rand.Rand
	citizens  []*apitest.Citizen
	cancelled map[string]bool
}

// newWlRun books a day of two slots of two seats tomorrow and puts six
// citizens in its line, the clock at 06:00 today so that a run's lapses
// stay well before the slots and their cut-off.
func newWlRun(t *testing.T, seed uint64) *wlRun {
	e := newBkEnv(t)
	e.app.SetClock(e.local(0, "06:00"))
	d, held := fullDay(e, 2, 2)
	r := &wlRun{wlDay: d, rng: rand.New(rand.NewPCG(seed, seed)), cancelled: map[string]bool{}}
	for _, h := range held {
		r.citizens = append(r.citizens, h.holder)
	}
	r.citizens = append(r.citizens, d.line(6)...)
	return r
}

func TestWaitlistKeepsEverySeatOnceWhateverHappens(t *testing.T) {
	seeds := []uint64{rand.Uint64(), rand.Uint64(), rand.Uint64()}
	if s := os.Getenv("WAITLIST_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WAITLIST_SEED=%q: %v", s, err)
		}
		seeds = []uint64{seed}
	}
	for _, seed := range seeds {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			var steps []string
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("seed %d (WAITLIST_SEED=%d replays it), steps:\n%s", seed, seed, strings.Join(steps, "\n"))
				}
			})
			r := newWlRun(t, seed)
			for range 60 {
				steps = append(steps, r.step())
				r.checkDay(r.cancelled)
			}
		})
	}
}

// step takes a step the day's state allows, chosen at random (a kind of
// step, then what it acts on), checks its answer and says what it did.
func (r *wlRun) step() string {
	s, now := r.read(), r.app.Clock.Now()
	kinds := [][]func() string{{r.arrive}, {r.arrive}}
	var cancels, live, late, leaves []func() string
	for _, a := range s.appointments {
		if a.Status == "booked" {
			cancels = append(cancels, func() string { return r.holderCancels(a) })
		}
	}
	for _, o := range s.offers {
		switch {
		case o.Status != offers.Offered:
		case o.ExpiresAt.After(now):
			live = append(live, func() string { return r.decides(o) })
		default:
			late = append(late, func() string { return r.acceptsLate(o) })
		}
	}
	if len(late) > 0 {
		kinds = append(kinds, []func() string{r.sweeps})
	}
	for _, en := range s.entries {
		if en.Status == offers.Waiting {
			leaves = append(leaves, func() string { return r.leaves(en.ID, en.AccountID) })
		}
	}
	for _, k := range [][]func() string{cancels, live, live, live, late} {
		if len(k) > 0 {
			kinds = append(kinds, k)
		}
	}
	if len(leaves) > 0 && r.rng.IntN(3) == 0 {
		kinds = append(kinds, leaves)
	}
	k := kinds[r.rng.IntN(len(kinds))]
	return k[r.rng.IntN(len(k))]()
}

// decides does one of the things that end a live offer: its citizen
// accepts, declines or leaves the line, or the clock moves past its
// expiry, or an acceptance races the sweep at that moment.
func (r *wlRun) decides(o wlOffer) string {
	switch r.rng.IntN(5) {
	case 0:
		return r.accepts(o)
	case 1:
		return r.declines(o)
	case 2:
		return r.leaves(o.EntryID, o.AccountID)
	case 3:
		return r.lapses(o)
	}
	return r.acceptRacesSweep(o)
}

// citizen returns the run's citizen with an account ID.
func (r *wlRun) citizen(id string) *apitest.Citizen {
	for _, c := range r.citizens {
		if c.ID == id {
			return c
		}
	}
	r.t.Fatalf("account %s is none of the run's citizens", id)
	return nil
}

func (r *wlRun) holderCancels(a wlAppointment) string {
	r.cancel(r.citizen(a.AccountID), a.ID).Want(r.t, http.StatusOK)
	r.cancelled[a.ID] = true
	return "cancel appointment " + a.ID
}

func (r *wlRun) accepts(o wlOffer) string {
	var got offers.OfferView
	r.accept(r.citizen(o.AccountID), o.ID).Want(r.t, http.StatusOK).JSON(r.t, &got)
	if got.Status != offers.Accepted || got.ResultID == "" {
		r.t.Fatalf("accepted offer reads %+v", got)
	}
	return "accept offer " + o.ID
}

// acceptsLate accepts an offer past its expiry that no sweep has lapsed.
func (r *wlRun) acceptsLate(o wlOffer) string {
	r.accept(r.citizen(o.AccountID), o.ID).Problem(r.t, http.StatusConflict, "")
	return "accept expired offer " + o.ID
}

func (r *wlRun) declines(o wlOffer) string {
	r.app.Post("/api/v1/me/offers/"+o.ID+"/decline", r.citizen(o.AccountID).Token, nil).Want(r.t, http.StatusOK)
	return "decline offer " + o.ID
}

func (r *wlRun) leaves(entryID, accountID string) string {
	res := r.app.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/me/waitlists/" + entryID, Token: r.citizen(accountID).Token})
	if en := res.Want(r.t, http.StatusOK).Map(r.t); en["status"] != offers.Left {
		r.t.Fatalf("entry after leaving: %v", en)
	}
	return "leave entry " + entryID
}

// arrive is a citizen who neither holds a seat nor waits (one of the
// run's or, now and then, a new one) and books a seat neither booked nor
// offered, or joins the line when there is none; one time in four they
// try the other, which must be refused.
func (r *wlRun) arrive() string {
	s := r.read()
	var free []string
	for _, sl := range s.slots {
		if sl.Booked < sl.Capacity {
			free = append(free, sl.ID)
		}
	}
	c := r.idle(s)
	switch wrong := r.rng.IntN(4) == 0; {
	case len(free) > 0 && !wrong:
		r.book(c, free[r.rng.IntN(len(free))], "").Want(r.t, http.StatusCreated)
		return "citizen " + c.ID + " books a free seat"
	case len(free) > 0:
		r.join(c).Problem(r.t, http.StatusConflict, "")
		return "citizen " + c.ID + " cannot join while a seat is free"
	case !wrong:
		r.join(c).Want(r.t, http.StatusCreated)
		return "citizen " + c.ID + " joins the full day's line"
	}
	r.book(c, s.slots[r.rng.IntN(len(s.slots))].ID, "").Problem(r.t, http.StatusConflict, "")
	return "citizen " + c.ID + " cannot book the full day"
}

// idle returns a citizen of the run who neither holds an appointment nor
// waits, or, one time in four or when there is none, a new one.
func (r *wlRun) idle(s wlState) *apitest.Citizen {
	busy := map[string]bool{}
	for _, a := range s.appointments {
		busy[a.AccountID] = busy[a.AccountID] || a.Status == "booked"
	}
	for _, en := range s.entries {
		busy[en.AccountID] = busy[en.AccountID] || en.Status == offers.Waiting || en.Status == offers.Offered
	}
	var idle []*apitest.Citizen
	for _, c := range r.citizens {
		if !busy[c.ID] {
			idle = append(idle, c)
		}
	}
	if len(idle) == 0 || r.rng.IntN(4) == 0 {
		c := r.app.NewCitizen()
		r.citizens = append(r.citizens, c)
		return c
	}
	return idle[r.rng.IntN(len(idle))]
}

// lapses moves the clock past o's expiry and sweeps, or leaves the sweep
// to a later step.
func (r *wlRun) lapses(o wlOffer) string {
	r.app.SetClock(o.ExpiresAt.Add(time.Duration(r.rng.IntN(120)) * time.Second))
	if r.rng.IntN(2) == 0 {
		return "let offer " + o.ID + " expire, unswept"
	}
	r.sweep()
	return "let offer " + o.ID + " expire and sweep"
}

func (r *wlRun) sweeps() string {
	r.sweep()
	return "sweep"
}

// acceptRacesSweep accepts o as it expires, a few milliseconds at most
// before the clock reaches its expiry and the sweep runs.
func (r *wlRun) acceptRacesSweep(o wlOffer) string {
	r.app.SetClock(o.ExpiresAt.Add(-time.Microsecond))
	c, delay := r.citizen(o.AccountID), time.Duration(r.rng.IntN(5000))*time.Microsecond
	var status int
	var err error
	var wg sync.WaitGroup
	wg.Go(func() { status = r.accept(c, o.ID).Status })
	wg.Go(func() {
		time.Sleep(delay)
		r.app.Clock.Advance(time.Microsecond)
		_, err = r.app.Server.Modules().Offers.Sweep(context.Background())
	})
	wg.Wait()
	if err != nil || status != http.StatusOK && status != http.StatusConflict {
		r.t.Fatalf("accept racing the sweep: %d, sweep: %v", status, err)
	}
	return fmt.Sprintf("accept offer %s racing the sweep at its expiry: %d", o.ID, status)
}
