package health

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type appointmentRow struct {
	ID             string
	SlotID         string
	PractitionerID string
	FacilityID     string
	AccountID      string
	PatientID      string
	PersonID       string
	PatientKind    string
	PatientName    string
	LocalDate      time.Time
	StartsAt       time.Time
	QueueNumber    int
	Status         string
	Reason         string
	CancelReason   string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (appointmentRow) TableName() string { return "health_appointments" }

func (r appointmentRow) appointment(slot Slot) Appointment {
	return Appointment{
		ID: r.ID, Status: r.Status, QueueNumber: r.QueueNumber, Slot: slot,
		Patient: Patient{Kind: r.PatientKind, ID: r.PatientID, FullName: r.PatientName},
		Reason:  r.Reason, CancelReason: r.CancelReason, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// errOneADay is the answer when a patient already has an active appointment
// with the practitioner that day; the partial unique index decides.
var errOneADay = i18n.Err(domain.Conflict, "error.one_a_day", nil)

// TakeSeat takes one seat in an open slot that has not started, in the
// caller's transaction, and returns the slot with its new queue number. The
// conditional update makes the database the judge, so concurrent bookings
// never exceed capacity. Errors: Invalid naming field for a missing slot or
// one that has started; Conflict for a full or cancelled slot.
func (s *Store) TakeSeat(ctx context.Context, field, slotID string, now time.Time) (slotRow, error) {
	conn := s.db.Conn(ctx)
	var slot slotRow
	// RETURNING hands back the updated slot in the same round trip.
	res := conn.Model(&slot).Clauses(clause.Returning{Columns: slotNames}).
		Where("id = ? AND status = 'open' AND booked < capacity AND starts_at > ?", slotID, now).
		Updates(map[string]any{"booked": gorm.Expr("booked + 1"), "next_queue": gorm.Expr("next_queue + 1")})
	if res.Error != nil {
		return slotRow{}, db.Translate(res.Error, "")
	}
	if res.RowsAffected == 1 {
		return slot, nil
	}
	return slotRow{}, s.noSeat(ctx, field, slotID, now)
}

// NextQueue hands out a slot's next queue number without taking a seat,
// for a seat held already (offered from the waitlist), and returns the
// slot. Errors: NotFound.
func (s *Store) NextQueue(ctx context.Context, slotID string) (slotRow, error) {
	var slot slotRow
	res := s.db.Conn(ctx).Model(&slot).Clauses(clause.Returning{Columns: slotNames}).Where("id = ?", slotID).
		Update("next_queue", gorm.Expr("next_queue + 1"))
	if res.Error == nil && res.RowsAffected == 0 {
		return slotRow{}, domain.Errorf(domain.NotFound, "slot not found")
	}
	return slot, db.Translate(res.Error, "")
}

// noSeat says why no seat could be taken in a slot.
func (s *Store) noSeat(ctx context.Context, field, slotID string, now time.Time) error {
	var slot slotRow
	err := s.db.Conn(ctx).Where("id = ?", slotID).Take(&slot).Error
	switch {
	case domain.IsKind(db.Translate(err, ""), domain.NotFound):
		return domain.FieldInvalid(field, "validation.slot.unknown", nil)
	case err != nil:
		return db.Translate(err, "")
	case slot.Status != "open":
		return domain.Errorf(domain.Conflict, "the facility cancelled this slot")
	case !slot.StartsAt.After(now):
		return domain.FieldInvalid(field, "validation.slot.started", nil)
	}
	return i18n.Err(domain.Conflict, "error.slot_full", nil)
}

// Book takes a seat in row's slot for row's account, counts it against the
// account's bookings of the doctor that day (at most max) and inserts the
// appointment, filling in row's slot fields and queue number. PostgreSQL
// does the three in one statement, a chain of data-modifying CTEs, because a
// booking's cost is its round trips; SQLite runs them one by one. Either
// way the caller's transaction must roll back on an error. Errors: as
// TakeSeat, TakeAccountBooking and CreateAppointment.
func (s *Store) Book(ctx context.Context, row *appointmentRow, now time.Time, max int) (slotRow, error) {
	if s.db.Dialect != db.Postgres {
		slot, err := s.TakeSeat(ctx, "slot_id", row.SlotID, now)
		if err != nil {
			return slotRow{}, err
		}
		row.fromSlot(slot)
		if err := s.TakeAccountBooking(ctx, row.AccountID, row.PractitionerID, row.LocalDate, max); err != nil {
			return slotRow{}, err
		}
		return slot, s.CreateAppointment(ctx, *row)
	}
	var got []struct {
		Slot    slotRow `gorm:"embedded"`
		Counted bool
	}
	err := s.db.Conn(ctx).Raw(`WITH seat AS (
			UPDATE health_slots SET booked = booked + 1, next_queue = next_queue + 1
			WHERE id = @slot AND status = 'open' AND booked < capacity AND starts_at > @now
			RETURNING *, (starts_at AT TIME ZONE 'Asia/Karachi')::date AS local_date),
		counted AS (
			INSERT INTO health_account_bookings (account_id, practitioner_id, local_date, bookings)
			SELECT @account, practitioner_id, local_date, 1 FROM seat
			ON CONFLICT (account_id, practitioner_id, local_date) DO UPDATE SET bookings = health_account_bookings.bookings + 1
			WHERE health_account_bookings.bookings < @max
			RETURNING 1),
		appointment AS (
			INSERT INTO health_appointments (id, slot_id, practitioner_id, facility_id, account_id, patient_id, person_id, patient_kind,
				patient_name, local_date, starts_at, queue_number, status, reason, cancel_reason, created_at, updated_at)
			SELECT @id, seat.id, seat.practitioner_id, seat.facility_id, @account, @patient, @person, @kind,
				@name, seat.local_date, seat.starts_at, seat.next_queue, @status, @reason, '', @now, @now
			FROM seat, counted
			RETURNING 1)
		SELECT seat.*, f.name AS facility_name, p.full_name AS practitioner_name, EXISTS (SELECT 1 FROM appointment) AS counted
		FROM seat JOIN health_facilities f ON f.id = seat.facility_id JOIN health_practitioners p ON p.id = seat.practitioner_id`,
		map[string]any{"slot": row.SlotID, "now": now, "account": row.AccountID, "max": max, "id": row.ID, "patient": row.PatientID,
			"person": row.PersonID, "kind": row.PatientKind, "name": row.PatientName, "status": row.Status, "reason": row.Reason}).
		Find(&got).Error
	if db.IsUniqueViolation(err) {
		return slotRow{}, errOneADay
	} else if err != nil {
		return slotRow{}, db.Translate(err, "")
	}
	if len(got) == 0 {
		return slotRow{}, s.noSeat(ctx, "slot_id", row.SlotID, now)
	}
	if !got[0].Counted {
		return slotRow{}, errAccountFull(max)
	}
	row.fromSlot(got[0].Slot)
	return got[0].Slot, nil
}

// fromSlot fills in the fields an appointment takes from its slot.
func (r *appointmentRow) fromSlot(slot slotRow) {
	r.SlotID, r.PractitionerID, r.FacilityID = slot.ID, slot.PractitionerID, slot.FacilityID
	r.LocalDate, r.StartsAt, r.QueueNumber = domain.LocalDate(slot.StartsAt), slot.StartsAt, slot.NextQueue
}

// ReleaseSeat gives back one seat of a slot.
func (s *Store) ReleaseSeat(ctx context.Context, slotID string) error {
	err := s.db.Conn(ctx).Model(&slotRow{}).Where("id = ? AND booked > 0", slotID).
		Update("booked", gorm.Expr("booked - 1")).Error
	return db.Translate(err, "")
}

// Slot returns one slot. Errors: NotFound.
func (s *Store) Slot(ctx context.Context, id string) (slotRow, error) {
	var r slotRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "slot not found")
}

// CreateAppointment inserts an appointment. Errors: Conflict when the
// patient already has an active one with the practitioner that day.
func (s *Store) CreateAppointment(ctx context.Context, r appointmentRow) error {
	err := s.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) {
		return errOneADay
	}
	return db.Translate(err, "")
}

// Appointment returns any citizen's appointment, for staff. Errors:
// NotFound.
func (s *Store) Appointment(ctx context.Context, id string) (appointmentRow, error) {
	var r appointmentRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "appointment not found")
}

