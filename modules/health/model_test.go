package health

import (
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// day is a schedule date in the form domain.LocalDate produces.
func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func utc(m time.Month, d, hh, mm int) time.Time { return time.Date(2026, m, d, hh, mm, 0, 0, time.UTC) }

func TestScheduleTimes(t *testing.T) {
	all := []int{1, 2, 3, 4, 5, 6, 7}
	// 2026-03-01 and 2026-03-08 are Sundays; 2026-03-02 is a Monday.
	cases := []struct {
		name string
		s    Schedule
		want []SlotTime
	}{
		{"ISO 7 is Sunday",
			Schedule{Weekdays: []int{7}, StartTime: "09:00", EndTime: "09:20", SlotMinutes: 20, From: day(3, 1), To: day(3, 8)},
			[]SlotTime{{utc(3, 1, 4, 0), utc(3, 1, 4, 20)}, {utc(3, 8, 4, 0), utc(3, 8, 4, 20)}}},
		{"only listed weekdays",
			Schedule{Weekdays: []int{1, 3}, StartTime: "09:00", EndTime: "09:20", SlotMinutes: 20, From: day(3, 1), To: day(3, 8)},
			[]SlotTime{{utc(3, 2, 4, 0), utc(3, 2, 4, 20)}, {utc(3, 4, 4, 0), utc(3, 4, 4, 20)}}},
		{"an hour in 20-minute slots is 3 slots",
			Schedule{Weekdays: all, StartTime: "09:00", EndTime: "10:00", SlotMinutes: 20, From: day(3, 2), To: day(3, 2)},
			[]SlotTime{{utc(3, 2, 4, 0), utc(3, 2, 4, 20)}, {utc(3, 2, 4, 20), utc(3, 2, 4, 40)}, {utc(3, 2, 4, 40), utc(3, 2, 5, 0)}}},
		{"a slot that would run past the end is dropped",
			Schedule{Weekdays: all, StartTime: "09:00", EndTime: "10:00", SlotMinutes: 25, From: day(3, 2), To: day(3, 2)},
			[]SlotTime{{utc(3, 2, 4, 0), utc(3, 2, 4, 25)}, {utc(3, 2, 4, 25), utc(3, 2, 4, 50)}}},
		{"session shorter than one slot",
			Schedule{Weekdays: all, StartTime: "09:00", EndTime: "09:19", SlotMinutes: 20, From: day(3, 2), To: day(3, 2)},
			nil},
		// 09:00 in Islamabad is 04:00 UTC the same day.
		{"morning slot stays on the same UTC day",
			Schedule{Weekdays: all, StartTime: "09:00", EndTime: "09:30", SlotMinutes: 30, From: day(3, 2), To: day(3, 2)},
			[]SlotTime{{utc(3, 2, 4, 0), utc(3, 2, 4, 30)}}},
		// 02:00 in Islamabad on 2 March is 21:00 UTC on 1 March.
		{"early slot falls on the previous UTC day",
			Schedule{Weekdays: []int{1}, StartTime: "02:00", EndTime: "02:30", SlotMinutes: 30, From: day(3, 2), To: day(3, 2)},
			[]SlotTime{{utc(3, 1, 21, 0), utc(3, 1, 21, 30)}}},
		{"slot straddling UTC midnight",
			Schedule{Weekdays: all, StartTime: "04:45", EndTime: "05:15", SlotMinutes: 30, From: day(3, 2), To: day(3, 2)},
			[]SlotTime{{utc(3, 1, 23, 45), utc(3, 2, 0, 15)}}},
		{"from and to are inclusive",
			Schedule{Weekdays: all, StartTime: "09:00", EndTime: "09:20", SlotMinutes: 20, From: day(3, 2), To: day(3, 4)},
			[]SlotTime{{utc(3, 2, 4, 0), utc(3, 2, 4, 20)}, {utc(3, 3, 4, 0), utc(3, 3, 4, 20)}, {utc(3, 4, 4, 0), utc(3, 4, 4, 20)}}},
		{"dates given in Karachi read the same",
			Schedule{Weekdays: all, StartTime: "09:00", EndTime: "09:20", SlotMinutes: 20,
				From: time.Date(2026, 3, 2, 0, 0, 0, 0, domain.Karachi), To: time.Date(2026, 3, 2, 0, 0, 0, 0, domain.Karachi)},
			[]SlotTime{{utc(3, 2, 4, 0), utc(3, 2, 4, 20)}}},
		{"no weekdays, no slots",
			Schedule{StartTime: "09:00", EndTime: "10:00", SlotMinutes: 20, From: day(3, 1), To: day(3, 8)},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.s.Times()
			if err != nil {
				t.Fatalf("Times() error: %v", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d slots %v, want %d %v", len(got), got, len(tc.want), tc.want)
			}
			for i := range got {
				if !got[i].StartsAt.Equal(tc.want[i].StartsAt) || !got[i].EndsAt.Equal(tc.want[i].EndsAt) {
					t.Errorf("slot %d = %s–%s, want %s–%s", i, got[i].StartsAt, got[i].EndsAt, tc.want[i].StartsAt, tc.want[i].EndsAt)
				}
				if got[i].StartsAt.Location() != time.UTC || got[i].EndsAt.Location() != time.UTC {
					t.Errorf("slot %d is not in UTC: %s", i, got[i].StartsAt)
				}
			}
		})
	}
}

func TestScheduleTimesAllowsAYear(t *testing.T) {
	// 366 days is the longest schedule; 2026-01-05 is its first Monday.
	s := Schedule{Weekdays: []int{1}, StartTime: "09:00", EndTime: "09:05", SlotMinutes: 5, From: day(1, 1), To: day(1, 1).AddDate(0, 0, 366)}
	got, err := s.Times()
	if err != nil {
		t.Fatalf("Times() error: %v", err)
	}
	if len(got) != 52 {
		t.Errorf("got %d slots, want 52 Mondays", len(got))
	}
}

func TestScheduleTimesErrors(t *testing.T) {
	valid := func() Schedule {
		return Schedule{Weekdays: []int{1}, StartTime: "09:00", EndTime: "13:00", SlotMinutes: 20, Capacity: 3, From: day(3, 2), To: day(3, 8)}
	}
	cases := []struct {
		name  string
		edit  func(*Schedule)
		field string
	}{
		{"start without leading zero", func(s *Schedule) { s.StartTime = "9:00" }, "start_time"},
		{"start out of range", func(s *Schedule) { s.StartTime = "24:00" }, "start_time"},
		{"start with seconds", func(s *Schedule) { s.StartTime = "09:00:00" }, "start_time"},
		{"end missing", func(s *Schedule) { s.EndTime = "" }, "end_time"},
		{"end before start", func(s *Schedule) { s.EndTime = "08:00" }, "end_time"},
		{"end equal to start", func(s *Schedule) { s.EndTime = "09:00" }, "end_time"},
		{"slot too short", func(s *Schedule) { s.SlotMinutes = 4 }, "slot_minutes"},
		{"slot too long", func(s *Schedule) { s.SlotMinutes = 481 }, "slot_minutes"},
		{"to before from", func(s *Schedule) { s.To = day(3, 1) }, "to"},
		{"more than a year", func(s *Schedule) { s.To = s.From.AddDate(0, 0, 367) }, "to"},
		{"weekday zero", func(s *Schedule) { s.Weekdays = []int{0} }, "weekdays"},
		{"weekday eight", func(s *Schedule) { s.Weekdays = []int{1, 8} }, "weekdays"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.edit(&s)
			got, err := s.Times()
			if !domain.IsKind(err, domain.Invalid) {
				t.Fatalf("Times() = %d slots, %v; want an Invalid error", len(got), err)
			}
			if f := err.(*domain.Error).Fields; len(f) != 1 || f[0].Field != tc.field {
				t.Errorf("fields = %+v, want one naming %s", f, tc.field)
			}
		})
	}
}

