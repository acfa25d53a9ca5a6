package traffic_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
)

// The tests in this file check the challan rules without a database. Days
// are local days in Islamabad (Asia/Karachi, UTC+5): 00:00 there is 19:00
// UTC the day before.

// pkt is hh:mm local time in Islamabad.
func pkt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, domain.Karachi)
}

// date is a local day as the service stores it: midnight UTC.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// due is the due date of the cases below: Wednesday 24 March 2027.
var due = date(2027, time.March, 24)

func TestEffectiveStatus(t *testing.T) {
	tests := []struct {
		name   string
		status string
		now    time.Time
		want   string
	}{
		{"issued, days before the due date", traffic.StatusIssued, pkt(2027, time.March, 10, 9, 0), traffic.StatusIssued},
		{"issued, first minute of the due date", traffic.StatusIssued, pkt(2027, time.March, 24, 0, 0), traffic.StatusIssued},
		{"issued, last minute of the due date", traffic.StatusIssued, pkt(2027, time.March, 24, 23, 59), traffic.StatusIssued},
		{"issued, first minute of the day after", traffic.StatusIssued, pkt(2027, time.March, 25, 0, 0), traffic.StatusOverdue},
		{"issued, the day after in UTC is still the due date", traffic.StatusIssued, time.Date(2027, time.March, 24, 18, 59, 0, 0, time.UTC), traffic.StatusIssued},
		{"issued, 19:00 UTC on the due date is the day after", traffic.StatusIssued, time.Date(2027, time.March, 24, 19, 0, 0, 0, time.UTC), traffic.StatusOverdue},
		{"issued, months later", traffic.StatusIssued, pkt(2027, time.July, 1, 9, 0), traffic.StatusOverdue},
		{"contested after the due date", traffic.StatusContested, pkt(2027, time.April, 1, 9, 0), traffic.StatusContested},
		{"paid after the due date", traffic.StatusPaid, pkt(2027, time.April, 1, 9, 0), traffic.StatusPaid},
		{"cancelled after the due date", traffic.StatusCancelled, pkt(2027, time.April, 1, 9, 0), traffic.StatusCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := traffic.EffectiveStatus(tt.status, due, tt.now); got != tt.want {
				t.Errorf("EffectiveStatus(%s, due %s, %s) = %s, want %s", tt.status, due.Format(time.DateOnly), tt.now, got, tt.want)
			}
		})
	}
}

func TestAmountDue(t *testing.T) {
	const fine, late = 2000, 4000
	tests := []struct {
		name string
		now  time.Time
		want int64
	}{
		{"the day of issue", pkt(2027, time.March, 10, 9, 0), fine},
		{"the due date, first minute", pkt(2027, time.March, 24, 0, 0), fine},
		{"the due date, last minute", pkt(2027, time.March, 24, 23, 59), fine},
		{"the day after, first minute", pkt(2027, time.March, 25, 0, 0), late},
		{"the due date's evening in UTC, already the day after locally", time.Date(2027, time.March, 24, 20, 0, 0, 0, time.UTC), late},
		{"a year later", pkt(2028, time.March, 24, 9, 0), late},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := traffic.AmountDue(fine, late, due, tt.now); got != tt.want {
				t.Errorf("AmountDue(%d, %d, due %s, %s) = %d, want %d", fine, late, due.Format(time.DateOnly), tt.now, got, tt.want)
			}
		})
	}
}

func TestDueDate(t *testing.T) {
	tests := []struct {
		name     string
		issuedAt time.Time
		days     int
		want     time.Time
	}{
		{"morning", pkt(2027, time.March, 10, 9, 0), 14, date(2027, time.March, 24)},
		{"just after local midnight, still the day before in UTC", time.Date(2027, time.March, 9, 19, 30, 0, 0, time.UTC), 14, date(2027, time.March, 24)},
		{"last minute of the local day", pkt(2027, time.March, 10, 23, 59), 14, date(2027, time.March, 24)},
		{"one day", pkt(2027, time.March, 10, 9, 0), 1, date(2027, time.March, 11)},
		{"over the year's end", pkt(2027, time.December, 25, 9, 0), 14, date(2028, time.January, 8)},
		{"over a leap day", pkt(2028, time.February, 20, 9, 0), 14, date(2028, time.March, 5)},
		{"thirty days", pkt(2027, time.January, 31, 9, 0), 30, date(2027, time.March, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := traffic.DueDate(tt.issuedAt, tt.days); !got.Equal(tt.want) {
				t.Errorf("DueDate(%s, %d) = %s, want %s", tt.issuedAt, tt.days, got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
			}
		})
	}
}

func TestCanContest(t *testing.T) {
	until := due
	tests := []struct {
		name   string
		status string
		now    time.Time
		want   bool
	}{
		{"issued, the day of issue", traffic.StatusIssued, pkt(2027, time.March, 10, 9, 0), true},
		{"issued, the last day, last minute", traffic.StatusIssued, pkt(2027, time.March, 24, 23, 59), true},
		{"issued, the day after, first minute", traffic.StatusIssued, pkt(2027, time.March, 25, 0, 0), false},
		{"issued, a month later", traffic.StatusIssued, pkt(2027, time.April, 24, 9, 0), false},
		{"contested already", traffic.StatusContested, pkt(2027, time.March, 11, 9, 0), false},
		{"paid", traffic.StatusPaid, pkt(2027, time.March, 11, 9, 0), false},
		{"cancelled", traffic.StatusCancelled, pkt(2027, time.March, 11, 9, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := traffic.CanContest(tt.status, until, tt.now); got != tt.want {
				t.Errorf("CanContest(%s, until %s, %s) = %v, want %v", tt.status, until.Format(time.DateOnly), tt.now, got, tt.want)
			}
		})
	}
}

func TestOffenceInputCheck(t *testing.T) {
	valid := traffic.OffenceInput{Code: "OVERSPEED", Title: "Over-speeding", TitleUr: "تیز رفتاری", FinePKR: 2000, LateFinePKR: 4000, DueDays: 14}
	tests := []struct {
		name   string
		change func(*traffic.OffenceInput)
		want   []string
	}{
		{"valid", func(*traffic.OffenceInput) {}, nil},
		{"late fine equal to the fine", func(in *traffic.OffenceInput) { in.LateFinePKR = in.FinePKR }, nil},
		{"digits and underscores", func(in *traffic.OffenceInput) { in.Code = "NO_HELMET_2" }, nil},
		{"lower case code", func(in *traffic.OffenceInput) { in.Code = "overspeed" }, []string{"code"}},
		{"code starting with a digit", func(in *traffic.OffenceInput) { in.Code = "1SPEED" }, []string{"code"}},
		{"code with a dash", func(in *traffic.OffenceInput) { in.Code = "NO-HELMET" }, []string{"code"}},
		{"late fine below the fine", func(in *traffic.OffenceInput) { in.LateFinePKR = in.FinePKR - 1 }, []string{"late_fine_pkr"}},
		{"both", func(in *traffic.OffenceInput) { in.Code, in.LateFinePKR = "speed", 1 }, []string{"code", "late_fine_pkr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid
			tt.change(&in)
			err := in.Check()
			var got []string
			var derr *domain.Error
			if errors.As(err, &derr) {
				for _, f := range derr.Fields {
					got = append(got, f.Field)
				}
			} else if err != nil {
				t.Fatalf("Check() = %v, want a domain error", err)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Check() names %v, want %v (%v)", got, tt.want, err)
			}
		})
	}
}
