package domain

import "time"

// Karachi is Pakistan Standard Time (UTC+05:00, no daylight saving). Slots,
// local days, admission windows and permit expiry are reckoned in it. A fixed
// zone avoids depending on the host's time zone database.
var Karachi = time.FixedZone("PKT", 5*60*60)

// Clock tells the current time. Services take one so tests can move time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC, to the microsecond that both
// databases store.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// LocalDate returns the calendar date of t in Karachi as midnight UTC of that
// date, the form in which dates are compared and stored.
func LocalDate(t time.Time) time.Time {
	y, m, d := t.In(Karachi).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Date is a calendar date, midnight UTC as LocalDate returns it, written
// YYYY-MM-DD in JSON.
type Date struct{ time.Time }

// MarshalJSON writes the date as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads a "YYYY-MM-DD" date.
func (d *Date) UnmarshalJSON(b []byte) error {
	t, err := time.Parse(`"`+time.DateOnly+`"`, string(b))
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// ParseDate reads the date v, written YYYY-MM-DD, given as field. A date not
// written so cannot be read, like a malformed ID or time, wherever it is
// (path, query or body): Malformed (400). A readable date that breaks a
// rule (in the future, too far ahead) is the caller's Invalid (422).
func ParseDate(field, v string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, FieldMalformed(field, "validation.date", nil)
	}
	return t, nil
}
