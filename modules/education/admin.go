package education

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// schoolRoles act for schools: an education admin for every one, school
// staff for their own school.
var schoolRoles = domain.UnitRoles{Admin: domain.RoleEducationAdmin, Staff: domain.RoleEducationStaff}

// SchoolInput describes a school as an administrator enters it.
type SchoolInput struct {
	Name     string `json:"name" validate:"required,min=2,max=200"`
	Level    string `json:"level" validate:"required,oneof=primary middle secondary higher_secondary" enums:"primary,middle,secondary,higher_secondary"`
	Gender   string `json:"gender" validate:"required,oneof=boys girls co" enums:"boys,girls,co"`
	Sector   string `json:"sector" validate:"required,max=50"`
	EMISCode string `json:"emis_code" validate:"required,max=20" example:"41021"`
} // @name SchoolInput

// SchoolChange holds the school fields to change; absent fields stay.
type SchoolChange struct {
	Name     *string `json:"name,omitempty" validate:"omitempty,min=2,max=200" extensions:"x-nullable"`
	Level    *string `json:"level,omitempty" validate:"omitempty,oneof=primary middle secondary higher_secondary" enums:"primary,middle,secondary,higher_secondary" extensions:"x-nullable"`
	Gender   *string `json:"gender,omitempty" validate:"omitempty,oneof=boys girls co" enums:"boys,girls,co" extensions:"x-nullable"`
	Sector   *string `json:"sector,omitempty" validate:"omitempty,max=50" extensions:"x-nullable"`
	EMISCode *string `json:"emis_code,omitempty" validate:"omitempty,max=20" extensions:"x-nullable"`
} // @name SchoolChange

// SeatsInput sets a grade's seats for an academic year.
type SeatsInput struct {
	AcademicYear string `json:"academic_year" validate:"required" example:"2027-28"`
	Grade        int    `json:"grade" validate:"min=1,max=12" example:"1"`
	Seats        int    `json:"seats" validate:"min=0,max=2000" example:"60"`
} // @name SeatsInput

// Check names an academic year that is not one.
func (in SeatsInput) Check() error { return ValidateAcademicYear("academic_year", in.AcademicYear) }

// WindowInput opens admissions for an academic year.
type WindowInput struct {
	AcademicYear string    `json:"academic_year" validate:"required" example:"2027-28"`
	OpensAt      time.Time `json:"opens_at" format:"date-time" validate:"required"`
	ClosesAt     time.Time `json:"closes_at" format:"date-time" validate:"required"`
	AgeCutoff    string    `json:"age_cutoff" validate:"required" format:"date" example:"2027-03-31"`
	AgeRules     []AgeRule `json:"age_rules" validate:"required,min=1,max=12,dive"`
} // @name WindowInput

// Check names every field that breaks a rule: the year's form, the window's
// order, the cut-off date and each age rule.
func (in WindowInput) Check() error {
	_, err := in.window()
	return err
}

// window reads the input as an admission window without its ID. Errors:
// Invalid naming every field at fault.
func (in WindowInput) window() (AdmissionWindow, error) {
	var errs domain.FieldErrors
	errs.Add(ValidateAcademicYear("academic_year", in.AcademicYear))
	if !in.OpensAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
		errs.Add(domain.FieldInvalid("closes_at", "validation.later_than", map[string]string{"other": "opens_at"}))
	}
	cutoff, err := domain.ParseDate("age_cutoff", in.AgeCutoff)
	errs.Add(err)
	grades := map[int]bool{}
	for i, r := range in.AgeRules {
		switch {
		case r.Grade < 1 || r.Grade > 12:
			errs.Add(domain.FieldInvalid(fmt.Sprintf("age_rules[%d].grade", i), "validation.between", map[string]string{"min": "1", "max": "12"}))
		case grades[r.Grade]:
			errs.Add(domain.FieldInvalid(fmt.Sprintf("age_rules[%d].grade", i), "validation.duplicate", nil))
		}
		if r.MinAge < 0 || r.MaxAge < r.MinAge || r.MaxAge > 25 {
			errs.Add(domain.FieldInvalid(fmt.Sprintf("age_rules[%d].max_age", i), "validation.age_rule", nil))
		}
		grades[r.Grade] = true
	}
	w := AdmissionWindow{AcademicYear: in.AcademicYear, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(), AgeCutoff: domain.Date{Time: cutoff}, AgeRules: in.AgeRules}
	return w, errs.Err()
}

// CreateSchool adds a school. Errors: Conflict for a known EMIS code.
func (s *Service) CreateSchool(ctx context.Context, in SchoolInput) (School, error) {
	now := s.clock.Now()
	sc := School{ID: uuid.NewString(), Name: in.Name, Level: in.Level, Gender: in.Gender, Sector: in.Sector, EMISCode: in.EMISCode, CreatedAt: now, UpdatedAt: now}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateSchool(ctx, sc); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "education.school.create", TargetType: "school", TargetID: sc.ID})
	})
	if err != nil {
		return School{}, err
	}
	return s.store.School(ctx, sc.ID)
}