func TestSlotFilterNormalize(t *testing.T) {
	now := time.Date(2026, 3, 2, 5, 30, 0, 0, time.UTC)
	horizon := 14 * 24 * time.Hour
	cases := []struct {
		name             string
		in               SlotFilter
		wantFrom, wantTo time.Time
	}{
		{"default range", SlotFilter{}, now, now.Add(horizon)},
		{"from in the past becomes now", SlotFilter{From: now.Add(-time.Hour)}, now, now.Add(horizon)},
		{"future from keeps its 14 days", SlotFilter{From: now.Add(48 * time.Hour)}, now.Add(48 * time.Hour), now.Add(48*time.Hour + horizon)},
		{"given to is kept", SlotFilter{To: now.Add(time.Hour)}, now, now.Add(time.Hour)},
		{"past from with a future to", SlotFilter{From: now.AddDate(0, 0, -3), To: now.Add(time.Hour)}, now, now.Add(time.Hour)},
		{"to beyond the horizon is allowed", SlotFilter{To: now.AddDate(0, 0, 30)}, now, now.AddDate(0, 0, 30)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.FacilityID, tc.in.Specialty, tc.in.IncludeFull = "f", "cardiology", true
			got, err := tc.in.Normalize(now)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if !got.From.Equal(tc.wantFrom) || !got.To.Equal(tc.wantTo) {
				t.Errorf("range = [%s, %s), want [%s, %s)", got.From, got.To, tc.wantFrom, tc.wantTo)
			}
			if got.FacilityID != "f" || got.Specialty != "cardiology" || !got.IncludeFull {
				t.Errorf("Normalize changed the other fields: %+v", got)
			}
		})
	}
}

