package parking

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type permitRow struct {
	ID         string
	AccountID  string
	VehicleID  string
	ZoneID     string
	Plate      string
	PermitType string
	Months     int
	StartDate  time.Time
	EndDate    time.Time
	AmountPKR  int64 `gorm:"column:amount_pkr"`
	Status     string
	HoldUntil  time.Time
	Reason     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (permitRow) TableName() string { return "parking_permits" }

// permit presents a stored permit as read at now, with refunded, the sum
// of its refunds, when it was cancelled or rejected. It signs nothing and
// reads nothing: the verification token is the service's to add.
func (r permitRow) permit(now time.Time, refunded int64) Permit {
	out := Permit{ID: r.ID, VehicleID: r.VehicleID, ZoneID: r.ZoneID, Plate: r.Plate, PermitType: r.PermitType, Months: r.Months,
		StartDate: r.StartDate.UTC().Format(time.DateOnly), EndDate: r.EndDate.UTC().Format(time.DateOnly), AmountPKR: r.AmountPKR,
		Status: EffectiveStatus(r.Status, r.EndDate, r.HoldUntil, now), Reason: r.Reason, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		EndsSoon: endsSoon(r, now)}
	switch out.Status {
	case StatusPendingPayment:
		hold := r.HoldUntil.UTC()
		out.PayBy = &hold
	case StatusCancelled, StatusRejected:
		out.RefundPKR = refunded
	}
	return out
}

type paymentRow struct {
	ID          string
	PermitID    string
	AccountID   string
	Kind        string
	Provider    string
	ProviderRef string
	AmountPKR   int64 `gorm:"column:amount_pkr"`
	Status      string
	CreatedAt   time.Time
}

func (paymentRow) TableName() string { return "parking_payments" }

// liveCondition selects permits that hold a place at today and now: active
// or awaiting approval until their last day, unpaid within their hold.
const liveCondition = `((status IN ('active', 'pending_approval') AND end_date >= ?) OR (status = 'pending_payment' AND hold_until > ?))`

// liveOffer selects the waitlist offers of parking places that are still
// open: each holds one place of its zone (offers.place) until it is
// accepted, declined or expires, whatever days its permit would have.
const liveOffer = `service = 'parking' AND status = 'offered' AND expires_at > ?`

// placesHeld counts the live permits and live offers of each zone, one
// query each.
func (s *Store) placesHeld(ctx context.Context, zoneIDs []string, now time.Time) (map[string]int, error) {
	out := map[string]int{}
	if len(zoneIDs) == 0 {
		return out, nil
	}
	var permits, offered []struct {
		ZoneID string
		N      int
	}
	err := s.db.Conn(ctx).Model(&permitRow{}).Select("zone_id, COUNT(*) AS n").
		Where("zone_id IN ?", zoneIDs).Where(liveCondition, domain.LocalDate(now), now).
		Group("zone_id").Scan(&permits).Error
	if err != nil {
		return nil, db.Translate(err, "")
	}
	err = s.db.Conn(ctx).Table("offers").Select("place AS zone_id, COUNT(*) AS n").
		Where("place IN ?", zoneIDs).Where(liveOffer, now).Group("place").Scan(&offered).Error
	for _, r := range append(permits, offered...) {
		out[r.ZoneID] += r.N
	}
	return out, db.Translate(err, "")
}

// LockZone locks a zone's row for the rest of the transaction, so that
// permits for the zone are counted and inserted one transaction at a time.
// Errors: NotFound.
func (s *Store) LockZone(ctx context.Context, zoneID string) (zoneRow, error) {
	var z zoneRow
	err := s.db.ForUpdate(s.db.Conn(ctx).Where("id = ?", zoneID)).Take(&z).Error
	return z, db.Translate(err, "zone not found")
}

// CountLive counts a zone's live permits whose days meet [start, end] and
// its live offers: the places a new permit for those days competes with.
// An offer counts whatever the days: it lives a day or so, and the permit
// it may become starts on the day it is accepted.
func (s *Store) CountLive(ctx context.Context, zoneID string, start, end, now time.Time) (int64, error) {
	var permits, offered int64
	err := s.db.Conn(ctx).Model(&permitRow{}).Where("zone_id = ? AND start_date <= ? AND end_date >= ?", zoneID, end, start).
		Where(liveCondition, domain.LocalDate(now), now).Count(&permits).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	err = s.db.Conn(ctx).Table("offers").Where("place = ?", zoneID).Where(liveOffer, now).Count(&offered).Error
	return permits + offered, db.Translate(err, "")
}

// Overlaps reports whether a vehicle has a live permit in a zone whose days
// meet [start, end].
func (s *Store) Overlaps(ctx context.Context, vehicleID, zoneID string, start, end, now time.Time) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&permitRow{}).
		Where("vehicle_id = ? AND zone_id = ? AND start_date <= ? AND end_date >= ?", vehicleID, zoneID, end, start).
		Where(liveCondition, domain.LocalDate(now), now).Count(&n).Error
	return n > 0, db.Translate(err, "")
}

