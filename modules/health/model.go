package health

import (
	"strconv"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Facility kinds.
const (
	KindHospital = "hospital"
	KindClinic   = "clinic"
	KindBHU      = "bhu"
	KindLab      = "lab"
)

// Facility is a hospital, clinic, basic health unit or laboratory.
type Facility struct {
	ID          string    `json:"id" format:"uuid"`
	Name        string    `json:"name" example:"Pakistan Institute of Medical Sciences (PIMS)"`
	Kind        string    `json:"kind" enums:"hospital,clinic,bhu,lab"`
	Sector      string    `json:"sector" example:"G-8/3"`
	Address     string    `json:"address"`
	Location    Location  `json:"location"`
	Specialties []string  `json:"specialties" example:"cardiology,paediatrics"`
	CreatedAt   time.Time `json:"created_at" format:"date-time"`
	UpdatedAt   time.Time `json:"updated_at" format:"date-time"`
} // @name Facility

// Location is a point on the map.
type Location struct {
	Lat float64 `json:"lat" format:"double" example:"33.7006"`
	Lng float64 `json:"lng" format:"double" example:"73.0502"`
} // @name Location

// Practitioner is a doctor who sees patients at one facility.
type Practitioner struct {
	ID         string `json:"id" format:"uuid"`
	FacilityID string `json:"facility_id" format:"uuid"`
	FullName   string `json:"full_name" example:"Dr. Ayesha Siddiqui"`
	Specialty  string `json:"specialty" example:"cardiology"`
	PMDCNumber string `json:"pmdc_number" example:"10001-P"`
} // @name Practitioner

// Slot is one appointment time of a practitioner with a number of seats.
type Slot struct {
	ID             string `json:"id" format:"uuid"`
	PractitionerID string `json:"practitioner_id" format:"uuid"`
	FacilityID     string `json:"facility_id" format:"uuid"`
	// FacilityName, PractitionerName and Specialty are what an app shows
	// beside the time, without asking for the facility and the doctor.
	FacilityName     string    `json:"facility_name" example:"Pakistan Institute of Medical Sciences (PIMS)"`
	PractitionerName string    `json:"practitioner_name" example:"Dr. Ayesha Siddiqui"`
	Specialty        string    `json:"specialty" example:"cardiology"`
	StartsAt         time.Time `json:"starts_at" format:"date-time"`
	EndsAt           time.Time `json:"ends_at" format:"date-time"`
	Capacity         int       `json:"capacity" example:"4"`
	Remaining        int       `json:"remaining" example:"3"`
} // @name Slot

// FacilityFilter narrows a facility search. Empty fields do not filter.
type FacilityFilter struct {
	Specialty string
	Sector    string
	// Q matches part of the name, ignoring case.
	Q string
}

// SlotFilter narrows an availability search.
type SlotFilter struct {
	FacilityID     string
	PractitionerID string
	Specialty      string
	From, To       time.Time
	// IncludeFull also lists slots with no seats left.
	IncludeFull bool
}

// searchHorizon is how far ahead availability search looks by default.
const searchHorizon = 14 * 24 * time.Hour

// Normalize fills the default time range (now to 14 days ahead), never
// earlier than now, and checks that the range is a range. Now is taken up to
// the next whole second, so that the searches of one second are the same
// search: a slot starting within that second can no longer be booked.
func (f SlotFilter) Normalize(now time.Time) (SlotFilter, error) {
	if second := now.Truncate(time.Second); second.Before(now) {
		now = second.Add(time.Second)
	}
	if f.From.IsZero() || f.From.Before(now) {
		f.From = now
	}
	if f.To.IsZero() {
		f.To = f.From.Add(searchHorizon)
	}
	if !f.To.After(f.From) {
		return f, domain.FieldInvalid("to", "validation.slot.range", nil)
	}
	return f, nil
}

// Schedule describes a practitioner's recurring sessions, from which slots
// are generated. Times are local (Asia/Karachi); dates are inclusive.
type Schedule struct {
	PractitionerID string
	// Weekdays are ISO days: 1 is Monday, 7 is Sunday.
	Weekdays    []int
	StartTime   string // "HH:MM"
	EndTime     string // "HH:MM"
	SlotMinutes int
	Capacity    int
	// From and To are calendar dates: their year, month and day are taken
	// as written, and the slots are cut on those days in Asia/Karachi.
	From, To time.Time
}

// SlotTime is the start and end of one generated slot, in UTC.
type SlotTime struct {
	StartsAt, EndsAt time.Time
}

// maxScheduleDays bounds one schedule to a year of slots.
const maxScheduleDays = 366

// Check names every field of the schedule that breaks a rule: times of
// day in order, a slot length from 5 to 480 minutes, dates in order at most
// a year apart, ISO weekdays. Dates that are zero (unread) are not compared.
func (s Schedule) Check() error {
	var errs domain.FieldErrors
	start, startErr := clockTime("start_time", s.StartTime)
	end, endErr := clockTime("end_time", s.EndTime)
	errs.Add(startErr)
	errs.Add(endErr)
	if startErr == nil && endErr == nil && end <= start {
		errs.Add(domain.FieldInvalid("end_time", "validation.later_than", map[string]string{"other": "start_time"}))
	}
	if s.SlotMinutes < 5 || s.SlotMinutes > 480 {
		errs.Add(domain.FieldInvalid("slot_minutes", "validation.between", map[string]string{"min": "5", "max": "480"}))
	}
	switch {
	case s.From.IsZero() || s.To.IsZero():
	case s.To.Before(s.From):
		errs.Add(domain.FieldInvalid("to", "validation.not_before", map[string]string{"other": "from"}))
	case s.To.Sub(s.From) > maxScheduleDays*24*time.Hour:
		errs.Add(domain.FieldInvalid("to", "validation.schedule.span", map[string]string{"n": strconv.Itoa(maxScheduleDays)}))
	}
	for _, d := range s.Weekdays {
		if d < 1 || d > 7 {
			errs.Add(domain.FieldInvalid("weekdays", "validation.weekdays", nil))
		}
	}
	return errs.Err()
}

// Times returns the slot times the schedule generates, in UTC: each local
// day from From to To whose weekday is listed, cut into SlotMinutes pieces
// between StartTime and EndTime. Errors: Invalid as Check.
func (s Schedule) Times() ([]SlotTime, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	start, _ := clockTime("start_time", s.StartTime)
	end, _ := clockTime("end_time", s.EndTime)
	days := map[time.Weekday]bool{}
	for _, d := range s.Weekdays {
		days[time.Weekday(d%7)] = true
	}
	step := time.Duration(s.SlotMinutes) * time.Minute
	var out []SlotTime
	last := localMidnight(s.To)
	for day := localMidnight(s.From); !day.After(last); day = day.AddDate(0, 0, 1) {
		if !days[day.Weekday()] {
			continue
		}
		for t := day.Add(start); !t.Add(step).After(day.Add(end)); t = t.Add(step) {
			out = append(out, SlotTime{StartsAt: t.UTC(), EndsAt: t.Add(step).UTC()})
		}
	}
	return out, nil
}

// clockTime parses "HH:MM" into the time since midnight.
func clockTime(field, v string) (time.Duration, error) {
	t, err := time.Parse("15:04", v)
	if err != nil || len(v) != 5 {
		return 0, domain.FieldInvalid(field, "validation.clock_time", nil)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// localMidnight is the start of date's calendar day in Asia/Karachi. The date
// is read from its year, month and day as given, whatever its location.
func localMidnight(date time.Time) time.Time {
	y, m, d := date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, domain.Karachi)
}
