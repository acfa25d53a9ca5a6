package owasp_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
)

// owBody is a valid request to an operation that takes a JSON body, made
// by a caller allowed to send it.
type owBody struct {
	token  string
	path   string
	body   map[string]any
	header func() map[string]string
	// created checks the answer to the valid body, sent once after the
	// attacks, when it is set: the body is then known to be valid, so the
	// refusals were the injected field's doing, and the server's own fields
	// hold the server's values.
	created func(t *testing.T, r *apitest.Response)
}

// owNoJSONBody are the writing routes that read no JSON body: their
// effect depends on the path alone (the OAuth token endpoint reads a form).
var owNoJSONBody = map[string]bool{
	"POST /api/v1/health/appointments/{id}/cancel":                               true,
	"POST /api/v1/education/applications/{id}/withdraw":                          true,
	"POST /api/v1/parking/permits/{id}/cancel":                                   true,
	"POST /api/v1/me/notifications/{id}/read":                                    true,
	"POST /api/v1/me/offers/{id}/accept":                                         true,
	"POST /api/v1/me/offers/{id}/decline":                                        true,
	"POST /api/v1/admin/clients/{id}/secret":                                     true,
	"POST /api/v1/integrations/webhooks/{id}/deliveries/{delivery_id}/redeliver": true,
	"POST /api/v1/oauth/token":                                                   true,
}