// OwnAppointment returns one of accountID's appointments. Errors:
// NotFound, also for another citizen's.
func (s *Store) OwnAppointment(ctx context.Context, accountID, id string) (appointmentRow, error) {
	var r appointmentRow
	err := s.db.Conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&r).Error
	return r, db.Translate(err, "appointment not found")
}

// MoveAppointment changes an appointment in status from to the columns in
// fields, and reports whether it was still in that status.
func (s *Store) MoveAppointment(ctx context.Context, id, from string, fields map[string]any) (bool, error) {
	res := s.db.Conn(ctx).Model(&appointmentRow{}).Where("id = ? AND status = ?", id, from).Updates(fields)
	if db.IsUniqueViolation(res.Error) {
		return false, errOneADay
	}
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// appointmentOrder reads a citizen's appointments newest first.
var appointmentOrder = page.Descending(page.Time("created_at"), page.ID("id"))

// ListAppointments returns a page of accountID's appointments, newest first.
func (s *Store) ListAppointments(ctx context.Context, accountID string, p page.Request) (page.Page[appointmentRow], error) {
	q := s.db.Conn(ctx).Model(&appointmentRow{}).Where("account_id = ?", accountID)
	q, err := appointmentOrder.Seek(q, p)
	if err != nil {
		return page.Page[appointmentRow]{}, err
	}
	var rows []appointmentRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[appointmentRow]{}, db.Translate(err, "")
	}
	return page.Build(appointmentOrder, rows, p, func(r appointmentRow) []any { return []any{r.CreatedAt, r.ID} }), nil
}

