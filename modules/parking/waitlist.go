package parking

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// offerService is the parking module's name in the offer engine.
const offerService = "parking"

// WaitlistRequest joins the line for a zone at quota.
type WaitlistRequest struct {
	ZoneID     string `json:"zone_id" validate:"required,uuid" format:"uuid"`
	PermitType string `json:"permit_type" validate:"required,oneof=resident business disabled" enums:"resident,business,disabled"`
	VehicleID  string `json:"vehicle_id" validate:"required,uuid" format:"uuid"`
	// Months is how long the permit would run from the day the offer is
	// accepted; 1 when left out.
	Months int `json:"months,omitempty" validate:"omitempty,oneof=1 3 6 12" enums:"1,3,6,12" default:"1"`
} // @name ParkingWaitlistRequest

// zonePool names a zone's places, the pool its line waits for: a freed
// place goes to the zone's first in line, whatever permit they asked for.
func zonePool(zoneID string) string { return offerService + ":" + zoneID }

// waitLabel says what a line is for, as "Blue Area parking zone, resident
// permit, 1 month".
func waitLabel(zone, permitType string, months int) string {
	unit := "months"
	if months == 1 {
		unit = "month"
	}
	return fmt.Sprintf("%s parking zone, %s permit, %d %s", zone, permitType, months, unit)
}

// JoinWaitlist puts the caller's vehicle in the line for a zone that has
// no place for the permit asked for, starting today; a place that frees
// up is offered to the line's first, and accepting it reserves the permit
// unpaid. Errors: Invalid naming every field at fault (an unknown zone,
// another citizen's vehicle, a tariff the zone lacks); Conflict while the
// zone has a place (buy the permit), when the vehicle has a permit there
// for those days or waits there already.
func (s *Service) JoinWaitlist(ctx context.Context, p domain.Principal, in WaitlistRequest) (offers.EntryView, error) {
	months := cmp.Or(in.Months, 1)
	var view offers.EntryView
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		// The zone stays locked until the entry is in line, so a place
		// freed meanwhile is either seen here or offered to the entry.
		zone, vehicle, err := s.checkWaitlist(ctx, p, in.ZoneID, in.VehicleID, in.PermitType, months)
		if err != nil {
			return err
		}
		if free, err := s.hasPlace(ctx, zone, months); err != nil {
			return err
		} else if free {
			return i18n.Err(domain.Conflict, "error.waitlist.places_free", nil)
		}
		start, end := PermitDates(domain.LocalDate(s.clock.Now()), months)
		if err := s.checkOverlap(ctx, vehicle.ID, zone.ID, start, end); err != nil {
			return err
		}
		pool := zonePool(zone.ID)
		en, position, err := s.offers.Join(ctx, offers.Entry{Service: offerService, Pool: pool, Line: pool + ":" + in.PermitType,
			UnitID: zone.ID, AccountID: p.Subject, Subject: vehicle.ID, Label: waitLabel(zone.Name, in.PermitType, months),
			Details: map[string]string{"vehicle_id": vehicle.ID, "permit_type": in.PermitType, "months": strconv.Itoa(months)}})
		view = offers.EntryView{ID: en.ID, Service: offerService, Label: en.Label, Status: en.Status, Position: &position, JoinedAt: en.JoinedAt}
		return err
	})
	return view, err
}

// checkWaitlist locks the zone of a request to wait and names every field
// at fault. Errors: Invalid naming zone_id, permit_type or vehicle_id.
func (s *Service) checkWaitlist(ctx context.Context, p domain.Principal, zoneID, vehicleID, permitType string, months int) (zoneRow, Vehicle, error) {
	var errs domain.FieldErrors
	zone, err := s.store.LockZone(ctx, zoneID)
	if domain.IsKind(err, domain.NotFound) {
		errs.Add(domain.FieldInvalid("zone_id", "validation.zone.unknown", nil))
	} else if err != nil {
		return zoneRow{}, Vehicle{}, err
	} else {
		_, err := s.tariff(ctx, zoneID, permitType, months)
		errs.Add(err)
	}
	vehicle, err := s.vehicles.Owned(ctx, p.Subject, vehicleID)
	if domain.IsKind(err, domain.NotFound) {
		errs.Add(domain.FieldInvalid("vehicle_id", "validation.vehicle.not_yours", nil))
	} else {
		errs.Add(err)
	}
	return zone, vehicle, errs.Err()
}

