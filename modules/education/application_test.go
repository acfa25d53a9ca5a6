package education

import (
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAgeOn(t *testing.T) {
	cases := []struct {
		name    string
		dob, on time.Time
		want    int
	}{
		{"born that day", day(2020, 6, 10), day(2020, 6, 10), 0},
		{"day before the first birthday", day(2020, 6, 10), day(2021, 6, 9), 0},
		{"on the first birthday", day(2020, 6, 10), day(2021, 6, 10), 1},
		{"day before the fifth birthday", day(2020, 3, 31), day(2025, 3, 30), 4},
		{"on the fifth birthday", day(2020, 3, 31), day(2025, 3, 31), 5},
		{"day after the fifth birthday", day(2020, 3, 31), day(2025, 4, 1), 5},
		{"earlier month, later day", day(2020, 1, 31), day(2025, 2, 1), 5},
		{"later month, earlier day", day(2020, 5, 1), day(2025, 4, 30), 4},
		{"last day of the year", day(2019, 12, 31), day(2025, 12, 30), 5},
		{"New Year's Eve birthday", day(2019, 12, 31), day(2025, 12, 31), 6},
		{"New Year's Day birthday, day before", day(2020, 1, 1), day(2025, 12, 31), 5},
		// A leap-day child has no birthday in common years: the birthday
		// counts from 1 March, not from 28 February.
		{"leap-day birth on 28 Feb of a common year", day(2020, 2, 29), day(2027, 2, 28), 6},
		{"leap-day birth on 1 Mar of a common year", day(2020, 2, 29), day(2027, 3, 1), 7},
		{"leap-day birth on its next leap day", day(2020, 2, 29), day(2024, 2, 29), 4},
		{"leap-day birth the day before its next leap day", day(2020, 2, 29), day(2024, 2, 28), 3},
		{"born 1 Mar on a leap day", day(2019, 3, 1), day(2024, 2, 29), 4},
		{"not born yet", day(2026, 1, 1), day(2025, 12, 31), -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := AgeOn(tc.dob, tc.on); got != tc.want {
				t.Errorf("AgeOn(%s, %s) = %d, want %d", tc.dob.Format(time.DateOnly), tc.on.Format(time.DateOnly), got, tc.want)
			}
		})
	}
}

// fieldOf returns the one field an Invalid error names.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	if !domain.IsKind(err, domain.Invalid) {
		t.Fatalf("err = %v, want Invalid", err)
	}
	f := err.(*domain.Error).Fields
	if len(f) != 1 {
		t.Fatalf("fields = %+v, want one", f)
	}
	return f[0].Field
}

func TestCheckAge(t *testing.T) {
	w := AdmissionWindow{
		AcademicYear: "2025-26",
		AgeCutoff:    domain.Date{Time: day(2025, 3, 31)},
		AgeRules:     []AgeRule{{Grade: 1, MinAge: 5, MaxAge: 7}, {Grade: 6, MinAge: 10, MaxAge: 12}, {Grade: 9, MinAge: 13, MaxAge: 13}},
	}
	cases := []struct {
		name  string
		grade int
		dob   time.Time
		field string // "" when admitted
	}{
		{"exactly min_age on the cut-off", 1, day(2020, 3, 31), ""},
		{"one day short of min_age", 1, day(2020, 4, 1), "child_id"},
		{"a year short of min_age", 1, day(2021, 3, 31), "child_id"},
		{"in the middle", 1, day(2019, 1, 1), ""},
		{"max_age, turning max_age+1 the day after the cut-off", 1, day(2017, 4, 1), ""},
		{"max_age+1 on the cut-off", 1, day(2017, 3, 31), "child_id"},
		{"grade 6 lower bound", 6, day(2015, 3, 31), ""},
		{"grade 6 upper bound", 6, day(2012, 4, 1), ""},
		{"grade 6 too young", 6, day(2015, 4, 1), "child_id"},
		{"grade 6 too old", 6, day(2012, 3, 31), "child_id"},
		{"one-age rule, that age", 9, day(2011, 6, 1), ""},
		{"one-age rule, a year older", 9, day(2011, 3, 31), "child_id"},
		{"grade without a rule", 2, day(2019, 1, 1), "grade"},
		{"grade without a rule, any age", 12, day(2008, 1, 1), "grade"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := w.CheckAge(tc.grade, tc.dob)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("CheckAge(%d, %s) = %v, want nil", tc.grade, tc.dob.Format(time.DateOnly), err)
				}
				return
			}
			if got := fieldOf(t, err); got != tc.field {
				t.Errorf("CheckAge(%d, %s) names %q, want %q", tc.grade, tc.dob.Format(time.DateOnly), got, tc.field)
			}
		})
	}
}

func TestCheckAgeWithoutRules(t *testing.T) {
	w := AdmissionWindow{AcademicYear: "2025-26", AgeCutoff: domain.Date{Time: day(2025, 3, 31)}}
	if got := fieldOf(t, w.CheckAge(1, day(2019, 1, 1))); got != "grade" {
		t.Errorf("field = %q, want grade", got)
	}
}

