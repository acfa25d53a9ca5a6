package parking_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/offers"
)

// The tests in this file drive the parking waitlist over HTTP: a zone at
// quota, a place freed by a cancellation, a revocation, a raised quota or
// a lapsed payment hold and offered to the first in line, and the offer
// accepted into an unpaid permit, declined or left to lapse.

const pkWaitlist = "/api/v1/parking/waitlist"

// wlZone is a one-place zone whose place the holder's active permit takes.
type wlZone struct {
	*pkEnv
	zone   string
	holder *apitest.Citizen
	held   parking.Permit
}

func newWlZone(t *testing.T) *wlZone {
	e := newPkEnv(t)
	z := &wlZone{pkEnv: e, zone: e.zone(1), holder: e.app.NewCitizen()}
	_, z.held = e.activePermit(z.holder, z.zone, 1)
	return z
}

// waiter is a citizen with a vehicle of their own.
type waiter struct {
	c              *apitest.Citizen
	vehicle, plate string
}

func (e *pkEnv) waiter() waiter {
	c := e.app.NewCitizen()
	v, plate := e.vehicle(c)
	return waiter{c, v, plate}
}

// join puts w's vehicle in the zone's line for a resident permit of
// months, a second after the one before.
func (z *wlZone) join(w waiter, months int) *apitest.Response {
	z.t.Helper()
	z.app.Clock.Advance(time.Second)
	return z.do(http.MethodPost, pkWaitlist, w.c.Token,
		map[string]any{"zone_id": z.zone, "permit_type": parking.TypeResident, "vehicle_id": w.vehicle, "months": months}, nil)
}

// entries reads c's places in line, newest first.
func (e *pkEnv) entries(c *apitest.Citizen) []offers.EntryView {
	e.t.Helper()
	var page struct {
		Items []offers.EntryView `json:"items"`
	}
	e.app.Get("/api/v1/me/waitlists", c.Token).Want(e.t, http.StatusOK).JSON(e.t, &page)
	return page.Items
}

// offer returns c's live offer, failing when there is none.
func (e *pkEnv) offer(c *apitest.Citizen) offers.OfferView {
	e.t.Helper()
	for _, en := range e.entries(c) {
		if en.Offer != nil && en.Offer.Status == offers.Offered {
			return *en.Offer
		}
	}
	e.t.Fatalf("no live offer for the citizen: %+v", e.entries(c))
	return offers.OfferView{}
}

// position is c's only entry's place in line, or 0 when it has none.
func (e *pkEnv) position(c *apitest.Citizen) int {
	e.t.Helper()
	en := e.entries(c)
	if len(en) != 1 {
		e.t.Fatalf("the citizen has %d entries, want 1", len(en))
	}
	if en[0].Position == nil {
		return 0
	}
	return *en[0].Position
}

func (e *pkEnv) accept(c *apitest.Citizen, id string) *apitest.Response {
	return e.app.Post("/api/v1/me/offers/"+id+"/accept", c.Token, nil)
}

func (e *pkEnv) sweep() {
	e.t.Helper()
	if _, err := e.app.Server.Modules().Offers.Sweep(context.Background()); err != nil {
		e.t.Fatalf("sweep: %v", err)
	}
}

// localToday is the server clock's local date, written YYYY-MM-DD.
func (e *pkEnv) localToday() string { return domain.LocalDate(e.app.Clock.Now()).Format(time.DateOnly) }

// placesHeld is the zone's active_permits: the places its permits and offers hold.
func (e *pkEnv) placesHeld(zoneID string) int {
	e.t.Helper()
	return e.listedZone(zoneID).ActivePermits
}

