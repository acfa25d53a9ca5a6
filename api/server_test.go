package api_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

func TestOperationsEndpoints(t *testing.T) {
	app := apitest.New(t)
	for _, path := range []string{"/healthz", "/readyz", "/swagger/index.html", "/swagger/doc.json", "/openapi.json"} {
		if r := app.Get(path, ""); r.Status != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, r.Status)
		}
	}
	app.Get("/api/v1/health/facilities", "")
	rec := httptest.NewRecorder()
	app.Server.Ops().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	metrics := rec.Body.String()
	for _, want := range []string{"citizenapi_http_requests_total", "citizenapi_http_request_duration_seconds", "go_goroutines", "go_sql_open_connections"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	var doc map[string]any
	app.Get("/openapi.json", "").JSON(t, &doc)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0") {
		t.Errorf("/openapi.json openapi = %v, want 3.0.x", doc["openapi"])
	}
}

// Profiles and metrics live on the operations listener only.
func TestPublicListenerHidesOperatorEndpoints(t *testing.T) {
	app := apitest.New(t)
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/cmdline"} {
		if r := app.Get(path, ""); r.Status != http.StatusNotFound {
			t.Errorf("public GET %s = %d, want 404", path, r.Status)
		}
		rec := httptest.NewRecorder()
		app.Server.Ops().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("operations GET %s = %d, want 200", path, rec.Code)
		}
	}
}

func TestReadinessFailsWhenDatabaseIsGone(t *testing.T) {
	app := apitest.New(t)
	app.DB.Close()
	if r := app.Get("/readyz", ""); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("GET /readyz with the database closed = %d, want 503", r.Status)
	}
	if r := app.Get("/healthz", ""); r.Status != http.StatusOK {
		t.Fatalf("GET /healthz = %d, want 200 (liveness does not depend on the database)", r.Status)
	}
}

func TestErrorsAreProblems(t *testing.T) {
	app := apitest.New(t)
	cases := []struct {
		name   string
		req    apitest.Request
		status int
		field  string
	}{
		{"unknown route", apitest.Request{Method: "GET", Path: "/api/v1/nowhere"}, 404, ""},
		{"wrong method", apitest.Request{Method: "DELETE", Path: "/api/v1/health/facilities"}, 405, ""},
		{"malformed UUID in path", apitest.Request{Method: "GET", Path: "/api/v1/health/facilities/not-a-uuid"}, 400, "id"},
		{"malformed UUID in query", apitest.Request{Method: "GET", Path: "/api/v1/health/slots?facility_id=123"}, 400, "facility_id"},
		{"malformed time", apitest.Request{Method: "GET", Path: "/api/v1/health/slots?from=tomorrow"}, 400, "from"},
		{"malformed limit", apitest.Request{Method: "GET", Path: "/api/v1/health/facilities?limit=ten"}, 400, "limit"},
		{"limit below one", apitest.Request{Method: "GET", Path: "/api/v1/health/facilities?limit=0"}, 422, "limit"},
		{"forged cursor", apitest.Request{Method: "GET", Path: "/api/v1/health/facilities?cursor=abc"}, 400, "cursor"},
		{"unknown enum", apitest.Request{Method: "GET", Path: "/api/v1/education/schools?level=university"}, 400, "level"},
		{"missing facility", apitest.Request{Method: "GET", Path: "/api/v1/health/facilities/8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"}, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app.Do(tc.req).Problem(t, tc.status, tc.field)
		})
	}
}

func TestRequestID(t *testing.T) {
	app := apitest.New(t)
	r := app.Do(apitest.Request{Method: "GET", Path: "/healthz", Header: map[string]string{"X-Request-ID": "trace-42.a:b"}})
	if got := r.Header.Get("X-Request-ID"); got != "trace-42.a:b" {
		t.Errorf("echoed request ID = %q, want the one sent", got)
	}
	r = app.Do(apitest.Request{Method: "GET", Path: "/healthz", Header: map[string]string{"X-Request-ID": "bad id\" <script>"}})
	if got := r.Header.Get("X-Request-ID"); got == "" || strings.ContainsAny(got, " \"<") {
		t.Errorf("unsafe request ID was echoed or none made: %q", got)
	}
	if got := app.Get("/healthz", "").Header.Get("X-Request-ID"); len(got) != 36 {
		t.Errorf("generated request ID = %q, want a UUID", got)
	}
}

// bindRequest exercises web.Bind through the real middleware stack.
type bindRequest struct {
	Name   string   `json:"name" validate:"required,min=2,max=20"`
	Count  int      `json:"count" validate:"min=1,max=10"`
	Kind   string   `json:"kind" validate:"omitempty,oneof=a b"`
	Ref    string   `json:"ref" validate:"omitempty,uuid"`
	Tags   []string `json:"tags" validate:"max=3"`
	Nested *struct {
		Value any `json:"value"`
	} `json:"nested"`
}

