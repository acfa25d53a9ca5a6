package health

import (
	"cmp"
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// BookingRequest asks for a seat in a slot for the caller or a dependant.
type BookingRequest struct {
	SlotID      string `json:"slot_id" validate:"required,uuid" format:"uuid"`
	DependantID string `json:"dependant_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
	// Reason is optional and is treated as health data: never logged.
	Reason string `json:"reason,omitempty" validate:"max=500"`
} // @name BookingRequest

// RescheduleRequest moves an appointment to another slot.
type RescheduleRequest struct {
	SlotID string `json:"slot_id" validate:"required,uuid" format:"uuid"`
} // @name RescheduleRequest

// patient resolves who a booking is for.
func (s *Service) patient(ctx context.Context, p domain.Principal, dependantID string) (Patient, error) {
	if dependantID == "" {
		return s.patients.Citizen(ctx, p.Subject)
	}
	pt, err := s.patients.Dependant(ctx, p.Subject, dependantID)
	if domain.IsKind(err, domain.NotFound) {
		return Patient{}, domain.FieldInvalid("dependant_id", "validation.dependant.not_yours", nil)
	}
	return pt, err
}

// Book takes a seat in a slot for the caller or one of their dependants,
// with a queue number in order of booking. Capacity is enforced by the
// database in the same transaction as the insert. Errors: Invalid for an
// unknown slot or dependant or a slot that has started; Conflict for a full
// or cancelled slot or a second appointment with the same practitioner on
// the same day.
func (s *Service) Book(ctx context.Context, p domain.Principal, in BookingRequest) (Appointment, error) {
	patient, err := s.patient(ctx, p, in.DependantID)
	if err != nil {
		return Appointment{}, err
	}
	now := s.clock.Now()
	var row appointmentRow
	var slot slotRow
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		row = appointmentRow{
			ID: uuid.NewString(), SlotID: in.SlotID, AccountID: p.Subject, PatientID: patient.ID, PersonID: cmp.Or(patient.PersonID, patient.ID),
			PatientKind: patient.Kind, PatientName: patient.FullName, Status: StatusBooked, Reason: in.Reason, CreatedAt: now, UpdatedAt: now,
		}
		if slot, err = s.store.Book(ctx, &row, now, s.maxAccountBookings); err != nil {
			return err
		}
		if err := s.events.Publish(ctx, appointmentEvent("appointment.booked", row, now)); err != nil {
			return err
		}
		return s.inbox.Add(ctx, notify.Notice{AccountID: p.Subject, Kind: "appointment.booked", Params: map[string]string{
			"patient": patient.FullName, "when": localTime(slot.StartsAt), "queue": strconv.Itoa(slot.NextQueue), "appointment_id": row.ID,
		}})
	})
	if err != nil {
		return Appointment{}, err
	}
	s.available.touched(slot.ID)
	return row.appointment(slot.slot()), nil
}

// localTime writes a time in Islamabad's local time, in a form that reads
// the same in every language.
func localTime(t time.Time) string { return t.In(domain.Karachi).Format("2006-01-02 15:04") }

// withSlots nests each appointment's slot, loaded in one query.
func (s *Service) withSlots(ctx context.Context, rows []appointmentRow) ([]Appointment, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.SlotID
	}
	slots, err := s.store.SlotsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Appointment, len(rows))
	for i, r := range rows {
		out[i] = r.appointment(slots[r.SlotID])
	}
	return out, nil
}

// Appointments lists the caller's and their dependants' appointments,
// newest first.
func (s *Service) Appointments(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Appointment], error) {
	rows, err := s.store.ListAppointments(ctx, p.Subject, pg)
	if err != nil {
		return page.Page[Appointment]{}, err
	}
	items, err := s.withSlots(ctx, rows.Items)
	return page.Page[Appointment]{Items: items, NextCursor: rows.NextCursor}, err
}

// Appointment returns one of the caller's appointments. Errors: NotFound,
// also for anyone else's.
func (s *Service) Appointment(ctx context.Context, p domain.Principal, id string) (Appointment, error) {
	row, err := s.store.OwnAppointment(ctx, p.Subject, id)
	if err != nil {
		return Appointment{}, err
	}
	items, err := s.withSlots(ctx, []appointmentRow{row})
	if err != nil {
		return Appointment{}, err
	}
	return items[0], nil
}

// ownBooked returns the caller's appointment if it is booked and outside
// the cut-off. Errors: NotFound, Conflict, Invalid.
func (s *Service) ownBooked(ctx context.Context, p domain.Principal, id string) (appointmentRow, error) {
	row, err := s.store.OwnAppointment(ctx, p.Subject, id)
	if err != nil {
		return appointmentRow{}, err
	}
	if row.Status != StatusBooked {
		return appointmentRow{}, domain.Errorf(domain.Conflict, "the appointment is %s", row.Status)
	}
	return row, CheckCutoff(row.StartsAt, s.clock.Now(), s.cutoff)
}

// Cancel cancels one of the caller's booked appointments and frees its
// seat, for the first in the doctor's day's line when someone waits. Errors: NotFound; Conflict when it is no longer booked; Invalid
// inside the cut-off before the start.
func (s *Service) Cancel(ctx context.Context, p domain.Principal, id string) (Appointment, error) {
	row, err := s.ownBooked(ctx, p, id)
	if err != nil {
		return Appointment{}, err
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockSlots(ctx, row.SlotID); err != nil {
			return err
		}
		moved, err := s.store.MoveAppointment(ctx, row.ID, StatusBooked, map[string]any{"status": StatusCancelled, "updated_at": s.clock.Now()})
		if err != nil {
			return err
		}
		if !moved {
			return domain.Errorf(domain.Conflict, "the appointment changed meanwhile; reload it")
		}
		if err := s.freeSeat(ctx, row); err != nil {
			return err
		}
		if err := s.store.ReleaseAccountBooking(ctx, row.AccountID, row.PractitionerID, row.LocalDate); err != nil {
			return err
		}
		row.Status = StatusCancelled
		return s.publish(ctx, "appointment.cancelled", row)
	})
	if err != nil {
		return Appointment{}, err
	}
	s.available.touched(row.SlotID)
	return s.Appointment(ctx, p, id)
}

// publish tells the facility's integrators about an appointment, with the
// times and IDs they need and nothing about the patient.
func (s *Service) publish(ctx context.Context, typ string, a appointmentRow) error {
	return s.events.Publish(ctx, appointmentEvent(typ, a, s.clock.Now()))
}

// appointmentEvent is the event of type typ about a.
func appointmentEvent(typ string, a appointmentRow, now time.Time) webhook.Event {
	return webhook.New(typ, a.FacilityID, webhook.AppointmentEventData{
		AppointmentID: a.ID, SlotID: a.SlotID, FacilityID: a.FacilityID, PractitionerID: a.PractitionerID,
		StartsAt: a.StartsAt.UTC(), QueueNumber: a.QueueNumber, Status: a.Status,
	}, now)
}

// Reschedule moves one of the caller's booked appointments to another slot
// in one transaction: the new seat is taken and the old one freed, or
// nothing changes. Errors: as Book and Cancel.
func (s *Service) Reschedule(ctx context.Context, p domain.Principal, id string, in RescheduleRequest) (Appointment, error) {
	row, err := s.ownBooked(ctx, p, id)
	if err != nil {
		return Appointment{}, err
	}
	if in.SlotID == row.SlotID {
		return Appointment{}, domain.FieldInvalid("slot_id", "validation.slot.same", nil)
	}
	now := s.clock.Now()
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockSlots(ctx, row.SlotID, in.SlotID); err != nil {
			return err
		}
		slot, err := s.store.TakeSeat(ctx, "slot_id", in.SlotID, now)
		if err != nil {
			return err
		}
		if err := s.moveAccountBooking(ctx, row, slot); err != nil {
			return err
		}
		moved, err := s.store.MoveAppointment(ctx, row.ID, StatusBooked, map[string]any{
			"slot_id": slot.ID, "practitioner_id": slot.PractitionerID, "facility_id": slot.FacilityID,
			"local_date": domain.LocalDate(slot.StartsAt), "starts_at": slot.StartsAt, "queue_number": slot.NextQueue, "updated_at": now,
		})
		if err != nil {
			return err
		}
		if !moved {
			return domain.Errorf(domain.Conflict, "the appointment changed meanwhile; reload it")
		}
		return s.freeSeat(ctx, row)
	})
	if err != nil {
		return Appointment{}, err
	}
	s.available.touched(row.SlotID, in.SlotID)
	return s.Appointment(ctx, p, id)
}

// moveAccountBooking counts a rescheduled appointment against its new
// doctor and day instead of its old ones.
func (s *Service) moveAccountBooking(ctx context.Context, row appointmentRow, to slotRow) error {
	day := domain.LocalDate(to.StartsAt)
	if to.PractitionerID == row.PractitionerID && day.Equal(row.LocalDate) {
		return nil
	}
	if err := s.store.TakeAccountBooking(ctx, row.AccountID, to.PractitionerID, day, s.maxAccountBookings); err != nil {
		return err
	}
	return s.store.ReleaseAccountBooking(ctx, row.AccountID, row.PractitionerID, row.LocalDate)
}

// Upcoming returns a citizen's booked or checked-in appointments that have
// not started, soonest first, with at most limit rows.
func (s *Service) Upcoming(ctx context.Context, accountID string, limit int) ([]Appointment, error) {
	rows, err := s.store.Upcoming(ctx, accountID, s.clock.Now(), limit)
	if err != nil {
		return nil, err
	}
	return s.withSlots(ctx, rows)
}
