package education

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// offerService is the education module's name in the offer engine.
const offerService = "education"

// gradePool names the seats of a school's grade in a year, the pool its
// waitlist waits for.
func gradePool(schoolID, academicYear string, grade int) string {
	return offerService + ":" + schoolID + ":" + academicYear + ":" + strconv.Itoa(grade)
}

// gradeOf reads a grade back from its pool.
func gradeOf(pool string) (schoolID, academicYear string, grade int) {
	parts := strings.Split(pool, ":")
	if len(parts) != 4 {
		return "", "", 0
	}
	grade, _ = strconv.Atoi(parts[3])
	return parts[1], parts[2], grade
}

// joinLine puts a newly waitlisted application at the end of its grade's
// line (at place seq among those waitlisted at the same moment).
func (s *Service) joinLine(ctx context.Context, row applicationRow, now time.Time, seq int) error {
	school, err := s.store.School(ctx, row.SchoolID)
	if err != nil {
		return err
	}
	pool := gradePool(row.SchoolID, row.AcademicYear, row.Grade)
	_, _, err = s.offers.Join(ctx, offers.Entry{Service: offerService, Pool: pool, Line: pool, UnitID: row.SchoolID, AccountID: row.AccountID,
		Subject: row.ID, Label: row.ChildName + ", " + school.Name + ", grade " + strconv.Itoa(row.Grade) + " (" + row.AcademicYear + ")",
		JoinedAt: now, Seq: seq})
	return err
}

// freeSeat gives up the seat of an application leaving accepted: to the
// first in its grade's line, who is offered it, or back to the grade.
func (s *Service) freeSeat(ctx context.Context, row applicationRow) error {
	pool := gradePool(row.SchoolID, row.AcademicYear, row.Grade)
	handed, err := s.offers.Hand(ctx, offers.Place{Service: offerService, Pool: pool, UnitID: row.SchoolID, Ref: pool})
	if err != nil || handed {
		return err
	}
	return s.store.ReleaseSeat(ctx, row.SchoolID, row.AcademicYear, row.Grade)
}

// offerFreeSeats offers a grade's free seats to its line, one each, in
// the caller's transaction: after seats were added.
func (s *Service) offerFreeSeats(ctx context.Context, schoolID, academicYear string, grade int) error {
	pool := gradePool(schoolID, academicYear, grade)
	for {
		waiting, err := s.offers.Waiting(ctx, pool)
		if err != nil || waiting == 0 {
			return err
		}
		taken, err := s.store.TakeSeat(ctx, schoolID, academicYear, grade)
		if err != nil || !taken {
			return err
		}
		handed, err := s.offers.Hand(ctx, offers.Place{Service: offerService, Pool: pool, UnitID: schoolID, Ref: pool})
		if err != nil {
			return err
		}
		if !handed {
			return s.store.ReleaseSeat(ctx, schoolID, academicYear, grade)
		}
	}
}

// Waitlists lists the grade lines of a school for its staff (every
// school's for an admin asking for none). Errors: Forbidden for another
// school.
func (s *Service) Waitlists(ctx context.Context, p domain.Principal, schoolID string, pg page.Request) (page.Page[offers.LineView], error) {
	units, err := schoolRoles.Filter(p, schoolID)
	if err != nil {
		return page.Page[offers.LineView]{}, err
	}
	return s.offers.Lines(ctx, offerService, units, pg)
}

// waitlist is the education module as the offer engine sees it: an
// offered seat stays filled in its grade while the family decides.
type waitlist struct{ s *Service }

// Offered moves the waitlisted application to offered.
func (w waitlist) Offered(ctx context.Context, o offers.Offer) error {
	return w.s.markOffered(ctx, o)
}