func mountBindRoute(app *apitest.App) {
	app.Server.Echo.POST("/test/bind", func(c echo.Context) error {
		var req bindRequest
		if err := web.Bind(c, &req); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, req)
	})
}

func TestBindingAndValidation(t *testing.T) {
	app := apitest.New(t)
	mountBindRoute(app)
	deep := strings.Repeat(`{"value":`, 40) + "1" + strings.Repeat("}", 40)
	cases := []struct {
		name   string
		body   string
		header map[string]string
		status int
		field  string
	}{
		{"valid", `{"name":"Ali","count":2}`, nil, 200, ""},
		{"malformed JSON", `{"name": "Ali",`, nil, 400, "body"},
		{"not JSON", `name=Ali`, nil, 400, "body"},
		{"empty body", ``, nil, 400, "body"},
		{"wrong type", `{"name":"Ali","count":"two"}`, nil, 400, "count"},
		{"array instead of object", `[1,2]`, nil, 400, "body"},
		{"unknown field", `{"name":"Ali","count":2,"role":"admin"}`, nil, 400, "role"},
		{"trailing data", `{"name":"Ali","count":2} {}`, nil, 400, "body"},
		{"deep nesting", `{"name":"Ali","count":2,"nested":` + deep + `}`, nil, 400, "body"},
		{"missing required", `{"count":2}`, nil, 422, "name"},
		{"too short", `{"name":"A","count":2}`, nil, 422, "name"},
		{"out of range", `{"name":"Ali","count":11}`, nil, 422, "count"},
		{"unknown enum value", `{"name":"Ali","count":2,"kind":"c"}`, nil, 422, "kind"},
		{"malformed UUID", `{"name":"Ali","count":2,"ref":"123"}`, nil, 400, "ref"},
		{"too many items", `{"name":"Ali","count":2,"tags":["a","b","c","d"]}`, nil, 422, "tags"},
		{"wrong content type", `{"name":"Ali","count":2}`, map[string]string{"Content-Type": "text/plain"}, 400, "Content-Type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := app.Do(apitest.Request{Method: "POST", Path: "/test/bind", Body: tc.body, Header: tc.header})
			if tc.status == 200 {
				r.Want(t, 200)
				return
			}
			r.Problem(t, tc.status, tc.field)
		})
	}
}

func TestOversizeBody(t *testing.T) {
	app := apitest.New(t, func(c *api.Config) { c.BodyLimit = 1024 })
	mountBindRoute(app)
	big := `{"name":"` + strings.Repeat("x", 4096) + `","count":1}`
	app.Do(apitest.Request{Method: "POST", Path: "/test/bind", Body: big}).Problem(t, http.StatusRequestEntityTooLarge, "")

	// Without a declared length the limit applies while reading.
	req, _ := http.NewRequest("POST", app.URL+"/test/bind", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked oversize body: status = %d, want 413", res.StatusCode)
	}
}

func TestPanicIsAProblemWithoutDetails(t *testing.T) {
	app := apitest.New(t)
	app.Server.Echo.GET("/test/panic", func(echo.Context) error { panic("secret internal state") })
	app.Server.Echo.GET("/test/fail", func(echo.Context) error { return io.ErrUnexpectedEOF })
	for _, path := range []string{"/test/panic", "/test/fail"} {
		r := app.Get(path, "")
		r.Problem(t, http.StatusInternalServerError, "")
		if strings.Contains(string(r.Body), "secret") || strings.Contains(string(r.Body), "EOF") || strings.Contains(string(r.Body), "goroutine") {
			t.Fatalf("error body leaks internals: %s", r.Body)
		}
	}
	if r := app.Get("/healthz", ""); r.Status != 200 {
		t.Fatalf("server did not survive the panic: %d", r.Status)
	}
}

