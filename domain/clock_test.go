package domain

import (
	"testing"
	"time"
)

func TestLocalDate(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"last second of the local day", time.Date(2026, 3, 1, 18, 59, 59, 0, time.UTC), date(2026, 3, 1)},
		{"local midnight is 19:00 UTC the day before", time.Date(2026, 3, 1, 19, 0, 0, 0, time.UTC), date(2026, 3, 2)},
		{"UTC midnight is 05:00 local", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), date(2026, 3, 2)},
		{"year end rolls over locally first", time.Date(2026, 12, 31, 19, 30, 0, 0, time.UTC), date(2027, 1, 1)},
		{"leap day", time.Date(2028, 2, 28, 19, 0, 0, 0, time.UTC), date(2028, 2, 29)},
		// The input's own location must not matter, only the instant.
		{"input in another zone", time.Date(2026, 3, 1, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), date(2026, 3, 2)},
		{"input already in Karachi", time.Date(2026, 3, 2, 0, 0, 0, 0, Karachi), date(2026, 3, 2)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := LocalDate(tc.in)
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("LocalDate(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestKarachiIsFixedUTCPlus5(t *testing.T) {
	for _, month := range []time.Month{time.January, time.July} {
		_, offset := time.Date(2026, month, 1, 0, 0, 0, 0, Karachi).Zone()
		if offset != 5*3600 {
			t.Errorf("offset in %s = %d s, want %d (no daylight saving)", month, offset, 5*3600)
		}
	}
}

func TestSystemClockIsUTCMicroseconds(t *testing.T) {
	now := SystemClock{}.Now()
	if now.Location() != time.UTC {
		t.Errorf("location = %s, want UTC", now.Location())
	}
	// Both databases store microseconds; a finer time would not round-trip.
	if now.Nanosecond()%1000 != 0 {
		t.Errorf("Now() = %s has sub-microsecond digits", now)
	}
}
