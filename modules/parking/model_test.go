package parking

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// day is midnight UTC of a calendar date, the form in which the module
// stores and compares local dates.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEffectiveStatus(t *testing.T) {
	end := day(2027, 1, 31)
	hold := time.Date(2027, 1, 10, 6, 30, 0, 0, time.UTC)
	lastLocalSecond := time.Date(2027, 1, 31, 18, 59, 59, 0, time.UTC) // 23:59:59 on 31 Jan in Karachi
	nextLocalDay := time.Date(2027, 1, 31, 19, 0, 0, 0, time.UTC)      // 00:00 on 1 Feb in Karachi
	tests := []struct {
		name   string
		stored string
		now    time.Time
		want   string
	}{
		{"active on its last local second", StatusActive, lastLocalSecond, StatusActive},
		{"active at the next local midnight", StatusActive, nextLocalDay, StatusExpired},
		{"active long after", StatusActive, nextLocalDay.AddDate(1, 0, 0), StatusExpired},
		{"active before it starts", StatusActive, day(2027, 1, 1), StatusActive},
		{"awaiting approval on its last day", StatusPendingApproval, lastLocalSecond, StatusPendingApproval},
		{"awaiting approval after its last day", StatusPendingApproval, nextLocalDay, StatusExpired},
		{"unpaid 1ns before its hold ends", StatusPendingPayment, hold.Add(-time.Nanosecond), StatusPendingPayment},
		{"unpaid when its hold ends", StatusPendingPayment, hold, StatusExpiredUnpaid},
		{"unpaid after its hold", StatusPendingPayment, hold.Add(time.Hour), StatusExpiredUnpaid},
		{"cancelled stays cancelled", StatusCancelled, nextLocalDay, StatusCancelled},
		{"revoked stays revoked", StatusRevoked, nextLocalDay, StatusRevoked},
		{"rejected stays rejected", StatusRejected, nextLocalDay, StatusRejected},
		{"cancelled before the end", StatusCancelled, lastLocalSecond, StatusCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EffectiveStatus(tt.stored, end, hold, tt.now); got != tt.want {
				t.Errorf("EffectiveStatus(%s, end %s, hold %s, now %s) = %s, want %s",
					tt.stored, end.Format(time.DateOnly), hold.Format(time.RFC3339), tt.now.Format(time.RFC3339Nano), got, tt.want)
			}
		})
	}
}

// TestPermitDates pins the inclusive last day of a permit: the day before
// the same day of the month n months later. When that month has no such
// day (a permit from 31 January), the permit runs to the last day of that
// shorter month, as calendar-month periods are usually reckoned: a permit
// bought a day later never ends earlier.
func TestPermitDates(t *testing.T) {
	tests := []struct {
		start  string
		months int
		end    string
	}{
		{"2027-01-01", 1, "2027-01-31"},
		{"2027-01-01", 3, "2027-03-31"},
		{"2027-01-01", 12, "2027-12-31"},
		{"2027-03-10", 1, "2027-04-09"},
		{"2027-03-10", 3, "2027-06-09"},
		{"2027-03-10", 6, "2027-09-09"},
		{"2027-03-10", 12, "2028-03-09"},
		{"2027-01-15", 1, "2027-02-14"},
		{"2027-01-28", 1, "2027-02-27"},
		{"2027-01-29", 1, "2027-02-28"},
		{"2027-02-01", 1, "2027-02-28"},
		{"2027-02-28", 1, "2027-03-27"},
		{"2027-03-31", 1, "2027-04-30"},
		{"2027-12-31", 12, "2028-12-30"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2028-01-29", 1, "2028-02-28"},
		{"2028-02-29", 12, "2029-02-28"},
		// The same day next month does not exist: the permit ends with the
		// shorter month.
		{"2027-01-30", 1, "2027-02-28"},
		{"2027-01-31", 1, "2027-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2027-08-31", 6, "2028-02-29"},
		{"2027-12-31", 6, "2028-06-30"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s+%d", tt.start, tt.months), func(t *testing.T) {
			start := mustDay(t, tt.start)
			first, last := PermitDates(start, tt.months)
			if !first.Equal(start) {
				t.Errorf("first day = %s, want %s", first.Format(time.DateOnly), tt.start)
			}
			if got := last.Format(time.DateOnly); got != tt.end {
				t.Errorf("PermitDates(%s, %d) last day = %s, want %s", tt.start, tt.months, got, tt.end)
			}
		})
	}
}