// dayListOrder reads a day's appointments by start and queue number.
var dayListOrder = page.Ascending(page.Time("starts_at"), page.Int("queue_number"), page.ID("id"))

// DayList returns a page of a facility's appointments on a local day, in
// order of start and queue number.
func (s *Store) DayList(ctx context.Context, facilityID string, day time.Time, p page.Request) (page.Page[appointmentRow], error) {
	q := s.db.Conn(ctx).Model(&appointmentRow{}).Where("facility_id = ? AND local_date = ?", facilityID, day)
	q, err := dayListOrder.Seek(q, p)
	if err != nil {
		return page.Page[appointmentRow]{}, err
	}
	var rows []appointmentRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[appointmentRow]{}, db.Translate(err, "")
	}
	return page.Build(dayListOrder, rows, p, func(r appointmentRow) []any { return []any{r.StartsAt, r.QueueNumber, r.ID} }), nil
}

// SlotsByID loads slots in one query.
func (s *Store) SlotsByID(ctx context.Context, ids []string) (map[string]Slot, error) {
	out := map[string]Slot{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []slotRow
	if err := namedSlots(s.db.Conn(ctx)).Where("s.id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	for _, r := range rows {
		out[r.ID] = r.slot()
	}
	return out, nil
}

// LockSlots locks slots in ID order for the rest of the transaction. Every
// transaction that touches slots and appointments locks its slots first and
// in this order, so that concurrent ones queue instead of deadlocking.
func (s *Store) LockSlots(ctx context.Context, ids ...string) error {
	var locked []string
	err := s.db.ForUpdate(s.db.Conn(ctx).Model(&slotRow{}).Where("id IN ?", ids).Order("id")).Pluck("id", &locked).Error
	return db.Translate(err, "")
}

// TakeAccountBooking counts one more of accountID's appointments with
// practitionerID on day, at most max, in the caller's transaction. Errors:
// Conflict when the account holds max already.
func (s *Store) TakeAccountBooking(ctx context.Context, accountID, practitionerID string, day time.Time, max int) error {
	res := s.db.Conn(ctx).Exec(`INSERT INTO health_account_bookings (account_id, practitioner_id, local_date, bookings) VALUES (?, ?, ?, 1)
		ON CONFLICT (account_id, practitioner_id, local_date) DO UPDATE SET bookings = health_account_bookings.bookings + 1
		WHERE health_account_bookings.bookings < ?`, accountID, practitionerID, day, max)
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return errAccountFull(max)
	}
	return nil
}

