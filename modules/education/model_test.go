package education

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

func TestValidateAcademicYear(t *testing.T) {
	cases := []struct {
		year string
		ok   bool
	}{
		{"2027-28", true},
		{"2026-27", true},
		{"2099-00", true}, // the century rolls over
		{"2027-29", false},
		{"2027-27", false},
		{"2027-2028", false},
		{"27-28", false},
		{"2027/28", false},
		{"2027-28 ", false},
		{"", false},
	}
	for _, tc := range cases {
		t.Run(tc.year, func(t *testing.T) {
			err := ValidateAcademicYear("academic_year", tc.year)
			if tc.ok {
				if err != nil {
					t.Errorf("ValidateAcademicYear(%q) = %v, want nil", tc.year, err)
				}
				return
			}
			if !domain.IsKind(err, domain.Invalid) {
				t.Fatalf("ValidateAcademicYear(%q) = %v, want Invalid", tc.year, err)
			}
			if f := err.(*domain.Error).Fields; len(f) != 1 || f[0].Field != "academic_year" {
				t.Errorf("fields = %+v, want one naming academic_year", f)
			}
		})
	}
}

func TestComingAcademicYear(t *testing.T) {
	cases := []struct {
		name string
		now  time.Time
		want string
	}{
		{"late in the year", time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), "2027-28"},
		{"January", time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC), "2027-28"},
		// 18:59 UTC is 23:59 on 31 March in Islamabad: the year has not started.
		{"last minute of March locally", time.Date(2027, 3, 31, 18, 59, 0, 0, time.UTC), "2027-28"},
		// 19:00 UTC is midnight on 1 April in Islamabad: 2027-28 has begun.
		{"first minute of April locally", time.Date(2027, 3, 31, 19, 0, 0, 0, time.UTC), "2028-29"},
		{"late December locally is already January", time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), "2027-28"},
		{"century rolls over", time.Date(2099, 5, 1, 0, 0, 0, 0, time.UTC), "2100-01"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ComingAcademicYear(tc.now)
			if got != tc.want {
				t.Errorf("ComingAcademicYear(%s) = %q, want %q", tc.now, got, tc.want)
			}
			if err := ValidateAcademicYear("academic_year", got); err != nil {
				t.Errorf("ComingAcademicYear returned %q, which does not validate: %v", got, err)
			}
		})
	}
}

// TestRequestChecksNameEveryField: each request's Check names every field
// that breaks a rule at once.
func TestRequestChecksNameEveryField(t *testing.T) {
	opens := time.Date(2027, 1, 1, 4, 0, 0, 0, time.UTC)
	window := WindowInput{AcademicYear: "2027-28", OpensAt: opens, ClosesAt: opens.AddDate(0, 2, 0), AgeCutoff: "2027-03-31",
		AgeRules: []AgeRule{{Grade: 1, MinAge: 5, MaxAge: 7}, {Grade: 6, MinAge: 10, MaxAge: 12}}}
	cases := []struct {
		name  string
		check interface{ Check() error }
		want  []string
	}{
		{"window, valid", window, nil},
		{"window, every field", WindowInput{AcademicYear: "2027-29", OpensAt: opens, ClosesAt: opens, AgeCutoff: "31 March",
			AgeRules: []AgeRule{{Grade: 13, MinAge: 5, MaxAge: 7}, {Grade: 1, MinAge: 8, MaxAge: 7}, {Grade: 1, MinAge: 5, MaxAge: 7}}},
			[]string{"academic_year", "closes_at", "age_cutoff", "age_rules[0].grade", "age_rules[1].max_age", "age_rules[2].grade"}},
		{"window without an opening is not compared", WindowInput{AcademicYear: "2027-28", ClosesAt: opens, AgeCutoff: "2027-03-31"}, nil},
		{"seats", SeatsInput{AcademicYear: "2027", Grade: 1}, []string{"academic_year"}},
		{"application", ApplicationRequest{AcademicYear: "2027-2028", Grade: 1}, []string{"academic_year"}},
		{"application, home sector", ApplicationRequest{AcademicYear: "2027-2028", Grade: 1, HomeSector: "9/4"}, []string{"academic_year", "home_sector"}},
		{"lottery", &LotteryInput{AcademicYear: "2027", Grade: 1, Commitment: "abc"}, []string{"academic_year", "commitment"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check.Check()
			var got []string
			if err != nil {
				if k := domain.KindOf(err); k != domain.Invalid && k != domain.Malformed {
					t.Fatalf("Check() = %v, want field errors (Invalid, or Malformed for an unreadable value)", err)
				}
				for _, f := range err.(*domain.Error).Fields {
					got = append(got, f.Field)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("Check names %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFilterCheck(t *testing.T) {
	grade := func(n int) *int { return &n }
	cases := []struct {
		name  string
		check func() error
		kind  domain.Kind
		field string
	}{
		{"schools: nothing", SchoolFilter{}.Check, 0, ""},
		{"schools: all valid", SchoolFilter{Level: "primary", Gender: "co", Grade: grade(1), AcademicYear: "2027-28"}.Check, 0, ""},
		{"schools: unknown level", SchoolFilter{Level: "university"}.Check, domain.Malformed, "level"},
		{"schools: unknown gender", SchoolFilter{Gender: "mixed"}.Check, domain.Malformed, "gender"},
		{"schools: grade 0 given", SchoolFilter{Grade: grade(0)}.Check, domain.Invalid, "grade"},
		{"schools: grade 13", SchoolFilter{Grade: grade(13)}.Check, domain.Invalid, "grade"},
		{"schools: year", SchoolFilter{AcademicYear: "2027-29"}.Check, domain.Invalid, "academic_year"},
		{"applications: nothing", ApplicationFilter{}.Check, 0, ""},
		{"applications: status", ApplicationFilter{Status: StatusWaitlisted, Grade: grade(12)}.Check, 0, ""},
		{"applications: unknown status", ApplicationFilter{Status: "approved"}.Check, domain.Malformed, "status"},
		{"applications: grade -1", ApplicationFilter{Grade: grade(-1)}.Check, domain.Invalid, "grade"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != tc.kind || len(de.Fields) != 1 || de.Fields[0].Field != tc.field {
				t.Fatalf("Check() = %#v, want kind %d naming %s", err, tc.kind, tc.field)
			}
		})
	}
}

func TestCheckHomeSector(t *testing.T) {
	for sector, ok := range map[string]bool{
		"": true, "G-9/4": true, "F-7": true, "I-10/1": true, "Bhara Kahu": true, "d-12": true,
		"9/4": false, "G-9/": false, " G-9/4": false, "G-9/4;DROP": false, "<b>F-7</b>": false,
	} {
		if err := checkHomeSector(sector); (err == nil) != ok {
			t.Errorf("checkHomeSector(%q) = %v, want ok %v", sector, err, ok)
		}
	}
}
