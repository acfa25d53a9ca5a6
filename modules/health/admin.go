package health

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// facilityRoles act for facilities: a health admin for every one, health
// staff for the facility they belong to.
var facilityRoles = domain.UnitRoles{Admin: domain.RoleHealthAdmin, Staff: domain.RoleHealthStaff}

// FacilityInput describes a facility as an administrator enters it.
type FacilityInput struct {
	Name        string   `json:"name" validate:"required,min=2,max=200"`
	Kind        string   `json:"kind" validate:"required,oneof=hospital clinic bhu lab" enums:"hospital,clinic,bhu,lab"`
	Sector      string   `json:"sector" validate:"required,max=50" example:"G-8/3"`
	Address     string   `json:"address" validate:"required,max=300"`
	Location    Location `json:"location"`
	Specialties []string `json:"specialties" validate:"max=50,dive,min=1,max=60"`
} // @name FacilityInput

// Check names a location off the map.
func (in FacilityInput) Check() error { return validLocation(in.Location) }

// FacilityChange holds the facility fields to change; absent fields stay.
type FacilityChange struct {
	Name        *string   `json:"name,omitempty" validate:"omitempty,min=2,max=200" extensions:"x-nullable"`
	Kind        *string   `json:"kind,omitempty" validate:"omitempty,oneof=hospital clinic bhu lab" enums:"hospital,clinic,bhu,lab" extensions:"x-nullable"`
	Sector      *string   `json:"sector,omitempty" validate:"omitempty,max=50" extensions:"x-nullable"`
	Address     *string   `json:"address,omitempty" validate:"omitempty,max=300" extensions:"x-nullable"`
	Location    *Location `json:"location,omitempty" extensions:"x-nullable"`
	Specialties *[]string `json:"specialties,omitempty" validate:"omitempty,max=50,dive,min=1,max=60" extensions:"x-nullable"`
} // @name FacilityChange

// Check names a location off the map, when one is given.
func (in FacilityChange) Check() error {
	if in.Location == nil {
		return nil
	}
	return validLocation(*in.Location)
}

// PractitionerInput describes a doctor joining a facility.
type PractitionerInput struct {
	FacilityID string `json:"facility_id" validate:"required,uuid" format:"uuid"`
	FullName   string `json:"full_name" validate:"required,min=2,max=100"`
	Specialty  string `json:"specialty" validate:"required,max=60"`
	PMDCNumber string `json:"pmdc_number" validate:"required,max=20" example:"12345-P"`
} // @name PractitionerInput

// ScheduleInput generates slots: on the listed ISO weekdays from From to To
// (inclusive dates), between StartTime and EndTime local time.
type ScheduleInput struct {
	PractitionerID string `json:"practitioner_id" validate:"required,uuid" format:"uuid"`
	Weekdays       []int  `json:"weekdays" validate:"required,min=1,max=7,dive,min=1,max=7" example:"1,2,3,4,5"`
	StartTime      string `json:"start_time" validate:"required" example:"09:00"`
	EndTime        string `json:"end_time" validate:"required" example:"13:00"`
	SlotMinutes    int    `json:"slot_minutes" validate:"min=5,max=480" example:"20"`
	Capacity       int    `json:"capacity" validate:"min=1,max=200" example:"3"`
	From           string `json:"from" validate:"required" format:"date" example:"2027-01-04"`
	To             string `json:"to" validate:"required" format:"date" example:"2027-01-31"`
} // @name ScheduleInput

// Check names every field that breaks a rule of the schedule.
func (in ScheduleInput) Check() error {
	_, err := in.schedule()
	return err
}

// schedule reads the input as a Schedule. Errors: Invalid naming every
// field at fault.
func (in ScheduleInput) schedule() (Schedule, error) {
	var errs domain.FieldErrors
	from, err := domain.ParseDate("from", in.From)
	errs.Add(err)
	to, err := domain.ParseDate("to", in.To)
	errs.Add(err)
	sc := Schedule{Weekdays: in.Weekdays, StartTime: in.StartTime, EndTime: in.EndTime, SlotMinutes: in.SlotMinutes, From: from, To: to}
	errs.Add(sc.Check())
	return sc, errs.Err()
}

// ScheduleResult says how many new slots a schedule created.
type ScheduleResult struct {
	Created int `json:"created" example:"120"`
} // @name ScheduleResult

// Cancellation is the reason staff give for cancelling slots.
type Cancellation struct {
	Reason string `json:"reason" validate:"required,min=3,max=300" example:"The doctor is on emergency duty"`
} // @name Cancellation

