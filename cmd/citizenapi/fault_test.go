//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/db/pgtest"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// The fault tests start a real server process on a private PostgreSQL
// cluster (platform/db/pgtest), put it under booking and search load, and
// break things underneath it: the database stops dead and comes back, or
// the process is told to stop. They run in the PostgreSQL pass only
// (TEST_DATABASE_URL; make test-faults), though the cluster is their own.

// requireFaultTests skips t outside the PostgreSQL pass.
func requireFaultTests(t *testing.T) {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("fault tests run in the PostgreSQL pass only: set TEST_DATABASE_URL (make test-faults); " +
			"they start their own PostgreSQL cluster and a server process on it")
	}
}

// faultServer is one citizenapi process.
type faultServer struct {
	base   string
	addr   string
	cmd    *exec.Cmd
	logs   *lockedBuffer
	exited chan struct{}
	err    error // what Wait returned, once exited is closed
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startFaultServer builds the binary and serves it on a free port against
// databaseURL in development mode (so /dev/messages shows the sign-up
// codes), with env added to the environment, and waits until it is ready.
func startFaultServer(t *testing.T, databaseURL string, env ...string) *faultServer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "citizenapi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	key, _ := token.NewKey("fault")
	s := &faultServer{base: "http://" + addr, addr: addr, logs: &lockedBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin)
	s.cmd.Env = append(os.Environ(), "APP_ENV=development", "DATABASE_URL="+databaseURL, "HTTP_ADDR="+addr,
		"TOKEN_SIGNING_KEYS="+key, "DATA_DIR="+filepath.Join(dir, "data"), "LOG_LEVEL=warn", "DB_MAX_OPEN_CONNS=10")
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		if !s.hasExited() {
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("the server said:\n%s", s.logs.String())
		}
	})
	if !waitReady(s.base) {
		t.Fatalf("the server did not become ready:\n%s", s.logs.String())
	}
	return s
}

func (s *faultServer) hasExited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// citizens signs up n citizens through the API and returns their tokens.
func (s *faultServer) citizens(t *testing.T, n int) []string {
	t.Helper()
	in := &instances{urls: []string{s.base}}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = in.citizen(t, i)
	}
	return tokens
}

// openSlots returns the IDs of up to n open slots, soonest first.
func (s *faultServer) openSlots(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	path := "/api/v1/health/slots?limit=100"
	for len(ids) < n {
		var page struct {
			Items      []struct{ ID string } `json:"items"`
			NextCursor *string               `json:"next_cursor"`
		}
		if st := call(t, s.base, "GET", path, "", nil, &page); st != http.StatusOK {
			t.Fatalf("list slots: %d", st)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil {
			break
		}
		path = "/api/v1/health/slots?limit=100&cursor=" + url.QueryEscape(*page.NextCursor)
	}
	if len(ids) < n {
		t.Fatalf("the demo data has %d open slots, want %d", len(ids), n)
	}
	return ids[:n]
}

// outcome is one request and what became of it.
type outcome struct {
	op         string // "book", "search" or "readyz"
	start, end time.Time
	status     int // 0 when the request failed in transport
	ctype      string
	retryAfter string
	body       []byte
	err        error
}

func (o outcome) took() time.Duration { return o.end.Sub(o.start) }

func (o outcome) String() string {
	if o.err != nil {
		return fmt.Sprintf("%s after %s: %v", o.op, o.took().Round(time.Millisecond), o.err)
	}
	return fmt.Sprintf("%s after %s: %d %s %.300s", o.op, o.took().Round(time.Millisecond), o.status, o.ctype, o.body)
}

// send makes one request, timing it; client timeouts are far above what
// the server may take, so that an overrun shows as a duration.
func send(client *http.Client, op, method, rawURL, tok string, body any) outcome {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, rawURL, rd)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	o := outcome{op: op, start: time.Now()}
	res, err := client.Do(req)
	if err == nil {
		o.body, err = io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		o.status, o.ctype, o.retryAfter = res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Retry-After")
	}
	o.end, o.err = time.Now(), err
	return o
}

// book asks for a seat in slot as the citizen holding tok.
func book(client *http.Client, base, tok, slot string) outcome {
	return send(client, "book", "POST", base+"/api/v1/health/appointments", tok, map[string]string{"slot_id": slot})
}

// appointmentID is the ID in a 201 answer to a booking.
func (o outcome) appointmentID() string {
	var a struct{ ID string }
	_ = json.Unmarshal(o.body, &a)
	return a.ID
}

// load is clients booking random slots and searching for slots, each
// pausing between requests, until stopped.
type load struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	outs []outcome
}