func TestWaitlistJoinsOnlyAZoneAtQuota(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(1)
	w, other := e.waiter(), e.waiter()
	body := func(zone, vehicle, permitType string, months int) map[string]any {
		b := map[string]any{"zone_id": zone, "vehicle_id": vehicle, "permit_type": permitType}
		if months != 0 {
			b["months"] = months
		}
		return b
	}
	join := func(c *apitest.Citizen, b map[string]any) *apitest.Response {
		e.app.Clock.Advance(time.Second)
		return e.do(http.MethodPost, pkWaitlist, c.Token, b, nil)
	}
	// A free place is for buying.
	join(w.c, body(zoneID, w.vehicle, parking.TypeResident, 1)).Problem(t, http.StatusConflict, "")

	holder := e.app.NewCitizen()
	_, held := e.activePermit(holder, zoneID, 1)
	unknown := uuid.NewString()
	tests := []struct {
		name   string
		body   map[string]any
		status int
		fields []string
	}{
		{"unknown zone", body(unknown, w.vehicle, parking.TypeResident, 1), 422, []string{"zone_id"}},
		{"another citizen's vehicle", body(zoneID, other.vehicle, parking.TypeResident, 1), 422, []string{"vehicle_id"}},
		{"a permit the zone does not sell", body(zoneID, w.vehicle, parking.TypeDisabled, 12), 422, []string{"permit_type"}},
		{"every field at fault", body(unknown, other.vehicle, parking.TypeResident, 1), 422, []string{"zone_id", "vehicle_id"}},
		{"months not sold at all", body(zoneID, w.vehicle, parking.TypeResident, 2), 422, []string{"months"}},
		{"a malformed zone ID", body("zone-7", w.vehicle, parking.TypeResident, 1), 400, []string{"zone_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := join(w.c, tt.body)
			r.Problem(t, tt.status, "")
			if got := problemFields(t, r); len(got) != len(tt.fields) {
				t.Errorf("errors name %v, want %v", got, tt.fields)
			}
			for _, f := range tt.fields {
				r.Problem(t, tt.status, f)
			}
		})
	}

	var en offers.EntryView
	join(w.c, body(zoneID, w.vehicle, parking.TypeResident, 0)).Want(t, http.StatusCreated).JSON(t, &en)
	if en.Status != offers.Waiting || en.Position == nil || *en.Position != 1 || en.Service != "parking" {
		t.Fatalf("joined as %+v, want a parking entry waiting at position 1", en)
	}
	if !strings.HasSuffix(en.Label, " parking zone, resident permit, 1 month") {
		t.Errorf("label %q", en.Label)
	}
	// The vehicle waits in the zone once, whatever the permit type.
	join(w.c, body(zoneID, w.vehicle, parking.TypeBusiness, 1)).Problem(t, http.StatusConflict, "")
	// A vehicle with a permit there for those days has nothing to wait for.
	join(holder, body(zoneID, held.VehicleID, parking.TypeResident, 1)).Problem(t, http.StatusConflict, "")

	join(other.c, body(zoneID, other.vehicle, parking.TypeResident, 3)).Want(t, http.StatusCreated).JSON(t, &en)
	if en.Position == nil || *en.Position != 2 || !strings.HasSuffix(en.Label, "resident permit, 3 months") {
		t.Errorf("second joined as %+v, want position 2 for 3 months", en)
	}
}

