package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/serial"
)

// educationPlan is the coming academic year's window and the applications
// to load, planned up front because seats and open counts depend on them.
type educationPlan struct {
	year          string
	window        pgtype.UUID
	opens, cutoff time.Time
	rules         []education.AgeRule
	apps          []plannedApp
	filled        map[int64]int64 // by seatKey
	// numbered is how many of the year's application numbers were issued
	// before the load; the loaded applications take the next ones.
	numbered int64
}

type plannedApp struct {
	child, school    int64 // dependant number, school number
	grade            int
	status           string
	created, decided time.Time
}

func seatKey(school int64, grade int) int64 { return school*16 + int64(grade) }

// scaleAgeRules are the entry grades and ages of a window seed scale opens.
var scaleAgeRules = []education.AgeRule{{Grade: 1, MinAge: 5, MaxAge: 7}, {Grade: 3, MinAge: 7, MaxAge: 9},
	{Grade: 6, MinAge: 10, MaxAge: 12}, {Grade: 9, MinAge: 13, MaxAge: 15}, {Grade: 11, MinAge: 15, MaxAge: 17}}

var schoolLevels = []string{"primary", "middle", "secondary", "higher_secondary"}

// schoolLevel: of every 20 schools, 8 primary, 4 middle, 5 secondary and 3 higher secondary.
func schoolLevel(s int64) int {
	switch r := s % 20; {
	case r < 8:
		return 0
	case r < 12:
		return 1
	case r < 17:
		return 2
	}
	return 3
}

// schoolGrades are the entry grades a school of a level admits to.
var schoolGrades = [][]int{{1, 3}, {1, 6}, {6, 9}, {6, 9, 11}}

func schoolSeats(s int64, grade int) int64 { return 30 + int64(pick(seatKey(s, grade), saltSchool)%91) }

func (g *scaleGen) schools() table {
	labels := []string{"Islamabad Model School (I-V)", "Islamabad Model School (I-VIII)", "Islamabad Model School (VI-X)", "Islamabad Model College"}
	cols := []string{"id", "name", "level", "gender", "sector", "emis_code", "created_at", "updated_at"}
	created := g.now.AddDate(-3, 0, 0)
	return counted("education_schools", cols, g.sizes.schools, func(s int64, v []any) {
		h := pick(s, saltSchool)
		level, gender, sector := schoolLevel(s), []string{"boys", "girls", "co"}[h%3], sectorOf(h>>8)
		name := fmt.Sprintf("%s No. %d, %s", labels[level], s+1, sector)
		if gender != "co" {
			name = fmt.Sprintf("%s No. %d for %s, %s", labels[level], s+1, map[string]string{"boys": "Boys", "girls": "Girls"}[gender], sector)
		}
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] = g.id(kindSchool, s), name, schoolLevels[level], gender, sector, fmt.Sprintf("9%05d", s+1), created, created
	})
}

// planEducation opens the coming academic year's admission window unless
// it exists (a window per year), reads its age rules, and plans the
// applications.
func (g *scaleGen) planEducation(ctx context.Context, tx pgx.Tx) error {
	e := &g.edu
	e.year = education.ComingAcademicYear(g.now)
	start, closes := g.today.AddDate(0, 0, -30), g.today.AddDate(0, 0, 61)
	startYear, _ := strconv.Atoi(e.year[:4]) // ComingAcademicYear starts with the year
	tag, err := tx.Exec(ctx, `INSERT INTO education_admission_windows (id, academic_year, opens_at, closes_at, age_cutoff, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (academic_year) DO NOTHING`,
		g.id(kindWindow, 0), e.year, at(start, 0), at(closes, -time.Second), time.Date(startYear, time.March, 31, 0, 0, 0, 0, time.UTC), g.now)
	if err != nil {
		return fmt.Errorf("open the %s admission window: %w", e.year, err)
	}
	for _, r := range scaleAgeRules {
		if tag.RowsAffected() == 0 {
			break
		}
		if _, err := tx.Exec(ctx, "INSERT INTO education_age_rules (window_id, grade, min_age, max_age) VALUES ($1, $2, $3, $4)",
			g.id(kindWindow, 0), r.Grade, r.MinAge, r.MaxAge); err != nil {
			return err
		}
	}
	var closesAt time.Time
	err = tx.QueryRow(ctx, "SELECT id, opens_at, closes_at, age_cutoff FROM education_admission_windows WHERE academic_year = $1", e.year).
		Scan(&e.window, &e.opens, &closesAt, &e.cutoff)
	if err != nil {
		return err
	}
	rows, _ := tx.Query(ctx, "SELECT grade, min_age, max_age FROM education_age_rules WHERE window_id = $1 ORDER BY grade", e.window)
	e.rules, err = pgx.CollectRows(rows, pgx.RowToStructByPos[education.AgeRule])
	if err != nil {
		return err
	}
	end := g.now.Add(-time.Hour)
	if closesAt.Before(end) {
		end = closesAt
	}
	g.planApplications(end)
	// Number the loaded applications after any already issued, and move the
	// series past them, as if each had been issued in turn.
	series := "APP-" + e.year[:4]
	err = tx.QueryRow(ctx, `INSERT INTO serials (series, last_issued) VALUES ($1, $2)
		ON CONFLICT (series) DO UPDATE SET last_issued = serials.last_issued + $2 RETURNING last_issued - $2`,
		series, int64(len(e.apps))).Scan(&e.numbered)
	return err
}