// SessionCancellation cancels a practitioner's whole local day.
type SessionCancellation struct {
	PractitionerID string `json:"practitioner_id" validate:"required,uuid" format:"uuid"`
	Date           string `json:"date" validate:"required" format:"date" example:"2027-01-05"`
	Reason         string `json:"reason" validate:"required,min=3,max=300"`
} // @name SessionCancellation

// Check names a date that is not one.
func (in SessionCancellation) Check() error {
	_, err := domain.ParseDate("date", in.Date)
	return err
}

// CancellationResult counts what a cancellation touched.
type CancellationResult struct {
	SlotsCancelled        int `json:"slots_cancelled"`
	AppointmentsCancelled int `json:"appointments_cancelled"`
} // @name CancellationResult

// StatusChange moves an appointment forward on the day.
type StatusChange struct {
	Status string `json:"status" validate:"required,oneof=checked_in completed no_show" enums:"checked_in,completed,no_show"`
} // @name StatusChange

// CreateFacility adds a facility. Errors: Invalid.
func (s *Service) CreateFacility(ctx context.Context, in FacilityInput) (Facility, error) {
	if err := in.Check(); err != nil {
		return Facility{}, err
	}
	now := s.clock.Now()
	f := Facility{ID: uuid.NewString(), Name: in.Name, Kind: in.Kind, Sector: in.Sector, Address: in.Address,
		Location: in.Location, Specialties: dedupe(in.Specialties), CreatedAt: now, UpdatedAt: now}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateFacility(ctx, f); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "health.facility.create", TargetType: "facility", TargetID: f.ID})
	})
	if err != nil {
		return Facility{}, err
	}
	return s.store.Facility(ctx, f.ID)
}

// UpdateFacility changes a facility. Errors: Invalid, NotFound.
func (s *Service) UpdateFacility(ctx context.Context, id string, in FacilityChange) (Facility, error) {
	if err := in.Check(); err != nil {
		return Facility{}, err
	}
	fields := map[string]any{"updated_at": s.clock.Now()}
	for col, v := range map[string]*string{"name": in.Name, "kind": in.Kind, "sector": in.Sector, "address": in.Address} {
		if v != nil {
			fields[col] = *v
		}
	}
	if in.Location != nil {
		fields["lat"], fields["lng"] = in.Location.Lat, in.Location.Lng
	}
	var specialties []string
	if in.Specialties != nil {
		specialties = dedupe(*in.Specialties)
	}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateFacility(ctx, id, fields, specialties, in.Specialties != nil); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "health.facility.update", TargetType: "facility", TargetID: id})
	})
	s.available.clear()
	if err != nil {
		return Facility{}, err
	}
	return s.store.Facility(ctx, id)
}

func validLocation(l Location) error {
	if l.Lat < -90 || l.Lat > 90 || l.Lng < -180 || l.Lng > 180 || (l.Lat == 0 && l.Lng == 0) {
		return domain.FieldInvalid("location", "validation.location", nil)
	}
	return nil
}

func dedupe(items []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

// CreatePractitioner adds a doctor to a facility; the facility lists the
// doctor's specialty from then on. Errors: Invalid for an unknown facility,
// Conflict for a PMDC number already registered.
func (s *Service) CreatePractitioner(ctx context.Context, in PractitionerInput) (Practitioner, error) {
	if _, err := s.store.Facility(ctx, in.FacilityID); domain.IsKind(err, domain.NotFound) {
		return Practitioner{}, domain.FieldInvalid("facility_id", "validation.facility.unknown", nil)
	} else if err != nil {
		return Practitioner{}, err
	}
	p := Practitioner{ID: uuid.NewString(), FacilityID: in.FacilityID, FullName: in.FullName, Specialty: in.Specialty, PMDCNumber: in.PMDCNumber}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreatePractitioner(ctx, p, s.clock.Now()); err != nil {
			return err
		}
		if err := s.store.AddSpecialty(ctx, p.FacilityID, p.Specialty); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "health.practitioner.create", TargetType: "practitioner", TargetID: p.ID})
	})
	return p, err
}

