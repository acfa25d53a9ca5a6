package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// search compares GET /health/slots with its query run straight through pgx.
func (h *harness) search(ctx context.Context, rep *Report) error {
	endpoint := measure("search: GET /health/slots", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		f := h.facilities[(w+i)%len(h.facilities)]
		status, err := h.do(http.MethodGet, "/api/v1/health/slots?limit=20&facility_id="+f, "", nil, nil)
		return label(status, err)
	})
	endpoint.ServerRSSK = h.rss()
	raw := measure("search: raw SQL (pgx)", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		now := time.Now().UTC()
		rows, err := h.pool.Query(ctx, `SELECT id, practitioner_id, facility_id, specialty, starts_at, ends_at, capacity, booked
			FROM health_slots WHERE status = 'open' AND starts_at >= $1 AND starts_at < $2 AND booked < capacity AND facility_id = $3
			ORDER BY starts_at, id LIMIT 21`, now, now.Add(14*24*time.Hour), h.facilities[(w+i)%len(h.facilities)])
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