// planApplications picks children of an age some grade admits, each
// applying to 1 to 3 schools with seats in that grade, until there are
// as many applications as asked for; the choice is spread evenly over
// the citizens. Applications are made from the window's opening to end.
func (g *scaleGen) planApplications(end time.Time) {
	e := &g.edu
	e.filled = map[int64]int64{}
	offering := map[int][]int64{}
	for s := range g.sizes.schools {
		for _, grade := range schoolGrades[schoolLevel(s)] {
			offering[grade] = append(offering[grade], s)
		}
	}
	gradeOf := func(d dependant) int {
		var fits []int
		for _, r := range e.rules {
			if age := education.AgeOn(d.dob, e.cutoff); d.relation == identity.RelationChild && age >= r.MinAge && age <= r.MaxAge && len(offering[r.Grade]) > 0 {
				fits = append(fits, r.Grade)
			}
		}
		if len(fits) == 0 {
			return 0
		}
		return fits[pick(d.n, saltChild)%uint64(len(fits))]
	}
	count := func(d dependant, grade int) int64 {
		return min(1+int64(pick(d.n, saltChild)>>28%3), int64(len(offering[grade])))
	}
	var possible int64
	g.eachDependant(func(d dependant) {
		if grade := gradeOf(d); grade > 0 {
			possible += count(d, grade)
		}
	})
	want := g.sizes.applications
	if possible == 0 || want == 0 || !e.opens.Before(end) {
		return
	}
	// A tenth more children than needed on average, so that the count is
	// met: the last few citizens' children then apply nowhere.
	chance := uint64(min(1, 1.1*float64(want)/float64(possible)) * 1e6)
	g.eachDependant(func(d dependant) {
		grade := gradeOf(d)
		h := pick(d.n, saltChild) >> 8
		if grade == 0 || int64(len(e.apps)) >= want || h%1_000_000 >= chance {
			return
		}
		schools := offering[grade]
		n := min(count(d, grade), want-int64(len(e.apps)))
		created := e.opens.Add(time.Duration(float64(end.Sub(e.opens)) * float64(len(e.apps)) / float64(want)))
		decided := created.Add(end.Sub(created) / 2)
		first := int64(h >> 24 % uint64(len(schools)))
		statuses := e.outcome(h>>40%100, n, first, schools, grade, d.n)
		for k := range n {
			school := schools[(first+k)%int64(len(schools))]
			e.apps = append(e.apps, plannedApp{child: d.n, school: school, grade: grade, status: statuses[k], created: created, decided: decided})
		}
	})
}

// outcome decides a child's n applications, the first being the one the
// schools decided on: half are undecided; an accepted or enrolled child
// holds a seat, if one is free, and the others are withdrawn.
func (e *educationPlan) outcome(r uint64, n, first int64, schools []int64, grade int, child int64) []string {
	out := make([]string, n)
	for k := range out {
		out[k] = []string{education.StatusSubmitted, education.StatusUnderReview}[(child+int64(k))%2]
	}
	key := seatKey(schools[first], grade)
	switch {
	case r < 50:
	case r < 75 && e.filled[key] < schoolSeats(schools[first], grade):
		e.filled[key]++
		out[0] = education.StatusAccepted
		if r >= 70 {
			out[0] = education.StatusEnrolled
		}
		for k := 1; k < len(out); k++ {
			out[k] = education.StatusWithdrawn
		}
	case r < 88:
		out[0] = education.StatusWaitlisted
	default:
		out[0] = education.StatusRejected
	}
	return out
}

// eachDependant calls fn with every dependant, in order.
func (g *scaleGen) eachDependant(fn func(dependant)) {
	for c := range g.sizes.citizens {
		for j := range dependantCount(c) {
			fn(g.dependant(c, j))
		}
	}
}

