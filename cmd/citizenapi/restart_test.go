package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRecreatedServerKeepsItsData starts a server, stops it and starts a
// second one on the same database and data folder, as docker compose does
// when it recreates the API's container with its volumes: the second opens
// what the first sealed (the demo citizen signs in by CNIC and reads it
// back), with nothing else carried over.
func TestRecreatedServerKeepsItsData(t *testing.T) {
	path := devEnv(t)
	if pg := testDatabaseSchema(t); pg != "" {
		t.Setenv("DATABASE_URL", pg)
	} else {
		t.Setenv("DATABASE_URL", "sqlite:"+path)
	}
	t.Setenv("DATA_DIR", filepath.Join(t.TempDir(), "data"))
	for i := range 2 {
		base, out, stop := startServe(t)
		if !strings.Contains(out.String(), "Demo logins") || !strings.Contains(out.String(), "pims.desk@demo.citizen.gov.pk") {
			t.Errorf("start %d does not list the demo logins:\n%s", i+1, out.String())
		}
		token := signIn(t, base, "61101-1234567-1", "Islamabad-demo-2026")
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var me struct{ CNIC string }
		_ = json.NewDecoder(res.Body).Decode(&me)
		res.Body.Close()
		if me.CNIC != "6110112345671" {
			t.Errorf("server %d reads the demo citizen's CNIC as %q", i+1, me.CNIC)
		}
		stop()
	}

	// Without the keys that sealed them (a container recreated without its
	// data volume), the server refuses to start and says what it needs.
	t.Setenv("DATA_DIR", filepath.Join(t.TempDir(), "elsewhere"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := runCmd(ctx, &out, "serve")
	if err == nil || !strings.Contains(err.Error(), "DATA_DIR") || !strings.Contains(err.Error(), "PII_SEALING_KEYS") {
		t.Errorf("serve with other keys = %v, want a refusal naming DATA_DIR and PII_SEALING_KEYS", err)
	}
}

// syncBuffer is a buffer a server writes to while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs `citizenapi serve` on a free port until stop is called,
// and returns its address once it is ready and what it printed.
func startServe(t *testing.T) (string, *syncBuffer, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("HTTP_ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := &syncBuffer{}
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), out) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	base := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped before it was ready: %v", err)
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base, out, stop
			}
		}
	}
	stop()
	t.Fatal("serve was not ready within a minute")
	return "", nil, nil
}

func signIn(t *testing.T, base, username, password string) string {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&pair); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in as %s: %d %v", username, res.StatusCode, err)
	}
	return pair.AccessToken
}
