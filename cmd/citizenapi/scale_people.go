package main

import (
	"crypto/rand"
	"encoding/binary"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

// scaleGen makes the synthetic rows. Every choice about a row is a hash of
// its number, so that rows of one table find the rows of another they
// refer to (their IDs, names, dates) by number, without keeping them.
type scaleGen struct {
	sizes scaleSizes
	now   time.Time
	today time.Time // the local date, as midnight UTC
	run   [6]byte   // random prefix of this run's UUIDs
	hash  any       // the one password hash
	pii   *pii.Keys // seal CNICs as identity does
	names [2][]any  // full names by gender: first name × surname
	specs [][]int
	// accStart and accStep place citizen i's registration at accStart + i×accStep.
	accStart time.Time
	accStep  time.Duration
	// pastDays are the days before today with slots for past appointments.
	pastDays int64
	// stride is prime to the number of citizens, for scatter.
	stride  int64
	edu     educationPlan
	traffic trafficPlan
}

// Salts of pick, one per choice.
const (
	saltDeps uint64 = iota + 1
	saltDependant
	saltLanguage
	saltSurname
	saltFacility
	saltPastCount
	saltPastStatus
	saltPatient
	saltBooked
	saltSchool
	saltChild
	saltZone
	saltVehicle
	saltPermit
	saltChallan
	saltChallanTime
)

// UUID kinds.
const (
	kindAccount byte = iota + 1
	kindDependant
	kindFacility
	kindPractitioner
	kindSlot
	kindPastSlot
	kindAppointment
	kindPastAppointment
	kindSchool
	kindWindow
	kindApplication
	kindEvent
	kindZone
	kindVehicle
	kindPermit
	kindPayment
	kindChallan
	kindChallanEvent
	kindChallanPayment
)

func newScaleGen(sizes scaleSizes, now time.Time, hash string, keys *pii.Keys) *scaleGen {
	g := &scaleGen{sizes: sizes, now: now, today: domain.LocalDate(now), hash: hash, pii: keys}
	_, _ = rand.Read(g.run[:])
	for gender, firsts := range firstNames {
		for _, f := range firsts {
			for _, s := range surnames {
				g.names[gender] = append(g.names[gender], f+" "+s)
			}
		}
	}
	for f := range sizes.facilities {
		g.specs = append(g.specs, facilitySpecialties(f))
	}
	perDay := sizes.practitioners * slotsPerDay
	for n := int64(0); n < sizes.past; g.pastDays++ {
		for i := g.pastDays * perDay; i < (g.pastDays+1)*perDay; i++ {
			n += pastCount(i)
		}
	}
	// Citizens registered over two years that end before any of their
	// history (permits reach 400 days back, appointments pastDays).
	end := now.AddDate(0, 0, -int(max(450, g.pastDays+2)))
	g.accStart = end.AddDate(-2, 0, 0)
	g.accStep = end.Sub(g.accStart) / time.Duration(sizes.citizens)
	g.stride = 1
	for _, p := range []int64{999_983, 15_485_863, 7919} {
		if sizes.citizens%p != 0 {
			g.stride = p
			break
		}
	}
	return g
}

// pick is a well-mixed hash of a row number and a salt (SplitMix64).
func pick(i int64, salt uint64) uint64 {
	x := uint64(i)*0x9e3779b97f4a7c15 + salt*0xd1b54a32d192ed03
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// id is the UUID of row i of a kind: the run's random prefix, version 8
// (custom, RFC 9562), the kind and i. Each table's primary key fills in order.
func (g *scaleGen) id(kind byte, i int64) pgtype.UUID {
	u := pgtype.UUID{Valid: true}
	copy(u.Bytes[:6], g.run[:])
	u.Bytes[6], u.Bytes[7] = 0x80, kind
	binary.BigEndian.PutUint64(u.Bytes[8:], uint64(i)|1<<63) // variant 10: i < 2^62
	return u
}

// scatter maps the o-th event to a citizen, visiting all of them before any
// twice, in an order unrelated to their numbers.
func (g *scaleGen) scatter(o int64, salt uint64) int64 {
	return (o*g.stride + int64(salt)) % g.sizes.citizens
}

func (g *scaleGen) registered(c int64) time.Time { return g.accStart.Add(time.Duration(c) * g.accStep) }

// citizenName is citizen c's full name; citizens alternate male and female.
func (g *scaleGen) citizenName(c int64) any {
	return g.name(int(c&1), pick(c, saltSurname)>>16, surnameOf(c))
}

func surnameOf(c int64) int { return int(pick(c, saltSurname) % uint64(len(surnames))) }

func (g *scaleGen) name(gender int, h uint64, surname int) any {
	return g.names[gender][int(h%uint64(len(firstNames[gender])))*len(surnames)+surname]
}

func (g *scaleGen) accounts() table {
	cols := []string{"id", "kind", "cnic_hash", "phone", "full_name", "password_hash", "status", "preferred_language", "verified_at", "created_at", "updated_at", "cnic_sealed", "person_id"}
	return counted("accounts", cols, g.sizes.citizens, func(c int64, v []any) {
		created := g.registered(c)
		lang := "en"
		if pick(c, saltLanguage)%4 == 0 {
			lang = "ur"
		}
		cnic := scaleCNIC(c + 1)
		v[0], v[1], v[2], v[3], v[4], v[5] = g.id(kindAccount, c), identity.KindCitizen, g.pii.Hash(cnic), scalePhone(c+1), g.citizenName(c), g.hash
		v[6], v[7], v[8], v[9], v[10], v[11] = identity.StatusActive, lang, created.Add(3*time.Minute), created, created, identity.SealCNIC(g.pii, cnic)
		v[12] = v[0]
	})
}

// people are the citizens, each the person their CNIC names (the synthetic
// dependants have no B-forms, so each is a person of its own).
func (g *scaleGen) people() table {
	return counted("people", []string{"number_hash", "person_id"}, g.sizes.citizens, func(c int64, v []any) {
		v[0], v[1] = g.pii.Hash(scaleCNIC(c+1)), g.id(kindAccount, c)
	})
}

// dependantCounts are the family sizes of the citizens who have dependants.
func (g *scaleGen) dependantCounts() table {
	var c, total int64
	for i := range g.sizes.citizens {
		if dependantCount(i) > 0 {
			total++
		}
	}
	return table{"dependant_counts", []string{"owner_id", "dependants"}, total, func(v []any) bool {
		for c < g.sizes.citizens && dependantCount(c) == 0 {
			c++
		}
		if c == g.sizes.citizens {
			return false
		}
		v[0], v[1] = g.id(kindAccount, c), dependantCount(c)
		c++
		return true
	}}
}

// dependantCount is how many dependants citizen c has: 0 (55%), 1 (30%) or 2 (15%).
func dependantCount(c int64) int64 {
	switch r := pick(c, saltDeps) % 100; {
	case r < 55:
		return 0
	case r < 85:
		return 1
	}
	return 2
}

// dependant is dependant j (0 or 1) of citizen c; its number is 2c+j.
type dependant struct {
	n        int64
	name     any
	relation string
	gender   string
	dob      time.Time
}

// Most are children (1 to 17 years old); the rest are parents, a spouse
// (the first only) or others.
func (g *scaleGen) dependant(c, j int64) dependant {
	h := pick(2*c+j, saltDependant)
	gender := int(h >> 8 & 1)
	d := dependant{n: 2*c + j, relation: "child", gender: [2]string{"male", "female"}[gender]}
	age := 1 + int(h>>16%17)
	switch r := h % 100; {
	case j == 0 && r < 15:
		d.relation, age = "spouse", 20+int(h>>16%40)
	case r < 25:
		d.relation, age = "parent", 50+int(h>>16%35)
	case r < 30:
		d.relation, age = "other", 1+int(h>>16%80)
	}
	d.name = g.name(gender, h>>32, surnameOf(c))
	d.dob = g.today.AddDate(-age, 0, -int(h>>48%365))
	return d
}

func (g *scaleGen) dependants() table {
	var c, j, total int64
	for i := range g.sizes.citizens {
		total += dependantCount(i)
	}
	cols := []string{"id", "owner_id", "full_name", "relation", "date_of_birth", "gender", "created_at", "updated_at", "person_id"}
	return table{"dependants", cols, total, func(v []any) bool {
		for c < g.sizes.citizens && j >= dependantCount(c) {
			c, j = c+1, 0
		}
		if c == g.sizes.citizens {
			return false
		}
		d := g.dependant(c, j)
		created := g.registered(c).Add(24 * time.Hour)
		if born := d.dob.Add(30 * 24 * time.Hour); born.After(created) {
			created = born
		}
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] = g.id(kindDependant, d.n), g.id(kindAccount, c), d.name, d.relation, d.dob, d.gender, created, created
		v[8] = v[0]
		j++
		return true
	}}
}