func TestCheckOpen(t *testing.T) {
	opens := time.Date(2026, 1, 1, 4, 0, 0, 0, time.UTC) // 09:00 in Islamabad
	closes := time.Date(2026, 3, 1, 19, 0, 0, 0, time.UTC)
	w := AdmissionWindow{AcademicYear: "2026-27", OpensAt: opens, ClosesAt: closes}
	cases := []struct {
		name string
		now  time.Time
		open bool
	}{
		{"a day before opens_at", opens.Add(-24 * time.Hour), false},
		{"one second before opens_at", opens.Add(-time.Second), false},
		{"one microsecond before opens_at", opens.Add(-time.Microsecond), false},
		{"at opens_at", opens, true},
		{"at opens_at written in Karachi time", opens.In(domain.Karachi), true},
		{"one second after opens_at", opens.Add(time.Second), true},
		{"in the middle", opens.Add(30 * 24 * time.Hour), true},
		{"one second before closes_at", closes.Add(-time.Second), true},
		{"one microsecond before closes_at", closes.Add(-time.Microsecond), true},
		{"at closes_at", closes, false},
		{"at closes_at written in Karachi time", closes.In(domain.Karachi), false},
		{"after closes_at", closes.Add(time.Hour), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := w.CheckOpen(tc.now)
			if tc.open && err != nil {
				t.Errorf("CheckOpen(%s) = %v, want open", tc.now, err)
			}
			if !tc.open && !domain.IsKind(err, domain.Invalid) {
				t.Errorf("CheckOpen(%s) = %v, want Invalid", tc.now, err)
			}
		})
	}
}

var allStatuses = []string{StatusSubmitted, StatusUnderReview, StatusAccepted, StatusWaitlisted, StatusRejected, StatusEnrolled, StatusWithdrawn}

func TestCheckDecision(t *testing.T) {
	// Every move staff may make; every other pair of statuses is refused.
	allowed := map[[2]string]bool{
		{StatusSubmitted, StatusUnderReview}: true,
		{StatusSubmitted, StatusAccepted}:    true,
		{StatusSubmitted, StatusWaitlisted}:  true,
		{StatusSubmitted, StatusRejected}:    true,

		{StatusUnderReview, StatusAccepted}:   true,
		{StatusUnderReview, StatusWaitlisted}: true,
		{StatusUnderReview, StatusRejected}:   true,

		{StatusWaitlisted, StatusAccepted}: true,
		{StatusWaitlisted, StatusRejected}: true,

		{StatusAccepted, StatusEnrolled}:   true,
		{StatusAccepted, StatusWaitlisted}: true,
		{StatusAccepted, StatusRejected}:   true,
	}
	for _, from := range allStatuses {
		for _, to := range append(allStatuses, "", "expelled") {
			t.Run(from+"→"+to, func(t *testing.T) {
				err := CheckDecision(from, to)
				if allowed[[2]string{from, to}] {
					if err != nil {
						t.Errorf("CheckDecision(%s, %s) = %v, want allowed", from, to, err)
					}
					return
				}
				if !domain.IsKind(err, domain.Conflict) {
					t.Errorf("CheckDecision(%s, %s) = %v, want Conflict", from, to, err)
				}
			})
		}
	}

	// The moves the rules name explicitly, spelled out.
	refused := []struct{ from, to string }{
		{StatusRejected, StatusAccepted},
		{StatusRejected, StatusWaitlisted},
		{StatusSubmitted, StatusEnrolled},
		{StatusUnderReview, StatusEnrolled},
		{StatusWaitlisted, StatusEnrolled},
		{StatusWaitlisted, StatusUnderReview},
		{StatusAccepted, StatusUnderReview},
		{StatusAccepted, StatusAccepted},
		{StatusEnrolled, StatusAccepted},
		{StatusEnrolled, StatusRejected},
		{StatusEnrolled, StatusWaitlisted},
		{StatusEnrolled, StatusWithdrawn},
		{StatusWithdrawn, StatusAccepted},
		{StatusWithdrawn, StatusSubmitted},
		{StatusSubmitted, StatusSubmitted},
	}
	for _, tc := range refused {
		if err := CheckDecision(tc.from, tc.to); !domain.IsKind(err, domain.Conflict) {
			t.Errorf("CheckDecision(%s, %s) = %v, want Conflict", tc.from, tc.to, err)
		}
	}
}

func TestIsOpen(t *testing.T) {
	cases := map[string]bool{
		StatusSubmitted:   true,
		StatusUnderReview: true,
		StatusWaitlisted:  true,
		StatusAccepted:    true,
		StatusRejected:    false,
		StatusEnrolled:    false,
		StatusWithdrawn:   false,
		"":                false,
		"Submitted":       false,
		"unknown":         false,
	}
	for status, want := range cases {
		if got := IsOpen(status); got != want {
			t.Errorf("IsOpen(%q) = %v, want %v", status, got, want)
		}
	}
}