func TestSecurityHeadersAndGzip(t *testing.T) {
	app := apitest.New(t)
	if _, err := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	plain := app.Get("/api/v1/health/slots?limit=100", "")
	if plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("a client that does not accept gzip got Content-Encoding %q", plain.Header.Get("Content-Encoding"))
	}
	// The search keeps its answer's gzip form: the first answer and the
	// remembered one are each compressed once, to the same JSON.
	for i := range 2 {
		r := app.Do(apitest.Request{Method: "GET", Path: "/api/v1/health/slots?limit=100", Header: map[string]string{"Accept-Encoding": "gzip"}})
		// Availability alone may be kept a second by shared caches.
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "public, max-age=1",
			"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} {
			if got := strings.Join(r.Header.Values(h), ", "); got != want {
				t.Errorf("answer %d: %s = %q, want %q", i, h, got, want)
			}
		}
		zr, err := gzip.NewReader(strings.NewReader(string(r.Body)))
		if err != nil {
			t.Fatalf("answer %d: gzip body: %v", i, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || string(body) != string(plain.Body) {
			t.Fatalf("answer %d decompressed (err %v) differs from the plain answer", i, err)
		}
		var list health.SlotList
		if err := json.Unmarshal(body, &list); err != nil || len(list.Items) != 100 {
			t.Fatalf("answer %d: decoded %d slots (err %v), want 100", i, len(list.Items), err)
		}
	}
	if got := app.Get("/api/v1/health/facilities", "").Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("facilities: Cache-Control = %q, want no-store", got)
	}
	// Other reads are compressed by the middleware.
	r := app.Do(apitest.Request{Method: "GET", Path: "/api/v1/health/facilities?limit=100", Header: map[string]string{"Accept-Encoding": "gzip"}})
	if got := r.Header.Get("Content-Encoding"); got != "gzip" && len(r.Body) >= 1024 {
		t.Errorf("facilities: Content-Encoding = %q, want gzip", got)
	}
}

func TestCORS(t *testing.T) {
	app := apitest.New(t, func(c *api.Config) { c.CORSOrigins = []string{"https://app.example.pk"} })
	preflight := func(origin string) *apitest.Response {
		return app.Do(apitest.Request{Method: "OPTIONS", Path: "/api/v1/health/facilities", Header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "GET",
		}})
	}
	if got := preflight("https://app.example.pk").Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.pk" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin = %q", got)
	}
	r := preflight("https://evil.example.com")
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin: Access-Control-Allow-Origin = %q, want none", got)
	}
	if got := r.Header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("Access-Control-Allow-Credentials = %q, want none", got)
	}
	// A browser shows a script only the headers exposed to it.
	r = app.Do(apitest.Request{Method: "GET", Path: "/api/v1/health/facilities", Header: map[string]string{"Origin": "https://app.example.pk"}})
	exposed := strings.Split(r.Header.Get("Access-Control-Expose-Headers"), ",")
	for i := range exposed {
		exposed[i] = strings.TrimSpace(exposed[i])
	}
	for _, h := range []string{api.HeaderRequestID, "Retry-After", api.HeaderRateLimitPolicy, api.HeaderRateLimit} {
		if !slices.Contains(exposed, h) {
			t.Errorf("Access-Control-Expose-Headers = %q, want %s in it", r.Header.Get("Access-Control-Expose-Headers"), h)
		}
	}
}

func TestClientIPIgnoresForwardedForUnlessTrusted(t *testing.T) {
	ipRoute := func(app *apitest.App) string {
		app.Server.Echo.GET("/test/ip", func(c echo.Context) error { return c.String(200, c.RealIP()) })
		return string(app.Do(apitest.Request{Method: "GET", Path: "/test/ip", Header: map[string]string{"X-Forwarded-For": "203.0.113.9"}}).Body)
	}
	if got := ipRoute(apitest.New(t)); got != "127.0.0.1" {
		t.Errorf("untrusted X-Forwarded-For: client IP = %q, want 127.0.0.1", got)
	}
	trusted := apitest.New(t, func(c *api.Config) { c.TrustedProxies = []string{"127.0.0.0/8"} })
	if got := ipRoute(trusted); got != "203.0.113.9" {
		t.Errorf("trusted proxy: client IP = %q, want 203.0.113.9", got)
	}
}

// mountIdempotentRoute registers a creating POST at path that counts its
// runs, writes a row and takes delay to finish, behind a fake authenticated
// caller, holding its keys in mode. The item "boom" writes its row and then
// fails.
func mountIdempotentRoute(app *apitest.App, path string, runs *atomic.Int32, delay time.Duration, mode idempotency.Mode) {
	store := idempotency.NewStore(app.DB, app.Clock)
	caller := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := domain.Principal{Subject: c.Request().Header.Get("X-Test-Caller"), Kind: "citizen"}
			c.SetRequest(c.Request().WithContext(domain.WithPrincipal(c.Request().Context(), p)))
			return next(c)
		}
	}
	app.Server.Echo.POST(path, func(c echo.Context) error {
		var req struct {
			Item string `json:"item" validate:"required"`
		}
		if err := web.Bind(c, &req); err != nil {
			return err
		}
		n := runs.Add(1)
		err := app.DB.Conn(c.Request().Context()).Exec("INSERT INTO login_failures (id, key, at) VALUES (?, ?, ?)",
			uuid.NewString(), "order:"+req.Item, app.Clock.Now()).Error
		if err != nil {
			return err
		}
		time.Sleep(delay)
		if req.Item == "boom" {
			return io.ErrUnexpectedEOF
		}
		return c.JSON(http.StatusCreated, map[string]any{"item": req.Item, "run": n})
	}, caller, store.Middleware(mode))
}

