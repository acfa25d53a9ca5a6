package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// benchDays is how many days of one-a-day slots the booking phase has,
// since a citizen may hold one appointment per doctor and day.
const benchDays = 360

type harness struct {
	cfg        config
	http       *http.Client
	pool       *pgxpool.Pool
	citizens   []string // access tokens
	admin      string
	facilities []string
	facility   string
}

func newHarness(ctx context.Context, cfg config) (*harness, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.db)
	if err != nil {
		return nil, err
	}
	pcfg.MaxConns = int32(cfg.concurrency + 4)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, err
	}
	h := &harness{cfg: cfg, pool: pool, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.concurrency * 2, MaxIdleConnsPerHost: cfg.concurrency * 2}}}
	if h.admin, err = h.login("health.admin@demo.citizen.gov.pk", "Demo-staff-password-2026"); err != nil {
		return nil, fmt.Errorf("sign in the demo health admin (is the server in development with demo data?): %w", err)
	}
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := h.get("/api/v1/health/facilities?limit=100", "", &list); err != nil {
		return nil, err
	}
	for _, f := range list.Items {
		h.facilities = append(h.facilities, f.ID)
	}
	if h.facility, err = h.createFacility(); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "registering %d citizens…\n", cfg.citizens)
	if h.citizens, err = h.registerCitizens(cfg.citizens); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *harness) close() { h.pool.Close() }

// do sends one request and decodes a JSON answer into out when given.
func (h *harness) do(method, path, token string, body any, out any) (int, error) {
	var rd *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, h.cfg.url+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := h.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode/100 == 2 {
		err = json.NewDecoder(res.Body).Decode(out)
	} else {
		_, _ = bytes.NewBuffer(nil).ReadFrom(res.Body)
	}
	return res.StatusCode, err
}

func (h *harness) get(path, token string, out any) error {
	status, err := h.do(http.MethodGet, path, token, nil, out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", path, status)
	}
	return err
}

func (h *harness) login(username, password string) (string, error) {
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	status, err := h.do(http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": username, "password": password}, &pair)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("login %s: %d", username, status)
	}
	return pair.AccessToken, err
}

var otp = regexp.MustCompile(`code is (\d{6})`)

// registerCitizens registers, verifies and signs in n citizens through the
// API, a few at a time (passwords are hashed at a bounded rate).
func (h *harness) registerCitizens(n int) ([]string, error) {
	tokens := make([]string, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cnic := fmt.Sprintf("%d%012d", 1+rand.IntN(7), rand.Int64N(1_000_000_000_000))
			phone := fmt.Sprintf("+923%09d", rand.IntN(1_000_000_000))
			password := "load test passphrase " + cnic
			if status, err := h.do(http.MethodPost, "/api/v1/auth/register", "", map[string]string{
				"cnic": cnic, "phone": phone, "full_name": "Load Citizen", "password": password}, nil); err != nil || status != http.StatusCreated {
				errs <- fmt.Errorf("register: %d %v", status, err)
				return
			}
			var msgs struct {
				Items []struct{ Body string } `json:"items"`
			}
			if err := h.get("/dev/messages?to="+url.QueryEscape(phone), "", &msgs); err != nil || len(msgs.Items) == 0 {
				errs <- fmt.Errorf("read the code (is the server in development?): %v", err)
				return
			}
			code := otp.FindStringSubmatch(msgs.Items[0].Body)
			if code == nil {
				errs <- fmt.Errorf("no code in %q", msgs.Items[0].Body)
				return
			}
			if status, err := h.do(http.MethodPost, "/api/v1/auth/otp/verify", "", map[string]string{"phone": phone, "code": code[1]}, nil); err != nil || status != http.StatusOK {
				errs <- fmt.Errorf("verify: %d %v", status, err)
				return
			}
			tok, err := h.login(cnic, password)
			if err != nil {
				errs <- err
				return
			}
			tokens[i] = tok
		}()
	}
	wg.Wait()
	close(errs)
	return tokens, <-errs
}

// createFacility adds a facility for the measured bookings.
func (h *harness) createFacility() (string, error) {
	var f struct{ ID string }
	status, err := h.do(http.MethodPost, "/api/v1/admin/health/facilities", h.admin, map[string]any{
		"name": "Load test clinic " + uuid.NewString()[:8], "kind": "clinic", "sector": "H-9", "address": "Load test",
		"location": map[string]float64{"lat": 33.65, "lng": 73.05}, "specialties": []string{"general-medicine"}}, &f)
	if err == nil && status != http.StatusCreated {
		err = fmt.Errorf("create facility: %d", status)
	}
	return f.ID, err
}

