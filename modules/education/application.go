package education

import (
	"strconv"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Application statuses.
const (
	StatusSubmitted   = "submitted"
	StatusUnderReview = "under_review"
	StatusAccepted    = "accepted"
	StatusWaitlisted  = "waitlisted"
	// StatusOffered is a waitlisted application offered a freed seat,
	// waiting for the family's answer.
	StatusOffered   = "offered"
	StatusRejected  = "rejected"
	StatusEnrolled  = "enrolled"
	StatusWithdrawn = "withdrawn"
)

// openStatuses are the statuses that count towards a child's limit of
// three open applications a year.
var openStatuses = []string{StatusSubmitted, StatusUnderReview, StatusWaitlisted, StatusOffered, StatusAccepted}

// IsOpen says whether an application in status is still open.
func IsOpen(status string) bool {
	for _, s := range openStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// maxOpenApplications is how many open applications a child may have a year.
const maxOpenApplications = 3

// Application is a parent's application for a child's seat.
type Application struct {
	ID string `json:"id" format:"uuid"`
	// Number is what a family quotes to the school office.
	Number       string `json:"number" example:"APP-2027-000042"`
	SchoolID     string `json:"school_id" format:"uuid"`
	AcademicYear string `json:"academic_year" example:"2027-28"`
	Grade        int    `json:"grade" example:"1"`
	Status       string `json:"status" enums:"submitted,under_review,accepted,waitlisted,offered,rejected,enrolled,withdrawn"`
	Child        Child  `json:"child"`
	// HomeSector is the family's sector, as they gave it.
	HomeSector   string     `json:"home_sector,omitempty" example:"G-9/4"`
	WaitlistedAt *time.Time `json:"waitlisted_at,omitempty" format:"date-time"`
	// Lottery is the lottery the application is in, with its rank and
	// outcome once drawn.
	Lottery   *ApplicationLottery `json:"lottery,omitempty"`
	History   []ApplicationEvent  `json:"history,omitempty"`
	CreatedAt time.Time           `json:"created_at" format:"date-time"`
	UpdatedAt time.Time           `json:"updated_at" format:"date-time"`
	accountID string
} // @name Application

// Child is the child an application is for.
type Child struct {
	ID          string `json:"id" format:"uuid"`
	FullName    string `json:"full_name" example:"Zainab Khan"`
	DateOfBirth string `json:"date_of_birth" format:"date" example:"2020-06-10"`
	// PersonID is the person the child is, however many records name them
	// (identity's people): the limits on a child's applications and seats
	// are kept per person. It is never shown.
	PersonID string `json:"-"`
} // @name Child

// ApplicationEvent is one status change with who made it and why.
type ApplicationEvent struct {
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	ActorRole  string    `json:"actor_role" example:"education_staff"`
	Note       string    `json:"note,omitempty"`
	At         time.Time `json:"at" format:"date-time"`
} // @name ApplicationEvent

// decisions are the moves school staff may make from each status. A move
// out of accepted reverses the acceptance and frees the seat.
var decisions = map[string][]string{
	StatusSubmitted:   {StatusUnderReview, StatusAccepted, StatusWaitlisted, StatusRejected},
	StatusUnderReview: {StatusAccepted, StatusWaitlisted, StatusRejected},
	StatusWaitlisted:  {StatusAccepted, StatusRejected},
	StatusAccepted:    {StatusEnrolled, StatusWaitlisted, StatusRejected},
}

// CheckDecision says whether staff may move an application from one status
// to another. Errors: Conflict.
func CheckDecision(from, to string) error {
	for _, s := range decisions[from] {
		if s == to {
			return nil
		}
	}
	return domain.Errorf(domain.Conflict, "an application that is %s cannot become %s", from, to)
}

// AgeOn is a child's age in whole years on a date.
func AgeOn(dob, on time.Time) int {
	age := on.Year() - dob.Year()
	if on.Month() < dob.Month() || (on.Month() == dob.Month() && on.Day() < dob.Day()) {
		age--
	}
	return age
}

// CheckAge says whether a child born on dob may apply for grade under the
// window's rules. Errors: Invalid naming the field at fault.
func (w AdmissionWindow) CheckAge(grade int, dob time.Time) error {
	for _, r := range w.AgeRules {
		if r.Grade != grade {
			continue
		}
		if age := AgeOn(dob, w.AgeCutoff.Time); age < r.MinAge || age > r.MaxAge {
			return domain.FieldInvalid("child_id", "validation.child.age", map[string]string{"age": strconv.Itoa(age),
				"date": w.AgeCutoff.Format(time.DateOnly), "grade": strconv.Itoa(grade), "min": strconv.Itoa(r.MinAge), "max": strconv.Itoa(r.MaxAge)})
		}
		return nil
	}
	return domain.FieldInvalid("grade", "validation.grade.not_admitted", map[string]string{"grade": strconv.Itoa(grade)})
}

// CheckOpen says whether the window accepts applications at now.
// Errors: Invalid.
func (w AdmissionWindow) CheckOpen(now time.Time) error {
	if now.Before(w.OpensAt) || !now.Before(w.ClosesAt) {
		return domain.Errorf(domain.Invalid, "admissions for %s are open from %s to %s", w.AcademicYear,
			w.OpensAt.In(domain.Karachi).Format("2 Jan 2006 15:04"), w.ClosesAt.In(domain.Karachi).Format("2 Jan 2006 15:04"))
	}
	return nil
}
