package main

import (
	"fmt"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

var specialties = []any{"general-medicine", "paediatrics", "gynaecology", "cardiology", "orthopaedics", "ent",
	"dermatology", "ophthalmology", "psychiatry", "dentistry", "physiotherapy"}

// facilityKind: of every 20 facilities, 1 hospital, 10 clinics, 7 basic health units and 2 labs.
func facilityKind(f int64) string {
	switch r := f % 20; {
	case r == 0:
		return "hospital"
	case r <= 10:
		return "clinic"
	case r <= 17:
		return "bhu"
	}
	return "lab"
}

// facilitySpecialties are indexes into specialties: every one for a
// hospital, else general medicine and 2 to 5 more.
func facilitySpecialties(f int64) []int {
	out := []int{0}
	n := 3 + int(pick(f, saltFacility)%4)
	if facilityKind(f) == "hospital" {
		n = len(specialties)
	}
	for k := int(pick(f, saltFacility) >> 8 % 10); len(out) < n; k++ {
		out = append(out, 1+k%10)
	}
	return out
}

// at is the instant of a local clock time on a local date (midnight UTC).
func at(date time.Time, clock time.Duration) time.Time {
	_, offset := date.In(domain.Karachi).Zone()
	return date.Add(clock - time.Duration(offset)*time.Second)
}

func (g *scaleGen) facilities() table {
	labels := map[string]string{"hospital": "Federal Hospital", "clinic": "Family Clinic", "bhu": "Basic Health Unit", "lab": "Diagnostic Laboratory"}
	cols := []string{"id", "name", "kind", "sector", "address", "lat", "lng", "created_at", "updated_at"}
	created := g.now.AddDate(-3, 0, 0)
	return counted("health_facilities", cols, g.sizes.facilities, func(f int64, v []any) {
		h := pick(f, saltFacility)
		kind, sector := facilityKind(f), sectorOf(h)
		v[0], v[1], v[2], v[3] = g.id(kindFacility, f), fmt.Sprintf("%s %d, %s", labels[kind], f+1, sector), kind, sector
		v[4] = fmt.Sprintf("Street %d, %s, Islamabad", 1+h>>16%60, sector)
		v[5], v[6], v[7], v[8] = 33.62+float64(h>>24%12000)/100000, 72.95+float64(h>>40%20000)/100000, created, created
	})
}

var sectors = []string{"E-7", "E-11", "F-6", "F-7", "F-8", "F-10", "F-11", "G-6", "G-7", "G-8", "G-9", "G-10", "G-11",
	"G-13", "G-14", "G-15", "H-8", "H-9", "H-13", "I-8", "I-9", "I-10", "I-14", "D-12", "B-17"}

func sectorOf(h uint64) string {
	return fmt.Sprintf("%s/%d", sectors[h%uint64(len(sectors))], 1+h>>8%4)
}

func (g *scaleGen) specialties() table {
	var f, k, total int64
	for _, s := range g.specs {
		total += int64(len(s))
	}
	return table{"health_facility_specialties", []string{"facility_id", "specialty"}, total, func(v []any) bool {
		for f < g.sizes.facilities && k == int64(len(g.specs[f])) {
			f, k = f+1, 0
		}
		if f == g.sizes.facilities {
			return false
		}
		v[0], v[1] = g.id(kindFacility, f), specialties[g.specs[f][k]]
		k++
		return true
	}}
}

// doctor is practitioner p's facility and specialty.
func (g *scaleGen) doctor(p int64) (int64, any) {
	f := p % g.sizes.facilities
	return f, specialties[g.specs[f][(p/g.sizes.facilities)%int64(len(g.specs[f]))]]
}

func (g *scaleGen) practitioners() table {
	cols := []string{"id", "facility_id", "full_name", "specialty", "pmdc_number", "created_at", "updated_at"}
	created := g.now.AddDate(-3, 0, 0)
	return counted("health_practitioners", cols, g.sizes.practitioners, func(p int64, v []any) {
		f, specialty := g.doctor(p)
		h := pick(p, saltFacility)
		name := g.name(int(p&1), h>>16, int(h%uint64(len(surnames)))).(string)
		v[0], v[1], v[2], v[3], v[4] = g.id(kindPractitioner, p), g.id(kindFacility, f), "Dr. "+name, specialty, fmt.Sprintf("%06d-S", p+1)
		v[5], v[6] = created, created
	})
}

// slot is slot i of a day-major timetable: day d (from 1; ahead or back),
// slot s of the day, practitioner p.
func (g *scaleGen) slot(i int64) (d, s, p int64) {
	perDay := g.sizes.practitioners * slotsPerDay
	return i/perDay + 1, i % perDay / g.sizes.practitioners, i % g.sizes.practitioners
}

func slotStart(date time.Time, s int64) time.Time {
	return at(date, 9*time.Hour+time.Duration(s)*slotLength)
}

// bookedSlot is the one slot of day d ahead in which practitioner p has a booking.
func (g *scaleGen) bookedSlot(d, p int64) int64 {
	return int64(pick(d*g.sizes.practitioners+p, saltBooked) % slotsPerDay)
}

var slotCols = []string{"id", "practitioner_id", "facility_id", "specialty", "starts_at", "ends_at", "capacity", "booked", "next_queue", "created_at"}

func (g *scaleGen) futureSlots() table {
	n := g.sizes.slotDays * slotsPerDay * g.sizes.practitioners
	return counted("health_slots (future)", slotCols, n, func(i int64, v []any) {
		d, s, p := g.slot(i)
		f, specialty := g.doctor(p)
		start := slotStart(g.today.AddDate(0, 0, int(d)), s)
		booked := 0
		if d <= bookedDays && s == g.bookedSlot(d, p) {
			booked = 1
		}
		v[0], v[1], v[2], v[3], v[4], v[5] = g.id(kindSlot, i), g.id(kindPractitioner, p), g.id(kindFacility, f), specialty, start, start.Add(slotLength)
		v[6], v[7], v[8], v[9] = slotCapacity, booked, booked, g.now.AddDate(0, 0, -7)
	})
}

// pastCount is how many appointments past slot i had: 1, 2 or 3 (2 on average).
func pastCount(i int64) int64 {
	return [10]int64{1, 1, 1, 2, 2, 2, 2, 3, 3, 3}[pick(i, saltPastCount)%10]
}

// pastStatus is how past appointment a ended.
func pastStatus(a int64) string {
	switch r := pick(a, saltPastStatus) % 100; {
	case r < 78:
		return "completed"
	case r < 88:
		return "no_show"
	}
	return "cancelled"
}

func (g *scaleGen) pastSlots() table {
	var a int64 // appointments in the slots so far
	n := g.pastDays * slotsPerDay * g.sizes.practitioners
	return counted("health_slots (past)", slotCols, n, func(i int64, v []any) {
		d, s, p := g.slot(i)
		f, specialty := g.doctor(p)
		start := slotStart(g.today.AddDate(0, 0, -int(d)), s)
		k := min(pastCount(i), g.sizes.past-a)
		booked := 0
		for q := range k {
			if pastStatus(a+q) != "cancelled" {
				booked++
			}
		}
		a += k
		v[0], v[1], v[2], v[3], v[4], v[5] = g.id(kindPastSlot, i), g.id(kindPractitioner, p), g.id(kindFacility, f), specialty, start, start.Add(slotLength)
		v[6], v[7], v[8], v[9] = slotCapacity, booked, k, start.AddDate(0, 0, -30)
	})
}

var appointmentCols = []string{"id", "slot_id", "practitioner_id", "facility_id", "account_id", "patient_id", "patient_kind", "patient_name",
	"local_date", "starts_at", "queue_number", "status", "reason", "created_at", "updated_at", "person_id"}

// futureAppointments book one seat a day with every practitioner for the
// next bookedDays days, for citizens in scattered order. With one booking
// a doctor and day, no patient has two with one doctor on one day.
func (g *scaleGen) futureAppointments() table {
	P := g.sizes.practitioners
	n := min(bookedDays, g.sizes.slotDays) * P
	return counted("health_appointments (booked)", appointmentCols, n, func(o int64, v []any) {
		d, p := o/P+1, o%P
		s := g.bookedSlot(d, p)
		f, _ := g.doctor(p)
		date := g.today.AddDate(0, 0, int(d))
		c := g.scatter(o, 0)
		account := g.id(kindAccount, c)
		created := g.now.Add(-time.Duration(1+pick(o, saltBooked)%72) * time.Hour)
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] = g.id(kindAppointment, o), g.id(kindSlot, ((d-1)*slotsPerDay+s)*P+p),
			g.id(kindPractitioner, p), g.id(kindFacility, f), account, account, "self", g.citizenName(c)
		v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15] = date, slotStart(date, s), 1, "booked", "", created, created, account
	})
}

