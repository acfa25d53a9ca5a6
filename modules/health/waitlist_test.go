package health_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

// The tests in this file drive the health waitlist over HTTP: a doctor's
// full day, a seat freed by a cancellation and offered to the first in
// line, and the offer accepted, declined, left to lapse or revoked.

const wlJoin = "/api/v1/health/waitlist"

// wlDay is a doctor with one one-seat slot tomorrow at 10:00, booked.
type wlDay struct {
	*bkEnv
	practitioner string
	slot         string
	holder       *apitest.Citizen
	booking      string
}

func newWlDay(t *testing.T) *wlDay {
	d, held := fullDay(newBkEnv(t), 1, 1)
	d.slot, d.holder, d.booking = held[0].slot, held[0].holder, held[0].booking
	return d
}

// wlSeat is a seat of a doctor's day and the appointment holding it.
type wlSeat struct {
	slot    string
	holder  *apitest.Citizen
	booking string
}

// fullDay gives e a doctor with n fifteen-minute slots tomorrow from 10:00
// of seats seats each, and books every seat for a citizen of its own; it
// returns the seats in order of slot.
func fullDay(e *bkEnv, n, seats int) (*wlDay, []wlSeat) {
	e.t.Helper()
	pr := e.practitioner(e.facility())
	first := e.local(1, "10:00")
	e.addSlots(pr, "10:00", first.Add(time.Duration(n)*15*time.Minute).Format("15:04"), 15, seats, 1, 1)
	slots := e.slotsOn(pr, 1)
	var held []wlSeat
	for i := range n {
		slot := slots[first.Add(time.Duration(i)*15*time.Minute).Format("15:04")].ID
		for range seats {
			holder := e.app.NewCitizen()
			held = append(held, wlSeat{slot: slot, holder: holder, booking: e.mustBook(holder, slot, "").ID})
		}
	}
	return &wlDay{bkEnv: e, practitioner: pr}, held
}

// join puts c in the day's line, a second after the one before.
func (d *wlDay) join(c *apitest.Citizen) *apitest.Response {
	d.app.Clock.Advance(time.Second)
	return d.app.Post(wlJoin, c.Token, map[string]string{"practitioner_id": d.practitioner, "date": d.date(1)})
}

// line puts n new citizens in the day's line, one after the other.
func (d *wlDay) line(n int) []*apitest.Citizen {
	d.t.Helper()
	out := make([]*apitest.Citizen, n)
	for i := range out {
		out[i] = d.app.NewCitizen()
		d.join(out[i]).Want(d.t, http.StatusCreated)
	}
	return out
}

// entries reads c's places in line.
func (d *wlDay) entries(c *apitest.Citizen) []offers.EntryView {
	d.t.Helper()
	var page struct {
		Items []offers.EntryView `json:"items"`
	}
	d.app.Get("/api/v1/me/waitlists", c.Token).Want(d.t, http.StatusOK).JSON(d.t, &page)
	return page.Items
}

// offer returns c's live offer, failing when there is none.
func (d *wlDay) offer(c *apitest.Citizen) offers.OfferView {
	d.t.Helper()
	for _, en := range d.entries(c) {
		if en.Offer != nil && en.Offer.Status == offers.Offered {
			return *en.Offer
		}
	}
	d.t.Fatalf("no live offer for the citizen: %+v", d.entries(c))
	return offers.OfferView{}
}

func (d *wlDay) accept(c *apitest.Citizen, id string) *apitest.Response {
	return d.app.Post("/api/v1/me/offers/"+id+"/accept", c.Token, nil)
}

func (d *wlDay) sweep() {
	d.t.Helper()
	if _, err := d.app.Server.Modules().Offers.Sweep(context.Background()); err != nil {
		d.t.Fatalf("sweep: %v", err)
	}
}

