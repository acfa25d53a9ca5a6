package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// benchDays is how many days of one-a-day slots the booking phase has,
// since a citizen may hold one appointment per doctor and day.
const benchDays = 360

type harness struct {
	cfg        config
	http       *http.Client
	pool       *pgxpool.Pool
	minter     *token.Signer // nil: citizens register through the API
	citizens   []string      // access tokens of the working set
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
	h := &harness{cfg: cfg, pool: pool, http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: maxConns, MaxIdleConnsPerHost: maxConns, MaxConnsPerHost: maxConns}}}
	if cfg.keys != "" {
		raw, err := os.ReadFile(cfg.keys)
		if err != nil {
			return nil, fmt.Errorf("-keys: %w", err)
		}
		keys, err := token.ParseKeys(string(raw))
		if err != nil {
			return nil, fmt.Errorf("-keys: %w", err)
		}
		h.minter = token.NewSigner(keys, cfg.issuer, time.Now)
	}
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
	if h.citizens, err = h.signedInCitizens(ctx, cfg.citizens, 0); err != nil {
		return nil, err
	}
	return h, nil
}

// maxConns caps the harness's connections to the server, as a load
// balancer would: a rush of thousands queues here rather than in the
// kernel's accept backlog.
const maxConns = 1024

// signedInCitizens returns n citizens' access tokens. With the server's
// signing keys (-keys) they are minted for active citizens already in the
// database (seed scale loads a million), skipping the first skip; without,
// citizens register, verify and sign in through the API, which is slower
// (every password is hashed).
func (h *harness) signedInCitizens(ctx context.Context, n, skip int) ([]string, error) {
	if h.minter == nil {
		fmt.Fprintf(os.Stderr, "registering %d citizens…\n", n)
		return h.registerCitizens(n)
	}
	rows, err := h.pool.Query(ctx, `SELECT id FROM accounts WHERE kind = 'citizen' AND status = 'active' ORDER BY id LIMIT $1 OFFSET $2`, n, skip)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id.String())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Access tokens end with their session, so each gets one, as a sign-in
	// would open.
	families := make([]string, len(ids))
	for i := range ids {
		families[i] = uuid.NewString()
	}
	_, err = h.pool.Exec(ctx, `INSERT INTO refresh_tokens (id, family_id, account_id, token_hash, status, expires_at, created_at)
		SELECT gen_random_uuid(), f, a, gen_random_uuid()::text, 'active', now() + interval '1 day', now()
		FROM unnest($1::uuid[], $2::uuid[]) AS s(f, a)`, families, ids)
	if err != nil {
		return nil, fmt.Errorf("open sessions: %w", err)
	}
	var tokens []string
	for i, id := range ids {
		tok, _, err := h.minter.Issue(token.TypeAccess, id, identity.Audience, time.Hour, token.Claims{Kind: identity.KindCitizen, Session: families[i]})
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
	if len(tokens) < n {
		return nil, fmt.Errorf("the database has %d active citizens after the first %d, %d are needed: load more with citizenapi seed scale", len(tokens), skip, n)
	}
	return tokens, nil
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
		_, _ = io.Copy(io.Discard, res.Body)
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
// API, one at a time: the server hashes only a share of passwords at once
// for one client address, and the harness is one. The server must allow
// the harness's address n registrations and codes (see README,
// Configuration).
func (h *harness) registerCitizens(n int) ([]string, error) {
	tokens := make([]string, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 1)
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

// practitionerWithSlots adds a doctor with perDay hour-long slots of
// capacity a day for days days from tomorrow, and returns the slot IDs in
// time order.
func (h *harness) practitionerWithSlots(days, perDay, capacity int) (string, []string, error) {
	var p struct{ ID string }
	status, err := h.do(http.MethodPost, "/api/v1/admin/health/practitioners", h.admin, map[string]string{
		"facility_id": h.facility, "full_name": "Dr. Load", "specialty": "general-medicine", "pmdc_number": strconv.Itoa(rand.IntN(1e9)) + "-L"}, &p)
	if err != nil || status != http.StatusCreated {
		return "", nil, fmt.Errorf("create practitioner: %d %v", status, err)
	}
	karachi := time.FixedZone("PKT", 5*3600)
	from := time.Now().In(karachi).AddDate(0, 0, 1)
	status, err = h.do(http.MethodPost, "/api/v1/admin/health/schedules", h.admin, map[string]any{
		"practitioner_id": p.ID, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": "09:00", "end_time": fmt.Sprintf("%02d:00", 9+perDay),
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

// drain reads and closes a response body so the connection is reused.
func drain(res *http.Response) {
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

// burst sends n requests at the same moment, one goroutine each, and
// summarises them; send returns a status label.
func burst(name string, n int, send func(i int) string) Result {
	start := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t := time.Now()
			label := send(i)
			mu.Lock()
			lat = append(lat, time.Since(t))
			statuses[label]++
			mu.Unlock()
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	return summarise(name, lat, statuses, time.Since(began))
}

// label is a response's status code as a label, or "error".
func label(status int, err error) string {
	if err != nil {
		return "error"
	}
	return strconv.Itoa(status)
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