// hasPlace says whether a zone the caller locked has a place for a permit
// of months starting today, counting live offers as createPermit does.
// An offer accepted after midnight makes a permit that starts, and ends, a
// day later than the days counted here; placePermit checks those again.
func (s *Service) hasPlace(ctx context.Context, zone zoneRow, months int) (bool, error) {
	now := s.clock.Now()
	start, end := PermitDates(domain.LocalDate(now), months)
	held, err := s.store.CountLive(ctx, zone.ID, start, end, now)
	return held < int64(zone.PermitQuota), err
}

// refill offers a zone's free places to its line, in the caller's
// transaction or one of its own, with the zone locked: while the first in
// line has a place for the permit they wait for (one that a permit bought
// now for their months would find), it is offered to them. It returns how
// many offers it made; a zone that is gone has none to make.
func (s *Service) refill(ctx context.Context, zoneID string) (int, error) {
	made := 0
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		zone, err := s.store.LockZone(ctx, zoneID)
		if domain.IsKind(err, domain.NotFound) {
			return nil
		} else if err != nil {
			return err
		}
		pool := zonePool(zoneID)
		for {
			first, found, err := s.offers.First(ctx, pool)
			if err != nil || !found {
				return err
			}
			if free, err := s.hasPlace(ctx, zone, entryMonths(first)); err != nil || !free {
				return err
			}
			handed, err := s.offers.Hand(ctx, offers.Place{Service: offerService, Pool: pool, UnitID: zoneID, Ref: zoneID})
			if err != nil || !handed {
				return err
			}
			made++
		}
	})
	return made, err
}

// entryMonths is how many months an entry waits for.
func entryMonths(en offers.Entry) int {
	months, err := strconv.Atoi(en.Details["months"])
	if err != nil {
		return 1
	}
	return months
}

// waitlist is the parking module as the offer engine sees it: a live
// offer holds one place of its zone, because the zone's quota counts live
// offers (CountLive), so it needs nothing stored when one is made or ends.
type waitlist struct{ s *Service }

// Offered needs nothing stored, as the live offer itself holds the place;
// the zone list's places held change.
func (w waitlist) Offered(ctx context.Context, _ offers.Offer) error {
	w.s.store.placesChanged(ctx)
	return nil
}

// Left needs nothing stored, as a waiting vehicle holds nothing; an offer
// it declined or let lapse no longer holds a place in the zone list.
func (w waitlist) Left(ctx context.Context, _ offers.Entry) error {
	w.s.store.placesChanged(ctx)
	return nil
}

// Release needs nothing: an offer no longer live no longer counts, and
// the engine asks Refill, not Release, when one ends unaccepted.
func (w waitlist) Release(context.Context, offers.Offer) error { return nil }

// Take reserves the offered place as an unpaid permit for the entry's
// vehicle, starting today for the entry's months at today's tariff, with
// the rules and the payment hold of buying one. The engine calls it once
// the offer no longer counts, so the place it held is free. Errors:
// Invalid naming vehicle_id for a vehicle no longer the citizen's or one
// with an overdue challan; Conflict as BuyPermit.
func (w waitlist) Take(ctx context.Context, o offers.Offer) (string, error) {
	s, accountID := w.s, o.Entry.AccountID
	vehicle, err := s.vehicles.Owned(ctx, accountID, o.Entry.Details["vehicle_id"])
	if domain.IsKind(err, domain.NotFound) {
		return "", domain.FieldInvalid("vehicle_id", "validation.vehicle.not_yours", nil)
	} else if err != nil {
		return "", err
	}
	row, err := s.placePermit(ctx, accountID, vehicle, o.Place.Ref, o.Entry.Details["permit_type"],
		domain.LocalDate(s.clock.Now()), entryMonths(o.Entry))
	return row.ID, err
}

// Refill offers the free places of a zone's pool to its line; the sweep
// calls it for places freed without an event (an unpaid permit's hold
// running out, a permit ending).
func (w waitlist) Refill(ctx context.Context, pool string) (int, error) {
	zoneID, ok := strings.CutPrefix(pool, offerService+":")
	if !ok {
		return 0, nil
	}
	return w.s.refill(ctx, zoneID)
}

// Waitlists lists the zones' lines for the parking authority, with how
// many wait and the live offers; zoneID, when set, keeps that zone's.
func (s *Service) Waitlists(ctx context.Context, zoneID string, pg page.Request) (page.Page[offers.LineView], error) {
	var units []string
	if zoneID != "" {
		units = []string{zoneID}
	}
	return s.offers.Lines(ctx, offerService, units, pg)
}