// TestPermitDatesMonotonic checks every start day of two years: a permit
// that starts later never ends earlier, and lasts at least as many days as
// the shortest run of that many calendar months.
func TestPermitDatesMonotonic(t *testing.T) {
	minDays := map[int]int{1: 28, 3: 89, 6: 181, 12: 365}
	for _, months := range []int{1, 3, 6, 12} {
		var bad []string
		_, prevEnd := PermitDates(day(2026, 12, 31), months)
		for d := day(2027, 1, 1); d.Year() < 2029; d = d.AddDate(0, 0, 1) {
			_, end := PermitDates(d, months)
			if end.Before(prevEnd) {
				bad = append(bad, fmt.Sprintf("start %s ends %s, before the permit starting a day earlier (%s)",
					d.Format(time.DateOnly), end.Format(time.DateOnly), prevEnd.Format(time.DateOnly)))
			}
			if days := int(end.Sub(d).Hours()/24) + 1; days < minDays[months] {
				bad = append(bad, fmt.Sprintf("start %s lasts %d days", d.Format(time.DateOnly), days))
			}
			prevEnd = end
		}
		if len(bad) > 0 {
			t.Errorf("%d months: %d violations, e.g. %s", months, len(bad), strings.Join(bad[:min(3, len(bad))], "; "))
		}
	}
}

// TestRefundOnFirstDayIsFull: a permit cancelled on its first day has all
// its months left, whatever day of the month it starts on.
func TestRefundOnFirstDayIsFull(t *testing.T) {
	for _, months := range []int{1, 3, 6, 12} {
		for d := day(2027, 1, 1); d.Year() < 2029; d = d.AddDate(0, 0, 1) {
			start, end := PermitDates(d, months)
			if got := RemainingMonths(start, end); got != months {
				t.Fatalf("RemainingMonths(%s, %s) = %d, want %d (a %d-month permit on its first day)",
					start.Format(time.DateOnly), end.Format(time.DateOnly), got, months, months)
			}
		}
	}
}

func TestRemainingMonths(t *testing.T) {
	tests := []struct {
		today, end string
		want       int
	}{
		{"2027-03-10", "2027-06-09", 3}, // first day of a 3-month permit
		{"2027-03-11", "2027-06-09", 2}, // a day in: two whole months left
		{"2027-04-09", "2027-06-09", 2},
		{"2027-04-10", "2027-06-09", 2},
		{"2027-04-11", "2027-06-09", 1},
		{"2027-04-24", "2027-06-09", 1}, // about 1.5 months in
		{"2027-05-10", "2027-06-09", 1},
		{"2027-05-11", "2027-06-09", 0},
		{"2027-06-09", "2027-06-09", 0}, // last day
		{"2027-06-10", "2027-06-09", 0}, // after the end
		{"2028-01-01", "2027-06-09", 0},
		{"2027-01-01", "2027-12-31", 12},
		{"2027-07-01", "2027-12-31", 6},
		{"2027-01-01", "2027-01-31", 1},
		{"2027-01-02", "2027-01-31", 0},
	}
	for _, tt := range tests {
		t.Run(tt.today+"→"+tt.end, func(t *testing.T) {
			if got := RemainingMonths(mustDay(t, tt.today), mustDay(t, tt.end)); got != tt.want {
				t.Errorf("RemainingMonths(%s, %s) = %d, want %d", tt.today, tt.end, got, tt.want)
			}
		})
	}
}