func TestSlotFilterNormalizeRejectsEmptyRange(t *testing.T) {
	now := time.Date(2026, 3, 2, 5, 30, 0, 0, time.UTC)
	cases := []struct {
		name string
		in   SlotFilter
	}{
		{"to before from", SlotFilter{From: now.Add(48 * time.Hour), To: now.Add(24 * time.Hour)}},
		{"to equal to from", SlotFilter{From: now.Add(time.Hour), To: now.Add(time.Hour)}},
		{"to in the past", SlotFilter{To: now.Add(-time.Minute)}},
		{"to now", SlotFilter{To: now}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.Normalize(now)
			if !domain.IsKind(err, domain.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if f := err.(*domain.Error).Fields; len(f) != 1 || f[0].Field != "to" {
				t.Errorf("fields = %+v, want one naming to", f)
			}
		})
	}
}

// TestRequestChecksNameEveryField: each request's Check names every field
// that breaks a rule at once; a date that could not be read is not compared.
func TestRequestChecksNameEveryField(t *testing.T) {
	schedule := ScheduleInput{Weekdays: []int{1, 2}, StartTime: "09:00", EndTime: "13:00", SlotMinutes: 20, Capacity: 3, From: "2027-01-04", To: "2027-01-31"}
	with := func(edit func(*ScheduleInput)) ScheduleInput {
		s := schedule
		edit(&s)
		return s
	}
	cases := []struct {
		name  string
		check interface{ Check() error }
		want  []string
	}{
		{"schedule, valid", schedule, nil},
		{"schedule, every field", with(func(s *ScheduleInput) {
			s.StartTime, s.EndTime, s.SlotMinutes, s.From, s.To, s.Weekdays = "9am", "13:00", 2, "2027-02-01", "2027-01-31", []int{0}
		}), []string{"start_time", "slot_minutes", "to", "weekdays"}},
		{"schedule, times out of order and an unreadable from", with(func(s *ScheduleInput) {
			s.EndTime, s.From = "08:00", "4 January"
		}), []string{"from", "end_time"}},
		{"facility off the map", FacilityInput{Location: Location{Lat: 91, Lng: 73}}, []string{"location"}},
		{"facility change without a location", FacilityChange{}, nil},
		{"session cancellation", SessionCancellation{Date: "2027-02-30"}, []string{"date"}},
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