func TestWaitlistOfferIsAcceptedIntoABooking(t *testing.T) {
	d := newWlDay(t)
	first, second, other := d.app.NewCitizen(), d.app.NewCitizen(), d.app.NewCitizen()

	r := d.join(first).Want(t, http.StatusCreated)
	var en offers.EntryView
	r.JSON(t, &en)
	if en.Status != offers.Waiting || en.Position == nil || *en.Position != 1 {
		t.Fatalf("first joined as %+v, want waiting at position 1", en)
	}
	d.join(second).Want(t, http.StatusCreated)
	if got := d.entries(second)[0].Position; got == nil || *got != 2 {
		t.Fatalf("second's position = %v, want 2", position(got))
	}
	d.join(first).Problem(t, http.StatusConflict, "")

	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
	o := d.offer(first)
	if until := o.ExpiresAt.Sub(d.app.Clock.Now()); until != 30*time.Minute {
		t.Errorf("offer holds the seat for %v, want 30m", until)
	}
	if got := d.entries(second)[0].Position; got == nil || *got != 1 {
		t.Fatalf("second's position once first has an offer = %v, want 1", position(got))
	}
	// The held seat is nobody else's to book.
	d.book(other, d.slot, "").Problem(t, http.StatusConflict, "")
	if n := d.booked(d.slot); n != 1 {
		t.Fatalf("booked = %d while the seat is offered, want 1 (held)", n)
	}

	r = d.accept(first, o.ID).Want(t, http.StatusOK)
	var got offers.OfferView
	r.JSON(t, &got)
	if got.Status != offers.Accepted || got.ResultID == "" {
		t.Fatalf("accepted offer = %+v", got)
	}
	a := d.appointment(first, got.ResultID)
	if a.Slot.ID != d.slot || a.Status != "booked" {
		t.Fatalf("appointment from the offer = %+v", a)
	}
	if n, h := d.booked(d.slot), d.holders(d.slot); n != 1 || h != 1 {
		t.Fatalf("booked = %d, holders = %d after the acceptance, want 1 and 1", n, h)
	}
	d.accept(first, o.ID).Problem(t, http.StatusConflict, "")
	// Another citizen cannot see or accept it.
	d.accept(second, o.ID).Problem(t, http.StatusNotFound, "")
}

func TestWaitlistJoinNeedsAFullDay(t *testing.T) {
	e := newBkEnv(t)
	pr := e.practitioner(e.facility())
	e.addSlots(pr, "10:00", "10:15", 15, 1, 1, 1)
	c := e.app.NewCitizen()
	e.app.Post(wlJoin, c.Token, map[string]string{"practitioner_id": pr, "date": e.date(1)}).Problem(t, http.StatusConflict, "")
	e.app.Post(wlJoin, c.Token, map[string]string{"practitioner_id": pr, "date": e.date(3)}).Problem(t, http.StatusUnprocessableEntity, "date")
	e.app.Post(wlJoin, c.Token, map[string]string{"practitioner_id": pr, "date": "tomorrow"}).Problem(t, http.StatusBadRequest, "date")
	e.app.Post(wlJoin, c.Token, map[string]string{"practitioner_id": "4f5a1d0e-0000-4000-8000-000000000000", "date": e.date(1)}).
		Problem(t, http.StatusUnprocessableEntity, "practitioner_id")
}

func TestWaitlistDeclinePassesTheSeatOn(t *testing.T) {
	d := newWlDay(t)
	first, second := d.app.NewCitizen(), d.app.NewCitizen()
	d.join(first).Want(t, http.StatusCreated)
	d.join(second).Want(t, http.StatusCreated)
	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)

	d.app.Post("/api/v1/me/offers/"+d.offer(first).ID+"/decline", first.Token, nil).Want(t, http.StatusOK)
	if en := d.entries(first)[0]; en.Status != offers.Left {
		t.Fatalf("first after declining: %+v, want left", en)
	}
	o := d.offer(second)
	// Leaving the line with a live offer declines it; nobody waits, so the
	// seat goes back to the slot.
	id := d.entries(second)[0].ID
	r := d.app.Do(apitest.Request{Method: http.MethodDelete, Path: "/api/v1/me/waitlists/" + id, Token: second.Token}).Want(t, http.StatusOK)
	if en := r.Map(t); en["status"] != offers.Left {
		t.Fatalf("entry after leaving = %v", en)
	}
	d.accept(second, o.ID).Problem(t, http.StatusConflict, "")
	if n := d.booked(d.slot); n != 0 {
		t.Fatalf("booked = %d once the line is empty, want 0", n)
	}
}

