package education

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// School is a public school or college.
type School struct {
	ID        string    `json:"id" format:"uuid"`
	Name      string    `json:"name" example:"Islamabad Model College for Girls, F-7/2"`
	Level     string    `json:"level" enums:"primary,middle,secondary,higher_secondary"`
	Gender    string    `json:"gender" enums:"boys,girls,co"`
	Sector    string    `json:"sector" example:"F-7/2"`
	EMISCode  string    `json:"emis_code" example:"41021"`
	Seats     []Seats   `json:"seats"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
	UpdatedAt time.Time `json:"updated_at" format:"date-time"`
} // @name School

// Seats are a school's places in one grade of one academic year.
type Seats struct {
	AcademicYear string `json:"academic_year" example:"2027-28"`
	Grade        int    `json:"grade" example:"6"`
	Seats        int    `json:"seats" example:"80"`
	Filled       int    `json:"filled" example:"12"`
} // @name Seats

// SchoolFilter narrows a school search. Empty fields do not filter; Grade
// with AcademicYear keeps only schools with free seats in that grade.
type SchoolFilter struct {
	Sector       string
	Level        string
	Gender       string
	Grade        *int
	AcademicYear string
}

// The school levels and genders a search may name.
var (
	levels  = map[string]bool{"primary": true, "middle": true, "secondary": true, "higher_secondary": true}
	genders = map[string]bool{"boys": true, "girls": true, "co": true}
)

// Check names the first value of the search that is not one: a level or
// gender not in the lists (Malformed), a grade outside 1 to 12 or an
// academic year not in the "2027-28" form (Invalid).
func (f SchoolFilter) Check() error {
	var errs domain.FieldErrors
	if f.Level != "" && !levels[f.Level] {
		errs.Add(domain.FieldMalformed("level", "validation.oneof", map[string]string{"values": "primary, middle, secondary, higher_secondary"}))
	}
	if f.Gender != "" && !genders[f.Gender] {
		errs.Add(domain.FieldMalformed("gender", "validation.oneof", map[string]string{"values": "boys, girls, co"}))
	}
	errs.Add(checkGrade(f.Grade))
	if f.AcademicYear != "" {
		errs.Add(ValidateAcademicYear("academic_year", f.AcademicYear))
	}
	return errs.Err()
}

// ApplicationFilter narrows a school's list of applications. Empty fields
// do not filter.
type ApplicationFilter struct {
	SchoolID string
	Status   string
	Grade    *int
}

// applicationStatuses are the statuses a list may be filtered by.
var applicationStatuses = map[string]bool{StatusSubmitted: true, StatusUnderReview: true, StatusAccepted: true,
	StatusWaitlisted: true, StatusOffered: true, StatusRejected: true, StatusEnrolled: true, StatusWithdrawn: true}

// Check names the first value that is not one: an unknown status
// (Malformed) or a grade outside 1 to 12 (Invalid).
func (f ApplicationFilter) Check() error {
	var errs domain.FieldErrors
	if f.Status != "" && !applicationStatuses[f.Status] {
		errs.Add(domain.FieldMalformed("status", "validation.status.application", nil))
	}
	errs.Add(checkGrade(f.Grade))
	return errs.Err()
}

// checkGrade refuses a grade, when one is given, outside 1 to 12; 0 is
// refused too, never read as no grade.
func checkGrade(grade *int) error {
	if grade != nil && (*grade < 1 || *grade > 12) {
		return domain.FieldInvalid("grade", "validation.between", map[string]string{"min": "1", "max": "12"})
	}
	return nil
}

// AdmissionWindow is the time during which applications for an academic year
// are accepted, with the age each grade admits.
type AdmissionWindow struct {
	ID           string    `json:"id" format:"uuid"`
	AcademicYear string    `json:"academic_year" example:"2027-28"`
	OpensAt      time.Time `json:"opens_at" format:"date-time"`
	ClosesAt     time.Time `json:"closes_at" format:"date-time"`
	// AgeCutoff is the date on which a child's age is reckoned.
	AgeCutoff domain.Date `json:"age_cutoff" swaggertype:"string" format:"date" example:"2027-03-31"`
	AgeRules  []AgeRule   `json:"age_rules"`
} // @name AdmissionWindow

// AgeRule admits children whose age in whole years on the cut-off date lies
// in [MinAge, MaxAge].
type AgeRule struct {
	Grade  int `json:"grade" example:"1"`
	MinAge int `json:"min_age" example:"5"`
	MaxAge int `json:"max_age" example:"7"`
} // @name AgeRule

var academicYearPattern = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// ValidateAcademicYear checks the "2027-28" form: the second year follows the first.
func ValidateAcademicYear(field, year string) error {
	m := academicYearPattern.FindStringSubmatch(year)
	if m == nil {
		return domain.FieldInvalid(field, "validation.academic_year", nil)
	}
	first, _ := strconv.Atoi(m[1])
	if fmt.Sprintf("%02d", (first+1)%100) != m[2] {
		return domain.FieldInvalid(field, "validation.academic_year.consecutive", nil)
	}
	return nil
}

// ComingAcademicYear is the academic year that starts next April, the
// one admissions are open for during the months before it.
func ComingAcademicYear(now time.Time) string {
	local := now.In(domain.Karachi)
	start := local.Year()
	if local.Month() >= time.April {
		start++
	}
	return fmt.Sprintf("%d-%02d", start, (start+1)%100)
}