// accountBookings count the future appointments per account, doctor and
// day: one each, as every doctor's day has one booking.
func (g *scaleGen) accountBookings() table {
	P := g.sizes.practitioners
	n := min(bookedDays, g.sizes.slotDays) * P
	cols := []string{"account_id", "practitioner_id", "local_date", "bookings"}
	return counted("health_account_bookings", cols, n, func(o int64, v []any) {
		d, p := o/P+1, o%P
		v[0], v[1], v[2], v[3] = g.id(kindAccount, g.scatter(o, 0)), g.id(kindPractitioner, p), g.today.AddDate(0, 0, int(d)), 1
	})
}

var reasons = []any{"", "", "", "fever for two days", "follow-up visit", "routine check-up", "cough for a week", "back pain", "blood pressure review"}

func (g *scaleGen) pastAppointments() table {
	var i, q, a int64 // slot, queue number within it, appointment
	return table{"health_appointments (past)", appointmentCols, g.sizes.past, func(v []any) bool {
		for a < g.sizes.past && q == pastCount(i) {
			i, q = i+1, 0
		}
		if a == g.sizes.past {
			return false
		}
		d, s, p := g.slot(i)
		f, _ := g.doctor(p)
		date := g.today.AddDate(0, 0, -int(d))
		start := slotStart(date, s)
		c := g.scatter(a, 1)
		h := pick(a, saltPatient)
		patient, kind, name := g.id(kindAccount, c), "self", g.citizenName(c)
		if n := dependantCount(c); h%100 < 30 && n > 0 {
			dep := g.dependant(c, int64(h>>8)%n)
			patient, kind, name = g.id(kindDependant, dep.n), "dependant", dep.name
		}
		status := pastStatus(a)
		created := start.Add(-time.Duration(24+h>>16%240) * time.Hour)
		updated := start.Add(25 * time.Minute)
		if status == "cancelled" {
			updated = created.Add(start.Sub(created) / 2)
		}
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] = g.id(kindPastAppointment, a), g.id(kindPastSlot, i),
			g.id(kindPractitioner, p), g.id(kindFacility, f), g.id(kindAccount, c), patient, kind, name
		v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15] = date, start, q+1, status, reasons[h>>32%uint64(len(reasons))], created, updated, patient
		q++
		a++
		return true
	}}
}