// HasLivePermit reports whether a vehicle has any live permit.
func (s *Store) HasLivePermit(ctx context.Context, vehicleID string, now time.Time) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&permitRow{}).Where("vehicle_id = ?", vehicleID).Where(liveCondition, domain.LocalDate(now), now).Count(&n).Error
	return n > 0, db.Translate(err, "")
}

// Tariff returns a zone's current price for a permit type and duration.
// Errors: NotFound.
func (s *Store) Tariff(ctx context.Context, zoneID, permitType string, months int) (int64, error) {
	var t tariffRow
	err := s.db.Conn(ctx).Where("zone_id = ? AND permit_type = ? AND months = ?", zoneID, permitType, months).Take(&t).Error
	return t.AmountPKR, db.Translate(err, "no tariff")
}

// CreatePermit inserts a permit.
func (s *Store) CreatePermit(ctx context.Context, r permitRow) error {
	s.placesChanged(ctx)
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}

// Permit returns any citizen's permit, for the parking authority. Errors:
// NotFound.
func (s *Store) Permit(ctx context.Context, id string) (permitRow, error) {
	var r permitRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "permit not found")
}

// OwnPermit returns one of accountID's permits. Errors: NotFound, also for
// another citizen's.
func (s *Store) OwnPermit(ctx context.Context, accountID, id string) (permitRow, error) {
	var r permitRow
	err := s.db.Conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&r).Error
	return r, db.Translate(err, "permit not found")
}

// MovePermit changes a permit that is still in status from and, when
// holdAfter is set, whose payment hold lasts beyond it; it reports whether
// it did.
func (s *Store) MovePermit(ctx context.Context, id, from string, holdAfter *time.Time, fields map[string]any) (bool, error) {
	q := s.db.Conn(ctx).Model(&permitRow{}).Where("id = ? AND status = ?", id, from)
	if holdAfter != nil {
		q = q.Where("hold_until > ?", *holdAfter)
	}
	s.placesChanged(ctx)
	res := q.Updates(fields)
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// ListPermits returns a page of every citizen's permits that f selects,
// read at now, newest first, for the parking authority.
func (s *Store) ListPermits(ctx context.Context, f PermitFilter, p page.Request, now time.Time) (page.Page[permitRow], error) {
	q := s.db.Conn(ctx).Model(&permitRow{})
	if f.ZoneID != "" {
		q = q.Where("zone_id = ?", f.ZoneID)
	}
	if f.Status != "" {
		q = whereStatus(q, f.Status, now)
	}
	return permitPage(q, p)
}

// ListOwnPermits returns a page of accountID's permits, newest first.
func (s *Store) ListOwnPermits(ctx context.Context, accountID string, p page.Request) (page.Page[permitRow], error) {
	return permitPage(s.db.Conn(ctx).Model(&permitRow{}).Where("account_id = ?", accountID), p)
}

// permitOrder reads permits newest first.
var permitOrder = page.Descending(page.Time("created_at"), page.ID("id"))

// permitPage reads a page of the permits q selects, newest first.
func permitPage(q *gorm.DB, p page.Request) (page.Page[permitRow], error) {
	q, err := permitOrder.Seek(q, p)
	if err != nil {
		return page.Page[permitRow]{}, err
	}
	var rows []permitRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[permitRow]{}, db.Translate(err, "")
	}
	return page.Build(permitOrder, rows, p, func(r permitRow) []any { return []any{r.CreatedAt, r.ID} }), nil
}

