package parking

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// VehicleInput registers a vehicle.
type VehicleInput struct {
	Plate  string `json:"plate" validate:"required,max=20" example:"ICT-ABC-123"`
	Make   string `json:"make,omitempty" validate:"max=50" example:"Suzuki"`
	Model  string `json:"model,omitempty" validate:"max=50" example:"Alto"`
	Colour string `json:"colour,omitempty" validate:"max=30" example:"white"`
} // @name VehicleInput

// Check normalises the plate in place.
func (in *VehicleInput) Check() (err error) {
	in.Plate, err = domain.NormalizePlate("plate", in.Plate)
	return err
}

// PermitRequest buys a permit.
type PermitRequest struct {
	VehicleID  string `json:"vehicle_id" validate:"required,uuid" format:"uuid"`
	ZoneID     string `json:"zone_id" validate:"required,uuid" format:"uuid"`
	PermitType string `json:"permit_type" validate:"required,oneof=resident business disabled" enums:"resident,business,disabled"`
	StartDate  string `json:"start_date" validate:"required" format:"date" example:"2027-01-01"`
	Months     int    `json:"months" validate:"oneof=1 3 6 12" enums:"1,3,6,12"`
} // @name PermitRequest

// Check names a start date that is not one; whether it is soon enough is
// the service's to say, as it needs the clock.
func (in PermitRequest) Check() error {
	_, err := domain.ParseDate("start_date", in.StartDate)
	return err
}

// PaymentRequest pays a permit through a payment provider.
type PaymentRequest struct {
	// Method names the provider; "sandbox" is the default one.
	Method string `json:"method" validate:"required,max=30" example:"sandbox"`
	// PaymentToken is the token the app got from the provider. The sandbox
	// declines "tok_decline" and approves anything else.
	PaymentToken string `json:"payment_token,omitempty" validate:"max=200" example:"tok_visa"`
} // @name PaymentRequest

// RenewRequest renews a permit for more months.
type RenewRequest struct {
	Months int `json:"months" validate:"oneof=1 3 6 12" enums:"1,3,6,12"`
} // @name RenewRequest

// maxStartAhead is how far ahead a permit may start.
const maxStartAhead = 90 * 24 * time.Hour

// AddVehicle registers a vehicle to the caller. Errors: Invalid plate;
// Conflict when the plate is registered to anyone.
func (s *Service) AddVehicle(ctx context.Context, p domain.Principal, in VehicleInput) (Vehicle, error) {
	if err := in.Check(); err != nil {
		return Vehicle{}, err
	}
	return s.vehicles.Register(ctx, p.Subject, Vehicle{Plate: in.Plate, Make: in.Make, Model: in.Model, Colour: in.Colour})
}

// Vehicles lists the caller's vehicles.
func (s *Service) Vehicles(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Vehicle], error) {
	return s.vehicles.List(ctx, p.Subject, pg)
}

// DeleteVehicle removes one of the caller's vehicles. Errors: NotFound;
// Conflict while it has a live permit.
func (s *Service) DeleteVehicle(ctx context.Context, p domain.Principal, id string) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.vehicles.Owned(ctx, p.Subject, id); err != nil {
			return err
		}
		live, err := s.store.HasLivePermit(ctx, id, s.clock.Now())
		if err != nil {
			return err
		}
		if live {
			return domain.Errorf(domain.Conflict, "the vehicle has a live permit; cancel it first")
		}
		return s.vehicles.Remove(ctx, p.Subject, id)
	})
}

