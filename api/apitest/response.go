package apitest

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte

	request string // "METHOD /path" it answers, for failure messages
}

// JSON decodes the body into v, failing the test when it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Want fails the test, showing the body, unless the answer has status. It
// returns r, so that the body can be read on.
func (r *Response) Want(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d (%s)", r.request, r.Status, status, r.Body)
	}
	return r
}

// Problem fails the test unless the answer is an error of status written as
// every error is: an application/problem+json document with its type, title
// and status, and the request ID the X-Request-ID header carries. When field
// is not empty, the problem's errors must name it. It returns the problem.
func (r *Response) Problem(t testing.TB, status int, field string) web.Problem {
	t.Helper()
	r.Want(t, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: Content-Type %q, want application/problem+json (%s)", r.request, ct, r.Body)
	}
	var p web.Problem
	r.JSON(t, &p)
	if p.Status != r.Status || p.Type == "" || p.Title == "" || p.RequestID == "" {
		t.Fatalf("%s: incomplete problem %+v for status %d", r.request, p, r.Status)
	}
	if id := r.Header.Get(api.HeaderRequestID); p.RequestID != id {
		t.Fatalf("%s: problem request_id %q differs from the %s header %q", r.request, p.RequestID, api.HeaderRequestID, id)
	}
	if field != "" && !slices.ContainsFunc(p.Errors, func(f web.FieldError) bool { return f.Field == field }) {
		t.Fatalf("%s: errors %+v do not name %q", r.request, p.Errors, field)
	}
	return p
}