func TestWaitlistOfferLapsesByTheClock(t *testing.T) {
	d := newWlDay(t)
	first, second := d.app.NewCitizen(), d.app.NewCitizen()
	d.join(first).Want(t, http.StatusCreated)
	d.join(second).Want(t, http.StatusCreated)
	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
	o := d.offer(first)

	d.app.SetClock(d.app.Clock.Now().Add(30 * time.Minute))
	// Lapsed before any sweep: read from the clock and refused.
	if en := d.entries(first)[0]; en.Offer == nil || en.Offer.Status != offers.Lapsed {
		t.Fatalf("offer past expires_at reads %+v, want lapsed", en.Offer)
	}
	d.accept(first, o.ID).Problem(t, http.StatusConflict, "")

	d.sweep()
	next := d.offer(second)
	if next.ID == o.ID {
		t.Fatal("the lapsed offer was not passed on")
	}
	d.app.SetClock(d.app.Clock.Now().Add(31 * time.Minute))
	d.sweep()
	if n := d.booked(d.slot); n != 0 {
		t.Fatalf("booked = %d once every offer lapsed, want 0", n)
	}
}

func TestWaitlistOfferNeverOutlivesItsSlot(t *testing.T) {
	d := newWlDay(t)
	first := d.app.NewCitizen()
	d.join(first).Want(t, http.StatusCreated)
	// Ten minutes before the slot (inside no cut-off: the facility cancels
	// nothing; the patient moves to another doctor's day).
	start := d.local(1, "10:00")
	d.app.SetClock(start.Add(-3 * time.Hour))
	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
	if o := d.offer(first); !o.ExpiresAt.Equal(d.app.Clock.Now().Add(30 * time.Minute)) {
		t.Fatalf("offer expires %v", o.ExpiresAt)
	}
}

func TestWaitlistNewSeatsGoToTheLineFirst(t *testing.T) {
	d := newWlDay(t)
	first, second := d.app.NewCitizen(), d.app.NewCitizen()
	d.join(first).Want(t, http.StatusCreated)
	d.join(second).Want(t, http.StatusCreated)
	// The desk opens one more seat that day, at 11:00.
	d.addSlots(d.practitioner, "11:00", "11:15", 15, 1, 1, 1)
	o := d.offer(first)
	if got := d.entries(second)[0].Position; got == nil || *got != 1 {
		t.Fatalf("second's position = %v, want 1 (still waiting)", position(got))
	}
	eleven := d.slotsOn(d.practitioner, 1)["11:00"]
	if n := d.booked(eleven.ID); n != 1 {
		t.Fatalf("the new slot's booked = %d while its seat is offered, want 1", n)
	}
	d.accept(first, o.ID).Want(t, http.StatusOK)
	if h := d.holders(eleven.ID); h != 1 {
		t.Fatalf("the new slot has %d holders after the acceptance, want 1", h)
	}
}

func TestWaitlistForADependant(t *testing.T) {
	d := newWlDay(t)
	parent := d.app.NewCitizen()
	child := d.dependant(parent)
	d.app.Clock.Advance(time.Second)
	body := map[string]string{"practitioner_id": d.practitioner, "date": d.date(1), "dependant_id": child}
	d.app.Post(wlJoin, parent.Token, body).Want(t, http.StatusCreated)
	// The child waits once; the parent may wait beside them.
	d.app.Post(wlJoin, parent.Token, body).Problem(t, http.StatusConflict, "")
	d.join(parent).Want(t, http.StatusCreated)
	// Another citizen cannot wait in the child's name.
	d.app.Post(wlJoin, d.app.NewCitizen().Token, body).Problem(t, http.StatusUnprocessableEntity, "dependant_id")

	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
	var got offers.OfferView
	d.accept(parent, d.offer(parent).ID).Want(t, http.StatusOK).JSON(t, &got)
	if a := d.appointment(parent, got.ResultID); a.Patient.ID != child || a.Patient.Kind != "dependant" {
		t.Fatalf("the accepted seat is for %+v, want the child", a.Patient)
	}
}

