package owasp_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// owTarget builds the request of an attack on the record with the given ID.
type owTarget func(id string) apitest.Request

// owOnPath aims at the record named in the path; format has one %s.
func owOnPath(method, format string, body any, header func() map[string]string) owTarget {
	return func(id string) apitest.Request {
		r := apitest.Request{Method: method, Path: v1 + fmt.Sprintf(format, id), Body: body}
		if header != nil {
			r.Header = header()
		}
		return r
	}
}

// owInBody aims at the record named in the body.
func owInBody(method, path string, body func(id string) map[string]any) owTarget {
	return func(id string) apitest.Request {
		return apitest.Request{Method: method, Path: v1 + path, Body: body(id)}
	}
}

func owFreshKey() map[string]string { return map[string]string{"Idempotency-Key": uuid.NewString()} }

// owComparable is a problem body without its request ID, with id written
// as {id}: two answers that differ only there say the same thing.
func owComparable(t *testing.T, r *apitest.Response, id string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(r.Body), id, "{id}")), &m); err != nil {
		return string(r.Body)
	}
	delete(m, "request_id")
	out, _ := json.Marshal(m)
	return string(out)
}

// owIndistinguishable sends the attack on target and, as a control, on an
// ID nothing has. The two answers must have the wanted status and be the
// same but for the ID and request ID, so that the answer confirms nothing
// about the record; the attack's answer must leak nothing of A.
func (w *owWorld) owIndistinguishable(t *testing.T, token string, at owTarget, target string, status int, field string) {
	t.Helper()
	send := func(id string) *apitest.Response {
		req := at(id)
		req.Token = token
		return w.app.Do(req)
	}
	got := send(target)
	owCheck(t, "attack", got, w.aSecrets()...)
	if got.Status != status {
		t.Fatalf("%s %s: %d %s, want %d", at(target).Method, at(target).Path, got.Status, owShort(got.Body), status)
	}
	if field != "" && !owNames(t, got, field) {
		t.Errorf("%d %s does not name %s", got.Status, got.Body, field)
	}
	control := owRandomID()
	ctrl := send(control)
	owCheck(t, "control", ctrl)
	if ctrl.Status != got.Status || owComparable(t, ctrl, control) != owComparable(t, got, target) {
		t.Errorf("the answer tells A's record from a missing one:\nA's:     %d %s\nmissing: %d %s", got.Status, got.Body, ctrl.Status, ctrl.Body)
	}
}