func startLoad(client *http.Client, base string, tokens, slots []string, workers int, pause time.Duration) *load {
	l := &load{stop: make(chan struct{})}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				var o outcome
				if i%3 == 2 {
					o = send(client, "search", "GET", base+"/api/v1/health/slots?limit=20", "", nil)
				} else {
					o = book(client, base, tokens[r.IntN(len(tokens))], slots[r.IntN(len(slots))])
				}
				l.mu.Lock()
				l.outs = append(l.outs, o)
				l.mu.Unlock()
				time.Sleep(pause)
			}
		}()
	}
	return l
}

// finish stops the clients and returns every outcome.
func (l *load) finish() []outcome {
	close(l.stop)
	l.wg.Wait()
	return l.outs
}

// leaks are fragments of driver, SQL and Go messages that must never reach
// a client.
var leaks = []string{"sql", "pgconn", "pgx", "gorm", "dial tcp", "connection refused", "eof", "goroutine", "panic",
	"127.0.0.1", "postgres", "context deadline", "driver", "broken pipe", "reset by peer"}

// checkOutcomes fails t for a transport failure, a request slower than
// limit, a status outside allowed, or a 503 that is not a clean
// problem+json with Retry-After (readiness answers its own JSON). It
// returns the count of each status.
func checkOutcomes(t *testing.T, outs []outcome, limit time.Duration, allowed ...int) map[int]int {
	t.Helper()
	count := map[int]int{}
	reported := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if reported++; reported <= 10 {
			t.Errorf(format, args...)
		}
	}
	for _, o := range outs {
		count[o.status]++
		switch {
		case o.err != nil:
			fail("transport failure: %s", o)
		case o.took() > limit:
			fail("took longer than %s: %s", limit, o)
		case !slices.Contains(allowed, o.status):
			fail("status %d is none of %v: %s", o.status, allowed, o)
		case o.status == http.StatusServiceUnavailable && o.op != "readyz":
			var p struct {
				Status int    `json:"status"`
				Title  string `json:"title"`
			}
			if !strings.HasPrefix(o.ctype, "application/problem+json") || json.Unmarshal(o.body, &p) != nil || p.Status != 503 || p.Title == "" {
				fail("a 503 that is not problem+json: %s", o)
			}
			if o.retryAfter == "" {
				fail("a 503 without Retry-After: %s", o)
			}
			lower := strings.ToLower(string(o.body))
			for _, leak := range leaks {
				if strings.Contains(lower, leak) {
					fail("a 503 body shows %q: %s", leak, o)
				}
			}
		}
	}
	if reported > 10 {
		t.Errorf("… and %d more failures", reported-10)
	}
	return count
}

