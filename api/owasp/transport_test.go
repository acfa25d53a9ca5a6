package owasp_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
)

// owListen serves a server built with cfg on a real listener through
// Server.Run, as the binary does, and returns its address.
func owListen(t *testing.T, cfg api.Config) string {
	t.Helper()
	srv, err := api.New(cfg, api.Deps{DB: dbtest.Open(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Keys: apitest.Keys, PII: apitest.PII})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx, ln, 0, 5*time.Second) }()
	t.Cleanup(func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return ln.Addr().String()
}

// owClosedWithin reads conn until the server closes it and returns how long
// that took, failing when it is still open after limit.
func owClosedWithin(t *testing.T, conn net.Conn, start time.Time, limit time.Duration) (time.Duration, string) {
	t.Helper()
	_ = conn.SetReadDeadline(start.Add(limit))
	got, err := io.ReadAll(conn)
	took := time.Since(start)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection is still open after %s (read %q)", took.Round(time.Millisecond), got)
	}
	return took, string(got)
}

// TestOWASPSlowHeadersAreCutOff (API4:2023): against the real listener and
// http.Server that Server.Run builds, a client that opens a connection and
// sends its request line or headers slowly, or never finishes them, is
// disconnected once HTTP_READ_HEADER_TIMEOUT has passed (plus a margin), even
// while it keeps trickling bytes; a slow body is cut off by
// HTTP_READ_TIMEOUT. Meanwhile the server goes on answering others.
func TestOWASPSlowHeadersAreCutOff(t *testing.T) {
	const headerTimeout, readTimeout, margin = 300 * time.Millisecond, 1200 * time.Millisecond, 1500 * time.Millisecond
	cfg := apitest.Config()
	cfg.ReadHeaderTimeout, cfg.ReadTimeout = headerTimeout, readTimeout
	addr := owListen(t, cfg)

	cases := []struct {
		name    string
		prefix  string // sent at once
		trickle string // then one byte every 50 ms, repeated until the server hangs up
	}{
		{"silent connection", "", ""},
		{"request line never finished", "GET /api/v1/health/facil", ""},
		{"headers never finished", "GET /healthz HTTP/1.1\r\nHost: citizen.test\r\nX-Slow: ", ""},
		{"headers trickled forever", "GET /healthz HTTP/1.1\r\nHost: citizen.test\r\n", "X-a: b\r\n"},
		{"request line trickled forever", "", "GET /healthz"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if _, err := io.WriteString(conn, tc.prefix); err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			defer close(stop)
			if tc.trickle != "" {
				go func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						case <-time.After(50 * time.Millisecond):
						}
						if _, err := conn.Write([]byte{tc.trickle[i%len(tc.trickle)]}); err != nil {
							return
						}
					}
				}()
			}
			took, got := owClosedWithin(t, conn, start, headerTimeout+margin)
			if took < headerTimeout-50*time.Millisecond {
				t.Errorf("closed after %s, before the %s timeout", took, headerTimeout)
			}
			if got != "" && !strings.HasPrefix(got, "HTTP/1.1 4") {
				t.Errorf("the server answered %q before closing", got)
			}
		})
	}

	t.Run("slow body", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		head := "POST /api/v1/auth/login HTTP/1.1\r\nHost: citizen.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
		if _, err := io.WriteString(conn, head+`{"username":`); err != nil {
			t.Fatal(err)
		}
		go func() {
			for range 100 {
				time.Sleep(50 * time.Millisecond)
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
		took, got := owClosedWithin(t, conn, start, readTimeout+margin)
		if got != "" && !strings.HasPrefix(got, "HTTP/1.1 4") {
			t.Errorf("a slow body was answered %q", got)
		}
		t.Logf("slow body cut off after %s with %q", took.Round(time.Millisecond), firstLine(got))
	})

	t.Run("others are served meanwhile", func(t *testing.T) {
		t.Parallel()
		for range 5 {
			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz: %d", res.StatusCode)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

func firstLine(s string) string {
	line, _, _ := bufio.NewReader(strings.NewReader(s)).ReadLine()
	return string(line)
}

// TestOWASPCORSForeignOrigins (API8:2023): with CORS_ORIGINS set to one
// origin, no other origin, however close its spelling, gets
// Access-Control-Allow-Origin on a preflight, a simple request or an error;
// credentials are never allowed, not even to the configured origin; and
// without CORS_ORIGINS nobody gets CORS headers at all.
func TestOWASPCORSForeignOrigins(t *testing.T) {
	const allowed = "https://app.example.pk"
	configured := apitest.New(t, func(c *api.Config) { c.CORSOrigins = []string{allowed} })
	closed := apitest.New(t)
	citizen := configured.NewCitizen()
	foreign := []string{"https://evil.example.com", "null", "https://app.example.pk.evil.com", "https://evil-app.example.pk",
		"http://app.example.pk", "https://app.example.pk:8443", "https://APP.EXAMPLE.PK", "https://app.example.pk/", "https://sub.app.example.pk", "*"}
	requests := func(app *apitest.App, origin string) map[string]*apitest.Response {
		return map[string]*apitest.Response{
			"preflight": app.Do(apitest.Request{Method: http.MethodOptions, Path: v1 + "/me", Header: map[string]string{
				"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization, cookie"}}),
			"preflight for a write": app.Do(apitest.Request{Method: http.MethodOptions, Path: v1 + "/me/dependants", Header: map[string]string{
				"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}}),
			"simple GET":        app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/health/facilities", Header: map[string]string{"Origin": origin}}),
			"authenticated GET": app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/me", Token: citizen.Token, Header: map[string]string{"Origin": origin}}),
			"error":             app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/me", Header: map[string]string{"Origin": origin}}),
		}
	}
	for _, origin := range foreign {
		for kind, r := range requests(configured, origin) {
			owCheck(t, kind+" from "+origin, r)
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s from %q: Access-Control-Allow-Origin = %q, want none", kind, origin, got)
			}
			if got := r.Header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("%s from %q: Access-Control-Allow-Credentials = %q", kind, origin, got)
			}
		}
	}
	for kind, r := range requests(configured, allowed) {
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != allowed {
			t.Errorf("%s from the configured origin: Access-Control-Allow-Origin = %q", kind, got)
		}
		if got := r.Header.Get("Access-Control-Allow-Credentials"); got != "" {
			t.Errorf("%s from the configured origin: Access-Control-Allow-Credentials = %q, want none", kind, got)
		}
		if strings.Contains(strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")), "cookie") {
			t.Errorf("%s: cookies are allowed as a request header", kind)
		}
	}
	for _, origin := range append(foreign, allowed) {
		for kind, r := range requests(closed, origin) {
			for h := range r.Header {
				if strings.HasPrefix(h, "Access-Control-") {
					t.Errorf("without CORS_ORIGINS, %s from %q has %s: %q", kind, origin, h, r.Header.Get(h))
				}
			}
		}
	}
}
