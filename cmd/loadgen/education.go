package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

type window struct {
	AcademicYear string      `json:"academic_year"`
	OpensAt      time.Time   `json:"opens_at"`
	ClosesAt     time.Time   `json:"closes_at"`
	AgeCutoff    domain.Date `json:"age_cutoff"`
	AgeRules     []struct {
		Grade  int `json:"grade"`
		MinAge int `json:"min_age"`
	} `json:"age_rules"`
}

// admission is admission day: every parent adds a child and applies to up
// to three schools while others browse schools and their applications.
// Then one school's grade gets fewer seats than applicants and staff
// accept every application at once: the database must fill exactly the
// seats.
func (h *harness) admission(ctx context.Context, rep *Report) error {
	staff, err := h.login("education.admin@demo.citizen.gov.pk", "Demo-staff-password-2026")
	if err != nil {
		return err
	}
	year, grade, dob, schools, err := h.admissionTarget(staff)
	if err != nil {
		return err
	}
	parents := h.citizens
	children := make([]string, len(parents))
	for i, tok := range parents {
		var child struct{ ID string }
		status, err := h.do(http.MethodPost, "/api/v1/me/dependants", tok, map[string]string{
			"full_name": "Load Child " + strconv.Itoa(i), "relation": "child", "date_of_birth": dob, "gender": "female"}, &child)
		if err != nil || status != http.StatusCreated {
			return fmt.Errorf("add a child: %d %v", status, err)
		}
		children[i] = child.ID
	}
	applied := make([]int, len(parents))
	res := measure("admission: apply, browse, list", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		p := w % len(parents)
		var status int
		var err error
		switch op := i % 10; {
		case w < len(parents) && op < 3 && applied[p] < 3:
			school := schools[(p+applied[p])%len(schools)]
			status, err = h.do(http.MethodPost, "/api/v1/education/applications", parents[p], map[string]any{
				"school_id": school, "academic_year": year, "grade": grade, "child_id": children[p]}, nil)
			applied[p]++
		case op < 7:
			status, err = h.do(http.MethodGet, "/api/v1/education/schools?limit=20", "", nil, nil)
		default:
			status, err = h.do(http.MethodGet, "/api/v1/education/applications", parents[p], nil, nil)
		}
		return label(status, err)
	})
	res.ServerRSSK = h.rss()
	rep.Results = append(rep.Results, res)
	return h.acceptanceRace(ctx, rep, staff, schools[0], year, grade)
}

// admissionTarget finds the open admission window, a grade it admits, a
// birth date of that age, and the schools with seats in that grade.
func (h *harness) admissionTarget(staff string) (string, int, string, []string, error) {
	var windows struct{ Items []window }
	if err := h.get("/api/v1/admin/education/admission-windows", staff, &windows); err != nil {
		return "", 0, "", nil, err
	}
	now := time.Now()
	for _, w := range windows.Items {
		if now.Before(w.OpensAt) || now.After(w.ClosesAt) || len(w.AgeRules) == 0 {
			continue
		}
		rule := w.AgeRules[0]
		dob := w.AgeCutoff.AddDate(-rule.MinAge-1, -1, 0).Format(time.DateOnly)
		var list struct {
			Items []struct {
				ID    string
				Seats []struct {
					AcademicYear string `json:"academic_year"`
					Grade        int
					Seats        int
				}
			}
		}
		if err := h.get("/api/v1/education/schools?limit=100", "", &list); err != nil {
			return "", 0, "", nil, err
		}
		var schools []string
		for _, s := range list.Items {
			for _, seat := range s.Seats {
				if seat.AcademicYear == w.AcademicYear && seat.Grade == rule.Grade && seat.Seats > 0 {
					schools = append(schools, s.ID)
				}
			}
		}
		if len(schools) > 0 {
			return w.AcademicYear, rule.Grade, dob, schools, nil
		}
	}
	return "", 0, "", nil, fmt.Errorf("no open admission window with seats (is the server in development with demo data?)")
}

// acceptanceRace sets a school's grade to fewer seats than it has open
// applications and has staff accept them all at once.
func (h *harness) acceptanceRace(ctx context.Context, rep *Report, staff, school, year string, grade int) error {
	rows, err := h.pool.Query(ctx, `SELECT id FROM education_applications
		WHERE school_id = $1 AND academic_year = $2 AND grade = $3 AND status = 'submitted'`, school, year, grade)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var filled int
	if err := h.pool.QueryRow(ctx, `SELECT filled FROM education_seats WHERE school_id = $1 AND academic_year = $2 AND grade = $3`,
		school, year, grade).Scan(&filled); err != nil {
		return err
	}
	if len(ids) < 2 {
		return fmt.Errorf("the acceptance race needs open applications; the admission phase made %d", len(ids))
	}
	seats := filled + len(ids)/4 + 1
	if status, err := h.do(http.MethodPut, "/api/v1/admin/education/schools/"+school+"/seats", staff,
		map[string]any{"academic_year": year, "grade": grade, "seats": seats}, nil); err != nil || status != http.StatusOK {
		return fmt.Errorf("set seats: %d %v", status, err)
	}
	res := burst(fmt.Sprintf("admission: %d acceptances, %d seats", len(ids), seats-filled), len(ids), func(i int) string {
		return label(h.do(http.MethodPost, "/api/v1/admin/education/applications/"+ids[i]+"/decision", staff,
			map[string]string{"decision": "accepted", "note": "admission day"}, nil))
	})
	rep.Results = append(rep.Results, res)
	statuses := res.Statuses
	var nowFilled, accepted int
	if err := h.pool.QueryRow(ctx, `SELECT filled, (SELECT count(*) FROM education_applications
		WHERE school_id = $1 AND academic_year = $2 AND grade = $3 AND status IN ('accepted', 'enrolled'))
		FROM education_seats WHERE school_id = $1 AND academic_year = $2 AND grade = $3`, school, year, grade).Scan(&nowFilled, &accepted); err != nil {
		return err
	}
	verdict := "ok"
	if nowFilled != seats || accepted != seats || statuses["200"] != seats-filled || fivexx(statuses) > 0 {
		verdict = "WRONG"
	}
	rep.Checks = append(rep.Checks, fmt.Sprintf("admission: %d × 200, seats %d, filled %d, accepted rows %d, 5xx %d: %s",
		statuses["200"], seats, nowFilled, accepted, fivexx(statuses), verdict))
	if verdict != "ok" {
		return fmt.Errorf("the acceptance race over- or under-filled: %s", rep.Checks[len(rep.Checks)-1])
	}
	return nil
}