// AddSchedule generates a practitioner's future slots from a schedule;
// slots that exist already are kept, so running it twice creates nothing
// new. Health staff may schedule only their own facility's doctors.
// Errors: Invalid, Forbidden.
func (s *Service) AddSchedule(ctx context.Context, p domain.Principal, in ScheduleInput) (ScheduleResult, error) {
	sc, err := in.schedule()
	if err != nil {
		return ScheduleResult{}, err
	}
	pr, err := s.store.Practitioner(ctx, in.PractitionerID)
	if domain.IsKind(err, domain.NotFound) {
		return ScheduleResult{}, domain.FieldInvalid("practitioner_id", "validation.practitioner.unknown", nil)
	} else if err != nil {
		return ScheduleResult{}, err
	}
	if !facilityRoles.Manages(p, pr.FacilityID) {
		return ScheduleResult{}, domain.Errorf(domain.Forbidden, "you may schedule only your own facility's practitioners")
	}
	times, err := sc.Times()
	if err != nil {
		return ScheduleResult{}, err
	}
	now := s.clock.Now()
	future := times[:0]
	for _, t := range times {
		if t.StartsAt.After(now) {
			future = append(future, t)
		}
	}
	var created int
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if created, err = s.store.AddSlots(ctx, pr, future, in.Capacity, now); err != nil {
			return err
		}
		days := map[time.Time]bool{}
		for _, t := range future {
			days[domain.LocalDate(t.StartsAt)] = true
		}
		if err := s.offerNewSeats(ctx, pr, days); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "health.schedule.create", TargetType: "practitioner", TargetID: pr.ID})
	})
	s.available.clear()
	return ScheduleResult{Created: created}, err
}

// DayList lists a facility's appointments on a local date (today when
// empty) for its staff, patients and reasons included, and records the
// read in each patient's access log. Errors: Forbidden outside the
// caller's facility; Invalid without a facility; Malformed date.
func (s *Service) DayList(ctx context.Context, p domain.Principal, facilityID, date string, pg page.Request) (page.Page[Appointment], error) {
	if facilityID == "" {
		facilityID = p.UnitID
	}
	if facilityID == "" {
		return page.Page[Appointment]{}, domain.FieldInvalid("facility_id", "validation.required", nil)
	}
	if !facilityRoles.Manages(p, facilityID) {
		return page.Page[Appointment]{}, domain.Errorf(domain.Forbidden, "you may see only your own facility's appointments")
	}
	return s.facilityDay(ctx, facilityID, date, pg, "health.appointments.read")
}

// ClientDay lists the appointments at the calling client's facility on a
// local date (today when empty) as times and IDs, and records the read in
// each patient's access log. Errors: Forbidden for a caller that is not a
// client bound to a facility; Malformed date.
func (s *Service) ClientDay(ctx context.Context, p domain.Principal, date string, pg page.Request) (page.Page[IntegrationAppointment], error) {
	if p.Kind != domain.KindClient || p.UnitID == "" {
		return page.Page[IntegrationAppointment]{}, domain.Errorf(domain.Forbidden, "only a client bound to a facility reads its day")
	}
	full, err := s.facilityDay(ctx, p.UnitID, date, pg, "health.appointment_times.read")
	if err != nil {
		return page.Page[IntegrationAppointment]{}, err
	}
	items := make([]IntegrationAppointment, len(full.Items))
	for i, a := range full.Items {
		items[i] = a.forClient()
	}
	return page.Page[IntegrationAppointment]{Items: items, NextCursor: full.NextCursor}, nil
}

// facilityDay reads a page of facilityID's appointments on a local date and
// records the read, as action, in each patient's access log.
func (s *Service) facilityDay(ctx context.Context, facilityID, date string, pg page.Request, action string) (page.Page[Appointment], error) {
	day := domain.LocalDate(s.clock.Now())
	if date != "" {
		var err error
		if day, err = domain.ParseDate("date", date); err != nil {
			return page.Page[Appointment]{}, err
		}
	}
	rows, err := s.store.DayList(ctx, facilityID, day, pg)
	if err != nil {
		return page.Page[Appointment]{}, err
	}
	subjects := make([]string, len(rows.Items))
	for i, r := range rows.Items {
		subjects[i] = r.AccountID
	}
	if err := s.audit.RecordReads(ctx, action, "facility", facilityID, subjects); err != nil {
		return page.Page[Appointment]{}, err
	}
	items, err := s.withSlots(ctx, rows.Items)
	return page.Page[Appointment]{Items: items, NextCursor: rows.NextCursor}, err
}

// managedAppointment returns an appointment of a facility p manages.
// Errors: NotFound, also for another facility's.
func (s *Service) managedAppointment(ctx context.Context, p domain.Principal, id string) (appointmentRow, error) {
	row, err := s.store.Appointment(ctx, id)
	if err != nil {
		return appointmentRow{}, err
	}
	if !facilityRoles.Manages(p, row.FacilityID) {
		return appointmentRow{}, domain.Errorf(domain.NotFound, "appointment not found")
	}
	return row, nil
}

