package owasp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

// owBodyLimit is HTTP_BODY_LIMIT for the body attacks: far above any valid
// body, far below the default, so that oversize bodies stay cheap.
const owBodyLimit = 64 << 10

// owRaw sends body to path as is, with an unknown length (chunked) when
// chunked is set, and returns the answer.
func (w *owWorld) owRaw(t *testing.T, method, path, token, contentType string, body []byte, chunked bool) *apitest.Response {
	t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = io.MultiReader(rd) // hides the length: sent chunked
	}
	req, err := http.NewRequest(method, w.app.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Idempotency-Key", owRandomID())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &apitest.Response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// owBodyAbuse (API4:2023, unrestricted resource consumption, and
// API8, injection): every operation that takes a body, as a caller allowed
// to call it, gets bodies over HTTP_BODY_LIMIT (413, with and without a
// declared length), 10,000-deep nesting (400 at once), 20,000-character
// strings and 1,000-element arrays in each field (400 or 422 naming the
// field), NUL bytes in each string (never a server error), and wrong content
// types (400 naming Content-Type, or 415). Every answer is problem+json.
func owBodyAbuse(t *testing.T, w *owWorld, bodies map[string]owBody) {
	w = w.as(t)
	names, _, _ := owCatalogue(t, w, bodies)

	t.Run("over the body limit", func(t *testing.T) {
		big := []byte(`{"pad":"` + strings.Repeat("A", owBodyLimit) + `"}`)
		form := []byte("grant_type=client_credentials&client_id=" + strings.Repeat("A", owBodyLimit))
		var routes []string
		for _, r := range w.app.Server.Routes() {
			if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
				routes = append(routes, r.Method+" "+apitest.OpenAPIPath(r.Path))
			}
		}
		sort.Strings(routes)
		for _, op := range routes {
			method, path, _ := strings.Cut(op, " ")
			b, hasBody := bodies[op]
			token, concrete := b.token, v1+b.path
			if !hasBody {
				token, concrete = w.b.Token, owFill(path, owRandomID(), owRandomID())
			}
			ct, payload := "application/json", big
			if strings.HasSuffix(path, "/oauth/token") {
				// It takes client credentials, and refuses a bearer token.
				token, ct, payload = "", "application/x-www-form-urlencoded", form
			}
			t.Run(op, func(t *testing.T) {
				r := w.owRaw(t, method, concrete, token, ct, payload, false)
				owCheck(t, op+" declared oversize", r)
				if r.Status != http.StatusRequestEntityTooLarge {
					t.Errorf("declared length: %d %s, want 413", r.Status, owShort(r.Body))
				}
				if !hasBody && !strings.HasSuffix(path, "/oauth/token") {
					return // a route that reads no body has nothing to stop while reading
				}
				r = w.owRaw(t, method, concrete, token, ct, payload, true)
				owCheck(t, op+" chunked oversize", r)
				if r.Status != http.StatusRequestEntityTooLarge {
					t.Errorf("chunked: %d %s, want 413", r.Status, owShort(r.Body))
				}
			})
		}
	})

	t.Run("deep nesting", func(t *testing.T) {
		const depth = 10_000
		shapes := map[string]string{
			"arrays":            strings.Repeat("[", depth) + strings.Repeat("]", depth),
			"objects":           strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth),
			"in a field":        `{"name":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`,
			"never closed":      strings.Repeat("[", 5*depth),
			"mixed, unbalanced": strings.Repeat(`[{"a":`, depth/2) + strings.Repeat("]}", depth/3),
		}
		start := time.Now()
		for _, op := range names {
			b := bodies[op]
			method, _, _ := strings.Cut(op, " ")
			for shape, body := range shapes {
				sent := time.Now()
				r := w.owRaw(t, method, v1+b.path, b.token, "application/json", []byte(body), false)
				owCheck(t, op+" nested "+shape, r)
				if r.Status != http.StatusBadRequest || !owNames(t, r, "body") {
					t.Errorf("%s, %s: %d %s, want 400 naming body", op, shape, r.Status, owShort(r.Body))
				}
				if took := time.Since(sent); took > time.Second {
					t.Errorf("%s, %s: took %s", op, shape, took)
				}
			}
		}
		if r := w.app.Get("/healthz", ""); r.Status != http.StatusOK {
			t.Fatalf("the server did not survive: %d", r.Status)
		}
		t.Logf("%d nested bodies refused in %s", len(names)*len(shapes), time.Since(start))
	})

	huge := strings.Repeat("A", 20_000)
	t.Run("huge strings and arrays", func(t *testing.T) {
		for _, op := range names {
			b := bodies[op]
			for _, field := range owKeys(b.body) {
				var value any
				switch v := b.body[field].(type) {
				case string:
					value = huge
				case []string:
					value = []string{huge}
				case []int:
					value = slices.Repeat(v, 1_000/max(len(v), 1))
				case []map[string]any:
					value = slices.Repeat(v[:1], 1_000)
				case []map[string]int:
					value = slices.Repeat(v[:1], 1_000)
				default:
					continue
				}
				t.Run(op+" "+field, func(t *testing.T) {
					r := w.send(op, b, apitest.With(b.body, field, value), nil)
					owCheck(t, op+" huge "+field, r)
					if (r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity) || !owNames(t, r, field) {
						t.Errorf("huge %s: %d %s, want 400 or 422 naming it", field, r.Status, owShort(r.Body))
					}
				})
			}
		}
	})

	t.Run("NUL bytes in strings", func(t *testing.T) {
		for _, op := range names {
			b := bodies[op]
			t.Run(op, func(t *testing.T) {
				for _, field := range owKeys(b.body) {
					v, ok := b.body[field].(string)
					if !ok || field == "new_password" { // a new password would be taken and sign B out
						continue
					}
					t.Run(field, func(t *testing.T) {
						r := w.send(op, b, apitest.With(b.body, field, v[:len(v)/2]+"\x00"+v[len(v)/2:]), nil)
						owCheck(t, op+" NUL in "+field, r)
						if r.Status >= 400 && r.Status < 500 && r.Status != 409 && !owNames(t, r, field) && r.Status != http.StatusUnauthorized && r.Status != http.StatusNotFound {
							t.Logf("NUL in %s: %d %s (does not name the field)", field, r.Status, owShort(r.Body))
						}
					})
				}
			})
		}
	})

	t.Run("wrong content type", func(t *testing.T) {
		types := []string{"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
			"application/jsonp", "text/json", "application/json;;", "*/*"}
		for _, op := range names {
			b := bodies[op]
			method, _, _ := strings.Cut(op, " ")
			raw, _ := json.Marshal(b.body)
			for _, ct := range types {
				r := w.owRaw(t, method, v1+b.path, b.token, ct, raw, false)
				owCheck(t, op+" as "+ct, r)
				if !(r.Status == http.StatusUnsupportedMediaType || (r.Status == http.StatusBadRequest && owNames(t, r, "Content-Type"))) {
					t.Errorf("%s as %s: %d %s, want 415 or 400 naming Content-Type", op, ct, r.Status, owShort(r.Body))
				}
			}
		}
		// The token endpoint reads a form: JSON is refused as RFC 6749 says.
		r := w.owRaw(t, http.MethodPost, v1+"/oauth/token", "", "application/json",
			[]byte(`{"grant_type":"client_credentials","client_id":"`+w.clientF1.ID+`","client_secret":"`+w.clientF1.Secret+`"}`), false)
		owCheck(t, "/oauth/token as JSON", r)
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnsupportedMediaType && r.Status != http.StatusUnauthorized {
			t.Errorf("POST /oauth/token with a JSON body: %d %s, want 400, 401 or 415", r.Status, owShort(r.Body))
		}
	})
}

// owKeys are a body's keys in order.
func owKeys(body map[string]any) []string {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
