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
	Grade        int
	AcademicYear string
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
