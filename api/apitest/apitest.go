// Package apitest starts the real HTTP server on a fresh, migrated database
// (see dbtest: SQLite, or a schema of TEST_DATABASE_URL) for tests and
// drives it over HTTP.
package apitest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// keyLine is the signing key test servers use, as token.ParseKeys reads it.
var keyLine = func() string {
	line, err := token.NewKey("test-1")
	if err != nil {
		panic(err)
	}
	return line
}()

// Keys are the signing keys test servers use.
var Keys = func() *token.KeySet {
	keys, err := token.ParseKeys(keyLine)
	if err != nil {
		panic(err)
	}
	return keys
}()

// SigningKey is the private key of Keys (key ID "test-1"), for tests that
// sign tokens by hand with claims the server would never issue.
var SigningKey = func() ed25519.PrivateKey {
	_, seed, _ := strings.Cut(keyLine, ":")
	raw, err := base64.StdEncoding.DecodeString(seed)
	if err != nil {
		panic(err)
	}
	return ed25519.NewKeyFromSeed(raw)
}()

// PIISealingKeys and PIILookupKey, parsed as PII, are the keys test
// servers seal identity numbers with: the same for every server of a test
// binary, as they must be for servers sharing one database. Tests that
// start the binary pass them as PII_SEALING_KEYS and PII_LOOKUP_KEY.
var (
	PIISealingKeys = "test-1:" + pii.NewKey()
	PIILookupKey   = pii.NewKey()
	PII            = func() *pii.Keys {
		keys, err := pii.Parse(PIISealingKeys, PIILookupKey)
		if err != nil {
			panic(err)
		}
		return keys
	}()
)

// App is a running server on a fresh database.
type App struct {
	t      testing.TB
	URL    string
	DB     *db.DB
	Server *api.Server
	Clock  *dbtest.Clock
	client *http.Client

	accounts *accounts
}

// Option changes the configuration of an App before it starts.
type Option func(*api.Config)

// Config returns the configuration tests run with: development, 1 MiB
// bodies, and no practical limit per client address, since every test
// request comes from 127.0.0.1 (the tests of those limits set
// identity.DefaultLimits and send X-Forwarded-For; see TrustProxy). A
// password check waits for its turn almost as long as the request may
// take, since under -race on a busy machine a few concurrent sign-ins
// queue for seconds.
func Config() api.Config {
	return api.Config{
		Env: "development", BodyLimit: 1 << 20, RequestTimeout: 10 * time.Second,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute,
		Limits: identity.Limits{HashesPerAddress: 1000, HashWait: 8 * time.Second, RegistrationsPerAddress: 1_000_000, CodesPerAddressHour: 1_000_000, CodesPerAddressDay: 1_000_000},
	}
}

// TrustProxy makes the server believe X-Forwarded-For from 127.0.0.1, as
// from a load balancer, so that a test can send requests from addresses of
// its choosing.
func TrustProxy(c *api.Config) { c.TrustedProxies = []string{"127.0.0.1/32"} }

// New starts the real server on a fresh database and stops it when the test ends.
func New(t testing.TB, opts ...Option) *App {
	t.Helper()
	d := dbtest.Open(t)
	cfg := Config()
	for _, o := range opts {
		o(&cfg)
	}
	clock := dbtest.NewClock(time.Now())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	srv, err := api.New(cfg, api.Deps{DB: d, Log: log, Clock: clock, Keys: Keys, PII: PII})
	if err != nil {
		t.Fatalf("build server: %v", err)
	}
	ts := httptest.NewServer(checkContract(t, srv))
	t.Cleanup(ts.Close)
	return &App{t: t, URL: ts.URL, DB: d, Server: srv, Clock: clock, client: ts.Client(),
		accounts: &accounts{admins: map[string]*Staff{}}}
}

// Main runs a package's tests and drops its PostgreSQL schema afterwards.
// Call it from TestMain.
func Main(m *testing.M) { dbtest.Main(m) }

// As returns the App failing t instead of the test that started it, for the
// helpers a subtest calls: a subtest must not fail its parent.
func (a *App) As(t testing.TB) *App {
	cp := *a
	cp.t = t
	return &cp
}

// Request describes one request. Body may be a string or []byte sent as is,
// or any other value sent as JSON.
type Request struct {
	Method string
	Path   string
	Body   any
	Token  string
	Header map[string]string
}

// Do sends req and returns the answer. It is safe for concurrent use.
func (a *App) Do(req Request) *Response {
	a.t.Helper()
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Errorf("encode body: %v", err)
			return &Response{}
		}
		body = bytes.NewReader(raw)
	}
	httpReq, err := http.NewRequest(req.Method, a.URL+req.Path, body)
	if err != nil {
		a.t.Errorf("new request: %v", err)
		return &Response{}
	}
	if body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	if req.Token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		httpReq.Header.Set(k, v)
	}
	res, err := a.client.Do(httpReq)
	if err != nil {
		a.t.Errorf("%s %s: %v", req.Method, req.Path, err)
		return &Response{}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: raw, request: req.Method + " " + req.Path}
}

// With returns a copy of a JSON body with the given keys set, as key,
// value, key, value; a nil value deletes the key.
func With(body map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(body)+len(kv)/2)
	for k, v := range body {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// Get sends a GET with an optional token.
func (a *App) Get(path, token string) *Response {
	return a.Do(Request{Method: http.MethodGet, Path: path, Token: token})
}

// Post sends a POST with a JSON body and an optional token.
func (a *App) Post(path, token string, body any) *Response {
	return a.Do(Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}