func TestRefund(t *testing.T) {
	tests := []struct {
		amount            int64
		months, remaining int
		want              int64
	}{
		{3000, 3, 3, 3000},
		{3000, 3, 2, 2000},
		{3000, 3, 1, 1000},
		{3000, 3, 0, 0},
		{3000, 3, -1, 0},
		{3000, 3, 4, 3000},   // never more than bought
		{3000, 3, 100, 3000}, // never more than bought
		{1000, 3, 1, 333},    // whole rupees, rounded down
		{1000, 3, 2, 666},
		{12000, 12, 12, 12000},
		{12000, 12, 5, 5000},
		{2500, 1, 1, 2500},
		{2500, 1, 0, 0},
		{2500, 0, 1, 0},
		{0, 3, 3, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%dof%d", tt.amount, tt.remaining, tt.months), func(t *testing.T) {
			got := Refund(tt.amount, tt.months, tt.remaining)
			if got != tt.want {
				t.Errorf("Refund(%d, %d, %d) = %d, want %d", tt.amount, tt.months, tt.remaining, got, tt.want)
			}
			if got < 0 || got > tt.amount {
				t.Errorf("Refund(%d, %d, %d) = %d, outside 0..amount", tt.amount, tt.months, tt.remaining, got)
			}
		})
	}
}

// TestCancelRefund runs the refund a cancellation computes (whole months
// left from today, or from the start of a permit not yet begun).
func TestCancelRefund(t *testing.T) {
	tests := []struct {
		name   string
		start  string
		months int
		amount int64
		today  string
		want   int64
	}{
		{"first day", "2027-03-10", 3, 3000, "2027-03-10", 3000},
		{"before it starts", "2027-04-01", 3, 3000, "2027-03-10", 3000},
		{"a day in", "2027-03-10", 3, 3000, "2027-03-11", 2000},
		{"1.5 months in", "2027-03-10", 3, 3000, "2027-04-24", 1000},
		{"last month", "2027-03-10", 3, 3000, "2027-05-20", 0},
		{"last day", "2027-03-10", 3, 3000, "2027-06-09", 0},
		{"after the end", "2027-03-10", 3, 3000, "2027-07-01", 0},
		{"12 months, half gone", "2027-01-01", 12, 12000, "2027-07-01", 6000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := PermitDates(mustDay(t, tt.start), tt.months)
			from := mustDay(t, tt.today)
			if start.After(from) {
				from = start
			}
			if got := Refund(tt.amount, tt.months, RemainingMonths(from, end)); got != tt.want {
				t.Errorf("refund = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestRequestChecksNameEveryField: each request's Check names every field
// that breaks a rule at once, and a 0 PKR tariff is a price.
func TestRequestChecksNameEveryField(t *testing.T) {
	free, paid := new(int64(0)), new(int64(1000))
	cases := []struct {
		name  string
		check interface{ Check() error }
		want  []string
	}{
		{"zone with a free tariff", ZoneInput{Tariffs: []Tariff{{PermitType: TypeResident, Months: 1, AmountPKR: paid}, {PermitType: TypeDisabled, Months: 1, AmountPKR: free}}}, nil},
		{"zone, a tariff without a price and one twice", ZoneInput{Tariffs: []Tariff{
			{PermitType: TypeResident, Months: 1}, {PermitType: TypeDisabled, Months: 1, AmountPKR: free}, {PermitType: TypeDisabled, Months: 1, AmountPKR: paid},
		}}, []string{"tariffs[0].amount_pkr", "tariffs[2]"}},
		{"zone change", ZoneChange{Tariffs: []Tariff{{PermitType: TypeBusiness, Months: 3}}}, []string{"tariffs[0].amount_pkr"}},
		{"vehicle", &VehicleInput{Plate: "ABC-12345"}, []string{"plate"}},
		{"permit", PermitRequest{StartDate: "2027-3-10"}, []string{"start_date"}},
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
	v := VehicleInput{Plate: "ict abc 123"}
	if err := v.Check(); err != nil || v.Plate != "ICT-ABC-123" {
		t.Errorf("vehicle Check = %v, plate %q; want the plate normalised", err, v.Plate)
	}
}

func TestPermitFilterCheck(t *testing.T) {
	for _, status := range []string{"", StatusActive, StatusExpired, StatusExpiredUnpaid, StatusRejected} {
		if err := (PermitFilter{Status: status}).Check(); err != nil {
			t.Errorf("Check(status %q) = %v, want nil", status, err)
		}
	}
	for _, status := range []string{"bogus", "ACTIVE"} {
		err := PermitFilter{Status: status}.Check()
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.Malformed || len(de.Fields) != 1 || de.Fields[0].Field != "status" {
			t.Errorf("Check(status %q) = %#v, want Malformed naming status", status, err)
		}
	}
}