func TestWaitlistOfferFromACancellationBecomesAnUnpaidPermit(t *testing.T) {
	z := newWlZone(t)
	first, second, third := z.waiter(), z.waiter(), z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 1).Want(t, http.StatusCreated)

	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)
	o := z.offer(first.c)
	if until := o.ExpiresAt.Sub(z.app.Clock.Now()); until != 24*time.Hour {
		t.Errorf("the offer holds the place for %v, want 24h", until)
	}
	if got := z.position(second.c); got != 1 {
		t.Errorf("second's position once first has an offer = %d, want 1", got)
	}
	// The held place is nobody else's to buy.
	if n := z.placesHeld(z.zone); n != 1 {
		t.Errorf("active_permits = %d while the place is offered, want 1", n)
	}
	z.buy(third.c, third.vehicle, z.zone, parking.TypeResident, z.date(0), 1).Problem(t, http.StatusConflict, "")

	var got offers.OfferView
	z.accept(first.c, o.ID).Want(t, http.StatusOK).JSON(t, &got)
	if got.Status != offers.Accepted || got.ResultID == "" {
		t.Fatalf("accepted offer = %+v", got)
	}
	p := z.permit(first.c, got.ResultID)
	payBy := z.app.Clock.Now().Add(30 * time.Minute)
	if p.Status != parking.StatusPendingPayment || p.AmountPKR != 1000 || p.PayBy == nil || !p.PayBy.Equal(payBy) ||
		p.VehicleID != first.vehicle || p.ZoneID != z.zone || p.StartDate != z.date(0) || p.Months != 1 {
		t.Fatalf("permit from the offer = %+v, want pending_payment for 1000 PKR until %s, from today", p, payBy)
	}
	if n := z.placesHeld(z.zone); n != 1 {
		t.Errorf("active_permits = %d after the acceptance, want 1", n)
	}
	z.buy(third.c, third.vehicle, z.zone, parking.TypeResident, z.date(0), 1).Problem(t, http.StatusConflict, "")
	z.accept(first.c, o.ID).Problem(t, http.StatusConflict, "")
	z.accept(second.c, o.ID).Problem(t, http.StatusNotFound, "")
	if en := z.entries(first.c)[0]; en.Status != offers.Served {
		t.Errorf("first's entry after the acceptance: %+v, want served", en)
	}
	if p = z.mustPay(first.c, p.ID); p.Status != parking.StatusActive {
		t.Errorf("paid permit is %s, want active", p.Status)
	}
	if got := z.position(second.c); got != 1 {
		t.Errorf("second's position = %d, want 1 still", got)
	}
}

func TestWaitlistRevocationAndRaisedQuotaOfferPlaces(t *testing.T) {
	z := newWlZone(t)
	first, second := z.waiter(), z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 3).Want(t, http.StatusCreated)

	z.do(http.MethodPost, pkAdmin+"/permits/"+z.held.ID+"/revoke", z.admin.Token, map[string]string{"reason": "Residence not proved"}, nil).
		Want(t, http.StatusOK)
	z.offer(first.c)
	if got := z.position(second.c); got != 1 {
		t.Fatalf("second's position = %d, want 1 and no offer", got)
	}

	var zone parking.Zone
	z.do(http.MethodPatch, pkAdmin+"/zones/"+z.zone, z.admin.Token, map[string]any{"permit_quota": 2}, nil).
		Want(t, http.StatusOK).JSON(t, &zone)
	o := z.offer(second.c)
	if zone.ActivePermits != 2 {
		t.Errorf("active_permits = %d with two places offered, want 2", zone.ActivePermits)
	}
	var got offers.OfferView
	z.accept(second.c, o.ID).Want(t, http.StatusOK).JSON(t, &got)
	if p := z.permit(second.c, got.ResultID); p.Months != 3 || p.AmountPKR != 3000 || p.EndDate != "2027-06-09" {
		t.Errorf("permit from the offer = %+v, want 3 months for 3000 PKR to 2027-06-09", p)
	}
}

func TestWaitlistRejectionOffersThePlace(t *testing.T) {
	e := newPkEnv(t)
	z := &wlZone{pkEnv: e, zone: e.zone(1)}
	holder, first := e.waiter(), e.waiter()
	p := e.mustPay(holder.c, e.mustBuy(holder.c, holder.vehicle, z.zone, parking.TypeDisabled, e.date(0), 1).ID)
	if p.Status != parking.StatusPendingApproval {
		t.Fatalf("paid disabled permit is %s, want pending_approval", p.Status)
	}
	z.join(first, 1).Want(t, http.StatusCreated)
	e.do(http.MethodPost, pkAdmin+"/permits/"+p.ID+"/reject", e.admin.Token, map[string]string{"reason": "No certificate"}, nil).
		Want(t, http.StatusOK)
	e.offer(first.c)
}

