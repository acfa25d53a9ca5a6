package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/google/uuid"
)

// mixed is a day of super-app traffic: citizens open their overview,
// notifications and lists, search and book slots, browse zones, and a
// warden checks permits.
func (h *harness) mixed(ctx context.Context, rep *Report) error {
	warden, err := h.login("warden@demo.citizen.gov.pk", "Demo-staff-password-2026")
	if err != nil {
		return err
	}
	_, slots, err := h.practitionerWithSlots(benchDays, 1, 200)
	if err != nil {
		return err
	}
	checks, err := h.permitChecks(ctx)
	if err != nil {
		return err
	}
	booked := make([]atomic.Int64, len(h.citizens))
	res := measure("mixed: super-app traffic", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		tok := h.citizens[w%len(h.citizens)]
		var status int
		var err error
		switch i % 10 {
		case 0, 1:
			status, err = h.do(http.MethodGet, "/api/v1/me/overview", tok, nil, nil)
		case 2:
			status, err = h.do(http.MethodGet, "/api/v1/me/notifications?limit=20", tok, nil, nil)
		case 3:
			status, err = h.do(http.MethodGet, "/api/v1/health/appointments?limit=20", tok, nil, nil)
		case 4, 5:
			status, err = h.do(http.MethodGet, "/api/v1/health/slots?limit=20&facility_id="+h.facilities[(w+i)%len(h.facilities)], "", nil, nil)
		case 6:
			status, err = h.do(http.MethodGet, "/api/v1/parking/permits?limit=20", tok, nil, nil)
		case 7:
			status, err = h.do(http.MethodGet, "/api/v1/parking/zones?limit=20", "", nil, nil)
		case 8:
			status, err = h.do(http.MethodGet, checks[(w+i)%len(checks)], warden, nil, nil)
		default:
			// One booking a day per citizen and doctor: each citizen walks the
			// days from its own starting day, so they do not all queue on one slot.
			n := int(booked[w%len(h.citizens)].Add(1) - 1)
			day := (w*37 + n) % len(slots)
			if n >= len(slots) {
				status, err = h.do(http.MethodGet, "/api/v1/me/overview", tok, nil, nil)
				break
			}
			req, _ := http.NewRequest(http.MethodPost, h.cfg.url+"/api/v1/health/appointments", strings.NewReader(`{"slot_id":"`+slots[day]+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Idempotency-Key", uuid.NewString())
			var res *http.Response
			if res, err = h.http.Do(req); err == nil {
				status = res.StatusCode
				drain(res)
			}
		}
		return label(status, err)
	})
	res.ServerRSSK = h.rss()
	rep.Results = append(rep.Results, res)
	return nil
}

// permitChecks are verify URLs for plates with permits, or made-up plates
// when the database has none.
func (h *harness) permitChecks(ctx context.Context) ([]string, error) {
	rows, err := h.pool.Query(ctx, `SELECT v.plate, p.zone_id FROM parking_permits p JOIN vehicles v ON v.id = p.vehicle_id LIMIT 200`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var plate string
		var zone uuid.UUID
		if err := rows.Scan(&plate, &zone); err != nil {
			return nil, err
		}
		out = append(out, "/api/v1/parking/verify?plate="+url.QueryEscape(plate)+"&zone_id="+zone.String())
	}
	if len(out) == 0 {
		var zone uuid.UUID
		if err := h.pool.QueryRow(ctx, `SELECT id FROM parking_zones LIMIT 1`).Scan(&zone); err != nil {
			return nil, err
		}
		out = append(out, "/api/v1/parking/verify?plate=ICT-LOD-1&zone_id="+zone.String())
	}
	return out, rows.Err()
}
