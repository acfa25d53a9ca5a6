package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
)

// TestThroughPrism puts Stoplight Prism, the validating proxy integrators
// use, in front of a real server with --errors, so that any request or
// answer that breaks the committed document turns into an error, and walks
// a citizen's whole journey and the common refusals through it. CI installs
// Prism and names it in PRISM; without it the test is skipped.
func TestThroughPrism(t *testing.T) {
	prism := os.Getenv("PRISM")
	if prism == "" {
		t.Skip("PRISM does not name a Prism binary (CI installs @stoplight/prism-cli)")
	}
	app := apitest.New(t)
	if _, err := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := startPrism(t, prism, app.URL)
	app.ResetLoginFailures(t) // the journey ends locked out; the package's other tests share the address
	j := &journey{t: t, base: base}

	cnic, phone, password := apitest.NewCNIC(), apitest.NewPhone(), "a long pass phrase for prism"
	account := j.do("register", "POST", "/api/v1/auth/register", "", map[string]string{"cnic": cnic, "phone": phone, "full_name": "آمنہ بی بی", "password": password}, 201)
	messages := j.do("read the code", "GET", "/dev/messages?to="+phone, "", nil, 200)
	code := regexp.MustCompile(`code is (\d{6})`).FindStringSubmatch(fmt.Sprint(messages["items"]))
	if code == nil {
		t.Fatalf("no code in %v", messages)
	}
	j.do("verify", "POST", "/api/v1/auth/otp/verify", "", map[string]string{"phone": phone, "code": code[1]}, 200)
	pair := j.do("sign in", "POST", "/api/v1/auth/login", "", map[string]string{"username": cnic, "password": password}, 200)
	token := pair["access_token"].(string)
	if me := j.do("profile", "GET", "/api/v1/me", token, nil, 200); me["id"] != account["id"] {
		t.Fatalf("profile %v, want account %v", me["id"], account["id"])
	}
	// Three hours ahead, so that the booking can still be cancelled.
	from := url.QueryEscape(app.Clock.Now().Add(3 * time.Hour).Format(time.RFC3339))
	slots := j.do("find slots", "GET", "/api/v1/health/slots?limit=5&from="+from, "", nil, 200)["items"].([]any)
	slot := slots[0].(map[string]any)["id"].(string)
	key := uuid.NewString()
	booked := j.do("book", "POST", "/api/v1/health/appointments", token, map[string]string{"slot_id": slot}, 201, "Idempotency-Key", key)
	if replay := j.do("replay the booking", "POST", "/api/v1/health/appointments", token, map[string]string{"slot_id": slot}, 201, "Idempotency-Key", key); replay["id"] != booked["id"] || j.last.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the replay answered %v (Idempotent-Replayed %q), want appointment %v again", replay["id"], j.last.Header.Get("Idempotent-Replayed"), booked["id"])
	}
	j.do("list appointments", "GET", "/api/v1/health/appointments", token, nil, 200)
	j.do("cancel", "POST", "/api/v1/health/appointments/"+booked["id"].(string)+"/cancel", token, nil, 200)
	pair = j.do("refresh", "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": pair["refresh_token"].(string)}, 200)
	token = pair["access_token"].(string)

	j.do("no token", "GET", "/api/v1/me", "", nil, 401)
	j.do("a citizen at a staff route", "GET", "/api/v1/admin/staff", token, nil, 403)
	j.do("no such appointment", "GET", "/api/v1/health/appointments/"+uuid.NewString(), token, nil, 404)
	j.do("a CNIC already registered", "POST", "/api/v1/auth/register", "", map[string]string{"cnic": cnic, "phone": apitest.NewPhone(), "full_name": "Someone Else", "password": password}, 409)
	j.do("every invalid field named", "POST", "/api/v1/auth/register", "", map[string]string{"cnic": "123", "phone": "12", "full_name": "A", "password": "short"}, 422)
	j.do("sign out", "POST", "/api/v1/auth/logout", token, map[string]string{"refresh_token": pair["refresh_token"].(string)}, 204)
	for range 5 {
		j.do("a wrong password", "POST", "/api/v1/auth/login", "", map[string]string{"username": cnic, "password": "not the password at all"}, 401)
	}
	j.do("signing in while locked out", "POST", "/api/v1/auth/login", "", map[string]string{"username": cnic, "password": "not the password at all"}, 429)
	if j.last.Header.Get("Retry-After") == "" {
		t.Error("the 429 has no Retry-After")
	}
}

// journey sends requests through Prism and fails on any other status.
type journey struct {
	t    *testing.T
	base string
	last *http.Response
}

// do sends one request and returns its JSON object answer. header holds
// name, value pairs.
func (j *journey) do(step, method, path, token string, body any, want int, header ...string) map[string]any {
	j.t.Helper()
	var reader io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, j.base+path, reader)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		j.t.Fatalf("%s: %v", step, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	j.last = res
	if res.StatusCode != want {
		j.t.Fatalf("%s: %s %s answered %d through Prism, want %d: %s", step, method, path, res.StatusCode, want, raw)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// startPrism runs `prism proxy --errors` on a free port in front of
// upstream and stops it when the test ends; it fails the test if Prism
// logs a violation.
func startPrism(t *testing.T, prism, upstream string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	doc, err := filepath.Abs("../openapi/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prism, "proxy", "--errors", "-h", "127.0.0.1", "-p", fmt.Sprint(port), doc, upstream)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready, violations := make(chan struct{}), make(chan string, 100)
	go func() {
		scanner := bufio.NewScanner(out)
		for scanner.Scan() {
			line := scanner.Text()
			switch {
			case strings.Contains(line, "Prism is listening"):
				close(ready)
			case strings.Contains(strings.ToLower(line), "violation"):
				violations <- line
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		close(violations)
		for v := range violations {
			t.Errorf("Prism: %s", v)
		}
	})
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("Prism did not start within a minute")
	}
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// TestServedDocumentsLint runs Spectral's OpenAPI rules on the documents as
// the server serves them, the OpenAPI 3 one and the Swagger 2.0 rendering:
// no error and no warning. CI installs Spectral and names it in SPECTRAL.
func TestServedDocumentsLint(t *testing.T) {
	spectral := os.Getenv("SPECTRAL")
	if spectral == "" {
		t.Skip("SPECTRAL does not name a Spectral binary (CI installs @stoplight/spectral-cli)")
	}
	app := apitest.New(t)
	ruleset, err := filepath.Abs("../.spectral.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/openapi.json", "/swagger/doc.json"} {
		file := filepath.Join(t.TempDir(), filepath.Base(path))
		if err := os.WriteFile(file, app.Get(path, "").Body, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(spectral, "lint", file, "--ruleset", ruleset, "--fail-severity", "warn").CombinedOutput()
		if err != nil {
			t.Errorf("Spectral on %s: %v\n%s", path, err, out)
		}
	}
}
