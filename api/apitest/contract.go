package apitest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/islamabad-digital/citizenapi/openapi"
)

// The contract is the committed OpenAPI 3 document. Every test server
// checks each request it receives and each answer it gives against it, so
// that a status, header or field the document does not declare fails the
// test that caused it.

// maxCheckedBody is how much of a body the contract reads; a larger one
// (the body-limit tests) is passed through unchecked.
const maxCheckedBody = 4 << 20

var contractDoc = sync.OnceValues(func() (*openapi3.T, error) {
	openapi3filter.RegisterBodyDecoder("application/problem+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/yaml", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/jwt", openapi3filter.FileBodyDecoder)
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`))
	doc, err := openapi3.NewLoader().LoadFromData(openapi.OpenAPI3JSON)
	if err != nil {
		return nil, fmt.Errorf("load openapi/openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi/openapi.json is invalid: %w", err)
	}
	return doc, nil
})

var contractRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := contractDoc()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// CheckWebhook fails the test when a delivery a receiver got breaks the
// document's x-webhooks: the Standard Webhooks headers it declares, and
// the body against its event's envelope and data schemas.
func CheckWebhook(t testing.TB, header http.Header, body []byte) {
	t.Helper()
	doc, err := contractDoc()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	var event struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &event); err != nil {
		t.Errorf("contract: webhook body is not JSON: %s", body)
		return
	}
	raw, _ := json.Marshal(doc.Extensions["x-webhooks"])
	var hooks map[string]struct {
		Post openapi3.Operation `json:"post"`
	}
	if err := json.Unmarshal(raw, &hooks); err != nil {
		t.Fatalf("contract: x-webhooks: %v", err)
	}
	hook, ok := hooks[event.Type]
	if !ok {
		t.Errorf("contract: webhook %q is not in x-webhooks", event.Type)
		return
	}
	for _, p := range hook.Post.Parameters {
		v := header.Get(p.Value.Name)
		if v == "" && p.Value.Required {
			t.Errorf("contract: webhook %s lacks header %s", event.Type, p.Value.Name)
		} else if err := p.Value.Schema.Value.VisitJSON(v); err != nil {
			t.Errorf("contract: webhook %s header %s: %v", event.Type, p.Value.Name, err)
		}
	}
	ref := hook.Post.RequestBody.Value.Content.Get("application/json").Schema.Ref
	schema := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	var value any
	_ = json.Unmarshal(body, &value)
	if schema == nil {
		t.Errorf("contract: webhook %s names no schema (%q)", event.Type, ref)
	} else if err := schema.Value.VisitJSON(value); err != nil {
		t.Errorf("contract: webhook %s body breaks the document: %v\nbody: %s", event.Type, err, body)
	}
}

// OpenAPIPath writes an Echo route's path as the document does: /a/:id
// becomes /a/{id}.
func OpenAPIPath(echoPath string) string {
	parts := strings.Split(echoPath, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// uncheckedPaths are served but are not the API: Swagger UI's own files,
// the staff console's HTML pages (whose reads and writes are calls of the
// API's own routes), and routes tests mount to exercise a middleware alone.
var uncheckedPaths = regexp.MustCompile(`^/(swagger/|test/|console(/|$))`)

// checkContract wraps the server so that every exchange is checked.
func checkContract(t testing.TB, next http.Handler) http.Handler {
	router, err := contractRouter()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if uncheckedPaths.MatchString(r.URL.Path) || preflight(r) {
			next.ServeHTTP(w, r)
			return
		}
		body, whole := readSome(r)
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if violation := exchangeViolation(router, r, body, whole, rec); violation != "" {
			t.Errorf("contract: %s %s answered %d: %s", r.Method, r.URL.RequestURI(), rec.status(), violation)
		}
	})
}

// preflight reports a CORS preflight, which the browser and the CORS layer
// exchange before an operation, not an operation itself.
func preflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// readSome reads up to maxCheckedBody of r's body and puts it back, so the
// server reads exactly what was sent. whole is false when more remained.
func readSome(r *http.Request) ([]byte, bool) {
	if r.Body == nil {
		return nil, true
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxCheckedBody+1))
	whole := len(body) <= maxCheckedBody
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	return body, whole
}

// exchangeViolation says how one request and its answer break the
// document, or returns "".
func exchangeViolation(router routers.Router, r *http.Request, body []byte, whole bool, rec *recorder) string {
	status := rec.status()
	req := r.Clone(context.Background())
	req.URL.Scheme, req.URL.Host = "http", r.Host
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(req)
	if err != nil {
		if (status == http.StatusNotFound || status == http.StatusMethodNotAllowed) && isProblem(rec.Header()) {
			return ""
		}
		return "the document has no such operation"
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true,
		IncludeResponseStatus: true, ExcludeRequestBody: !whole}
	capLimit(req)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && status < 400 {
		return fmt.Sprintf("the request breaks the document but was answered %d: %v", status, err)
	}
	resBody, err := rec.decodedBody()
	if err != nil {
		return err.Error()
	}
	if !rec.whole() || r.Method == http.MethodHead {
		opts.ExcludeResponseBody = true
	}
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(resBody)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), res); err != nil {
		return fmt.Sprintf("the answer breaks the document: %v\nbody: %.600s", err, resBody)
	}
	return ""
}

// capLimit reads a page size above 100 as 100, as the service does
// (a larger limit is not refused: API.md).
func capLimit(req *http.Request) {
	q := req.URL.Query()
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 100 {
		q.Set("limit", "100")
		req.URL.RawQuery = q.Encode()
	}
}

func isProblem(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "application/problem+json")
}

// recorder passes an answer through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	code    int
	body    bytes.Buffer
	written int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	if room := maxCheckedBody - r.body.Len(); room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	r.written += len(b)
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes,
// deadlines) through the recorder.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes flushes on.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

func (r *recorder) whole() bool { return r.written <= maxCheckedBody }

// decodedBody is the answer's body as the client reads it.
func (r *recorder) decodedBody() ([]byte, error) {
	if r.Header().Get("Content-Encoding") != "gzip" || r.body.Len() == 0 || !r.whole() {
		return r.body.Bytes(), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("the gzip body cannot be read: %v", err)
	}
	return io.ReadAll(zr)
}