// BuyPermit prices a permit from the zone's current tariff and holds its
// place in the quota, unpaid, for 30 minutes. The quota holds on every day:
// the zone's row is locked while the live permits meeting the new one's
// days are counted and the new one inserted, so concurrent requests never
// exceed it or overlap a vehicle's permits, and a renewal for the days
// after a permit competes only with permits for those days. Errors:
// Invalid for another citizen's vehicle, an unknown zone or tariff, or a
// start in the past; Conflict when the zone is full or the vehicle has an
// overlapping permit there.
func (s *Service) BuyPermit(ctx context.Context, p domain.Principal, in PermitRequest) (Permit, error) {
	start, err := domain.ParseDate("start_date", in.StartDate)
	if err != nil {
		return Permit{}, err
	}
	vehicle, err := s.vehicles.Owned(ctx, p.Subject, in.VehicleID)
	if domain.IsKind(err, domain.NotFound) {
		return Permit{}, domain.FieldInvalid("vehicle_id", "validation.vehicle.not_yours", nil)
	} else if err != nil {
		return Permit{}, err
	}
	today := domain.LocalDate(s.clock.Now())
	if start.Before(today) || start.After(today.Add(maxStartAhead)) {
		return Permit{}, domain.FieldInvalid("start_date", "validation.start_date.window", map[string]string{"n": "90"})
	}
	return s.createPermit(ctx, p.Subject, vehicle, in.ZoneID, in.PermitType, start, in.Months)
}

// checkRenewalStart holds a renewal to a new permit's limit: a renewal of
// a renewal would otherwise sell (and refund in full) years ahead. Errors:
// Invalid naming start_date, with the first day it may be renewed.
func checkRenewalStart(start, now time.Time) error {
	if from := start.Add(-maxStartAhead); domain.LocalDate(now).Before(from) {
		return domain.FieldInvalid("start_date", "validation.renewal.window", map[string]string{
			"n": "90", "date": start.Format(time.DateOnly), "from": from.Format(time.DateOnly)})
	}
	return nil
}

// createPermit buys a permit as BuyPermit and Renew do, in a transaction
// of its own, and presents it.
func (s *Service) createPermit(ctx context.Context, accountID string, vehicle Vehicle, zoneID, permitType string, start time.Time, months int) (Permit, error) {
	var row permitRow
	err := s.db.WithinTx(ctx, func(ctx context.Context) (err error) {
		row, err = s.placePermit(ctx, accountID, vehicle, zoneID, permitType, start, months)
		return err
	})
	if err != nil {
		return Permit{}, err
	}
	return s.presentOne(ctx, row)
}

// placePermit inserts an unpaid permit in the caller's transaction, with
// the rules of buying one, and holds its place for paymentHold. Errors:
// Invalid naming vehicle_id for an overdue challan, zone_id for an unknown
// zone or permit_type for a tariff the zone lacks; Conflict when the
// zone is full or the vehicle has an overlapping permit there.
func (s *Service) placePermit(ctx context.Context, accountID string, vehicle Vehicle, zoneID, permitType string, start time.Time, months int) (permitRow, error) {
	// A challan paid a moment ago lifts the bar at once: this asks the
	// database, never a copy.
	if overdue, err := s.fines.OverdueChallan(ctx, accountID, vehicle.Plate); err != nil {
		return permitRow{}, err
	} else if overdue != "" {
		return permitRow{}, domain.FieldInvalid("vehicle_id", "validation.vehicle.overdue_challan", map[string]string{"number": overdue})
	}
	now := s.clock.Now()
	_, end := PermitDates(start, months)
	row := permitRow{ID: uuid.NewString(), AccountID: accountID, VehicleID: vehicle.ID, ZoneID: zoneID, Plate: vehicle.Plate,
		PermitType: permitType, Months: months, StartDate: start, EndDate: end, Status: StatusPendingPayment,
		HoldUntil: now.Add(paymentHold), CreatedAt: now, UpdatedAt: now}
	zone, err := s.store.LockZone(ctx, zoneID)
	if domain.IsKind(err, domain.NotFound) {
		return permitRow{}, domain.FieldInvalid("zone_id", "validation.zone.unknown", nil)
	} else if err != nil {
		return permitRow{}, err
	}
	if row.AmountPKR, err = s.tariff(ctx, zoneID, permitType, months); err != nil {
		return permitRow{}, err
	}
	held, err := s.store.CountLive(ctx, zoneID, start, end, now)
	if err != nil {
		return permitRow{}, err
	}
	if held >= int64(zone.PermitQuota) {
		return permitRow{}, i18n.Err(domain.Conflict, "error.quota_full", nil)
	}
	if err := s.checkOverlap(ctx, vehicle.ID, zoneID, start, end); err != nil {
		return permitRow{}, err
	}
	return row, s.store.CreatePermit(ctx, row)
}