func (g *scaleGen) applications() table {
	e := &g.edu
	cols := []string{"id", "school_id", "academic_year", "grade", "account_id", "child_id", "child_name", "child_dob", "status", "waitlisted_at", "created_at", "updated_at", "number", "child_person_id"}
	return counted("education_applications", cols, int64(len(e.apps)), func(i int64, v []any) {
		a := e.apps[i]
		d := g.dependant(a.child/2, a.child%2)
		var waitlisted *time.Time
		updated := a.created
		if a.status != education.StatusSubmitted {
			updated = a.decided
		}
		if a.status == education.StatusWaitlisted {
			waitlisted = &a.decided
		}
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] = g.id(kindApplication, i), g.id(kindSchool, a.school), e.year, a.grade,
			g.id(kindAccount, a.child/2), g.id(kindDependant, a.child), d.name, d.dob
		v[8], v[9], v[10], v[11], v[12] = a.status, waitlisted, a.created, updated, serial.Format("APP-"+e.year[:4], e.numbered+i+1)
		v[13] = v[5]
	})
}

func (g *scaleGen) seats() table {
	type seat struct {
		school int64
		grade  int
	}
	var list []seat
	for s := range g.sizes.schools {
		for _, grade := range schoolGrades[schoolLevel(s)] {
			list = append(list, seat{s, grade})
		}
	}
	cols := []string{"school_id", "academic_year", "grade", "seats", "filled"}
	return counted("education_seats", cols, int64(len(list)), func(i int64, v []any) {
		s := list[i]
		v[0], v[1], v[2], v[3], v[4] = g.id(kindSchool, s.school), g.edu.year, s.grade, schoolSeats(s.school, s.grade), g.edu.filled[seatKey(s.school, s.grade)]
	})
}

// transitions are the status changes that led to an application's status.
func transitions(status string) [][2]string {
	switch status {
	case education.StatusSubmitted:
		return nil
	case education.StatusEnrolled:
		return [][2]string{{education.StatusSubmitted, education.StatusAccepted}, {education.StatusAccepted, education.StatusEnrolled}}
	}
	return [][2]string{{education.StatusSubmitted, status}}
}

// events are each application's history: submitted by the parent, then
// decided by the school, or withdrawn by the platform when the child took
// a seat elsewhere.
func (g *scaleGen) events() table {
	var i, k, total int64
	for _, a := range g.edu.apps {
		total += 1 + int64(len(transitions(a.status)))
	}
	cols := []string{"id", "application_id", "from_status", "to_status", "actor_id", "actor_role", "note", "at"}
	return table{"education_application_events", cols, total, func(v []any) bool {
		for i < int64(len(g.edu.apps)) && k > int64(len(transitions(g.edu.apps[i].status))) {
			i, k = i+1, 0
		}
		if i == int64(len(g.edu.apps)) {
			return false
		}
		a := g.edu.apps[i]
		v[0], v[1], v[7] = g.id(kindEvent, 3*i+k), g.id(kindApplication, i), a.decided.Add(time.Duration(k-1)*time.Hour)
		switch t := transitions(a.status); {
		case k == 0:
			v[2], v[3], v[4], v[5], v[6], v[7] = "", education.StatusSubmitted, uuidText(g.id(kindAccount, a.child/2)), "parent", "", a.created
		case t[k-1][1] == education.StatusWithdrawn:
			v[2], v[3], v[4], v[5], v[6] = t[k-1][0], t[k-1][1], "system", "system", "Withdrawn because the child accepted a seat at another school."
		default:
			v[2], v[3], v[4], v[5], v[6] = t[k-1][0], t[k-1][1], "seed-scale", identity.RoleEducationStaff, ""
		}
		k++
		return true
	}}
}

func uuidText(u pgtype.UUID) string {
	b := u.Bytes
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// openCounts are the open applications of every child that applied
// (applications of one child are next to each other in the plan).
func (g *scaleGen) openCounts() table {
	apps := g.edu.apps
	var i, total int64
	for j := range apps {
		if j == 0 || apps[j].child != apps[j-1].child {
			total++
		}
	}
	return table{"education_open_applications", []string{"person_id", "academic_year", "open_count"}, total, func(v []any) bool {
		if i == int64(len(apps)) {
			return false
		}
		child, open := apps[i].child, 0
		for ; i < int64(len(apps)) && apps[i].child == child; i++ {
			if education.IsOpen(apps[i].status) {
				open++
			}
		}
		v[0], v[1], v[2] = g.id(kindDependant, child), g.edu.year, open
		return true
	}}
}
