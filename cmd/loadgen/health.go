package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// searchQuery is one availability search as people send it: its query
// string for GET /health/slots and the same filter for the raw query.
type searchQuery struct {
	query  string
	filter string // SQL condition on health_slots, with $3 as its argument
	arg    any
	// window, when set, replaces the default 14 days from now.
	from, to time.Time
}

// searchMix returns n searches in the proportions the app sends them: by
// facility, by doctor, by specialty, and by facility within one day.
func (h *harness) searchMix(ctx context.Context, n int) ([]searchQuery, error) {
	rows, err := h.pool.Query(ctx, `SELECT id::text, facility_id::text, specialty FROM health_practitioners ORDER BY md5(id::text) LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type practitioner struct{ id, facility, specialty string }
	var ps []practitioner
	for rows.Next() {
		var p practitioner
		if err := rows.Scan(&p.id, &p.facility, &p.specialty); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("no practitioners: load demo data")
	}
	today := time.Now().In(karachi)
	var mix []searchQuery
	for i := range n {
		p := ps[i%len(ps)]
		switch i % 4 {
		case 0:
			mix = append(mix, searchQuery{query: "facility_id=" + p.facility, filter: "facility_id = $3", arg: p.facility})
		case 1:
			mix = append(mix, searchQuery{query: "practitioner_id=" + p.id, filter: "practitioner_id = $3", arg: p.id})
		case 2:
			mix = append(mix, searchQuery{query: "specialty=" + p.specialty, filter: "specialty = $3", arg: p.specialty})
		case 3:
			day := time.Date(today.Year(), today.Month(), today.Day()+1+i%7, 0, 0, 0, 0, karachi)
			mix = append(mix, searchQuery{query: "facility_id=" + p.facility + "&from=" + url.QueryEscape(day.Format(time.RFC3339)) +
				"&to=" + url.QueryEscape(day.AddDate(0, 0, 1).Format(time.RFC3339)), filter: "facility_id = $3", arg: p.facility, from: day, to: day.AddDate(0, 0, 1)})
		}
	}
	return mix, nil
}

// karachi is Islamabad's time zone, in which a day's window is cut.
var karachi = time.FixedZone("PKT", 5*60*60)

// search compares GET /health/slots with its query run straight through
// pgx, on the same mix of searches.
func (h *harness) search(ctx context.Context, rep *Report) error {
	mix, err := h.searchMix(ctx, 400)
	if err != nil {
		return err
	}
	endpoint := measure("search: GET /health/slots", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		q := mix[(w*7+i)%len(mix)]
		status, err := h.do(http.MethodGet, "/api/v1/health/slots?limit=20&"+q.query, "", nil, nil)
		return label(status, err)
	})
	endpoint.ServerRSSK = h.rss()
	raw := measure("search: raw SQL (pgx)", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		q := mix[(w*7+i)%len(mix)]
		from, to := q.from, q.to
		if from.IsZero() {
			from = time.Now().UTC()
			to = from.Add(14 * 24 * time.Hour)
		}
		rows, err := h.pool.Query(ctx, `SELECT id, practitioner_id, facility_id, specialty, starts_at, ends_at, capacity, booked
			FROM health_slots WHERE status = 'open' AND starts_at >= $1 AND starts_at < $2 AND booked < capacity AND `+q.filter+`
			ORDER BY starts_at, id LIMIT 21`, from, to, q.arg)
		if err != nil {
			return "error"
		}
		for rows.Next() {
		}
		rows.Close()
		return "ok"
	})
	rep.Results = append(rep.Results, endpoint, raw)
	rep.Ratios["search"] = endpoint.PerSecond / raw.PerSecond
	return nil
}

// booking compares POST /health/appointments, each a successful booking,
// with the booking transaction run straight through pgx.
func (h *harness) booking(ctx context.Context, rep *Report) error {
	c := min(h.cfg.concurrency, len(h.citizens))
	_, apiSlots, err := h.practitionerWithSlots(benchDays, 1, 200)
	if err != nil {
		return err
	}
	var keys atomic.Int64
	endpoint := measure("booking: POST /health/appointments", c, h.cfg.duration, func(w, i int) string {
		if i >= len(apiSlots) {
			return ""
		}
		req, _ := http.NewRequest(http.MethodPost, h.cfg.url+"/api/v1/health/appointments",
			strings.NewReader(`{"slot_id":"`+apiSlots[i]+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+h.citizens[w])
		req.Header.Set("Idempotency-Key", strconv.FormatInt(keys.Add(1), 10)+"-"+uuid.NewString())
		res, err := h.http.Do(req)
		if err != nil {
			return "error"
		}
		drain(res)
		return strconv.Itoa(res.StatusCode)
	})
	endpoint.ServerRSSK = h.rss()
	rawPractitioner, rawSlots, err := h.practitionerWithSlots(benchDays, 1, 200)
	if err != nil {
		return err
	}
	raw := measure("booking: raw SQL transaction (pgx)", c, h.cfg.duration, func(w, i int) string {
		if i >= len(rawSlots) {
			return ""
		}
		if err := h.rawBooking(ctx, rawSlots[i], rawPractitioner); err != nil {
			return "error"
		}
		return "ok"
	})
	rep.Results = append(rep.Results, endpoint, raw)
	rep.Ratios["booking"] = endpoint.PerSecond / raw.PerSecond
	return nil
}