// tariff returns a zone's price of a permit. Errors: Invalid naming
// permit_type when the zone sells no such permit.
func (s *Service) tariff(ctx context.Context, zoneID, permitType string, months int) (int64, error) {
	amount, err := s.store.Tariff(ctx, zoneID, permitType, months)
	if domain.IsKind(err, domain.NotFound) {
		return 0, domain.FieldInvalid("permit_type", "validation.tariff.none", map[string]string{"type": permitType, "months": strconv.Itoa(months)})
	}
	return amount, err
}

// checkOverlap refuses a permit whose days meet a live permit of the same
// vehicle in the zone. Errors: Conflict.
func (s *Service) checkOverlap(ctx context.Context, vehicleID, zoneID string, start, end time.Time) error {
	overlap, err := s.store.Overlaps(ctx, vehicleID, zoneID, start, end, s.clock.Now())
	if err != nil {
		return err
	}
	if overlap {
		return domain.Errorf(domain.Conflict, "this vehicle already has a permit in this zone for some of these days")
	}
	return nil
}

// present presents stored permits as of now: their refunds are read in
// one query first, and each active permit gets its verification token.
func (s *Service) present(ctx context.Context, rows []permitRow) ([]Permit, error) {
	var closed []string
	for _, r := range rows {
		if r.Status == StatusCancelled || r.Status == StatusRejected {
			closed = append(closed, r.ID)
		}
	}
	refunds, err := s.store.Refunds(ctx, closed)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]Permit, len(rows))
	for i, r := range rows {
		out[i] = r.permit(now, refunds[r.ID])
		if out[i].Status == StatusActive {
			if out[i].VerificationToken, err = s.verificationToken(r, now); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// presentOne presents one stored permit as present does.
func (s *Service) presentOne(ctx context.Context, r permitRow) (Permit, error) {
	out, err := s.present(ctx, []permitRow{r})
	if err != nil {
		return Permit{}, err
	}
	return out[0], nil
}

// Permits lists the caller's permits, newest first.
func (s *Service) Permits(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Permit], error) {
	rows, err := s.store.ListOwnPermits(ctx, p.Subject, pg)
	if err != nil {
		return page.Page[Permit]{}, err
	}
	return s.permitPage(ctx, rows)
}

// permitPage presents a page of stored permits. The list carries the
// verification tokens of its active permits, as the app shows them.
func (s *Service) permitPage(ctx context.Context, rows page.Page[permitRow]) (page.Page[Permit], error) {
	items, err := s.present(ctx, rows.Items)
	if err != nil {
		return page.Page[Permit]{}, err
	}
	return page.Page[Permit]{Items: items, NextCursor: rows.NextCursor}, nil
}

// Permit returns one of the caller's permits. Errors: NotFound, also for
// anyone else's.
func (s *Service) Permit(ctx context.Context, p domain.Principal, id string) (Permit, error) {
	r, err := s.store.OwnPermit(ctx, p.Subject, id)
	if err != nil {
		return Permit{}, err
	}
	return s.presentOne(ctx, r)
}

// Pay charges an unpaid permit through the chosen provider. The permit
// becomes active, or pending_approval for a disabled permit. The permit's
// row is moved out of pending_payment before the provider is called, in
// the same transaction, so two concurrent payments never both charge.
// Errors: NotFound; Invalid for an unknown method or a declined charge;
// Conflict when the permit is paid already or its hold has run out.
func (s *Service) Pay(ctx context.Context, p domain.Principal, id string, in PaymentRequest) (Permit, error) {
	provider, ok := s.providers[in.Method]
	if !ok {
		return Permit{}, domain.FieldInvalid("method", "validation.payment.method", nil)
	}
	row, err := s.store.OwnPermit(ctx, p.Subject, id)
	if err != nil {
		return Permit{}, err
	}
	now := s.clock.Now()
	next := StatusActive
	if row.PermitType == TypeDisabled {
		next = StatusPendingApproval
	}
	var declined bool
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		moved, err := s.store.MovePermit(ctx, id, StatusPendingPayment, &now, map[string]any{"status": next, "updated_at": now})
		if err != nil {
			return err
		}
		if !moved {
			return domain.Errorf(domain.Conflict, "the permit is %s and cannot be paid", EffectiveStatus(row.Status, row.EndDate, row.HoldUntil, now))
		}
		ref, approved, err := provider.Charge(ctx, row.ID, row.AmountPKR, in.PaymentToken)
		if err != nil {
			return domain.Wrap(domain.Unavailable, err, "the payment provider is not answering; try again")
		}
		if !approved {
			declined = true
			return domain.FieldInvalid("payment_token", "validation.payment.declined", nil)
		}
		if err := s.store.AddPayment(ctx, paymentRow{ID: uuid.NewString(), PermitID: id, AccountID: p.Subject, Kind: "charge",
			Provider: in.Method, ProviderRef: ref, AmountPKR: row.AmountPKR, Status: "succeeded", CreatedAt: now}); err != nil {
			return err
		}
		if next == StatusActive {
			return s.notice(ctx, row, "permit.activated", "")
		}
		return nil
	})
	if declined {
		// The declined attempt is kept on record; the permit stays unpaid.
		_ = s.store.AddPayment(context.WithoutCancel(ctx), paymentRow{ID: uuid.NewString(), PermitID: id, AccountID: p.Subject, Kind: "charge",
			Provider: in.Method, AmountPKR: row.AmountPKR, Status: "declined", CreatedAt: now})
	}
	if err != nil {
		return Permit{}, err
	}
	return s.Permit(ctx, p, id)
}