// owObjectLevelAuthorization (API1:2023): citizen B, and a client
// bound to another facility, aim every route at A's records, by path and by
// reference in a body. Each answer is the one a missing record gets (404,
// or 422 naming the field for a reference), the same word for word, and
// leaks nothing; afterwards every record of A reads as before.
func owObjectLevelAuthorization(t *testing.T, w *owWorld) {
	w = w.as(t)
	before := w.snapshotA(t)
	attacks := []struct {
		name   string
		token  string // B's when empty
		at     owTarget
		target string
		status int
		field  string
	}{
		{"read A's appointment", "", owOnPath(http.MethodGet, "/health/appointments/%s", nil, nil), w.appt.ID, 404, ""},
		{"cancel A's appointment", "", owOnPath(http.MethodPost, "/health/appointments/%s/cancel", nil, nil), w.appt.ID, 404, ""},
		{"reschedule A's appointment", "", owOnPath(http.MethodPost, "/health/appointments/%s/reschedule", map[string]string{"slot_id": w.free.ID}, nil), w.appt.ID, 404, ""},
		{"read A's dependant", "", owOnPath(http.MethodGet, "/me/dependants/%s", nil, nil), w.dep, 404, ""},
		{"change A's dependant", "", owOnPath(http.MethodPatch, "/me/dependants/%s", map[string]string{"full_name": "Stolen Name"}, nil), w.dep, 404, ""},
		{"delete A's dependant", "", owOnPath(http.MethodDelete, "/me/dependants/%s", nil, nil), w.dep, 404, ""},
		{"read A's application", "", owOnPath(http.MethodGet, "/education/applications/%s", nil, nil), w.application.ID, 404, ""},
		{"withdraw A's application", "", owOnPath(http.MethodPost, "/education/applications/%s/withdraw", nil, nil), w.application.ID, 404, ""},
		{"delete A's vehicle", "", owOnPath(http.MethodDelete, "/parking/vehicles/%s", nil, nil), w.vehSpare, 404, ""},
		{"read A's permit", "", owOnPath(http.MethodGet, "/parking/permits/%s", nil, nil), w.permit.ID, 404, ""},
		{"pay A's permit", "", owOnPath(http.MethodPost, "/parking/permits/%s/payments", map[string]string{"method": "sandbox"}, owFreshKey), w.pending.ID, 404, ""},
		{"cancel A's permit", "", owOnPath(http.MethodPost, "/parking/permits/%s/cancel", nil, nil), w.permit.ID, 404, ""},
		{"renew A's permit", "", owOnPath(http.MethodPost, "/parking/permits/%s/renew", map[string]int{"months": 1}, owFreshKey), w.permit.ID, 404, ""},
		{"mark A's notification read", "", owOnPath(http.MethodPost, "/me/notifications/%s/read", nil, nil), w.notification, 404, ""},
		{"read A's challan", "", owOnPath(http.MethodGet, "/traffic/challans/%s", nil, nil), w.challan.ID, 404, ""},
		{"pay A's challan", "", owOnPath(http.MethodPost, "/traffic/challans/%s/payments", map[string]string{"method": "sandbox"}, owFreshKey), w.challan.ID, 404, ""},
		{"contest A's challan", "", owOnPath(http.MethodPost, "/traffic/challans/%s/contest", map[string]string{"statement": owStatement}, nil), w.challan.ID, 404, ""},
		{"accept A's offer", "", owOnPath(http.MethodPost, "/me/offers/%s/accept", nil, nil), w.offer, 404, ""},
		{"decline A's offer", "", owOnPath(http.MethodPost, "/me/offers/%s/decline", nil, nil), w.offer, 404, ""},
		{"leave A's waitlist", "", owOnPath(http.MethodDelete, "/me/waitlists/%s", nil, nil), w.waitEntry, 404, ""},
		{"book for A's dependant", "", owInBody(http.MethodPost, "/health/appointments", func(id string) map[string]any {
			return map[string]any{"slot_id": w.free.ID, "dependant_id": id}
		}), w.dep, 422, "dependant_id"},
		{"apply for A's child", "", owInBody(http.MethodPost, "/education/applications", func(id string) map[string]any {
			return map[string]any{"school_id": w.s2, "academic_year": w.year, "grade": 1, "child_id": id}
		}), w.dep, 422, "child_id"},
		{"buy a permit for A's vehicle", "", owInBody(http.MethodPost, "/parking/permits", func(id string) map[string]any {
			return map[string]any{"vehicle_id": id, "zone_id": w.zone, "permit_type": "resident", "start_date": w.app.Day(40), "months": 1}
		}), w.vehSpare, 422, "vehicle_id"},
		{"wait in a zone's line with A's vehicle", "", owInBody(http.MethodPost, "/parking/waitlist", func(id string) map[string]any {
			return map[string]any{"zone_id": w.zone, "permit_type": "resident", "vehicle_id": id}
		}), w.vehSpare, 422, "vehicle_id"},
		{"another client deletes the webhook", w.clientF2.Token, owOnPath(http.MethodDelete, "/integrations/webhooks/%s", nil, nil), w.sub1, 404, ""},
		{"another client reads the deliveries", w.clientF2.Token, owOnPath(http.MethodGet, "/integrations/webhooks/%s/deliveries", nil, nil), w.sub1, 404, ""},
		{"another client redelivers", w.clientF2.Token, owOnPath(http.MethodPost, "/integrations/webhooks/%s/deliveries/"+owRandomID()+"/redeliver", nil, nil), w.sub1, 404, ""},
		{"a client of F2 reads F1's day", w.clientF2.Token, owOnPath(http.MethodGet, "/admin/health/appointments?facility_id=%s&date="+w.app.Day(w.day), nil, nil), w.f1, 403, ""},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			tok := a.token
			if tok == "" {
				tok = w.b.Token
			}
			w.owIndistinguishable(t, tok, a.at, a.target, a.status, a.field)
		})
	}

	t.Run("A's records are unchanged", func(t *testing.T) { w.wantUnchanged(t, before) })

	t.Run("nothing of A reaches B or the other client", func(t *testing.T) {
		secrets := append(w.aIDs(), w.aSecrets()...)
		for _, p := range []string{"/health/appointments?limit=100", "/me/dependants?limit=100", "/education/applications?limit=100",
			"/parking/vehicles?limit=100", "/parking/permits?limit=100", "/traffic/challans?limit=100", "/me/notifications?limit=100", "/me/overview",
			"/me/access-log?limit=100", "/me"} {
			r := w.app.Get(v1+p, w.b.Token)
			r.Want(t, http.StatusOK)
			owCheck(t, "B reads "+p, r, secrets...)
		}
		r := w.app.Get(v1+"/integrations/webhooks", w.clientF2.Token)
		r.Want(t, http.StatusOK)
		owCheck(t, "client F2's webhooks", r, w.sub1)
		r = w.app.Get(v1+"/integrations/appointments?date="+w.app.Day(w.day), w.clientF2.Token)
		r.Want(t, http.StatusOK)
		owCheck(t, "client F2's day", r, append(secrets, w.appt.ID)...)
	})
}