func TestWaitlistConcurrentAcceptsTakeTheSeatOnce(t *testing.T) {
	d := newWlDay(t)
	first := d.app.NewCitizen()
	d.join(first).Want(t, http.StatusCreated)
	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
	o := d.offer(first)

	const n = 12
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = d.accept(first, o.ID).Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
		default:
			t.Fatalf("statuses %v: want one 200 and the rest 409", statuses)
		}
	}
	if ok != 1 || d.holders(d.slot) != 1 || d.booked(d.slot) != 1 {
		t.Fatalf("%d acceptances, %d holders, booked %d; want 1, 1, 1", ok, d.holders(d.slot), d.booked(d.slot))
	}
}

func TestWaitlistAcceptRacingExpiryEndsOneWay(t *testing.T) {
	for range 5 {
		d := newWlDay(t)
		first := d.app.NewCitizen()
		d.join(first).Want(t, http.StatusCreated)
		d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
		o := d.offer(first)
		d.app.SetClock(o.ExpiresAt.Add(-time.Microsecond))
		var wg sync.WaitGroup
		var status int
		wg.Add(2)
		go func() { defer wg.Done(); status = d.accept(first, o.ID).Status }()
		go func() { defer wg.Done(); d.app.Clock.Advance(time.Microsecond); d.sweep() }()
		wg.Wait()
		holders, booked := d.holders(d.slot), d.booked(d.slot)
		switch {
		case status == http.StatusOK && holders == 1 && booked == 1:
		case status == http.StatusConflict && holders == 0 && booked == 0:
		default:
			t.Fatalf("accept %d racing the expiry left %d holders and booked %d", status, holders, booked)
		}
	}
}

func TestWaitlistFacilityCancellingTheSlotRevokesTheOffer(t *testing.T) {
	d := newWlDay(t)
	first := d.app.NewCitizen()
	d.join(first).Want(t, http.StatusCreated)
	d.cancel(d.holder, d.booking).Want(t, http.StatusOK)
	o := d.offer(first)
	d.app.Post(bkAdmin+"/slots/"+d.slot+"/cancel", d.admin.Token, map[string]string{"reason": "Doctor on leave"}).Want(t, http.StatusOK)
	d.accept(first, o.ID).Problem(t, http.StatusConflict, "")
	if en := d.entries(first)[0]; en.Status != offers.Waiting {
		t.Fatalf("entry after the slot's cancellation = %+v, want waiting again", en)
	}
}

func TestWaitlistStaffSeeTheirFacilityLines(t *testing.T) {
	d := newWlDay(t)
	d.join(d.app.NewCitizen()).Want(t, http.StatusCreated)
	var lines struct {
		Items []offers.LineView `json:"items"`
	}
	facility := d.appointment(d.holder, d.booking).Slot.FacilityID
	d.app.Get(bkAdmin+"/waitlists?facility_id="+facility, d.admin.Token).Want(t, http.StatusOK).JSON(t, &lines)
	if len(lines.Items) != 1 || lines.Items[0].Waiting != 1 {
		t.Fatalf("lines = %+v, want one line with one waiting", lines.Items)
	}
	desk := d.app.NewStaff("health_staff", d.facility())
	d.app.Get(bkAdmin+"/waitlists?facility_id="+facility, desk.Token).Problem(t, http.StatusForbidden, "")
}

// position writes a position for a failure message.
func position(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