// notice tells a permit's holder about it, and the permit's integrators
// when it became active or was revoked.
func (s *Service) notice(ctx context.Context, r permitRow, kind, reason string) error {
	if event := map[string]string{"permit.activated": "permit.activated", "permit.approved": "permit.activated", "permit.revoked": "permit.revoked"}[kind]; event != "" {
		err := s.events.Publish(ctx, webhook.New(event, r.ZoneID, webhook.PermitEventData{
			PermitID: r.ID, Plate: r.Plate, ZoneID: r.ZoneID, PermitType: r.PermitType,
			ValidFrom: r.StartDate.UTC().Format(time.DateOnly), ValidTo: r.EndDate.UTC().Format(time.DateOnly),
		}, s.clock.Now()))
		if err != nil {
			return err
		}
	}
	return s.inbox.Add(ctx, notify.Notice{AccountID: r.AccountID, Kind: kind, Params: map[string]string{
		"type": r.PermitType, "plate": r.Plate, "start": r.StartDate.Format("2 Jan 2006"), "end": r.EndDate.Format("2 Jan 2006"),
		"reason": reason, "permit_id": r.ID,
	}})
}

// Cancel cancels one of the caller's permits. An unpaid one is simply
// cancelled; a paid one is refunded its whole remaining months. The place
// it frees is offered to the zone's line at once. Errors: NotFound;
// Conflict when it is no longer live.
func (s *Service) Cancel(ctx context.Context, p domain.Principal, id string) (Permit, error) {
	row, err := s.store.OwnPermit(ctx, p.Subject, id)
	if err != nil {
		return Permit{}, err
	}
	now := s.clock.Now()
	status := EffectiveStatus(row.Status, row.EndDate, row.HoldUntil, now)
	if status != StatusPendingPayment && status != StatusActive && status != StatusPendingApproval {
		return Permit{}, domain.Errorf(domain.Conflict, "the permit is %s and cannot be cancelled", status)
	}
	refund := int64(0)
	if status != StatusPendingPayment {
		from := domain.LocalDate(now)
		if row.StartDate.After(from) {
			from = row.StartDate
		}
		refund = Refund(row.AmountPKR, row.Months, RemainingMonths(from, row.EndDate))
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.close(ctx, row, StatusCancelled, "", refund); err != nil {
			return err
		}
		// In the same transaction: the freed place goes to the line before
		// anyone can buy it.
		_, err := s.refill(ctx, row.ZoneID)
		return err
	})
	if err != nil {
		return Permit{}, err
	}
	return s.Permit(ctx, p, id)
}