// whereStatus selects permits whose status, read at now, is status: the
// same reading as EffectiveStatus, in SQL.
func whereStatus(q *gorm.DB, status string, now time.Time) *gorm.DB {
	today := domain.LocalDate(now)
	switch status {
	case StatusActive, StatusPendingApproval:
		return q.Where("status = ? AND end_date >= ?", status, today)
	case StatusExpired:
		return q.Where("status IN ? AND end_date < ?", []string{StatusActive, StatusPendingApproval}, today)
	case StatusPendingPayment:
		return q.Where("status = ? AND hold_until > ?", status, now)
	case StatusExpiredUnpaid:
		return q.Where("status = ? AND hold_until <= ?", StatusPendingPayment, now)
	}
	return q.Where("status = ?", status)
}

// ValidPermit returns the active permit for a plate in a zone that covers
// today; found is false when there is none.
func (s *Store) ValidPermit(ctx context.Context, plate, zoneID string, today time.Time) (permitRow, bool, error) {
	var rows []permitRow
	err := s.db.Conn(ctx).Where("plate = ? AND zone_id = ? AND status = ? AND start_date <= ? AND end_date >= ?", plate, zoneID, StatusActive, today, today).
		Order("end_date DESC").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return permitRow{}, false, db.Translate(err, "")
	}
	return rows[0], true, nil
}

// WithdrawnPermits returns, in ID order, the IDs of permits cancelled,
// revoked or rejected after since whose last day is not before today. A
// withdrawn permit's updated_at is when it was withdrawn: nothing changes
// it afterwards.
func (s *Store) WithdrawnPermits(ctx context.Context, since, today time.Time) ([]string, error) {
	ids := []string{}
	err := s.db.Conn(ctx).Model(&permitRow{}).
		Where("status IN ? AND updated_at > ? AND end_date >= ?", []string{StatusCancelled, StatusRevoked, StatusRejected}, since, today).
		Order("id").Pluck("id", &ids).Error
	return ids, db.Translate(err, "")
}

// AddPayment records a charge or a refund. Errors: Conflict when the permit
// was charged already.
func (s *Store) AddPayment(ctx context.Context, r paymentRow) error {
	err := s.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) {
		return domain.Errorf(domain.Conflict, "the permit is paid already")
	}
	return db.Translate(err, "")
}

// Charge returns a permit's successful charge. Errors: NotFound.
func (s *Store) Charge(ctx context.Context, permitID string) (paymentRow, error) {
	var r paymentRow
	err := s.db.Conn(ctx).Where("permit_id = ? AND kind = 'charge' AND status = 'succeeded'", permitID).Take(&r).Error
	return r, db.Translate(err, "payment not found")
}

// Refunds sums the refunds of each of the permits, in one query. A permit
// never refunded is left out.
func (s *Store) Refunds(ctx context.Context, permitIDs []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(permitIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PermitID string
		Total    int64
	}
	err := s.db.Conn(ctx).Model(&paymentRow{}).Select("permit_id, SUM(amount_pkr) AS total").
		Where("permit_id IN ? AND kind = 'refund'", permitIDs).Group("permit_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.PermitID] = r.Total
	}
	return out, db.Translate(err, "")
}

// LivePermits returns accountID's paid permits (active or awaiting
// approval) that have not ended.
func (s *Store) LivePermits(ctx context.Context, accountID string, now time.Time, limit int) ([]permitRow, error) {
	var rows []permitRow
	err := s.db.Conn(ctx).Where("account_id = ? AND status IN ? AND end_date >= ?", accountID, []string{StatusActive, StatusPendingApproval}, domain.LocalDate(now)).
		Order("end_date, id").Limit(limit).Find(&rows).Error
	return rows, db.Translate(err, "")
}