// UpdateSchool changes a school. Errors: NotFound, Conflict.
func (s *Service) UpdateSchool(ctx context.Context, id string, in SchoolChange) (School, error) {
	fields := map[string]any{"updated_at": s.clock.Now()}
	for col, v := range map[string]*string{"name": in.Name, "level": in.Level, "gender": in.Gender, "sector": in.Sector, "emis_code": in.EMISCode} {
		if v != nil {
			fields[col] = *v
		}
	}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateSchool(ctx, id, fields); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "education.school.update", TargetType: "school", TargetID: id})
	})
	if err != nil {
		return School{}, err
	}
	return s.store.School(ctx, id)
}

// SetSeats sets a grade's seats for a year. Seats may be raised at any
// time; lowering them below the seats filled is refused. Errors: NotFound
// (also for another school's staff), Invalid, Conflict.
func (s *Service) SetSeats(ctx context.Context, p domain.Principal, schoolID string, in SeatsInput) (School, error) {
	if !schoolRoles.Manages(p, schoolID) {
		return School{}, domain.Errorf(domain.NotFound, "school not found")
	}
	if err := in.Check(); err != nil {
		return School{}, err
	}
	if _, err := s.store.School(ctx, schoolID); err != nil {
		return School{}, err
	}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetSeats(ctx, schoolID, Seats{AcademicYear: in.AcademicYear, Grade: in.Grade, Seats: in.Seats}); err != nil {
			return err
		}
		// Seats added go to the grade's waitlist first.
		if err := s.offerFreeSeats(ctx, schoolID, in.AcademicYear, in.Grade); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "education.seats.set", TargetType: "school", TargetID: schoolID})
	})
	if err != nil {
		return School{}, err
	}
	return s.store.School(ctx, schoolID)
}

// CreateWindow opens admissions for an academic year. Errors: Invalid,
// Conflict when the year has a window already.
func (s *Service) CreateWindow(ctx context.Context, in WindowInput) (AdmissionWindow, error) {
	w, err := in.window()
	if err != nil {
		return AdmissionWindow{}, err
	}
	w.ID = uuid.NewString()
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateWindow(ctx, w, s.clock.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "education.window.create", TargetType: "admission_window", TargetID: w.ID})
	})
	if err != nil {
		return AdmissionWindow{}, err
	}
	return s.store.Window(ctx, in.AcademicYear)
}

// Windows lists admission windows, newest year first.
func (s *Service) Windows(ctx context.Context, p page.Request) (page.Page[AdmissionWindow], error) {
	return s.store.ListWindows(ctx, p)
}

// SchoolApplications lists applications to a school for its staff (the
// caller's own school when none is named), and records the read in each
// family's access log. Errors: Malformed or Invalid as
// ApplicationFilter.Check, Invalid without a school, Forbidden elsewhere.
func (s *Service) SchoolApplications(ctx context.Context, p domain.Principal, f ApplicationFilter, pg page.Request) (page.Page[Application], error) {
	if err := f.Check(); err != nil {
		return page.Page[Application]{}, err
	}
	if f.SchoolID == "" {
		f.SchoolID = p.UnitID
	}
	if f.SchoolID == "" {
		return page.Page[Application]{}, domain.FieldInvalid("school_id", "validation.required", nil)
	}
	if !schoolRoles.Manages(p, f.SchoolID) {
		return page.Page[Application]{}, domain.Errorf(domain.Forbidden, "you may see only your own school's applications")
	}
	res, err := s.store.ListApplications(ctx, f, pg)
	if err != nil {
		return page.Page[Application]{}, err
	}
	subjects := make([]string, len(res.Items))
	for i, a := range res.Items {
		subjects[i] = a.accountID
	}
	return res, s.audit.RecordReads(ctx, "education.applications.read", "school", f.SchoolID, subjects)
}

// Decide records a school's decision on an application: accepting takes a
// seat (409 and no change when none is free) and withdraws the child's other
// applications; moving an accepted application back frees its seat for the
// waitlist. A submitted or under-review application of a grade whose
// lottery waits for its draw is the lottery's to decide. Errors: NotFound
// (also for another school's), Conflict.
func (s *Service) Decide(ctx context.Context, p domain.Principal, id string, in Decision) (Application, error) {
	row, err := s.store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if !schoolRoles.Manages(p, row.SchoolID) {
		return Application{}, domain.Errorf(domain.NotFound, "application not found")
	}
	if err := CheckDecision(row.Status, in.Decision); err != nil {
		return Application{}, err
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.checkNotInLottery(ctx, row); err != nil {
			return err
		}
		if err := s.move(ctx, row, in.Decision, actorOf(p), in.Note); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "education.application." + in.Decision, TargetType: "application", TargetID: row.ID, SubjectID: row.AccountID})
	})
	if err != nil {
		return Application{}, err
	}
	row, err = s.store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	return s.withHistory(ctx, row)
}