// close moves a live permit to a final status in the caller's transaction
// and refunds amount of its charge, if any.
func (s *Service) close(ctx context.Context, row permitRow, to, reason string, refund int64) error {
	now := s.clock.Now()
	moved, err := s.store.MovePermit(ctx, row.ID, row.Status, nil, map[string]any{"status": to, "reason": reason, "updated_at": now})
	if err != nil {
		return err
	}
	if !moved {
		return domain.Errorf(domain.Conflict, "the permit changed meanwhile; reload it")
	}
	if refund <= 0 {
		return nil
	}
	charge, err := s.store.Charge(ctx, row.ID)
	if err != nil {
		return err
	}
	provider, ok := s.providers[charge.Provider]
	if !ok {
		return domain.Errorf(domain.Internal, "payment provider %q is not configured", charge.Provider)
	}
	ref, err := provider.Refund(ctx, charge.ProviderRef, refund)
	if err != nil {
		return domain.Wrap(domain.Unavailable, err, "the payment provider is not answering; try again")
	}
	return s.store.AddPayment(ctx, paymentRow{ID: uuid.NewString(), PermitID: row.ID, AccountID: row.AccountID, Kind: "refund",
		Provider: charge.Provider, ProviderRef: ref, AmountPKR: refund, Status: "succeeded", CreatedAt: now})
}

// Renew buys a permit for the same vehicle, zone and type that starts the
// day after this one ends, priced at today's tariff and unpaid; like a new
// permit, it may start at most 90 days ahead. Errors: NotFound; Conflict
// when the permit is not active or awaiting approval; Invalid naming
// start_date when it ends more than 90 days ahead; or as BuyPermit.
func (s *Service) Renew(ctx context.Context, p domain.Principal, id string, in RenewRequest) (Permit, error) {
	row, err := s.store.OwnPermit(ctx, p.Subject, id)
	if err != nil {
		return Permit{}, err
	}
	now := s.clock.Now()
	status := EffectiveStatus(row.Status, row.EndDate, row.HoldUntil, now)
	if status != StatusActive && status != StatusPendingApproval {
		return Permit{}, domain.Errorf(domain.Conflict, "only an active permit can be renewed; this one is %s", status)
	}
	start := row.EndDate.AddDate(0, 0, 1)
	if err := checkRenewalStart(start, now); err != nil {
		return Permit{}, err
	}
	vehicle, err := s.vehicles.Owned(ctx, p.Subject, row.VehicleID)
	if err != nil {
		return Permit{}, err
	}
	return s.createPermit(ctx, p.Subject, vehicle, row.ZoneID, row.PermitType, start, in.Months)
}

// Live returns a citizen's paid permits that have not ended (active or
// awaiting approval), ending soonest first, with at most limit rows.
// Verification tokens are left out, and live permits have no refunds.
func (s *Service) Live(ctx context.Context, accountID string, limit int) ([]Permit, error) {
	now := s.clock.Now()
	rows, err := s.store.LivePermits(ctx, accountID, now, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Permit, len(rows))
	for i, r := range rows {
		out[i] = r.permit(now, 0)
	}
	return out, nil
}

// endsSoon says whether a live permit is in its last reminderLead days.
func endsSoon(r permitRow, now time.Time) bool {
	status := EffectiveStatus(r.Status, r.EndDate, r.HoldUntil, now)
	return (status == StatusActive || status == StatusPendingApproval) && !r.EndDate.After(domain.LocalDate(now).AddDate(0, 0, reminderLead))
}
