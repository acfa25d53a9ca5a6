package health

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

var ruleStatuses = []string{StatusBooked, StatusCancelled, StatusCancelledByFacility, StatusCheckedIn, StatusCompleted, StatusNoShow}

// ruleWant is the error kind a rule should give; ok means no error.
type ruleWant struct {
	ok    bool
	kind  domain.Kind
	field string
}

var ruleOK = ruleWant{ok: true}

func checkRuleErr(t *testing.T, err error, want ruleWant) {
	t.Helper()
	if want.ok {
		if err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want kind %d", want.kind)
	}
	if got := domain.KindOf(err); got != want.kind {
		t.Fatalf("kind = %d, want %d (%v)", got, want.kind, err)
	}
	if want.field != "" {
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Field != want.field {
			t.Errorf("error %v does not name field %q", err, want.field)
		}
	}
}

func TestCheckMove(t *testing.T) {
	start := time.Date(2027, 1, 4, 4, 0, 0, 0, time.UTC) // 09:00 in Islamabad
	before, after := start.Add(-time.Minute), start.Add(time.Minute)
	conflict := ruleWant{kind: domain.Conflict}
	cases := []struct {
		name     string
		from, to string
		now      time.Time
		want     ruleWant
	}{
		{"check in before the start", StatusBooked, StatusCheckedIn, before, ruleOK},
		{"check in after the start", StatusBooked, StatusCheckedIn, after, ruleOK},
		{"complete a checked-in visit", StatusCheckedIn, StatusCompleted, after, ruleOK},
		{"complete before the start", StatusCheckedIn, StatusCompleted, before, ruleOK},
		{"no-show once started", StatusBooked, StatusNoShow, after, ruleOK},
		{"no-show at the very start", StatusBooked, StatusNoShow, start, ruleOK},
		{"no-show before the start", StatusBooked, StatusNoShow, before, ruleWant{kind: domain.Invalid, field: "status"}},
		{"no-show a nanosecond early", StatusBooked, StatusNoShow, start.Add(-time.Nanosecond), ruleWant{kind: domain.Invalid, field: "status"}},
		{"booked straight to completed", StatusBooked, StatusCompleted, after, conflict},
		{"checked in to no-show", StatusCheckedIn, StatusNoShow, after, conflict},
		{"checked in back to booked", StatusCheckedIn, StatusBooked, after, conflict},
		{"completed back to checked in", StatusCompleted, StatusCheckedIn, after, conflict},
		{"completed to no-show", StatusCompleted, StatusNoShow, after, conflict},
		{"no-show to checked in", StatusNoShow, StatusCheckedIn, after, conflict},
		{"no-show to completed", StatusNoShow, StatusCompleted, after, conflict},
		{"cancelled to checked in", StatusCancelled, StatusCheckedIn, after, conflict},
		{"cancelled by the facility to checked in", StatusCancelledByFacility, StatusCheckedIn, after, conflict},
		{"cancelled to no-show before the start", StatusCancelled, StatusNoShow, before, conflict},
		{"booked to booked", StatusBooked, StatusBooked, after, conflict},
		{"booked to cancelled", StatusBooked, StatusCancelled, after, conflict},
		{"unknown status", "lost", StatusCheckedIn, after, conflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckMove(tc.from, tc.to, start, tc.now)
			checkRuleErr(t, err, tc.want)
			if !tc.want.ok && tc.want.kind == domain.Conflict && !strings.Contains(err.Error(), tc.from) {
				t.Errorf("message %q does not say the appointment is %s", err, tc.from)
			}
		})
	}
}

// Only three moves exist; every other pair of statuses is refused, whatever
// the time.
func TestCheckMoveOnlyForward(t *testing.T) {
	start := time.Date(2027, 1, 4, 4, 0, 0, 0, time.UTC)
	forward := map[[2]string]bool{
		{StatusBooked, StatusCheckedIn}:    true,
		{StatusBooked, StatusNoShow}:       true,
		{StatusCheckedIn, StatusCompleted}: true,
	}
	for _, from := range ruleStatuses {
		for _, to := range ruleStatuses {
			err := CheckMove(from, to, start, start.Add(time.Hour))
			if forward[[2]string{from, to}] {
				if err != nil {
					t.Errorf("%s → %s: %v, want it allowed", from, to, err)
				}
			} else if domain.KindOf(err) != domain.Conflict {
				t.Errorf("%s → %s: %v, want a conflict", from, to, err)
			}
		}
	}
}

func TestCheckCutoff(t *testing.T) {
	start := time.Date(2027, 1, 4, 4, 0, 0, 0, time.UTC)
	refused := ruleWant{kind: domain.Invalid}
	cases := []struct {
		name   string
		now    time.Time
		cutoff time.Duration
		want   ruleWant
		says   string // part of the message when refused
	}{
		{"a day before", start.Add(-24 * time.Hour), 2 * time.Hour, ruleOK, ""},
		{"2h01m before", start.Add(-2*time.Hour - time.Minute), 2 * time.Hour, ruleOK, ""},
		{"exactly at the cut-off", start.Add(-2 * time.Hour), 2 * time.Hour, ruleOK, ""},
		{"a microsecond inside", start.Add(-2*time.Hour + time.Microsecond), 2 * time.Hour, refused, "2 hours"},
		{"1h59m before", start.Add(-time.Hour - 59*time.Minute), 2 * time.Hour, refused, "2 hours"},
		{"at the start", start, 2 * time.Hour, refused, "2 hours"},
		{"after the start", start.Add(time.Hour), 2 * time.Hour, refused, "2 hours"},
		{"a day after", start.Add(24 * time.Hour), 2 * time.Hour, refused, "2 hours"},
		{"one-hour cut-off, 61 minutes before", start.Add(-61 * time.Minute), time.Hour, ruleOK, ""},
		{"one-hour cut-off, 59 minutes before", start.Add(-59 * time.Minute), time.Hour, refused, "1 hour"},
		{"90-minute cut-off, 91 minutes before", start.Add(-91 * time.Minute), 90 * time.Minute, ruleOK, ""},
		{"90-minute cut-off, 89 minutes before", start.Add(-89 * time.Minute), 90 * time.Minute, refused, "90 minutes"},
		{"default cut-off is 2 hours", start.Add(-DefaultCancelCutoff - time.Second), DefaultCancelCutoff, ruleOK, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCutoff(start, tc.now, tc.cutoff)
			checkRuleErr(t, err, tc.want)
			if tc.says != "" && !strings.Contains(err.Error(), tc.says) {
				t.Errorf("message %q does not say %q", err, tc.says)
			}
		})
	}
	if DefaultCancelCutoff != 2*time.Hour {
		t.Errorf("DefaultCancelCutoff = %s, the contract says 2 hours", DefaultCancelCutoff)
	}
}