func TestWaitlistDeclinePassesThePlaceOn(t *testing.T) {
	z := newWlZone(t)
	first, second, third := z.waiter(), z.waiter(), z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 1).Want(t, http.StatusCreated)
	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)

	o := z.offer(first.c)
	z.app.SetClock(z.app.Clock.Now().Add(time.Hour))
	z.app.Post("/api/v1/me/offers/"+o.ID+"/decline", first.c.Token, nil).Want(t, http.StatusOK)
	if en := z.entries(first.c)[0]; en.Status != offers.Left {
		t.Fatalf("first after declining: %+v, want left", en)
	}
	o = z.offer(second.c)
	if until := o.ExpiresAt.Sub(z.app.Clock.Now()); until != 24*time.Hour {
		t.Errorf("the declined place is held for second for %v, want 24h", until)
	}
	if n := z.placesHeld(z.zone); n != 1 {
		t.Fatalf("active_permits = %d while the place is offered to second, want 1", n)
	}
	// Leaving with a live offer declines it; nobody waits, so the place is
	// free to buy, and the zone list shows it at once.
	id := z.entries(second.c)[0].ID
	z.do(http.MethodDelete, "/api/v1/me/waitlists/"+id, second.c.Token, nil, nil).Want(t, http.StatusOK)
	z.accept(second.c, o.ID).Problem(t, http.StatusConflict, "")
	if n := z.placesHeld(z.zone); n != 0 {
		t.Fatalf("active_permits = %d once the line is empty, want 0", n)
	}
	z.buy(third.c, third.vehicle, z.zone, parking.TypeResident, z.date(0), 1).Want(t, http.StatusCreated)
}

func TestWaitlistOfferLapsesByTheClock(t *testing.T) {
	z := newWlZone(t)
	first, second, third := z.waiter(), z.waiter(), z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 1).Want(t, http.StatusCreated)
	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)
	o := z.offer(first.c)

	z.app.SetClock(o.ExpiresAt)
	if en := z.entries(first.c)[0]; en.Offer == nil || en.Offer.Status != offers.Lapsed {
		t.Fatalf("offer at expires_at reads %+v, want lapsed", en.Offer)
	}
	z.accept(first.c, o.ID).Problem(t, http.StatusConflict, "")

	z.sweep()
	next := z.offer(second.c)
	if next.ID == o.ID || !next.ExpiresAt.Equal(z.app.Clock.Now().Add(24*time.Hour)) {
		t.Fatalf("second's offer %+v: want a new one for 24 hours", next)
	}
	z.app.SetClock(next.ExpiresAt)
	z.sweep()
	if n := z.placesHeld(z.zone); n != 0 {
		t.Fatalf("active_permits = %d once every offer lapsed, want 0", n)
	}
	z.buy(third.c, third.vehicle, z.zone, parking.TypeResident, z.localToday(), 1).Want(t, http.StatusCreated)
}

func TestWaitlistPlaceBoughtOnceTheOfferExpiredIsNotOfferedAgain(t *testing.T) {
	z := newWlZone(t)
	first, second, buyer := z.waiter(), z.waiter(), z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 1).Want(t, http.StatusCreated)
	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)

	// Past expires_at the offer holds nothing, even before the sweep.
	z.app.SetClock(z.offer(first.c).ExpiresAt)
	z.buy(buyer.c, buyer.vehicle, z.zone, parking.TypeResident, z.localToday(), 1).Want(t, http.StatusCreated)
	z.sweep()
	if got := z.position(second.c); got != 1 {
		t.Errorf("second's position = %d, want 1 and no offer: the zone is full", got)
	}
	if n := z.placesHeld(z.zone); n != 1 {
		t.Errorf("active_permits = %d, want 1", n)
	}
}