// owUnitScope (API1 and API5:2023):
// health staff and a client of facility F2, education staff of school S2,
// and the traffic officer and a camera client of sector T2 aim every
// unit-scoped administration route at F1, S1 and T1. Each is refused with
// 403 or 404 (the same answer a missing record gets where the record is not
// public), their own unit's lists hold nothing of F1, S1 or T1, and nothing
// at F1 or S1 changed, nor A's challan in T1. A new unit-scoped
// administration route fails the test until a row here covers it.
func owUnitScope(t *testing.T, w *owWorld) {
	w = w.as(t)
	before := w.snapshotA(t)
	catalogue := func(t *testing.T) map[string]string {
		out := map[string]string{}
		for _, p := range []string{"/health/facilities/" + w.f1, "/education/schools/" + w.s1} {
			r := w.app.Get(v1+p, "")
			r.Want(t, http.StatusOK)
			out[p] = owStable(t, r.Body)
		}
		out["slots of P1"] = strings.Join(w.slotIDs(t, w.p1), ",")
		return out
	}
	catalogueBefore := catalogue(t)
	date := w.app.Day(w.day)
	schedule := map[string]any{"practitioner_id": w.p1, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": "14:00", "end_time": "15:00",
		"slot_minutes": 30, "capacity": 2, "from": w.app.Day(5), "to": w.app.Day(5)}
	rows := []struct {
		route   string // as Server.Routes() lists it
		who     string
		token   string
		at      owTarget
		target  string
		control bool // the target is not public: a missing one must answer alike
		want    []int
	}{
		{"GET /api/v1/admin/health/appointments", "health_staff of F2", w.staffF2.Token,
			owOnPath(http.MethodGet, "/admin/health/appointments?facility_id=%s&date="+date, nil, nil), w.f1, true, []int{403}},
		{"POST /api/v1/admin/health/appointments/:id/status", "health_staff of F2", w.staffF2.Token,
			owOnPath(http.MethodPost, "/admin/health/appointments/%s/status", map[string]string{"status": "checked_in"}, nil), w.appt.ID, true, []int{404}},
		{"POST /api/v1/admin/health/slots/:id/cancel", "health_staff of F2", w.staffF2.Token,
			owOnPath(http.MethodPost, "/admin/health/slots/%s/cancel", map[string]string{"reason": "taken over"}, nil), w.slot.ID, true, []int{404}},
		{"POST /api/v1/admin/health/sessions/cancel", "health_staff of F2", w.staffF2.Token,
			owInBody(http.MethodPost, "/admin/health/sessions/cancel", func(id string) map[string]any {
				return map[string]any{"practitioner_id": id, "date": date, "reason": "taken over"}
			}), w.p1, false, []int{403, 404}},
		{"POST /api/v1/admin/health/schedules", "health_staff of F2", w.staffF2.Token,
			owInBody(http.MethodPost, "/admin/health/schedules", func(id string) map[string]any { schedule["practitioner_id"] = id; return schedule }), w.p1, false, []int{403, 404}},
		{"PATCH /api/v1/admin/health/facilities/:id", "health_staff of F2", w.staffF2.Token,
			owOnPath(http.MethodPatch, "/admin/health/facilities/%s", map[string]string{"name": "Taken Over Clinic"}, nil), w.f1, false, []int{403}},
		{"POST /api/v1/admin/health/practitioners", "health_staff of F2", w.staffF2.Token,
			owInBody(http.MethodPost, "/admin/health/practitioners", func(id string) map[string]any {
				return map[string]any{"facility_id": id, "full_name": "Dr. Intruder", "specialty": "general_medicine", "pmdc_number": "X-1"}
			}), w.f1, false, []int{403}},
		{"GET /api/v1/admin/health/waitlists", "health_staff of F2", w.staffF2.Token,
			owOnPath(http.MethodGet, "/admin/health/waitlists?facility_id=%s", nil, nil), w.f1, false, []int{403}},
		{"GET /api/v1/admin/health/appointments", "client of F2", w.clientF2.Token,
			owOnPath(http.MethodGet, "/admin/health/appointments?facility_id=%s&date="+date, nil, nil), w.f1, true, []int{403}},
		{"POST /api/v1/admin/health/appointments/:id/status", "client of F2", w.clientF2.Token,
			owOnPath(http.MethodPost, "/admin/health/appointments/%s/status", map[string]string{"status": "checked_in"}, nil), w.appt.ID, true, []int{403}},
		{"GET /api/v1/admin/education/applications", "education_staff of S2", w.eduS2.Token,
			owOnPath(http.MethodGet, "/admin/education/applications?school_id=%s", nil, nil), w.s1, true, []int{403}},
		{"GET /api/v1/admin/education/waitlists", "education_staff of S2", w.eduS2.Token,
			owOnPath(http.MethodGet, "/admin/education/waitlists?school_id=%s", nil, nil), w.s1, false, []int{403}},
		{"POST /api/v1/admin/education/applications/:id/decision", "education_staff of S2", w.eduS2.Token,
			owOnPath(http.MethodPost, "/admin/education/applications/%s/decision", map[string]string{"decision": "accepted"}, nil), w.application.ID, true, []int{404}},
		{"PUT /api/v1/admin/education/schools/:id/seats", "education_staff of S2", w.eduS2.Token,
			owOnPath(http.MethodPut, "/admin/education/schools/%s/seats", map[string]any{"academic_year": w.year, "grade": 1, "seats": 500}, nil), w.s1, true, []int{404}},
		{"PATCH /api/v1/admin/education/schools/:id", "education_staff of S2", w.eduS2.Token,
			owOnPath(http.MethodPatch, "/admin/education/schools/%s", map[string]string{"name": "Taken Over School"}, nil), w.s1, false, []int{403}},
		{"POST /api/v1/admin/education/admission-windows", "education_staff of S2", w.eduS2.Token,
			owInBody(http.MethodPost, "/admin/education/admission-windows", func(string) map[string]any {
				return map[string]any{"academic_year": apitest.AcademicYear(), "opens_at": time.Now().Format(time.RFC3339), "closes_at": time.Now().Add(time.Hour).Format(time.RFC3339),
					"age_cutoff": date, "age_rules": []map[string]int{{"grade": 1, "min_age": 0, "max_age": 99}}}
			}), "", false, []int{403}},
		// Sectors are public: a code nothing has is 422, not a control.
		{"POST /api/v1/admin/traffic/challans", "traffic_officer of T2", w.tOff2.Token,
			owInBody(http.MethodPost, "/admin/traffic/challans", func(code string) map[string]any { return w.challanBody(w.permit.Plate, code) }), w.t1.Code, false, []int{403}},
		{"POST /api/v1/admin/traffic/challans", "camera client of T2", w.tCam2.Token,
			owInBody(http.MethodPost, "/admin/traffic/challans", func(code string) map[string]any { return w.challanBody(w.permit.Plate, code) }), w.t1.Code, false, []int{403}},
		{"GET /api/v1/admin/traffic/challans", "traffic_officer of T2", w.tOff2.Token,
			owOnPath(http.MethodGet, "/admin/traffic/challans?sector=%s", nil, nil), w.t1.Code, false, []int{403}},
	}
	covered := map[string]bool{}
	for _, row := range rows {
		covered[row.route] = true
		t.Run(row.who+" "+row.route, func(t *testing.T) {
			if row.control {
				w.owIndistinguishable(t, row.token, row.at, row.target, row.want[0], "")
				return
			}
			req := row.at(row.target)
			req.Token = row.token
			r := w.app.Do(req)
			owCheck(t, row.route, r, w.aSecrets()...)
			if !slices.Contains(row.want, r.Status) {
				t.Errorf("%d %s, want one of %v", r.Status, owShort(r.Body), row.want)
			}
		})
	}

	t.Run("every unit-scoped administration route has a row", func(t *testing.T) {
		var rules []struct{ V0, V2, V3 string }
		if err := w.app.DB.Raw("SELECT v0, v2, v3 FROM casbin_rule WHERE ptype = 'p'").Scan(&rules).Error; err != nil {
			t.Fatal(err)
		}
		unitScoped := map[string]bool{}
		for _, r := range rules {
			switch r.V0 {
			case "health_staff", "education_staff", "traffic_officer", "scope:health.appointments:read", "scope:traffic.challans:issue":
				unitScoped[r.V2+":"+r.V3] = true
			}
		}
		for _, route := range w.app.Server.Routes() {
			name := route.Method + " " + route.Path
			if strings.HasPrefix(route.Path, v1+"/admin/") && route.Permission != web.Anyone && unitScoped[route.Permission] && !covered[name] {
				t.Errorf("%s (%s) is open to unit-scoped callers but no row here attacks it", name, route.Permission)
			}
		}
	})

	t.Run("a unit's own lists hold nothing of another unit", func(t *testing.T) {
		for _, c := range []struct {
			who, token, path, foreign string
		}{
			{"health_staff of F2", w.staffF2.Token, "/admin/health/appointments?date=" + date, w.appt.ID},
			{"client of F2", w.clientF2.Token, "/integrations/appointments?date=" + date, w.appt.ID},
			{"education_staff of S2", w.eduS2.Token, "/admin/education/applications?limit=100", w.application.ID},
			{"traffic_officer of T2", w.tOff2.Token, "/admin/traffic/challans?limit=100", w.challan.ID},
			{"traffic_officer of T2 by A's plate", w.tOff2.Token, "/admin/traffic/challans?limit=100&plate=" + w.permit.Plate, w.challan.ID},
		} {
			r := w.app.Get(v1+c.path, c.token)
			r.Want(t, http.StatusOK)
			owCheck(t, c.who, r, append(w.aSecrets(), c.foreign)...)
		}
		// The same lists of F1 and S1 do hold them, so the checks above could fail.
		for _, c := range []struct {
			who, token, path, own string
		}{
			{"health_staff of F1", w.staffF1.Token, "/admin/health/appointments?date=" + date, w.appt.ID},
			{"client of F1", w.clientF1.Token, "/integrations/appointments?date=" + date, w.appt.ID},
			{"education_staff of S1", w.eduS1.Token, "/admin/education/applications?limit=100", w.application.ID},
			{"traffic_officer of T1", w.tOff1.Token, "/admin/traffic/challans?limit=100", w.challan.ID},
		} {
			r := w.app.Get(v1+c.path, c.token)
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), c.own) {
				t.Errorf("%s: %d %s, want its unit's record %s", c.who, r.Status, owShort(r.Body), c.own)
			}
		}
	})

	t.Run("nothing at F1 or S1 changed", func(t *testing.T) {
		w.wantUnchanged(t, before)
		after := catalogue(t)
		for k, v := range catalogueBefore {
			if after[k] != v {
				t.Errorf("%s changed:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}
	})
}

// slotIDs lists every slot of a practitioner over the next three weeks,
// full ones included.
func (w *owWorld) slotIDs(t *testing.T, practitionerID string) []string {
	t.Helper()
	q := url.Values{"practitioner_id": {practitionerID}, "include_full": {"true"}, "limit": {"100"},
		"from": {w.app.At(0, 0, 0).Format(time.RFC3339)}, "to": {w.app.At(21, 0, 0).Format(time.RFC3339)}}
	r := w.app.Get(v1+"/health/slots?"+q.Encode(), "")
	r.Want(t, http.StatusOK)
	var list struct {
		Items []struct {
			ID        string `json:"id"`
			Remaining int    `json:"remaining"`
		} `json:"items"`
	}
	r.JSON(t, &list)
	var out []string
	for _, s := range list.Items {
		out = append(out, fmt.Sprintf("%s/%d", s.ID, s.Remaining))
	}
	return out
}