// openCluster opens the private cluster's database for the test's own checks.
func openCluster(t *testing.T, pg *pgtest.Cluster) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), db.Config{URL: pg.URL(), MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("open the test cluster: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// checkSlotCounts fails t when a slot's booked count differs from the
// appointments that hold one of its seats: a half-written booking.
func checkSlotCounts(t *testing.T, d *db.DB) {
	t.Helper()
	var off []struct {
		ID           string
		Booked, Held int
	}
	err := d.Raw(`SELECT s.id, s.booked, COUNT(a.id) AS held FROM health_slots s
		LEFT JOIN health_appointments a ON a.slot_id = s.id AND a.status IN ('booked', 'checked_in', 'completed', 'no_show')
		GROUP BY s.id, s.booked HAVING s.booked <> COUNT(a.id)`).Scan(&off).Error
	if err != nil {
		t.Fatalf("compare slot counts: %v", err)
	}
	for _, s := range off {
		t.Errorf("slot %s: booked = %d, but %d appointments hold a seat", s.ID, s.Booked, s.Held)
	}
	var appointments int64
	if err := d.Table("health_appointments").Count(&appointments).Error; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d appointments; every slot's booked count matches them", appointments)
}

// TestFaultDatabaseOutage stops PostgreSQL dead under booking and search
// load and starts it again; before that, a booking waits on a row lock past
// the statement timeout. Every failure must be fast (within the request
// timeout) and a clean 503 problem, and readiness must fail at once;
// once it is back the same process must book again without a restart, and
// no booking may be half-written.
func TestFaultDatabaseOutage(t *testing.T) {
	requireFaultTests(t)
	const requestTimeout, statementTimeout, margin = 3 * time.Second, 2 * time.Second, time.Second
	pg := pgtest.StartPrimary(t)
	srv := startFaultServer(t, pg.URL(), "HTTP_REQUEST_TIMEOUT="+requestTimeout.String(), "DB_STATEMENT_TIMEOUT="+statementTimeout.String())
	tokens := srv.citizens(t, 7)
	slots := srv.openSlots(t, 150)
	// The last citizen and the last slots are kept for the recovery check:
	// the load never books them.
	spareToken, spareSlots, slots := tokens[len(tokens)-1], slots[100:], slots[:100]
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	probe := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

	l := startLoad(client, srv.base, tokens[:len(tokens)-1], slots, 8, 5*time.Millisecond)
	// Meanwhile a booking waits on a row lock past DB_STATEMENT_TIMEOUT:
	// cut off, it is a 503 too, and within the request's timeout.
	admin := openCluster(t, pg)
	lock, err := admin.SQL().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec("SELECT id FROM health_slots WHERE id = $1 FOR UPDATE", spareSlots[0]); err != nil {
		t.Fatalf("lock a slot: %v", err)
	}
	slow := book(probe, srv.base, spareToken, spareSlots[0])
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	if slow.status != http.StatusServiceUnavailable || slow.took() < statementTimeout-100*time.Millisecond || slow.took() >= requestTimeout {
		t.Errorf("a booking held past the statement timeout: %s; want a 503 after about %s, cut off by the statement timeout", slow, statementTimeout)
	}
	spareSlots = spareSlots[1:]

	pg.Stop()
	stopped := time.Now()
	var readyz []outcome
	for {
		o := send(probe, "readyz", "GET", srv.base+"/readyz", "", nil)
		readyz = append(readyz, o)
		if o.status == http.StatusServiceUnavailable || time.Since(stopped) > 5*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	last := readyz[len(readyz)-1]
	if last.status != http.StatusServiceUnavailable || last.end.Sub(stopped) > 2*time.Second {
		t.Errorf("/readyz did not answer 503 within 2 s of the database stopping: %s, %s after the stop", last, last.end.Sub(stopped))
	}
	t.Logf("/readyz answered 503 %s after the database stopped", last.end.Sub(stopped).Round(time.Millisecond))
	// Longer than a request's timeout, so that a request hanging on the
	// dead database would show.
	time.Sleep(requestTimeout + margin - time.Since(stopped))

	pg.Start()
	restarted := time.Now()
	var recovered outcome
	for i := 0; ; i++ {
		if i == len(spareSlots) || time.Since(restarted) > 10*time.Second {
			t.Fatalf("the server did not book again within 10 s of the database coming back; last answer: %s", recovered)
		}
		if recovered = book(probe, srv.base, spareToken, spareSlots[i]); recovered.status == http.StatusCreated {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	back := recovered.end.Sub(restarted)
	t.Logf("the same process booked again %s after the database came back", back.Round(time.Millisecond))
	if back > 5*time.Second {
		t.Errorf("booking resumed %s after the database came back, want within 5 s", back)
	}
	if o := send(probe, "readyz", "GET", srv.base+"/readyz", "", nil); o.status != http.StatusOK {
		t.Errorf("/readyz after recovery: %s, want 200", o)
	}
	time.Sleep(500 * time.Millisecond)
	outs := l.finish()
	if srv.hasExited() {
		t.Fatalf("the server exited (%v); it must ride out the outage", srv.err)
	}

	count := checkOutcomes(t, append(outs, slow), requestTimeout+margin, 200, 201, 409, 422, 503)
	checkOutcomes(t, readyz, 2*time.Second+margin, 200, 503)
	t.Logf("%d requests under load: %v (status: count)", len(outs), count)
	var before, during, after int
	for _, o := range outs {
		switch {
		case o.end.Before(stopped) && o.status == http.StatusCreated:
			before++
		case o.start.After(stopped) && o.end.Before(restarted) && o.status == http.StatusServiceUnavailable:
			during++
		case o.start.After(restarted) && o.status/100 == 2:
			after++
		}
	}
	if before == 0 || during == 0 || after == 0 {
		t.Errorf("bookings before the outage: %d, 503s during it: %d, successes after it: %d; want some of each", before, during, after)
	}
	checkSlotCounts(t, openCluster(t, pg))
}

// TestFaultShutdownUnderLoad sends SIGTERM while bookings are in flight,
// some of them held on a row lock so that they outlast the drain. Readiness
// must fail at once while the listener stays open for SHUTDOWN_DRAIN; every
// request sent before or during the drain, the held ones included, must end
// with its normal answer; the process must exit 0; and every 201 a client
// saw must be in the database.
func TestFaultShutdownUnderLoad(t *testing.T) {
	requireFaultTests(t)
	const drain = time.Second
	pg := pgtest.StartPrimary(t)
	srv := startFaultServer(t, pg.URL(), "SHUTDOWN_DRAIN="+drain.String(), "SHUTDOWN_TIMEOUT=20s",
		"HTTP_REQUEST_TIMEOUT=15s", "DB_STATEMENT_TIMEOUT=12s")
	tokens := srv.citizens(t, 8)
	slots := srv.openSlots(t, 101)
	held, slots := slots[0], slots[1:]
	// Three citizens book the held slot and nothing else, so each must get a seat.
	heldTokens, tokens := tokens[:3], tokens[3:]
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	probe := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	admin := openCluster(t, pg)

	// Hold the slot's row so that its bookings wait inside the server.
	lock, err := admin.SQL().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec("SELECT id FROM health_slots WHERE id = $1 FOR UPDATE", held); err != nil {
		t.Fatalf("lock the held slot: %v", err)
	}
	heldOuts := make(chan outcome, len(heldTokens))
	for _, tok := range heldTokens {
		go func() { heldOuts <- book(client, srv.base, tok, held) }()
	}
	waitLockWaiters(t, admin, len(heldTokens))

	// Back to back, so that some are always in flight.
	l := startLoad(client, srv.base, tokens, slots, 12, 0)
	time.Sleep(time.Second)
	term := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Readiness fails first …
	var notReady time.Time
	for notReady.IsZero() && time.Since(term) < drain {
		if o := send(probe, "readyz", "GET", srv.base+"/readyz", "", nil); o.status == http.StatusServiceUnavailable {
			notReady = o.end
		} else if o.err != nil {
			t.Fatalf("/readyz after SIGTERM: %s; the listener must stay open for the drain", o)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if notReady.IsZero() {
		t.Fatalf("/readyz did not answer 503 during the %s drain after SIGTERM", drain)
	}
	// … the clients keep being served during the drain, then stop sending,
	// as they would once the load balancer took the instance out …
	time.Sleep(time.Until(term.Add(drain / 2)))
	outs := l.finish()
	// … and the listener closes only after the drain.
	var closed time.Time
	for closed.IsZero() && time.Since(term) < drain+5*time.Second {
		if c, err := net.DialTimeout("tcp", srv.addr, 200*time.Millisecond); err != nil {
			closed = time.Now()
		} else {
			c.Close()
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Logf("SIGTERM → /readyz 503 after %s → listener closed after %s", notReady.Sub(term).Round(time.Millisecond), closed.Sub(term).Round(time.Millisecond))
	if closed.IsZero() || closed.Sub(term) < drain-100*time.Millisecond || !closed.After(notReady) {
		t.Errorf("the listener closed %v after SIGTERM, want after the %s drain and after /readyz failed", closed.Sub(term), drain)
	}
	// The server waits for the held bookings rather than cutting them off.
	time.Sleep(500 * time.Millisecond)
	if len(heldOuts) > 0 || srv.hasExited() {
		t.Fatalf("the held bookings ended (%d) or the server exited (%v) before they could", len(heldOuts), srv.hasExited())
	}

	// The held bookings are still in flight through the shutdown: let them go.
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	var created []string
	for range heldTokens {
		o := <-heldOuts
		if o.err != nil || o.status != http.StatusCreated {
			t.Errorf("a booking in flight through the shutdown: %s, want 201", o)
		}
		created = append(created, o.appointmentID())
	}
	select {
	case <-srv.exited:
		if srv.err != nil {
			t.Errorf("the server exited with %v, want 0", srv.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit within 10 s of its last request")
	}

	count := checkOutcomes(t, outs, 15*time.Second, 200, 201, 409, 422)
	t.Logf("%d requests under load: %v (status: count)", len(outs), count)
	var inFlight int
	for _, o := range outs {
		if o.start.Before(term) && o.end.After(term) {
			inFlight++
		}
		if o.status == http.StatusCreated {
			created = append(created, o.appointmentID())
		}
	}
	t.Logf("%d load requests were in flight at SIGTERM", inFlight)
	if inFlight == 0 {
		t.Error("no load request was in flight at SIGTERM; the test proves nothing")
	}
	var stored int64
	if err := admin.Table("health_appointments").Where("id IN ? AND status = 'booked'", created).Count(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if int(stored) != len(created) {
		t.Errorf("clients saw %d bookings created, the database has %d of them", len(created), stored)
	}
	checkSlotCounts(t, admin)
}

// waitLockWaiters waits until n sessions are waiting for a lock.
func waitLockWaiters(t *testing.T, d *db.DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting int
		if err := d.Raw("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").Scan(&waiting).Error; err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions wait for the held slot, want %d", waiting, n)
		}
	}
}