func TestWaitlistOffersAPlaceOnlyForAllTheMonthsAskedFor(t *testing.T) {
	z := newWlZone(t)
	// The zone's place is sold for May, after the holder's permit ends.
	later := z.waiter()
	may := z.mustBuy(later.c, later.vehicle, z.zone, parking.TypeResident, "2027-05-01", 1)
	first := z.waiter()
	z.join(first, 3).Want(t, http.StatusCreated)

	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)
	if got := z.position(first.c); got != 1 {
		t.Fatalf("first's position = %d, want 1 and no offer: May is taken", got)
	}
	z.cancel(later.c, may.ID).Want(t, http.StatusOK)
	var got offers.OfferView
	z.accept(first.c, z.offer(first.c).ID).Want(t, http.StatusOK).JSON(t, &got)
	if p := z.permit(first.c, got.ResultID); p.StartDate != z.date(0) || p.EndDate != "2027-06-09" {
		t.Errorf("permit from the offer runs %s to %s, want %s to 2027-06-09", p.StartDate, p.EndDate, z.date(0))
	}
}

func TestWaitlistSweepOffersPlacesOfLapsedPaymentHolds(t *testing.T) {
	e := newPkEnv(t)
	z := &wlZone{pkEnv: e, zone: e.zone(1)}
	holder := e.waiter()
	e.mustBuy(holder.c, holder.vehicle, z.zone, parking.TypeResident, e.date(0), 1)
	first, second := e.waiter(), e.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 1).Want(t, http.StatusCreated)

	// The unpaid permit gives its place back unheard: the sweep finds it,
	// and the zone list shows the offer at once.
	e.app.SetClock(e.app.Clock.Now().Add(31 * time.Minute))
	if n := e.placesHeld(z.zone); n != 0 {
		t.Errorf("active_permits = %d once the hold ran out, before the sweep; want 0", n)
	}
	e.sweep()
	if n := e.placesHeld(z.zone); n != 1 {
		t.Errorf("active_permits = %d once the sweep offered the place, want 1", n)
	}
	var got offers.OfferView
	e.accept(first.c, e.offer(first.c).ID).Want(t, http.StatusOK).JSON(t, &got)

	// So does the permit the offer became, left unpaid.
	e.app.SetClock(e.app.Clock.Now().Add(31 * time.Minute))
	if p := e.permit(first.c, got.ResultID); p.Status != parking.StatusExpiredUnpaid {
		t.Fatalf("permit from the offer is %s after 31 minutes, want expired_unpaid", p.Status)
	}
	e.sweep()
	e.offer(second.c)
	if n := e.placesHeld(z.zone); n != 1 {
		t.Errorf("active_permits = %d, want 1 (the offer)", n)
	}
}

func TestWaitlistConcurrentAcceptsReserveOnePermit(t *testing.T) {
	z := newWlZone(t)
	first := z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)
	o := z.offer(first.c)

	const n = 10
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i] = z.accept(first.c, o.ID).Status })
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
	var permits int64
	z.app.DB.Table("parking_permits").Where("vehicle_id = ? AND zone_id = ?", first.vehicle, z.zone).Count(&permits)
	if ok != 1 || permits != 1 {
		t.Fatalf("%d acceptances made %d permits; want 1 and 1", ok, permits)
	}
}

func TestWaitlistOverdueChallanRefusesTheAcceptance(t *testing.T) {
	z := newWlZone(t)
	first := z.waiter()
	challan, number := z.challan(first)
	z.join(first, 1).Want(t, http.StatusCreated)

	z.app.SetClock(pkStart.Add(48 * time.Hour)) // the challan was due yesterday
	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)
	o := z.offer(first.c)
	p := z.accept(first.c, o.ID).Problem(t, http.StatusUnprocessableEntity, "vehicle_id")
	if !strings.Contains(fmt.Sprint(p.Errors), number) {
		t.Errorf("errors %+v do not name the challan", p.Errors)
	}
	if live := z.offer(first.c); live.ID != o.ID {
		t.Fatalf("live offer %s after the refusal, want %s still", live.ID, o.ID)
	}

	z.do(http.MethodPost, "/api/v1/traffic/challans/"+challan+"/payments", first.c.Token, map[string]string{"method": "sandbox"},
		map[string]string{"Idempotency-Key": uuid.NewString()}).Want(t, http.StatusOK)
	z.accept(first.c, o.ID).Want(t, http.StatusOK)
}

