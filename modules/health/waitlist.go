package health

import (
	"cmp"
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// offerService is the health module's name in the offer engine.
const offerService = "health"

// WaitlistRequest joins the line for a doctor's full day.
type WaitlistRequest struct {
	PractitionerID string `json:"practitioner_id" validate:"required,uuid" format:"uuid"`
	Date           string `json:"date" validate:"required" format:"date" example:"2027-03-10"`
	DependantID    string `json:"dependant_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
} // @name HealthWaitlistRequest

// dayPool names the seats of a doctor's day, the pool its line waits for.
func dayPool(practitionerID string, day time.Time) string {
	return "health:" + practitionerID + ":" + domain.LocalDate(day).Format(time.DateOnly)
}

// JoinWaitlist puts the caller, or a dependant, in the line for a doctor's
// day on which every seat is taken; a seat that frees up is offered to the
// line's first. Errors: Invalid for an unknown doctor or dependant or a
// day without slots ahead; Conflict while a seat is free (book it) or when
// the patient waits there already.
func (s *Service) JoinWaitlist(ctx context.Context, p domain.Principal, in WaitlistRequest) (offers.EntryView, error) {
	day, err := domain.ParseDate("date", in.Date)
	if err != nil {
		return offers.EntryView{}, err
	}
	pr, err := s.store.Practitioner(ctx, in.PractitionerID)
	if domain.IsKind(err, domain.NotFound) {
		return offers.EntryView{}, domain.FieldInvalid("practitioner_id", "validation.practitioner.unknown", nil)
	} else if err != nil {
		return offers.EntryView{}, err
	}
	patient, err := s.patient(ctx, p, in.DependantID)
	if err != nil {
		return offers.EntryView{}, err
	}
	facility, err := s.store.Facility(ctx, pr.FacilityID)
	if err != nil {
		return offers.EntryView{}, err
	}
	var view offers.EntryView
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.checkDayFull(ctx, pr.ID, day); err != nil {
			return err
		}
		en, position, err := s.offers.Join(ctx, offers.Entry{Service: offerService, Pool: dayPool(pr.ID, day), Line: dayPool(pr.ID, day),
			UnitID: pr.FacilityID, AccountID: p.Subject, Subject: cmp.Or(patient.PersonID, patient.ID),
			Label:   pr.FullName + ", " + facility.Name + ", " + day.Format(time.DateOnly),
			Details: map[string]string{"dependant_id": in.DependantID, "patient": patient.FullName}})
		view = offers.EntryView{ID: en.ID, Service: offerService, Label: en.Label, Status: en.Status, Position: &position, JoinedAt: en.JoinedAt}
		return err
	})
	return view, err
}

// checkDayFull says whether a doctor's day has slots ahead and none of
// them with a free seat. Errors: Invalid naming date for a day without
// slots ahead; Conflict while a seat is free.
func (s *Service) checkDayFull(ctx context.Context, practitionerID string, day time.Time) error {
	start := localMidnight(day)
	ahead := func() *gorm.DB {
		return s.db.Conn(ctx).Model(&slotRow{}).Where("practitioner_id = ? AND status = 'open' AND starts_at >= ? AND starts_at < ? AND starts_at > ?",
			practitionerID, start.UTC(), start.AddDate(0, 0, 1).UTC(), s.clock.Now())
	}
	// The day's slots stay locked (in ID order, as bookings lock them)
	// until the entry is in line: whoever frees a seat reads the line
	// under its slot's lock, so the seat is either free here or offered
	// to this entry.
	var locked []string
	if err := s.db.ForUpdate(ahead().Order("id")).Pluck("id", &locked).Error; err != nil {
		return db.Translate(err, "")
	}
	var counts struct{ Slots, Free int }
	err := ahead().Select("COUNT(*) AS slots, SUM(CASE WHEN booked < capacity THEN 1 ELSE 0 END) AS free").Scan(&counts).Error
	switch {
	case err != nil:
		return db.Translate(err, "")
	case counts.Slots == 0:
		return domain.FieldInvalid("date", "validation.waitlist.no_slots", nil)
	case counts.Free > 0:
		return i18n.Err(domain.Conflict, "error.waitlist.seats_free", nil)
	}
	return nil
}

// freeSeat gives a seat of a booked slot up, in the caller's transaction
// (holding the slot's lock): to the first in the doctor's day's line, who
// is offered it, or back to the slot.
func (s *Service) freeSeat(ctx context.Context, a appointmentRow) error {
	handed, err := s.offers.Hand(ctx, offers.Place{Service: offerService, Pool: dayPool(a.PractitionerID, a.LocalDate),
		UnitID: a.FacilityID, Ref: a.SlotID, Until: a.StartsAt})
	if err != nil || handed {
		return err
	}
	return s.store.ReleaseSeat(ctx, a.SlotID)
}

// offerNewSeats offers the free seats of a doctor's days to their lines,
// in the caller's transaction: after slots were added to days people wait
// for. Each seat is taken, then handed to the first in line, until a day's
// seats or its line run out.
func (s *Service) offerNewSeats(ctx context.Context, pr Practitioner, days map[time.Time]bool) error {
	for day := range days {
		if waiting, err := s.offers.Waiting(ctx, dayPool(pr.ID, day)); err != nil || waiting == 0 {
			if err != nil {
				return err
			}
			continue
		}
		start := localMidnight(day)
		// Slots about to start are left to walk-ins: an offer needs time to be answered.
		slots, err := s.store.OpenSlotIDs(ctx, pr.ID, start.UTC(), start.AddDate(0, 0, 1).UTC(), s.clock.Now().Add(10*time.Minute))
		if err != nil {
			return err
		}
		for _, id := range slots {
			if lineEmpty, err := s.offerSlotSeats(ctx, id); err != nil || lineEmpty {
				if err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// offerSlotSeats offers a slot's free seats to its day's line, and
// reports whether the line ran out before the seats did.
func (s *Service) offerSlotSeats(ctx context.Context, slotID string) (lineEmpty bool, err error) {
	for {
		slot, err := s.store.TakeSeat(ctx, "slot_id", slotID, s.clock.Now())
		if domain.IsKind(err, domain.Conflict) || domain.IsKind(err, domain.Invalid) {
			return false, nil // full or started: the next slot, then
		} else if err != nil {
			return false, err
		}
		a := appointmentRow{}
		a.fromSlot(slot)
		handed, err := s.offers.Hand(ctx, offers.Place{Service: offerService, Pool: dayPool(a.PractitionerID, a.LocalDate),
			UnitID: a.FacilityID, Ref: a.SlotID, Until: a.StartsAt})
		if err != nil || !handed {
			if err == nil {
				err = s.store.ReleaseSeat(ctx, slotID)
			}
			return true, err
		}
	}
}

// waitlist is the health module as the offer engine sees it: an offered
// seat stays taken in its slot, so nobody else can book it, until it is
// accepted or given back.
type waitlist struct{ s *Service }

// Offered needs nothing: the seat was never given back to the slot.
func (w waitlist) Offered(context.Context, offers.Offer) error { return nil }

// Left needs nothing: a waiting patient holds nothing.
func (w waitlist) Left(context.Context, offers.Entry) error { return nil }

// Release gives an offered seat back to its slot, unless someone joined
// the line since the engine found it empty: the line is read again under
// the slot's lock, which a citizen joining holds while they check that the
// day is full.
func (w waitlist) Release(ctx context.Context, o offers.Offer) error {
	if err := w.s.store.LockSlots(ctx, o.Place.Ref); err != nil {
		return err
	}
	handed, err := w.s.offers.Hand(ctx, o.Place)
	if err != nil || handed {
		return err
	}
	if err := w.s.store.ReleaseSeat(ctx, o.Place.Ref); err != nil {
		return err
	}
	db.AfterCommit(ctx, func() { w.s.available.touched(o.Place.Ref) })
	return nil
}

// Take books the offered seat for the entry's patient with the booking
// rules (one appointment a day with the doctor per patient, the account's
// cap), without taking a seat again. Errors: Conflict when the facility
// cancelled the slot or a rule refuses.
func (w waitlist) Take(ctx context.Context, o offers.Offer) (string, error) {
	s := w.s
	p := domain.Principal{Subject: o.Entry.AccountID, Kind: domain.KindCitizen}
	patient, err := s.patient(ctx, p, o.Entry.Details["dependant_id"])
	if err != nil {
		return "", err
	}
	slot, err := s.store.NextQueue(ctx, o.Place.Ref)
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	if slot.Status != "open" || !slot.StartsAt.After(now) {
		return "", domain.Errorf(domain.Conflict, "the slot is no longer open")
	}
	row := appointmentRow{ID: uuid.NewString(), AccountID: p.Subject, PatientID: patient.ID, PersonID: cmp.Or(patient.PersonID, patient.ID),
		PatientKind: patient.Kind, PatientName: patient.FullName, Status: StatusBooked, CreatedAt: now, UpdatedAt: now}
	row.fromSlot(slot)
	if err := s.store.TakeAccountBooking(ctx, row.AccountID, row.PractitionerID, row.LocalDate, s.maxAccountBookings); err != nil {
		return "", err
	}
	if err := s.store.CreateAppointment(ctx, row); err != nil {
		return "", err
	}
	if err := s.publish(ctx, "appointment.booked", row); err != nil {
		return "", err
	}
	return row.ID, s.inbox.Add(ctx, notify.Notice{AccountID: p.Subject, Kind: "appointment.booked", Params: map[string]string{
		"patient": patient.FullName, "when": localTime(slot.StartsAt), "queue": strconv.Itoa(slot.NextQueue), "appointment_id": row.ID,
	}})
}

// Waitlists lists the lines of a facility's doctors' days for its staff
// (every facility's for an admin asking for none). Errors: Forbidden for
// another facility.
func (s *Service) Waitlists(ctx context.Context, p domain.Principal, facilityID string, pg page.Request) (page.Page[offers.LineView], error) {
	units, err := facilityRoles.Filter(p, facilityID)
	if err != nil {
		return page.Page[offers.LineView]{}, err
	}
	return s.offers.Lines(ctx, offerService, units, pg)
}