// bodies returns a valid request for every operation of the spec that
// takes a JSON body, keyed "METHOD /path" as the spec writes it.
func (w *owWorld) bodies(t *testing.T) map[string]owBody {
	t.Helper()
	n := rand.IntN(1_000_000_000)
	_, refresh := w.app.Login(w.b.CNIC, w.b.Password)
	_, logout := w.app.Login(w.b.CNIC, w.b.Password)
	staff := w.app.NewStaff(identity.RoleParkingOfficer, "")
	hAdm, eAdm, pAdm := w.app.Admin(identity.RoleHealthAdmin).Token, w.app.Admin(identity.RoleEducationAdmin).Token, w.app.Admin(identity.RoleParkingAdmin).Token
	key := func() map[string]string { return owFreshKey() }
	renamed := fmt.Sprintf("MASS_%d", n) // an offence to rename
	w.app.Post(v1+"/admin/traffic/offences", w.tAdmin.Token, map[string]any{"code": renamed, "title": "Signal violation", "title_ur": "اشارہ توڑنا",
		"fine_pkr": owFine, "late_fine_pkr": 2 * owFine, "due_days": 14}).Want(t, http.StatusCreated)
	status := func(want int, field, value string) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			t.Helper()
			if r.Status != want {
				t.Fatalf("the valid body: %d %s, want %d", r.Status, owShort(r.Body), want)
			}
			if field == "" {
				return
			}
			var m map[string]any
			r.JSON(t, &m)
			if got := fmt.Sprint(owPath(m, field)); got != value {
				t.Errorf("%s = %s, want %s (%s)", field, got, value, owShort(r.Body))
			}
		}
	}
	return map[string]owBody{
		"POST /api/v1/admin/clients": {token: w.admin.Token, path: "/admin/clients",
			body: map[string]any{"name": "Mass Client", "owner_contact": "ops@client.test", "scopes": []string{"parking.permits:verify"}}},
		"POST /api/v1/admin/education/admission-windows": {token: eAdm, path: "/admin/education/admission-windows",
			body: map[string]any{"academic_year": apitest.AcademicYear(), "opens_at": w.app.Clock.Now().Format(time.RFC3339), "closes_at": w.app.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339),
				"age_cutoff": w.app.Day(0), "age_rules": []map[string]int{{"grade": 1, "min_age": 5, "max_age": 7}}}},
		"POST /api/v1/admin/education/applications/{id}/decision": {token: w.eduS1.Token, path: "/admin/education/applications/" + w.application.ID + "/decision",
			body: map[string]any{"decision": "under_review", "note": "looking"}},
		// S2 has no grade 2 seats: a valid body, refused.
		"POST /api/v1/admin/education/lotteries": {token: eAdm, path: "/admin/education/lotteries",
			body: map[string]any{"school_id": w.s2, "academic_year": w.year, "grade": 2, "commitment": education.Commitment("mass seed")}},
		// No such lottery: a valid body, answered 404.
		"POST /api/v1/admin/education/lotteries/{id}/draw": {token: eAdm, path: "/admin/education/lotteries/" + owFixedID + "/draw",
			body: map[string]any{"seed": "mass seed"}},
		"POST /api/v1/admin/education/schools": {token: eAdm, path: "/admin/education/schools",
			body: map[string]any{"name": "Mass School", "level": "primary", "gender": "co", "sector": "G-6", "emis_code": fmt.Sprintf("M%d", n)}},
		"PATCH /api/v1/admin/education/schools/{id}": {token: eAdm, path: "/admin/education/schools/" + w.s2, body: map[string]any{"name": "Renamed School"}},
		"PUT /api/v1/admin/education/schools/{id}/seats": {token: w.eduS2.Token, path: "/admin/education/schools/" + w.s2 + "/seats",
			body: map[string]any{"academic_year": w.year, "grade": 1, "seats": 6}},
		"POST /api/v1/admin/health/appointments/{id}/status": {token: w.staffF1.Token, path: "/admin/health/appointments/" + w.appt.ID + "/status",
			body: map[string]any{"status": "checked_in"}},
		"POST /api/v1/admin/health/facilities": {token: hAdm, path: "/admin/health/facilities",
			body: map[string]any{"name": "Mass Clinic", "kind": "clinic", "sector": "F-6", "address": "Street 1, F-6", "location": map[string]any{"lat": 33.7, "lng": 73.1},
				"specialties": []string{"general_medicine"}}},
		"PATCH /api/v1/admin/health/facilities/{id}": {token: hAdm, path: "/admin/health/facilities/" + w.f2, body: map[string]any{"name": "Renamed Clinic"}},
		"POST /api/v1/admin/health/practitioners": {token: hAdm, path: "/admin/health/practitioners",
			body: map[string]any{"facility_id": w.f2, "full_name": "Dr. Mass", "specialty": "general_medicine", "pmdc_number": fmt.Sprintf("M%d", n)}},
		"POST /api/v1/admin/health/schedules": {token: w.staffF2.Token, path: "/admin/health/schedules",
			body: map[string]any{"practitioner_id": w.p2, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": "14:00", "end_time": "15:00", "slot_minutes": 30,
				"capacity": 2, "from": w.app.Day(6), "to": w.app.Day(6)}},
		"POST /api/v1/admin/health/sessions/cancel": {token: w.staffF2.Token, path: "/admin/health/sessions/cancel",
			body: map[string]any{"practitioner_id": w.p2, "date": w.app.Day(8), "reason": "doctor away"}},
		"POST /api/v1/admin/health/slots/{id}/cancel": {token: w.staffF2.Token, path: "/admin/health/slots/" + w.slotF2.ID + "/cancel",
			body: map[string]any{"reason": "doctor away"}},
		"POST /api/v1/admin/parking/permits/{id}/approve": {token: pAdm, path: "/admin/parking/permits/" + w.pending.ID + "/approve", body: map[string]any{"reason": "checked"}},
		"POST /api/v1/admin/parking/permits/{id}/reject":  {token: pAdm, path: "/admin/parking/permits/" + w.pending.ID + "/reject", body: map[string]any{"reason": "checked"}},
		"POST /api/v1/admin/parking/permits/{id}/revoke":  {token: pAdm, path: "/admin/parking/permits/" + w.permit.ID + "/revoke", body: map[string]any{"reason": "checked"}},
		"POST /api/v1/admin/parking/zones": {token: pAdm, path: "/admin/parking/zones",
			body: map[string]any{"name": fmt.Sprintf("Mass Zone %d", n), "sector": "Blue Area", "permit_quota": 5,
				"tariffs": []map[string]any{{"permit_type": "resident", "months": 1, "amount_pkr": 1000}}}},
		"PATCH /api/v1/admin/parking/zones/{id}": {token: pAdm, path: "/admin/parking/zones/" + w.zone, body: map[string]any{"permit_quota": 60}},
		"POST /api/v1/admin/staff": {token: w.admin.Token, path: "/admin/staff",
			body: map[string]any{"email": fmt.Sprintf("mass.%d@staff.test", n), "full_name": "Mass Officer", "password": apitest.StaffPassword,
				"role": "parking_officer", "department": "parking"}},
		"PATCH /api/v1/admin/staff/{id}": {token: w.admin.Token, path: "/admin/staff/" + staff.ID, body: map[string]any{"full_name": "Renamed Officer"}},
		"PUT /api/v1/admin/staff/{id}/roles": {token: w.admin.Token, path: "/admin/staff/" + staff.ID + "/roles",
			body: map[string]any{"roles": []map[string]any{{"role": "parking_officer", "department": "parking"}}}},
		"POST /api/v1/auth/login":      {path: "/auth/login", body: map[string]any{"username": w.b.CNIC, "password": w.b.Password}},
		"POST /api/v1/auth/logout":     {token: w.b.Token, path: "/auth/logout", body: map[string]any{"refresh_token": logout}},
		"POST /api/v1/auth/otp/resend": {path: "/auth/otp/resend", body: map[string]any{"phone": apitest.NewPhone()}},
		"POST /api/v1/auth/otp/verify": {path: "/auth/otp/verify", body: map[string]any{"phone": apitest.NewPhone(), "code": "123456"}},
		"POST /api/v1/auth/refresh":    {path: "/auth/refresh", body: map[string]any{"refresh_token": refresh}},
		"POST /api/v1/auth/register": {path: "/auth/register", body: map[string]any{"cnic": apitest.NewCNIC(), "phone": apitest.NewPhone(),
			"full_name": "Test Citizen", "password": "correct horse battery staple"},
			created: status(http.StatusCreated, "status", identity.StatusPending)},
		"POST /api/v1/education/applications": {token: w.b.Token, path: "/education/applications",
			body:    map[string]any{"school_id": w.s2, "academic_year": w.year, "grade": 1, "child_id": w.bDep},
			created: status(http.StatusCreated, "status", education.StatusSubmitted)},
		"POST /api/v1/health/appointments": {token: w.b.Token, path: "/health/appointments", body: map[string]any{"slot_id": w.free.ID, "reason": "checkup"},
			created: func(t *testing.T, r *apitest.Response) {
				status(http.StatusCreated, "status", health.StatusBooked)(t, r)
				var a health.Appointment
				r.JSON(t, &a)
				if a.Patient.ID != w.b.ID || a.Patient.Kind != "self" || a.QueueNumber != 1 || a.Slot.ID != w.free.ID {
					t.Errorf("appointment %+v, want B's own with queue number 1 in the slot asked for", a)
				}
			}},
		"POST /api/v1/health/appointments/{id}/reschedule": {token: w.a.Token, path: "/health/appointments/" + w.appt.ID + "/reschedule",
			body: map[string]any{"slot_id": w.free.ID}},
		"POST /api/v1/integrations/webhooks": {token: w.clientF2.Token, path: "/integrations/webhooks",
			body: map[string]any{"url": "https://203.0.113.10/hooks/mass", "events": []string{"appointment.booked"}}},
		"PATCH /api/v1/me": {token: w.b.Token, path: "/me", body: map[string]any{"full_name": "Bilal Khan"},
			created: func(t *testing.T, r *apitest.Response) {
				status(http.StatusOK, "status", identity.StatusActive)(t, r)
				status(http.StatusOK, "kind", identity.KindCitizen)(t, r)
				status(http.StatusOK, "id", w.b.ID)(t, r)
				if strings.Contains(string(r.Body), "password") || !strings.Contains(string(r.Body), `"roles":[{"role":"citizen"}]`) {
					t.Errorf("profile shows a password, or roles other than citizen: %s", r.Body)
				}
			}},
		"POST /api/v1/admin/traffic/advisories": {token: w.tAdmin.Token, path: "/admin/traffic/advisories",
			body: map[string]any{"kind": "closure", "title": "Mass closure", "title_ur": "ماس بندش", "body": "Use another road.", "body_ur": "دوسری سڑک استعمال کریں۔",
				"sectors": []string{w.t2.Code}, "starts_at": w.app.Clock.Now().Format(time.RFC3339), "ends_at": w.app.Clock.Now().Add(time.Hour).Format(time.RFC3339)},
			created: status(http.StatusCreated, "kind", "closure")},
		// B waits in p3's line already: a valid body, refused as a repeat.
		"POST /api/v1/health/waitlist":    {token: w.b.Token, path: "/health/waitlist", body: map[string]any{"practitioner_id": w.p3, "date": w.app.Day(w.day)}},
		"PUT /api/v1/me/followed-sectors": {token: w.b.Token, path: "/me/followed-sectors", body: map[string]any{"sectors": []string{w.t2.Code}}},
		"POST /api/v1/me/dependants": {token: w.b.Token, path: "/me/dependants",
			body:    map[string]any{"full_name": "Sara Khan", "relation": "child", "date_of_birth": "2019-02-03", "gender": "female"},
			created: status(http.StatusCreated, "relation", "child")},
		"PATCH /api/v1/me/dependants/{id}": {token: w.b.Token, path: "/me/dependants/" + w.bDep, body: map[string]any{"full_name": "Bilal Junior"},
			created: status(http.StatusOK, "id", w.bDep)},
		"POST /api/v1/me/password": {token: w.b.Token, path: "/me/password",
			body: map[string]any{"current_password": w.b.Password, "new_password": "another long pass phrase"}},
		"POST /api/v1/parking/permits": {token: w.b.Token, path: "/parking/permits",
			body: map[string]any{"vehicle_id": w.bVeh, "zone_id": w.zone, "permit_type": "resident", "start_date": w.app.Day(0), "months": 1},
			created: func(t *testing.T, r *apitest.Response) {
				status(http.StatusCreated, "status", parking.StatusPendingPayment)(t, r)
				status(http.StatusCreated, "amount_pkr", "1000")(t, r)
			}},
		"POST /api/v1/parking/permits/{id}/payments": {token: w.a.Token, path: "/parking/permits/" + w.pending.ID + "/payments",
			body: map[string]any{"method": "sandbox"}, header: key},
		"POST /api/v1/parking/permits/{id}/renew": {token: w.a.Token, path: "/parking/permits/" + w.permit.ID + "/renew", body: map[string]any{"months": 1}},
		// The zone has places left: a valid body, refused as one to buy.
		"POST /api/v1/parking/waitlist": {token: w.b.Token, path: "/parking/waitlist",
			body: map[string]any{"zone_id": w.zone, "permit_type": "resident", "vehicle_id": w.bVeh, "months": 1}},
		"POST /api/v1/parking/vehicles": {token: w.b.Token, path: "/parking/vehicles",
			body:    map[string]any{"plate": fmt.Sprintf("MAS-%d", 1000+n%9000), "make": "Suzuki", "model": "Alto", "colour": "white"},
			created: status(http.StatusCreated, "make", "Suzuki")},
		"POST /api/v1/admin/traffic/challans": {token: w.tOff2.Token, path: "/admin/traffic/challans",
			body: apitest.With(w.challanBody(w.bPlate, w.t2.Code), "device_ref", fmt.Sprintf("mass-%d", n), "evidence_url", "https://evidence.ictp.gov.pk/mass.jpg"),
			created: func(t *testing.T, r *apitest.Response) {
				status(http.StatusCreated, "status", "issued")(t, r)
				status(http.StatusCreated, "amount_pkr", fmt.Sprint(owFine))(t, r)
				status(http.StatusCreated, "sector", w.t2.Code)(t, r)
				if strings.Contains(string(r.Body), w.b.ID) || strings.Contains(string(r.Body), w.bVeh) {
					t.Errorf("the challan shows its holder or vehicle: %s", r.Body)
				}
			}},
		"POST /api/v1/admin/traffic/challans/{id}/decision": {token: w.tAdmin.Token, path: "/admin/traffic/challans/" + w.bContested + "/decision",
			body: map[string]any{"decision": "upheld", "note": "The camera photo shows the plate."}, created: status(http.StatusOK, "status", "issued")},
		"POST /api/v1/admin/traffic/offences": {token: w.tAdmin.Token, path: "/admin/traffic/offences",
			body: map[string]any{"code": fmt.Sprintf("MASS_NEW_%d", n), "title": "Mass offence", "title_ur": "ماس خلاف ورزی", "fine_pkr": 500,
				"late_fine_pkr": 1000, "due_days": 7},
			created: status(http.StatusCreated, "code", fmt.Sprintf("MASS_NEW_%d", n))},
		"PATCH /api/v1/admin/traffic/offences/{code}": {token: w.tAdmin.Token, path: "/admin/traffic/offences/" + renamed,
			body: map[string]any{"title": "Renamed offence"}, created: status(http.StatusOK, "title", "Renamed offence")},
		"POST /api/v1/traffic/challans/{id}/contest": {token: w.b.Token, path: "/traffic/challans/" + w.bContest + "/contest",
			body: map[string]any{"statement": owStatement}, created: status(http.StatusOK, "status", "contested")},
		"POST /api/v1/traffic/challans/{id}/payments": {token: w.b.Token, path: "/traffic/challans/" + w.bPay + "/payments",
			body: map[string]any{"method": "sandbox", "payment_token": "tok_visa"}, header: key,
			created: func(t *testing.T, r *apitest.Response) {
				status(http.StatusOK, "status", "paid")(t, r)
				status(http.StatusOK, "amount_pkr", fmt.Sprint(owFine))(t, r)
			}},
	}
}