// orderRows counts the rows the orders of item wrote.
func orderRows(t *testing.T, app *apitest.App, item string) int64 {
	var n int64
	if err := app.DB.Raw("SELECT count(*) FROM login_failures WHERE key = ?", "order:"+item).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIdempotencyKey(t *testing.T) {
	app := apitest.New(t)
	var runs atomic.Int32
	mountIdempotentRoute(app, "/test/orders", &runs, 0, idempotency.InTransaction)
	// Callers are unique per run: on PostgreSQL the package's tests share
	// one schema, and keys live for a day.
	run := apitest.NewPhone()
	order := func(caller, key, item string) *apitest.Response {
		return app.Do(apitest.Request{Method: "POST", Path: "/test/orders", Body: map[string]string{"item": item},
			Header: map[string]string{"Idempotency-Key": key, "X-Test-Caller": caller + run}})
	}
	first := order("alice", "k1", "tea")
	replay := order("alice", "k1", "tea")
	if first.Status != 201 || replay.Status != 201 || string(first.Body) != string(replay.Body) {
		t.Fatalf("replay: first %d %s, replay %d %s; want the same 201", first.Status, first.Body, replay.Status, replay.Body)
	}
	if replay.Header.Get("Idempotent-Replayed") != "true" || runs.Load() != 1 {
		t.Fatalf("replay ran the handler again: runs = %d", runs.Load())
	}
	order("alice", "k1", "coffee").Problem(t, 422, "Idempotency-Key")
	if r := order("bob", "k1", "coffee"); r.Status != 201 || runs.Load() != 2 {
		t.Fatalf("another caller's key space: %d, runs %d", r.Status, runs.Load())
	}
	if r := order("alice", "k1-invalid", ""); r.Status != 422 {
		t.Fatalf("invalid request: %d", r.Status)
	}
	if r := order("alice", "k1-invalid", ""); r.Status != 422 || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("a stored 4xx is replayed too: %d replayed=%q", r.Status, r.Header.Get("Idempotent-Replayed"))
	}
	// A server failure releases the key with the request's writes, so
	// that a retry runs.
	before := runs.Load()
	order("alice", "k2", "boom")
	order("alice", "k2", "boom")
	if runs.Load()-before != 2 {
		t.Fatalf("after a 500 the retry did not run: %d runs", runs.Load()-before)
	}
	if n := orderRows(t, app, "boom"); n != 0 {
		t.Fatalf("a failed request kept %d of its writes", n)
	}
	// Keys expire after a day.
	app.Clock.Advance(25 * time.Hour)
	if r := order("alice", "k1", "coffee"); r.Status != 201 {
		t.Fatalf("expired key reused: %d %s", r.Status, r.Body)
	}
}

func TestIdempotencyConcurrentDuplicatesRunOnce(t *testing.T) {
	app := apitest.New(t)
	var runs atomic.Int32
	mountIdempotentRoute(app, "/test/orders", &runs, 300*time.Millisecond, idempotency.InTransaction)
	mountIdempotentRoute(app, "/test/payments", &runs, 300*time.Millisecond, idempotency.Required)
	// A claim in the work's transaction makes duplicates wait for the first
	// and replay its answer; a claim committed on its own refuses them.
	for _, mode := range []struct {
		name     string
		path     string
		conflict bool
	}{{"in the transaction", "/test/orders", false}, {"on its own", "/test/payments", true}} {
		t.Run(mode.name, func(t *testing.T) {
			const n = 10
			caller := "alice" + apitest.NewPhone()
			before := runs.Load()
			statuses := make([]*apitest.Response, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = app.Do(apitest.Request{Method: "POST", Path: mode.path, Body: map[string]string{"item": "tea" + caller},
						Header: map[string]string{"Idempotency-Key": "same", "X-Test-Caller": caller}})
				}()
			}
			wg.Wait()
			created, conflicts := 0, 0
			for _, r := range statuses {
				switch r.Status {
				case 201:
					created++
				case 409:
					conflicts++
				default:
					t.Errorf("unexpected status %d", r.Status)
				}
			}
			if runs.Load()-before != 1 || created < 1 || created+conflicts != n || (!mode.conflict && conflicts > 0) {
				t.Fatalf("runs = %d, created = %d, conflicts = %d; want one run", runs.Load()-before, created, conflicts)
			}
			if rows := orderRows(t, app, "tea"+caller); rows != 1 {
				t.Fatalf("%d rows written, want 1", rows)
			}
		})
	}
}
