package owasp_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// owValue is one hostile value of a query parameter.
type owValue struct {
	label, value string
	// want lists the statuses allowed; empty means 200, or 400/422 naming
	// the parameter.
	want []int
	// outside the documented minimum and maximum: must be refused.
	outside bool
}

// owCursor encodes keys as a cursor would be, to forge one.
func owCursor(keys string) string { return base64.RawURLEncoding.EncodeToString([]byte(keys)) }

// owQueryValues are the hostile values for a parameter of the spec.
func owQueryValues(p owParam) []owValue {
	sqlish := []owValue{
		{label: "quote or", value: "' OR 1=1--"}, {label: "quote or 2", value: `" OR ""="`}, {label: "stacked", value: "1; DROP TABLE accounts;--"},
		{label: "union", value: "x' UNION SELECT cnic, phone FROM accounts--"}, {label: "like all", value: "%"}, {label: "like one", value: "_"},
		{label: "backslash", value: `\`}, {label: "nosql", value: `{"$ne":null}`}, {label: "10k chars", value: strings.Repeat("A", 10_000)},
		{label: "NUL", value: "a\x00b"}, {label: "invalid UTF-8", value: "a\xffb"},
	}
	switch {
	case p.Name == "limit":
		return []owValue{
			{label: "-1", value: "-1", want: []int{422}}, {label: "0", value: "0", want: []int{422}},
			{label: "10000000", value: "10000000", want: []int{200}}, {label: "max int64", value: "9223372036854775807", want: []int{200}},
			{label: "min int64", value: "-9223372036854775808", want: []int{422}}, {label: "1e9", value: "1e9", want: []int{400}},
			{label: "abc", value: "abc", want: []int{400}}, {label: "overflow", value: "99999999999999999999", want: []int{400}},
			{label: "sql", value: "1 OR 1=1", want: []int{400}}, {label: "hex", value: "0x10", want: []int{400}},
		}
	case p.Name == "cursor":
		return []owValue{
			{label: "garbage", value: "abc", want: []int{400}}, {label: "sql", value: "' OR 1=1--", want: []int{400}},
			{label: "10k chars", value: strings.Repeat("A", 10_000), want: []int{400}},
			{label: "numbers", value: owCursor(`[1,2]`), want: []int{400}}, {label: "object", value: owCursor(`{"a":"b"}`), want: []int{400}},
			{label: "one key", value: owCursor(`["a"]`)}, {label: "five keys", value: owCursor(`["a","b","c","d","e"]`), want: []int{400}},
			{label: "sql keys", value: owCursor(`["' OR 1=1--","' OR 1=1--"]`)},
			{label: "time and sql", value: owCursor(`["2026-01-01T00:00:00Z","' OR ''='"]`)},
			{label: "three sql keys", value: owCursor(`["1","2026-01-01T00:00:00Z","x' OR 1=1--"]`)},
			{label: "NUL keys", value: owCursor(`["\u0000","\u0000"]`)},
			{label: "far future", value: owCursor(`["9999-12-31T23:59:59Z","ffffffff-ffff-ffff-ffff-ffffffffffff"]`)},
			{label: "far past", value: owCursor(`["0001-01-01T00:00:00Z","00000000-0000-0000-0000-000000000000"]`)},
		}
	case p.Format == "uuid":
		return []owValue{
			{label: "sql", value: "' OR 1=1--", want: []int{400}}, {label: "number", value: "1", want: []int{400}},
			{label: "uuid and sql", value: owFixedID + "' OR '1'='1", want: []int{400}}, {label: "NUL", value: "\x00", want: []int{400}},
			{label: "braced", value: "{" + owFixedID + "}", want: []int{400}}, {label: "urn", value: "urn:uuid:" + owFixedID, want: []int{400}},
		}
	case p.Format == "date-time":
		return []owValue{
			{label: "year 1", value: "0001-01-01T00:00:00Z"}, {label: "year 9999", value: "9999-12-31T23:59:59Z"},
			{label: "month 13", value: "2026-13-45T99:99:99Z", want: []int{400}}, {label: "words", value: "now", want: []int{400}},
			{label: "sql", value: "2026-01-01T00:00:00Z' OR 1=1--", want: []int{400}}, {label: "unix", value: "1700000000", want: []int{400}},
		}
	case p.Format == "date":
		return []owValue{
			{label: "year 1", value: "0001-01-01"}, {label: "year 9999", value: "9999-12-31"}, {label: "30 February", value: "2026-02-30", want: []int{422, 400}},
			{label: "sql", value: "2026-01-01' OR 1=1--", want: []int{422, 400}}, {label: "NUL", value: "\x00", want: []int{422, 400}},
		}
	case p.Type == "integer":
		return []owValue{
			{label: "-1", value: "-1", outside: true}, {label: "0", value: "0", outside: true}, {label: "13", value: "13", outside: true},
			{label: "2^31", value: "2147483648", outside: true},
			{label: "overflow", value: "99999999999999999999", want: []int{400}}, {label: "1e9", value: "1e9", want: []int{400}},
			{label: "sql", value: "1 OR 1=1", want: []int{400}},
		}
	case p.Type == "boolean":
		return []owValue{{label: "yes", value: "yes", want: []int{400}}, {label: "sql", value: "true' OR 1=1--", want: []int{400}}}
	case len(p.Enum) > 0:
		return []owValue{
			{label: "sql", value: "' OR 1=1--", want: []int{400}}, {label: "upper case", value: strings.ToUpper(p.Enum[0]), want: []int{400}},
			{label: "enum and sql", value: p.Enum[0] + "' OR 1=1--", want: []int{400}}, {label: "NUL", value: "\x00", want: []int{400}},
		}
	}
	return sqlish
}

// owListCaller is who may call a list, and the query it needs to answer.
func (w *owWorld) owListCaller(path string) (token string, base url.Values, ownsRecords bool) {
	base = url.Values{}
	switch {
	case strings.HasPrefix(path, "/api/v1/admin/education/applications"), strings.HasPrefix(path, "/api/v1/admin/education/waitlists"):
		return w.eduS1.Token, base, false
	case strings.HasPrefix(path, "/api/v1/admin/education/"):
		return w.app.Admin(identity.RoleEducationAdmin).Token, base, false
	case strings.HasPrefix(path, "/api/v1/admin/health/waitlists"):
		return w.staffF1.Token, base, false
	case strings.HasPrefix(path, "/api/v1/admin/health/appointments"):
		base.Set("date", w.app.Day(w.day))
		return w.staffF1.Token, base, false
	case strings.HasPrefix(path, "/api/v1/admin/parking/"):
		return w.app.Admin(identity.RoleParkingAdmin).Token, base, false
	case path == "/api/v1/admin/traffic/challans":
		// T2's officer: A's challan in T1 must never show.
		return w.tOff2.Token, base, true
	case strings.HasPrefix(path, "/api/v1/admin/traffic/"):
		return w.tAdmin.Token, base, false
	case strings.HasPrefix(path, "/api/v1/admin/"):
		return w.admin.Token, base, false
	case path == "/api/v1/integrations/appointments":
		// F2's client: A's appointment at F1 must never show.
		base.Set("date", w.app.Day(w.day))
		return w.clientF2.Token, base, true
	case strings.HasPrefix(path, "/api/v1/integrations/webhooks/{id}"):
		return w.clientF1.Token, base, false
	case strings.HasPrefix(path, "/api/v1/integrations/"):
		return w.clientF2.Token, base, false
	case path == "/api/v1/parking/verify":
		base.Set("plate", "ZZZ-999")
		base.Set("zone_id", w.zone)
		return w.officer.Token, base, false
	case path == "/api/v1/traffic/lookup":
		// Another plate's: A's challan must never show.
		base.Set("plate", "ZZZ-999")
		return w.tOff2.Token, base, true
	case strings.HasPrefix(path, "/api/v1/me/"), path == "/api/v1/health/appointments", path == "/api/v1/education/applications",
		path == "/api/v1/parking/permits", path == "/api/v1/parking/vehicles", path == "/api/v1/traffic/challans":
		return w.b.Token, base, true
	}
	return "", base, false
}

// owQueryAbuse (API8:2023 injection, API4 resource consumption, API1):
// every query parameter of every GET in the spec, as a caller allowed to
// use it, gets SQL-like, oversized, out-of-range and forged values, and
// every list gets made-up sort and filter parameters. The answer is a page
// (at most 100 items) or a 400/422 naming the parameter; never a server
// error, never internals, and never a record of another citizen.
func owQueryAbuse(t *testing.T, w *owWorld) {
	w = w.as(t)
	ops, _ := owSpec(t)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path < ops[j].Path })
	foreign := append(w.aIDs(), w.aSecrets()...)
	lists := 0
	for _, op := range ops {
		if op.Method != http.MethodGet || len(op.Query) == 0 {
			continue
		}
		name := op.Method + " " + op.Path
		token, base, owns := w.owListCaller(op.Path)
		path := owFill(op.Path, w.sub1, "")
		secrets := []string(nil)
		if owns {
			secrets = foreign
		}
		if slices.ContainsFunc(op.Query, func(p owParam) bool { return p.Name == "limit" }) {
			lists++
		}
		get := func(t *testing.T, q url.Values) *apitest.Response {
			t.Helper()
			return w.app.Get(path+"?"+q.Encode(), token)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // reads only
			if r := get(t, base); r.Status != http.StatusOK {
				t.Fatalf("the plain request: %d %s", r.Status, owShort(r.Body))
			}
			for _, p := range op.Query {
				for _, v := range owQueryValues(p) {
					t.Run(p.Name+"="+v.label, func(t *testing.T) {
						q := url.Values{}
						for k, vs := range base {
							q[k] = vs
						}
						q.Set(p.Name, v.value)
						r := get(t, q)
						owCheck(t, name+"?"+p.Name+"="+v.label, r, secrets...)
						w.owWantQueryAnswer(t, name, p, v, r)
					})
				}
			}
		})
	}
	t.Run("made-up sort and filter parameters", func(t *testing.T) {
		for _, op := range ops {
			if op.Method != http.MethodGet || !slices.ContainsFunc(op.Query, func(p owParam) bool { return p.Name == "limit" }) {
				continue
			}
			token, base, owns := w.owListCaller(op.Path)
			for _, v := range owQueryValues(owParam{Name: "sort", Type: "string"}) {
				q := url.Values{}
				for k, vs := range base {
					q[k] = vs
				}
				for _, extra := range []string{"sort", "order", "order_by", "fields", "filter", "where", "owner_id", "account_id"} {
					q.Set(extra, v.value)
				}
				r := w.app.Get(owFill(op.Path, w.sub1, "")+"?"+q.Encode(), token)
				secrets := []string(nil)
				if owns {
					secrets = foreign
				}
				if v.label == "NUL" || v.label == "invalid UTF-8" {
					// Refused before any handler, naming a parameter, known or not.
					owCheck(t, op.Path+" with made-up parameters "+v.label, r, secrets...)
					if r.Status != http.StatusBadRequest {
						t.Errorf("%s with made-up parameters %s: %d %s, want 400", op.Path, v.label, r.Status, owShort(r.Body))
					}
					continue
				}
				owCheck(t, op.Path+" with made-up parameters "+v.label, r, secrets...)
				if r.Status != http.StatusOK || owItems(t, r) > 100 {
					t.Errorf("%s with made-up parameters %s: %d %s, want them ignored", op.Path, v.label, r.Status, owShort(r.Body))
				}
			}
		}
	})

	if lists < 15 {
		t.Errorf("only %d lists found in the spec", lists)
	}

	t.Run("ranges reversed or absurd", func(t *testing.T) {
		slots := func(from, to string) *apitest.Response {
			return w.app.Get(v1+"/health/slots?"+url.Values{"from": {from}, "to": {to}}.Encode(), "")
		}
		r := slots(w.app.At(5, 0, 0).Format(time.RFC3339), w.app.At(1, 0, 0).Format(time.RFC3339))
		owCheck(t, "slots reversed", r)
		if r.Status != http.StatusUnprocessableEntity || !owNames(t, r, "from", "to") {
			t.Errorf("slots from after to: %d %s, want 422 naming from or to", r.Status, owShort(r.Body))
		}
		r = slots("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
		owCheck(t, "slots over all time", r)
		if n := owItems(t, r); r.Status == http.StatusOK && n > 100 {
			t.Errorf("slots over all time: %d items", n)
		}
		r = w.app.Get(v1+"/admin/audit?"+url.Values{"from": {"2030-01-01T00:00:00Z"}, "to": {"2020-01-01T00:00:00Z"}}.Encode(), w.admin.Token)
		owCheck(t, "audit reversed", r)
		if r.Status == http.StatusOK && owItems(t, r) != 0 {
			t.Errorf("audit from after to lists %d entries", owItems(t, r))
		}
	})

	t.Run("limit is capped at 100", func(t *testing.T) {
		w := w.as(t)
		p3 := w.app.Practitioner(w.f2)
		w.app.Schedule(p3, 6, 6, "08:00", "18:00", 5, 1) // 120 slots
		q := url.Values{"practitioner_id": {p3}, "include_full": {"true"}, "limit": {"10000000"},
			"from": {w.app.At(6, 0, 0).Format(time.RFC3339)}, "to": {w.app.At(7, 0, 0).Format(time.RFC3339)}}
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor *string           `json:"next_cursor"`
		}
		r := w.app.Get(v1+"/health/slots?"+q.Encode(), "")
		r.Want(t, http.StatusOK)
		r.JSON(t, &page)
		if len(page.Items) != 100 || page.NextCursor == nil {
			t.Fatalf("limit=10000000 gave %d items (next %v), want 100 and a next page", len(page.Items), page.NextCursor)
		}
		q.Set("cursor", *page.NextCursor)
		page.Items, page.NextCursor = nil, nil
		w.app.Get(v1+"/health/slots?"+q.Encode(), "").JSON(t, &page)
		if len(page.Items) != 20 || page.NextCursor != nil {
			t.Errorf("the second page has %d items (next %v), want the last 20", len(page.Items), page.NextCursor)
		}
	})
}

// owWantQueryAnswer checks the status of an answer to a hostile value.
func (w *owWorld) owWantQueryAnswer(t *testing.T, op string, p owParam, v owValue, r *apitest.Response) {
	t.Helper()
	if r.Status >= 500 {
		return // owCheck reported it
	}
	if v.outside && r.Status == http.StatusOK {
		t.Errorf("%s=%s is outside the documented range but answered 200", p.Name, v.label)
		return
	}
	named := p.Name
	if p.Name == "from" || p.Name == "to" {
		named = "from|to"
	}
	wantNamed := func() {
		if !owNames(t, r, strings.Split(named, "|")...) {
			t.Errorf("%d %s does not name %s", r.Status, owShort(r.Body), named)
		}
	}
	switch {
	case len(v.want) > 0 && !slices.Contains(v.want, r.Status):
		t.Errorf("%s=%s: %d %s, want %v", p.Name, v.label, r.Status, owShort(r.Body), v.want)
	case r.Status == http.StatusBadRequest || r.Status == http.StatusUnprocessableEntity:
		wantNamed()
	case r.Status == http.StatusOK:
		if n := owItems(t, r); n > 100 {
			t.Errorf("%s=%s: a page of %d items", p.Name, v.label, n)
		}
	default:
		t.Errorf("%s=%s: %d %s, want a page or 400/422 naming %s", p.Name, v.label, r.Status, owShort(r.Body), p.Name)
	}
}

// owItems counts the items of a list answer (0 for anything else).
func owItems(t *testing.T, r *apitest.Response) int {
	t.Helper()
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	_ = json.Unmarshal(r.Body, &page)
	return len(page.Items)
}