// SetStatus moves an appointment forward on the day: checked in, completed,
// or a no-show once the slot has started. Errors: NotFound, Conflict, Invalid.
func (s *Service) SetStatus(ctx context.Context, p domain.Principal, id string, in StatusChange) (Appointment, error) {
	row, err := s.managedAppointment(ctx, p, id)
	if err != nil {
		return Appointment{}, err
	}
	now := s.clock.Now()
	if err := CheckMove(row.Status, in.Status, row.StartsAt, now); err != nil {
		return Appointment{}, err
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		moved, err := s.store.MoveAppointment(ctx, id, row.Status, map[string]any{"status": in.Status, "updated_at": now})
		if err != nil {
			return err
		}
		if !moved {
			return domain.Errorf(domain.Conflict, "the appointment changed meanwhile; reload it")
		}
		return s.audit.Record(ctx, audit.Entry{Action: "health.appointment." + in.Status, TargetType: "appointment", TargetID: id, SubjectID: row.AccountID})
	})
	if err != nil {
		return Appointment{}, err
	}
	row, err = s.store.Appointment(ctx, id)
	if err != nil {
		return Appointment{}, err
	}
	items, err := s.withSlots(ctx, []appointmentRow{row})
	if err != nil {
		return Appointment{}, err
	}
	return items[0], nil
}

// CancelSlot cancels one slot that has not started: its booked
// appointments become cancelled_by_facility and each patient's account is
// notified, all in one transaction. Errors: NotFound (also for another
// facility's slot), Conflict when it is cancelled already, Invalid when it
// has started.
func (s *Service) CancelSlot(ctx context.Context, p domain.Principal, slotID string, in Cancellation) (CancellationResult, error) {
	slot, err := s.store.Slot(ctx, slotID)
	if err != nil {
		return CancellationResult{}, err
	}
	if !facilityRoles.Manages(p, slot.FacilityID) {
		return CancellationResult{}, domain.Errorf(domain.NotFound, "slot not found")
	}
	if slot.Status != "open" {
		return CancellationResult{}, domain.Errorf(domain.Conflict, "the slot is already cancelled")
	}
	if !slot.StartsAt.After(s.clock.Now()) {
		return CancellationResult{}, domain.Errorf(domain.Invalid, "the slot has already started")
	}
	return s.cancelSlots(ctx, []string{slotID}, in.Reason, "slot", slotID)
}

// CancelSession cancels a practitioner's open slots on one local day that
// have not started, as CancelSlot does for one. Errors: Invalid, Forbidden.
func (s *Service) CancelSession(ctx context.Context, p domain.Principal, in SessionCancellation) (CancellationResult, error) {
	day, err := domain.ParseDate("date", in.Date)
	if err != nil {
		return CancellationResult{}, err
	}
	pr, err := s.store.Practitioner(ctx, in.PractitionerID)
	if domain.IsKind(err, domain.NotFound) {
		return CancellationResult{}, domain.FieldInvalid("practitioner_id", "validation.practitioner.unknown", nil)
	} else if err != nil {
		return CancellationResult{}, err
	}
	if !facilityRoles.Manages(p, pr.FacilityID) {
		return CancellationResult{}, domain.Errorf(domain.Forbidden, "you may cancel only your own facility's sessions")
	}
	start := localMidnight(day)
	ids, err := s.store.OpenSlotIDs(ctx, pr.ID, start.UTC(), start.AddDate(0, 0, 1).UTC(), s.clock.Now())
	if err != nil {
		return CancellationResult{}, err
	}
	return s.cancelSlots(ctx, ids, in.Reason, "practitioner", pr.ID)
}

func (s *Service) cancelSlots(ctx context.Context, ids []string, reason, targetType, targetID string) (CancellationResult, error) {
	var res CancellationResult
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockSlots(ctx, ids...); err != nil {
			return err
		}
		cancelled, err := s.store.CancelSlots(ctx, ids, reason, s.clock.Now())
		if err != nil {
			return err
		}
		// Seats offered from the waitlist in these slots are gone too.
		if err := s.offers.Revoke(ctx, offerService, ids); err != nil {
			return err
		}
		for _, a := range cancelled {
			a.Status = StatusCancelledByFacility
			if err := s.publish(ctx, "appointment.cancelled", a); err != nil {
				return err
			}
			err := s.inbox.Add(ctx, notify.Notice{AccountID: a.AccountID, Kind: "appointment.cancelled_by_facility", Params: map[string]string{
				"patient": a.PatientName, "when": localTime(a.StartsAt), "reason": reason, "appointment_id": a.ID,
			}})
			if err != nil {
				return err
			}
		}
		res = CancellationResult{SlotsCancelled: len(ids), AppointmentsCancelled: len(cancelled)}
		return s.audit.Record(ctx, audit.Entry{Action: "health.slots.cancel", TargetType: targetType, TargetID: targetID})
	})
	s.available.touched(ids...)
	return res, err
}