// Take accepts the offered seat for the family: the seat is filled
// already, so the application moves without taking one. The child's other
// applications that year are withdrawn first, a seat accepted at another
// school among them. Errors: Conflict when the child is enrolled
// elsewhere.
func (w waitlist) Take(ctx context.Context, o offers.Offer) (string, error) {
	s := w.s
	row, err := s.store.Application(ctx, o.Entry.Subject)
	if err != nil {
		return "", err
	}
	// First the child's other applications that year, a seat held at
	// another school among them: it goes to that school's line.
	if err := s.withdrawOthers(ctx, row); err != nil {
		return "", err
	}
	now := s.clock.Now()
	moved, err := s.store.MoveApplication(ctx, row.ID, StatusOffered, map[string]any{"status": StatusAccepted, "updated_at": now})
	if err != nil {
		return "", err
	}
	if !moved {
		return "", domain.Errorf(domain.Conflict, "the application changed meanwhile; reload it")
	}
	if err := s.record(ctx, row, StatusAccepted, actor{id: row.AccountID, role: "parent"}, "Accepted the offered seat.", now); err != nil {
		return "", err
	}
	if err := s.publishDecision(ctx, row, StatusAccepted, now); err != nil {
		return "", err
	}
	return row.ID, nil
}

// Left withdraws an application whose family declined its offered seat,
// let it lapse or left the line.
func (w waitlist) Left(ctx context.Context, e offers.Entry) error {
	s := w.s
	row, err := s.store.Application(ctx, e.Subject)
	if err != nil || (row.Status != StatusWaitlisted && row.Status != StatusOffered) {
		return err
	}
	now := s.clock.Now()
	moved, err := s.store.MoveApplication(ctx, row.ID, row.Status, map[string]any{"status": StatusWithdrawn, "updated_at": now})
	if err != nil || !moved {
		return err
	}
	if err := s.store.CloseOne(ctx, row.ChildPersonID, row.AcademicYear); err != nil {
		return err
	}
	// No notice of its own: the family declined or left, or heard of the
	// lapse from the offer engine.
	err = s.store.AddEvent(ctx, eventRow{ID: uuid.NewString(), ApplicationID: row.ID, FromStatus: row.Status, ToStatus: StatusWithdrawn,
		ActorID: platformActor.id, ActorRole: platformActor.role, Note: "Left the waiting list.", At: now})
	if err != nil {
		return err
	}
	return s.publishDecision(ctx, row, StatusWithdrawn, now)
}

// Release gives an offered seat back to its grade.
func (w waitlist) Release(ctx context.Context, o offers.Offer) error {
	schoolID, year, grade := gradeOf(o.Place.Ref)
	return w.s.store.ReleaseSeat(ctx, schoolID, year, grade)
}

// markOffered moves an application offered a seat from waitlisted to
// offered and records it; the engine tells the family.
func (s *Service) markOffered(ctx context.Context, o offers.Offer) error {
	row, err := s.store.Application(ctx, o.Entry.Subject)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	moved, err := s.store.MoveApplication(ctx, row.ID, StatusWaitlisted, map[string]any{"status": StatusOffered, "updated_at": now})
	if err != nil {
		return err
	}
	if !moved {
		return domain.Errorf(domain.Conflict, "the application changed meanwhile")
	}
	err = s.store.AddEvent(ctx, eventRow{ID: uuid.NewString(), ApplicationID: row.ID, FromStatus: StatusWaitlisted, ToStatus: StatusOffered,
		ActorID: platformActor.id, ActorRole: platformActor.role, Note: "A seat came free; it is held until " + o.ExpiresAt.In(domain.Karachi).Format("2 Jan 2006 15:04") + ".", At: now})
	if err != nil {
		return err
	}
	return s.publishDecision(ctx, row, StatusOffered, now)
}

// publishDecision tells the school's integrators of an application's new
// status.
func (s *Service) publishDecision(ctx context.Context, row applicationRow, status string, now time.Time) error {
	return s.events.Publish(ctx, webhook.New("application.decided", row.SchoolID, webhook.ApplicationEventData{
		ApplicationID: row.ID, SchoolID: row.SchoolID, Grade: row.Grade, AcademicYear: row.AcademicYear, Status: status,
	}, now))
}