// practitionerWithSlots adds a doctor with one slot of capacity a day for
// days days from tomorrow, and returns the slot IDs in day order.
func (h *harness) practitionerWithSlots(days, capacity int) (string, []string, error) {
	var p struct{ ID string }
	status, err := h.do(http.MethodPost, "/api/v1/admin/health/practitioners", h.admin, map[string]string{
		"facility_id": h.facility, "full_name": "Dr. Load", "specialty": "general-medicine", "pmdc_number": strconv.Itoa(rand.IntN(1e9)) + "-L"}, &p)
	if err != nil || status != http.StatusCreated {
		return "", nil, fmt.Errorf("create practitioner: %d %v", status, err)
	}
	karachi := time.FixedZone("PKT", 5*3600)
	from := time.Now().In(karachi).AddDate(0, 0, 1)
	status, err = h.do(http.MethodPost, "/api/v1/admin/health/schedules", h.admin, map[string]any{
		"practitioner_id": p.ID, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": "09:00", "end_time": "10:00",
		"slot_minutes": 60, "capacity": capacity, "from": from.Format(time.DateOnly), "to": from.AddDate(0, 0, days-1).Format(time.DateOnly)}, nil)
	if err != nil || status != http.StatusCreated {
		return "", nil, fmt.Errorf("create schedule: %d %v", status, err)
	}
	rows, err := h.pool.Query(context.Background(), `SELECT id FROM health_slots WHERE practitioner_id = $1 ORDER BY starts_at`, p.ID)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return "", nil, err
		}
		ids = append(ids, id.String())
	}
	return p.ID, ids, rows.Err()
}

// measure runs op from c workers for d and collects latencies and statuses.
// op gets the worker and its iteration and returns a status label.
func measure(name string, c int, d time.Duration, op func(worker, i int) string) Result {
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[string]int{}
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			counts := map[string]int{}
			for i := 0; time.Now().Before(deadline); i++ {
				t := time.Now()
				label := op(w, i)
				if label == "" {
					break
				}
				mine = append(mine, time.Since(t))
				counts[label]++
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range counts {
				statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return summarise(name, lat, statuses, time.Since(start))
}

func (h *harness) rss() int64 {
	if h.cfg.pid == 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cfg.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// search compares GET /health/slots with its query run straight through pgx.
func (h *harness) search(ctx context.Context, rep *Report) error {
	endpoint := measure("search: GET /health/slots", h.cfg.concurrency, h.cfg.duration, func(w, i int) string {
		f := h.facilities[(w+i)%len(h.facilities)]
		status, err := h.do(http.MethodGet, "/api/v1/health/slots?limit=20&facility_id="+f, "", nil, nil)
		if err != nil {
			return "error"
		}
		return strconv.Itoa(status)
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
	_, apiSlots, err := h.practitionerWithSlots(benchDays, 200)
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
		_, _ = bytes.NewBuffer(nil).ReadFrom(res.Body)
		res.Body.Close()
		return strconv.Itoa(res.StatusCode)
	})
	endpoint.ServerRSSK = h.rss()
	rawPractitioner, rawSlots, err := h.practitionerWithSlots(benchDays, 200)
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

// rush has every citizen press "book" at once on a slot with a quarter as
// many seats, then checks the database: exactly that many bookings.
func (h *harness) rush(ctx context.Context, rep *Report) error {
	seats := max(1, len(h.citizens)/4)
	_, slots, err := h.practitionerWithSlots(1, seats)
	if err != nil {
		return err
	}
	start := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for _, tok := range h.citizens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t := time.Now()
			status, err := h.do(http.MethodPost, "/api/v1/health/appointments", tok, map[string]string{"slot_id": slots[0]}, nil)
			label := strconv.Itoa(status)
			if err != nil {
				label = "error"
			}
			mu.Lock()
			lat = append(lat, time.Since(t))
			statuses[label]++
			mu.Unlock()
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	res := summarise(fmt.Sprintf("rush: %d citizens, %d seats", len(h.citizens), seats), lat, statuses, time.Since(began))
	res.ServerRSSK = h.rss()
	rep.Results = append(rep.Results, res)
	var booked, rows int
	if err := h.pool.QueryRow(ctx, `SELECT booked, (SELECT count(*) FROM health_appointments WHERE slot_id = $1 AND status = 'booked') FROM health_slots WHERE id = $1`, slots[0]).Scan(&booked, &rows); err != nil {
		return err
	}
	verdict := "ok"
	if booked != seats || rows != seats || statuses["201"] != seats {
		verdict = "WRONG"
	}
	rep.Checks = append(rep.Checks, fmt.Sprintf("rush: %d × 201, slot booked %d, appointment rows %d, seats %d, 5xx %d: %s",
		statuses["201"], booked, rows, seats, fivexx(statuses), verdict))
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
