package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// officerPassword is the password of the traffic officers the harness adds.
const officerPassword = "Load-officer-password-2026"

// lookup compares GET /traffic/lookup, traffic officers checking plates
// at the roadside, with its query run straight through pgx, on the same
// plates: half with unpaid challans, half with paid or cancelled ones only.
func (h *harness) lookup(ctx context.Context, rep *Report) error {
	plates, err := h.lookupPlates(ctx, 200)
	if err != nil {
		return err
	}
	officers, err := h.trafficOfficers(ctx, 8)
	if err != nil {
		return err
	}
	endpoint := measure("lookup: GET /traffic/lookup", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		plate := plates[(w*7+i)%len(plates)]
		return label(h.do(http.MethodGet, "/api/v1/traffic/lookup?plate="+url.QueryEscape(plate), officers[w%len(officers)], nil, nil))
	})
	endpoint.ServerRSSK = h.rss()
	raw := measure("lookup: raw SQL (pgx)", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		plate := plates[(w*7+i)%len(plates)]
		rows, err := h.pool.Query(ctx, `SELECT * FROM traffic_challans WHERE plate = $1 AND status IN ('issued', 'contested')
			ORDER BY issued_at DESC, id DESC LIMIT 21`, plate)
		if err != nil {
			return "error"
		}
		for rows.Next() {
		}
		rows.Close()
		return "ok"
	})
	rep.Results = append(rep.Results, endpoint, raw)
	rep.Ratios["lookup"] = endpoint.PerSecond / raw.PerSecond
	return nil
}

// lookupPlates returns up to n plates with unpaid challans and as many
// whose challans are all paid or cancelled, drawn at random.
func (h *harness) lookupPlates(ctx context.Context, n int) ([]string, error) {
	rows, err := h.pool.Query(ctx, `(SELECT plate FROM traffic_challans WHERE status IN ('issued', 'contested') ORDER BY md5(id::text) LIMIT $1)
		UNION ALL
		(SELECT plate FROM traffic_challans c WHERE status IN ('paid', 'cancelled') AND NOT EXISTS (SELECT 1 FROM traffic_challans u
			WHERE u.plate = c.plate AND u.status IN ('issued', 'contested')) ORDER BY md5(id::text) LIMIT $1)`, n)
	if err != nil {
		return nil, err
	}
	plates, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err == nil && len(plates) == 0 {
		err = fmt.Errorf("no challans: load them with citizenapi seed scale")
	}
	return plates, err
}

// trafficOfficers adds n traffic officers through the admin API, each
// serving a sector in turn, and signs them in.
func (h *harness) trafficOfficers(ctx context.Context, n int) ([]string, error) {
	admin, err := h.login("admin@demo.citizen.gov.pk", "Demo-staff-password-2026")
	if err != nil {
		return nil, err
	}
	rows, err := h.pool.Query(ctx, `SELECT id::text FROM traffic_sectors ORDER BY code`)
	if err != nil {
		return nil, err
	}
	sectors, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	if len(sectors) == 0 {
		return nil, fmt.Errorf("no traffic sectors: load the demo data")
	}
	run := uuid.NewString()[:8]
	var tokens []string
	for i := range n {
		email := fmt.Sprintf("officer.%s.%d@load.ictp.gov.pk", run, i)
		status, err := h.do(http.MethodPost, "/api/v1/admin/staff", admin, map[string]string{"email": email, "full_name": "Load Officer",
			"password": officerPassword, "role": "traffic_officer", "department": "traffic", "unit_id": sectors[i%len(sectors)]}, nil)
		if err != nil || status != http.StatusCreated {
			return nil, fmt.Errorf("create traffic officer: %d %v", status, err)
		}
		tok, err := h.login(email, officerPassword)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
	return tokens, nil
}