// challan has a traffic officer issue a challan due the next day on w's
// vehicle, in a sector of its own, and returns the challan's ID and
// number; the sector and its challans are deleted when the test ends.
func (e *pkEnv) challan(w waiter) (id, number string) {
	e.t.Helper()
	sector, code := uuid.NewString(), fmt.Sprintf("PK-%d", rand.IntN(1_000_000_000))
	if err := e.app.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		sector, code, "Parking test sector", "پارکنگ ٹیسٹ سیکٹر", e.app.Clock.Now()).Error; err != nil {
		e.t.Fatalf("insert sector: %v", err)
	}
	e.t.Cleanup(func() {
		for _, stmt := range []string{
			"DELETE FROM traffic_payments WHERE challan_id IN (SELECT id FROM traffic_challans WHERE sector_id = ?)",
			"DELETE FROM traffic_challan_events WHERE challan_id IN (SELECT id FROM traffic_challans WHERE sector_id = ?)",
			"DELETE FROM traffic_challans WHERE sector_id = ?",
			"DELETE FROM traffic_sectors WHERE id = ?",
		} {
			if err := e.app.DB.Exec(stmt, sector).Error; err != nil {
				e.t.Logf("cleanup: %s: %v", stmt, err)
			}
		}
	})
	offence := fmt.Sprintf("PK_%d", rand.IntN(1_000_000_000))
	e.app.Post("/api/v1/admin/traffic/offences", e.app.Admin(identity.RoleTrafficAdmin).Token, map[string]any{"code": offence,
		"title": "Signal violation", "title_ur": "اشارہ توڑنا", "fine_pkr": 500, "late_fine_pkr": 1000, "due_days": 1}).Want(e.t, http.StatusCreated)
	officer := e.app.NewStaff(identity.RoleTrafficOfficer, sector)
	ch := e.app.Post("/api/v1/admin/traffic/challans", officer.Token, map[string]any{"plate": w.plate, "offence_code": offence,
		"place": "Jinnah Avenue at the Blue Area signal", "sector": code, "occurred_at": e.app.Clock.Now().Format(time.RFC3339)}).
		Want(e.t, http.StatusCreated).Map(e.t)
	return ch["id"].(string), ch["number"].(string)
}

func TestWaitlistStaffSeeTheZoneLines(t *testing.T) {
	z := newWlZone(t)
	first, second := z.waiter(), z.waiter()
	z.join(first, 1).Want(t, http.StatusCreated)
	z.join(second, 1).Want(t, http.StatusCreated)
	lines := func() []offers.LineView {
		var l offers.LineList
		z.app.Get(pkAdmin+"/waitlists?zone_id="+z.zone, z.admin.Token).Want(t, http.StatusOK).JSON(t, &l)
		return l.Items
	}
	if l := lines(); len(l) != 1 || l[0].Waiting != 2 || l[0].UnitID != z.zone || l[0].Pool != "parking:"+z.zone || len(l[0].Offers) != 0 {
		t.Fatalf("lines = %+v, want the zone's with two waiting", l)
	}
	z.cancel(z.holder, z.held.ID).Want(t, http.StatusOK)
	if l := lines(); len(l) != 1 || l[0].Waiting != 1 || len(l[0].Offers) != 1 || l[0].Offers[0].Place != z.zone {
		t.Fatalf("lines = %+v, want one waiting and one live offer of the zone", l)
	}
	z.app.Get(pkAdmin+"/waitlists", first.c.Token).Problem(t, http.StatusForbidden, "")
	z.app.Get(pkAdmin+"/waitlists?zone_id=zone-7", z.admin.Token).Problem(t, http.StatusBadRequest, "zone_id")
}