// owPath reads a dotted path of JSON object keys.
func owPath(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// send sends op's request with body, and returns the answer.
func (w *owWorld) send(op string, b owBody, body any, header map[string]string) *apitest.Response {
	method, _, _ := strings.Cut(op, " ")
	h := map[string]string{}
	if b.header != nil {
		h = b.header()
	}
	for k, v := range header {
		h[k] = v
	}
	return w.app.Do(apitest.Request{Method: method, Path: v1 + b.path, Token: b.token, Body: body, Header: h})
}

// owCatalogue checks that bodies covers exactly the spec's operations with
// a JSON body, and that every other writing route is known to read none,
// and returns the operations in order.
func owCatalogue(t *testing.T, w *owWorld, bodies map[string]owBody) ([]string, map[string]owOp, map[string]owDefinition) {
	t.Helper()
	ops, defs := owSpec(t)
	byName := map[string]owOp{}
	var names []string
	for _, op := range ops {
		name := op.Method + " " + op.Path
		byName[name] = op
		if op.Body == "" {
			continue
		}
		names = append(names, name)
		if _, ok := bodies[name]; !ok {
			t.Errorf("%s takes a body (%s) but the attack catalogue has no valid request for it", name, op.Body)
		}
	}
	for name := range bodies {
		if byName[name].Body == "" {
			t.Errorf("the catalogue has %s, which the spec says takes no JSON body", name)
		}
	}
	for _, r := range w.app.Server.Routes() {
		name := r.Method + " " + apitest.OpenAPIPath(r.Path)
		if (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) && byName[name].Body == "" && !owNoJSONBody[name] {
			t.Errorf("%s writes without a documented JSON body and is not listed in owNoJSONBody", name)
		}
	}
	sort.Strings(names)
	return names, byName, defs
}

// owPrivileged are fields a client must never set: identities, owners,
// states, roles, counters, money, secrets and timestamps, in snake_case and
// in the Go spelling that encoding/json would match on an untagged field.
var owPrivileged = map[string]any{
	"id": owFixedID, "ID": owFixedID, "account_id": owFixedID, "owner_id": owFixedID, "OwnerID": owFixedID, "citizen_id": owFixedID,
	"patient_id": owFixedID, "status": "active", "Status": "active", "role": "admin", "roles": []any{"admin"}, "kind": "staff",
	"department": "platform", "unit_id": owFixedID, "facility_id": owFixedID, "school_id": owFixedID, "client_id": owFixedID,
	"booked": 0, "capacity": 1000, "filled": 0, "remaining": 1000, "queue_number": 1, "amount_pkr": 1, "refund_pkr": 1000000,
	"paid": true, "approved": true, "verified_at": "2020-01-01T00:00:00Z", "password_hash": "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA",
	"PasswordHash": "x", "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "is_admin": true,
	"scopes": []any{"webhooks:manage"}, "active": true, "cnic": "6110112345671", "email": "attacker@example.com",
	"plate": "ICT-ABC-123", "vehicle_id": owFixedID, "slot_id": owFixedID, "history": []any{}, "secret": "s",
	"verification_token": "x", "__proto__": map[string]any{"admin": true},
}

const owFixedID = "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"

// owMassAssignment (API3:2023, broken object property level
// authorization): every operation with a JSON body gets its valid body plus,
// one at a time, every privileged field its schema does not offer, at the
// top and inside nested objects. The strict binder must refuse each with
// 400 naming the field. Then the valid bodies of the creating routes are
// sent as they are: they succeed, and the server's own fields (status,
// owner, queue number, price) hold the server's values.
func owMassAssignment(t *testing.T, w *owWorld, bodies map[string]owBody) {
	w = w.as(t)
	names, ops, defs := owCatalogue(t, w, bodies)
	for _, name := range names {
		b := bodies[name]
		props := defs[ops[name].Body].Properties
		t.Run(name, func(t *testing.T) {
			t.Parallel() // the operations touch different records
			offered := func(field string) bool {
				for p := range props {
					if strings.EqualFold(p, field) {
						return true
					}
				}
				return false
			}
			for field, value := range owPrivileged {
				if offered(field) {
					continue
				}
				r := w.send(name, b, apitest.With(b.body, field, value), nil)
				owCheck(t, name+" with "+field, r)
				if r.Status != http.StatusBadRequest || !owNames(t, r, field) {
					t.Errorf("with %q: %d %s, want 400 naming it", field, r.Status, owShort(r.Body))
				}
			}
			for key, nested := range owNested(b.body) {
				for _, field := range []string{"id", "owner_id", "status", "account_id"} {
					nested[field] = owFixedID
					r := w.send(name, b, b.body, nil)
					delete(nested, field)
					owCheck(t, name+" with "+key+"."+field, r)
					if r.Status != http.StatusBadRequest || !owNames(t, r, field) {
						t.Errorf("with %s.%s: %d %s, want 400 naming it", key, field, r.Status, owShort(r.Body))
					}
				}
			}
			if b.created != nil {
				b.created(t, w.send(name, b, b.body, nil))
			}
		})
	}
}

// owNested returns the objects nested in body, in objects or as the first
// element of arrays, by the key that holds them.
func owNested(body map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, v := range body {
		switch x := v.(type) {
		case map[string]any:
			out[k] = x
		case []map[string]any:
			if len(x) > 0 {
				out[k+"[0]"] = x[0]
			}
		case []map[string]int:
			// Re-typed so that fields of any type can be added.
			if len(x) > 0 {
				m := map[string]any{}
				for kk, vv := range x[0] {
					m[kk] = vv
				}
				body[k] = []map[string]any{m}
				out[k+"[0]"] = m
			}
		}
	}
	return out
}

// requestTypes are the request bodies the handlers bind, with the types
// they hold.
var requestTypes = []any{
	identity.Registration{}, identity.Credentials{}, identity.ProfileChange{}, identity.PasswordChange{}, identity.DependantInput{},
	identity.DependantChange{}, identity.NewStaff{}, identity.StaffChange{}, identity.RolesChange{}, identity.RoleAssignment{},
	identity.OTPCheck{}, identity.OTPRequest{}, identity.RefreshRequest{},
	health.FacilityInput{}, health.FacilityChange{}, health.Location{}, health.PractitionerInput{}, health.ScheduleInput{},
	health.StatusChange{}, health.Cancellation{}, health.SessionCancellation{}, health.BookingRequest{}, health.RescheduleRequest{},
	education.SchoolInput{}, education.SchoolChange{}, education.SeatsInput{}, education.WindowInput{}, education.AgeRule{},
	education.Decision{}, education.ApplicationRequest{}, education.LotteryInput{}, education.DrawInput{},
	parking.ZoneInput{}, parking.ZoneChange{}, parking.Tariff{}, parking.Verdict{}, parking.VehicleInput{}, parking.PermitRequest{},
	parking.PaymentRequest{}, parking.RenewRequest{}, parking.WaitlistRequest{},
	integrations.NewClient{}, integrations.NewSubscription{},
	traffic.OffenceInput{}, traffic.OffenceChange{}, traffic.IssueRequest{}, traffic.ContestRequest{}, traffic.DecisionRequest{},
	traffic.PaymentRequest{}, traffic.AdvisoryInput{}, traffic.FollowedSectors{},
}

// TestOWASPInputTypesOfferNoPrivilegedFields looks at every request type
// the handlers bind: each exported field has a JSON name (an untagged one
// could be set by its Go name), and none is a privileged field except where
// setting it is the operation's purpose.
func TestOWASPInputTypesOfferNoPrivilegedFields(t *testing.T) {
	purpose := map[string]bool{ // type.field set on purpose, by callers the policy admits
		"NewStaff.role": true, "NewStaff.email": true, "RolesChange.roles": true, "NewStaff.department": true, "NewStaff.unit_id": true,
		"RoleAssignment.role": true, "RoleAssignment.department": true, "RoleAssignment.unit_id": true,
		"StaffChange.active": true, "StatusChange.status": true, "FacilityInput.kind": true, "FacilityChange.kind": true,
		"ScheduleInput.capacity": true, "Tariff.amount_pkr": true, "NewClient.unit_id": true, "NewClient.scopes": true,
		"Registration.cnic": true, "Registration.email": true, "ProfileChange.email": true, "BookingRequest.slot_id": true,
		"RescheduleRequest.slot_id": true, "PermitRequest.vehicle_id": true, "PermitRequest.zone_id": true, "WaitlistRequest.vehicle_id": true,
		"ApplicationRequest.school_id": true, "LotteryInput.school_id": true, "PractitionerInput.facility_id": true, "VehicleInput.plate": true,
		"IssueRequest.plate": true, "AdvisoryInput.kind": true,
	}
	for _, v := range requestTypes {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case name == "":
				t.Errorf("%s.%s has no JSON name: a client could set it as %q", typ.Name(), f.Name, f.Name)
				continue
			}
			if _, privileged := owPrivileged[name]; privileged && !purpose[typ.Name()+"."+name] {
				t.Errorf("%s offers the privileged field %q", typ.Name(), name)
			}
		}
	}
}