// rawBooking is the booking's SQL: take a seat, insert the appointment, commit.
func (h *harness) rawBooking(ctx context.Context, slotID, practitionerID string) error {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var queue int
	var facility uuid.UUID
	var starts time.Time
	err = tx.QueryRow(ctx, `UPDATE health_slots SET booked = booked + 1, next_queue = next_queue + 1
		WHERE id = $1 AND status = 'open' AND booked < capacity AND starts_at > now() RETURNING next_queue, facility_id, starts_at`, slotID).
		Scan(&queue, &facility, &starts)
	if err != nil {
		return err
	}
	patient := uuid.New()
	now := time.Now().UTC()
	_, err = tx.Exec(ctx, `INSERT INTO health_appointments (id, slot_id, practitioner_id, facility_id, account_id, patient_id, patient_kind,
		patient_name, local_date, starts_at, queue_number, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5, 'self', 'Load', $6, $7, $8, 'booked', $9, $9)`,
		uuid.New(), slotID, practitionerID, facility, patient, starts.Add(5*time.Hour).Truncate(24*time.Hour), starts, queue, now)
	if err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// maxSlotCapacity is the most seats a schedule gives one slot.
const maxSlotCapacity = 200

// rush has many citizens press "book" at once on a slot with fewer seats,
// then checks the database: exactly that many bookings, no 5xx.
func (h *harness) rush(ctx context.Context, rep *Report) error {
	citizens := h.citizens
	if h.cfg.rush > len(citizens) {
		var err error
		// Skip the working set: they may hold bookings from earlier scenarios.
		if citizens, err = h.signedInCitizens(ctx, h.cfg.rush, len(h.citizens)); err != nil {
			return err
		}
	}
	seats := h.cfg.rushSeats
	if seats == 0 {
		seats = max(1, len(citizens)/4)
	}
	// A slot holds at most 200 (the schedule's limit): the seats are released
	// as slots of equal size on one doctor's day.
	perDay := (seats + maxSlotCapacity - 1) / maxSlotCapacity
	for seats%perDay != 0 {
		perDay++
	}
	_, slots, err := h.practitionerWithSlots(1, perDay, seats/perDay)
	if err != nil {
		return err
	}
	res := burst(fmt.Sprintf("rush: %d citizens, %d seats", len(citizens), seats), len(citizens), func(i int) string {
		return label(h.do(http.MethodPost, "/api/v1/health/appointments", citizens[i], map[string]string{"slot_id": slots[i%len(slots)]}, nil))
	})
	res.ServerRSSK = h.rss()
	rep.Results = append(rep.Results, res)
	var booked, rows int
	if err := h.pool.QueryRow(ctx, `SELECT sum(booked), (SELECT count(*) FROM health_appointments WHERE slot_id = ANY($1::uuid[]) AND status = 'booked')
		FROM health_slots WHERE id = ANY($1::uuid[]) AND booked <= capacity`, slots).Scan(&booked, &rows); err != nil {
		return err
	}
	verdict := "ok"
	if booked != seats || rows != seats || res.Statuses["201"] != seats || fivexx(res.Statuses) > 0 {
		verdict = "WRONG"
	}
	rep.Checks = append(rep.Checks, fmt.Sprintf("rush: %d × 201, slots booked %d, appointment rows %d, seats %d, 5xx %d: %s",
		res.Statuses["201"], booked, rows, seats, fivexx(res.Statuses), verdict))
	if verdict != "ok" {
		return fmt.Errorf("the rush over-booked or under-booked: %v", rep.Checks[len(rep.Checks)-1])
	}
	return nil
}

func fivexx(statuses map[string]int) int {
	n := 0
	for k, v := range statuses {
		if strings.HasPrefix(k, "5") {
			n += v
		}
	}
	return n
}
