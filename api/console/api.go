package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// apiBase prefixes the API routes the console calls.
const apiBase = "/api/v1"

// refusal is an answer of the API other than a success: its status and
// problem, shown to the staff member as the API wrote it.
type refusal struct {
	Status  int
	Problem web.Problem
}

func (r *refusal) Error() string {
	return fmt.Sprintf("the API answered %d: %s", r.Status, r.Problem.Detail)
}

// call sends one request to the API in process as the signed-in staff
// member and decodes a successful answer into out (when out is not nil).
// Any other answer is a *refusal.
func (h *Console) call(c echo.Context, method, path string, query url.Values, body, out any) error {
	req, err := apiRequest(c, method, path, query, body)
	if err != nil {
		return err
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	h.api.ServeHTTP(rec, req)
	if rec.status >= 300 {
		r := &refusal{Status: rec.status}
		if err := json.Unmarshal(rec.body.Bytes(), &r.Problem); err != nil || r.Problem.Detail == "" {
			r.Problem.Detail = http.StatusText(rec.status)
		}
		return r
	}
	if out == nil || rec.status == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
		return fmt.Errorf("decode %s %s: %w", method, path, err)
	}
	return nil
}

// apiRequest builds the API request of a console request: the staff
// member's token, language and request ID, from the client's own address.
func apiRequest(c echo.Context, method, path string, query url.Values, body any) (*http.Request, error) {
	var payload io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		payload = bytes.NewReader(raw)
	}
	target := apiBase + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	outer := c.Request()
	req, err := http.NewRequestWithContext(outer.Context(), method, target, payload)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	// The API sees the staff member's own address (for its throttles and
	// audit log) through the same headers a proxy in front would set.
	req.RemoteAddr = outer.RemoteAddr
	for _, name := range []string{echo.HeaderXForwardedFor, echo.HeaderXRealIP} {
		if v := outer.Header.Values(name); len(v) > 0 {
			req.Header[name] = v
		}
	}
	if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
		req.Header.Set(echo.HeaderXRequestID, id)
	}
	if tok := viewerOf(c).token; tok != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+tok)
	}
	req.Header.Set("Accept-Language", langOf(c))
	req.Header.Set(echo.HeaderAccept, echo.MIMEApplicationJSON)
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	return req, nil
}

// passQuery copies the named query parameters that are present, for the
// API call behind a page.
func passQuery(c echo.Context, names ...string) url.Values {
	q := url.Values{}
	for _, name := range names {
		if v := c.QueryParam(name); v != "" {
			q.Set(name, v)
		}
	}
	return q
}

// recorder keeps the API's answer to an in-process call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