// errAccountFull is the answer when an account has its max bookings with a
// doctor on a day.
func errAccountFull(max int) error {
	return i18n.Err(domain.Conflict, "error.bookings.account_full", map[string]string{"n": strconv.Itoa(max)})
}

// ReleaseAccountBooking gives back one of accountID's appointments with
// practitionerID on day.
func (s *Store) ReleaseAccountBooking(ctx context.Context, accountID, practitionerID string, day time.Time) error {
	err := s.db.Conn(ctx).Exec(`UPDATE health_account_bookings SET bookings = bookings - 1
		WHERE account_id = ? AND practitioner_id = ? AND local_date = ? AND bookings > 0`, accountID, practitionerID, day).Error
	return db.Translate(err, "")
}

// CancelSlots cancels open slots and their booked appointments, and returns
// the appointments it cancelled. A slot's count keeps the patients already
// checked in.
func (s *Store) CancelSlots(ctx context.Context, slotIDs []string, reason string, now time.Time) ([]appointmentRow, error) {
	if len(slotIDs) == 0 {
		return nil, nil
	}
	conn := s.db.Conn(ctx)
	var affected []appointmentRow
	if err := conn.Where("slot_id IN ? AND status = ?", slotIDs, StatusBooked).Find(&affected).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	err := conn.Model(&appointmentRow{}).Where("slot_id IN ? AND status = ?", slotIDs, StatusBooked).
		Updates(map[string]any{"status": StatusCancelledByFacility, "cancel_reason": reason, "updated_at": now}).Error
	if err != nil {
		return nil, db.Translate(err, "")
	}
	for _, a := range affected {
		if err := s.ReleaseAccountBooking(ctx, a.AccountID, a.PractitionerID, a.LocalDate); err != nil {
			return nil, err
		}
	}
	err = conn.Model(&slotRow{}).Where("id IN ? AND status = 'open'", slotIDs).Updates(map[string]any{
		"status": "cancelled", "cancel_reason": reason,
		"booked": gorm.Expr(`(SELECT COUNT(*) FROM health_appointments a WHERE a.slot_id = health_slots.id AND a.status IN ?)`,
			[]string{StatusBooked, StatusCheckedIn, StatusCompleted, StatusNoShow}),
	}).Error
	return affected, db.Translate(err, "")
}

// OpenSlotIDs returns the IDs of a practitioner's open slots starting in
// [from, to) and after now, in ID order.
func (s *Store) OpenSlotIDs(ctx context.Context, practitionerID string, from, to, now time.Time) ([]string, error) {
	var ids []string
	err := s.db.Conn(ctx).Model(&slotRow{}).
		Where("practitioner_id = ? AND status = 'open' AND starts_at >= ? AND starts_at < ? AND starts_at > ?", practitionerID, from, to, now).
		Order("id").Pluck("id", &ids).Error
	return ids, db.Translate(err, "")
}

// Practitioner returns one practitioner. Errors: NotFound.
func (s *Store) Practitioner(ctx context.Context, id string) (Practitioner, error) {
	var r practitionerRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return Practitioner{}, db.Translate(err, "practitioner not found")
	}
	return Practitioner{ID: r.ID, FacilityID: r.FacilityID, FullName: r.FullName, Specialty: r.Specialty, PMDCNumber: r.PMDCNumber}, nil
}

// Upcoming returns accountID's live appointments starting after now.
func (s *Store) Upcoming(ctx context.Context, accountID string, now time.Time, limit int) ([]appointmentRow, error) {
	var rows []appointmentRow
	err := s.db.Conn(ctx).Where("account_id = ? AND status IN ? AND starts_at > ?", accountID, []string{StatusBooked, StatusCheckedIn}, now).
		Order("starts_at, id").Limit(limit).Find(&rows).Error
	return rows, db.Translate(err, "")
}
