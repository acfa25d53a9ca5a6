package education

import (
	"cmp"
	"context"
	"regexp"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/serial"
)

// ApplicationRequest applies for a seat for one of the caller's children.
type ApplicationRequest struct {
	SchoolID     string `json:"school_id" validate:"required,uuid" format:"uuid"`
	AcademicYear string `json:"academic_year" validate:"required" example:"2027-28"`
	Grade        int    `json:"grade" validate:"min=1,max=12" example:"1"`
	ChildID      string `json:"child_id" validate:"required,uuid" format:"uuid"`
	// HomeSector is the family's sector ("G-9/4", "F-7"), which gives
	// priority in a lottery of a school in the same sector.
	HomeSector string `json:"home_sector,omitempty" validate:"max=20" example:"G-9/4"`
} // @name ApplicationRequest

// Check names an academic year that is not one and a home sector not
// written like one.
func (in ApplicationRequest) Check() error {
	var errs domain.FieldErrors
	errs.Add(ValidateAcademicYear("academic_year", in.AcademicYear))
	errs.Add(checkHomeSector(in.HomeSector))
	return errs.Err()
}

// homeSectorPattern is a sector as families write it: a grid sector
// ("G-9/4", "F-7") or an area's name ("Bhara Kahu").
var homeSectorPattern = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9 /-]*[A-Za-z0-9])?$`)

// checkHomeSector refuses a home sector, when one is given, that is not
// written like one.
func checkHomeSector(sector string) error {
	if sector != "" && !homeSectorPattern.MatchString(sector) {
		return domain.FieldInvalid("home_sector", "validation.home_sector", nil)
	}
	return nil
}

// Decision is a school's decision on an application.
type Decision struct {
	Decision string `json:"decision" validate:"required,oneof=under_review accepted waitlisted rejected enrolled" enums:"under_review,accepted,waitlisted,rejected,enrolled"`
	Note     string `json:"note" validate:"max=500"`
} // @name Decision

// actor is who moves an application: a parent, school staff, or the
// platform itself (withdrawing a child's other applications, or an offer
// left unanswered).
type actor struct {
	id, role string
}

var platformActor = actor{id: "system", role: "system"}

func actorOf(p domain.Principal) actor {
	role := p.Kind
	if len(p.Roles) > 0 {
		role = p.Roles[0]
	}
	return actor{id: p.Subject, role: role}
}

// errNoSeat says that a grade has no free seat; nothing was changed.
var errNoSeat = i18n.Err(domain.Conflict, "error.no_seat", nil)

// Apply submits an application for one of the caller's children. Errors:
// Invalid for another parent's child, an unknown school, a closed window, an
// age outside the grade's range or a grade without seats; Conflict for a
// second application to the school or a fourth open one that year.
func (s *Service) Apply(ctx context.Context, p domain.Principal, in ApplicationRequest) (Application, error) {
	if err := in.Check(); err != nil {
		return Application{}, err
	}
	child, err := s.children.Child(ctx, p.Subject, in.ChildID)
	if domain.IsKind(err, domain.NotFound) {
		return Application{}, domain.FieldInvalid("child_id", "validation.child.not_yours", nil)
	} else if err != nil {
		return Application{}, err
	}
	dob, err := time.Parse(time.DateOnly, child.DateOfBirth)
	if err != nil {
		return Application{}, domain.Wrap(domain.Internal, err, "child's date of birth")
	}
	school, err := s.checkAdmission(ctx, in, dob)
	if err != nil {
		return Application{}, err
	}
	now := s.clock.Now()
	row := applicationRow{ID: uuid.NewString(), SchoolID: in.SchoolID, AcademicYear: in.AcademicYear, Grade: in.Grade,
		AccountID: p.Subject, ChildID: child.ID, ChildPersonID: cmp.Or(child.PersonID, child.ID), ChildName: child.FullName, ChildDOB: dob, HomeSector: in.HomeSector,
		Status: StatusSubmitted, CreatedAt: now, UpdatedAt: now}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		opened, err := s.store.OpenOne(ctx, row.ChildPersonID, in.AcademicYear)
		if err != nil {
			return err
		}
		if !opened {
			return domain.Errorf(domain.Conflict, "a child may have at most %d open applications a year", maxOpenApplications)
		}
		// Last before the insert: applications of one year queue for the number.
		if row.Number, err = serial.Next(ctx, s.db, applicationSeries(in.AcademicYear)); err != nil {
			return err
		}
		if err := s.store.CreateApplication(ctx, row); err != nil {
			return err
		}
		if err := s.store.AddEvent(ctx, eventRow{ID: uuid.NewString(), ApplicationID: row.ID, ToStatus: StatusSubmitted, ActorID: p.Subject, ActorRole: "parent", At: now}); err != nil {
			return err
		}
		// The family's receipt, in their language, like a booking's or a payment's.
		return s.inbox.Add(ctx, notify.Notice{AccountID: p.Subject, Kind: "application.submitted", Params: map[string]string{
			"child": row.ChildName, "school": school.Name, "grade": strconv.Itoa(row.Grade), "year": row.AcademicYear,
			"number": row.Number, "application_id": row.ID,
		}})
	})
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, p, row.ID)
}

// applicationSeries is the number series of an academic year's
// applications: APP-2027 for 2027-28.
func applicationSeries(academicYear string) string { return "APP-" + academicYear[:4] }

// checkAdmission applies the school, window, age and seat rules and returns
// the school.
func (s *Service) checkAdmission(ctx context.Context, in ApplicationRequest, dob time.Time) (School, error) {
	school, err := s.store.School(ctx, in.SchoolID)
	if domain.IsKind(err, domain.NotFound) {
		return School{}, domain.FieldInvalid("school_id", "validation.school.unknown", nil)
	} else if err != nil {
		return School{}, err
	}
	w, err := s.store.Window(ctx, in.AcademicYear)
	if domain.IsKind(err, domain.NotFound) {
		return School{}, domain.FieldInvalid("academic_year", "validation.window.none", nil)
	} else if err != nil {
		return School{}, err
	}
	if err := w.CheckOpen(s.clock.Now()); err != nil {
		return School{}, err
	}
	if err := w.CheckAge(in.Grade, dob); err != nil {
		return School{}, err
	}
	if _, err := s.store.SeatsOf(ctx, in.SchoolID, in.AcademicYear, in.Grade); domain.IsKind(err, domain.NotFound) {
		return School{}, domain.FieldInvalid("grade", "validation.seats.none", map[string]string{"grade": strconv.Itoa(in.Grade), "year": in.AcademicYear})
	} else if err != nil {
		return School{}, err
	}
	return school, nil
}

// Applications lists the caller's applications, oldest first.
func (s *Service) Applications(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Application], error) {
	return s.store.ListOwnApplications(ctx, p.Subject, pg)
}

// Application returns one of the caller's applications with its history.
// Errors: NotFound, also for another parent's.
func (s *Service) Application(ctx context.Context, p domain.Principal, id string) (Application, error) {
	row, err := s.store.OwnApplication(ctx, p.Subject, id)
	if err != nil {
		return Application{}, err
	}
	return s.withHistory(ctx, row)
}

// withHistory returns an application with its history and lottery.
func (s *Service) withHistory(ctx context.Context, row applicationRow) (Application, error) {
	a := []Application{row.application()}
	if err := s.store.withLotteries(ctx, a); err != nil {
		return Application{}, err
	}
	events, err := s.store.Events(ctx, row.ID)
	a[0].History = events
	return a[0], err
}

// Withdraw withdraws one of the caller's open applications. A seat it held
// goes to the earliest waitlisted application for that school, grade and
// year, in the same transaction. Errors: NotFound; Conflict when it is no
// longer open.
func (s *Service) Withdraw(ctx context.Context, p domain.Principal, id string) (Application, error) {
	row, err := s.store.OwnApplication(ctx, p.Subject, id)
	if err != nil {
		return Application{}, err
	}
	if !IsOpen(row.Status) {
		return Application{}, domain.Errorf(domain.Conflict, "the application is %s", row.Status)
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		return s.move(ctx, row, StatusWithdrawn, actor{id: p.Subject, role: "parent"}, "")
	})
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, p, id)
}

// move changes an application's status in the caller's transaction and
// keeps everything that hangs on it right: the seat count, the child's
// other applications, the open count, the history, the parent's notice,
// the grade's waitlist, and the freed seat, which is offered to the first
// in that line.
func (s *Service) move(ctx context.Context, row applicationRow, to string, by actor, note string) error {
	return s.moveInLine(ctx, row, to, by, note, 0)
}

// moveInLine is move with the place among those waitlisted at the same
// moment (a lottery's rank) for an application that becomes waitlisted.
func (s *Service) moveInLine(ctx context.Context, row applicationRow, to string, by actor, note string, seq int) error {
	now := s.clock.Now()
	// The seat row is changed before the application, in every move, so
	// that concurrent moves lock rows in one order and never deadlock.
	freesSeat := row.Status == StatusAccepted && to != StatusEnrolled
	switch {
	case to == StatusAccepted:
		taken, err := s.store.TakeSeat(ctx, row.SchoolID, row.AcademicYear, row.Grade)
		if err != nil {
			return err
		}
		if !taken {
			return errNoSeat
		}
	case freesSeat:
		// Handed before the application joins a line itself, so that an
		// acceptance moved back to the waitlist does not win its own seat.
		if err := s.freeSeat(ctx, row); err != nil {
			return err
		}
	}
	fields := map[string]any{"status": to, "updated_at": now}
	if to == StatusWaitlisted {
		fields["waitlisted_at"] = now
	}
	moved, err := s.store.MoveApplication(ctx, row.ID, row.Status, fields)
	if err != nil {
		return err
	}
	if !moved {
		return domain.Errorf(domain.Conflict, "the application changed meanwhile; reload it")
	}
	if IsOpen(row.Status) && !IsOpen(to) {
		if err := s.store.CloseOne(ctx, row.ChildPersonID, row.AcademicYear); err != nil {
			return err
		}
	}
	if err := s.record(ctx, row, to, by, note, now); err != nil {
		return err
	}
	switch {
	case to == StatusWaitlisted:
		return s.joinLine(ctx, row, now, seq)
	case row.Status == StatusWaitlisted || row.Status == StatusOffered:
		// Out of the line: an offer it held goes to the next.
		if err := s.offers.Withdraw(ctx, gradePool(row.SchoolID, row.AcademicYear, row.Grade), row.ID); err != nil {
			return err
		}
	}
	if to == StatusAccepted {
		return s.withdrawOthers(ctx, row)
	}
	return nil
}

// record writes the history entry and tells the parent.
func (s *Service) record(ctx context.Context, row applicationRow, to string, by actor, note string, now time.Time) error {
	err := s.store.AddEvent(ctx, eventRow{ID: uuid.NewString(), ApplicationID: row.ID, FromStatus: row.Status, ToStatus: to,
		ActorID: by.id, ActorRole: by.role, Note: note, At: now})
	if err != nil || by.role == "parent" {
		return err
	}
	if err := s.publishDecision(ctx, row, to, now); err != nil {
		return err
	}
	return s.inbox.Add(ctx, notify.Notice{AccountID: row.AccountID, Kind: "application.decided." + to, Params: map[string]string{
		"child": row.ChildName, "grade": strconv.Itoa(row.Grade), "year": row.AcademicYear, "note": note,
		"application_id": row.ID, "status": to,
	}})
}

// withdrawOthers withdraws a newly accepted child's other open
// applications that year. A seat one of them held (offered, or accepted
// at another school before an offer here was taken) goes to its school's
// line, as any freed seat does.
func (s *Service) withdrawOthers(ctx context.Context, accepted applicationRow) error {
	others, err := s.store.OtherOpenApplications(ctx, accepted.ChildPersonID, accepted.AcademicYear, accepted.ID)
	if err != nil {
		return err
	}
	for _, o := range others {
		if err := s.move(ctx, o, StatusWithdrawn, platformActor, "Withdrawn because the child accepted a seat at another school."); err != nil {
			return err
		}
	}
	return nil
}

// Recent returns a citizen's applications, most recently changed first,
// with at most limit rows.
func (s *Service) Recent(ctx context.Context, accountID string, limit int) ([]Application, error) {
	return s.store.RecentApplications(ctx, accountID, limit)
}
