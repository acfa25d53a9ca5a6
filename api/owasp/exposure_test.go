package owasp_test

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// TestOWASPClientsSeeNoPersonalData (API3:2023, excessive data exposure):
// with patients, children, vehicles, permits and challans in the database,
// a client holding every scope, bound to the patients' facility, calls
// every route a client can reach: every public route and every route whose
// permission the policy grants a scope. No answer may show what identifies
// a person: names, CNICs and B-forms, phone numbers, e-mails, dates of
// birth, visit reasons, what a holder wrote contesting a challan, account,
// dependant and vehicle IDs, or a plate, unless the request itself sent it
// (a plate check or look-up answers about the plate it was asked, a
// challan issued names the plate it was issued for). A route a client can
// reach that the table below does not call fails the test until a row
// covers it.
func TestOWASPClientsSeeNoPersonalData(t *testing.T) {
	app := apitest.New(t)
	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 2, 2, "09:00", "10:00", 30, 4)
	slot := app.Slot(doctor, app.At(2, 9, 0))
	year := app.Admissions()
	school := app.School(year, 5)
	lotterySchool := app.School(year, 1) // both children apply: one seat for two
	zone := app.Zone(50)

	client := app.NewClient(integrations.ScopeNames(), facility)
	hooks := v1 + "/integrations/webhooks"
	subscribe := func() string {
		events := []string{"appointment.booked", "appointment.cancelled", "permit.activated", "permit.revoked"}
		r := app.Post(hooks, client.Token, map[string]any{"url": "https://203.0.113.10/hooks/exposure", "events": events})
		return r.Want(t, http.StatusCreated).Map(t)["id"].(string)
	}
	sub, spare := subscribe(), subscribe()

	// A traffic sector with its officer, and an offence. A client's unit is
	// the sector it issues challans in, so the camera that issues one below
	// is a client holding every scope bound to the sector: the facility's
	// client issues nowhere.
	sector := fmt.Sprintf("EX-%d", rand.IntN(1_000_000_000))
	sectorID := uuid.NewString()
	if err := app.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		sectorID, sector, "Exposure sector", "سیکٹر", app.Clock.Now()).Error; err != nil {
		t.Fatal(err)
	}
	officer, trafficAdmin := app.NewStaff(identity.RoleTrafficOfficer, sectorID), app.Admin(identity.RoleTrafficAdmin)
	offence := fmt.Sprintf("EX_%d", rand.IntN(1_000_000_000))
	app.Post(v1+"/admin/traffic/offences", trafficAdmin.Token, map[string]any{"code": offence, "title": "Signal violation", "title_ur": "اشارہ توڑنا",
		"fine_pkr": 2000, "late_fine_pkr": 4000, "due_days": 14}).Want(t, http.StatusCreated)
	camera := app.NewClient(integrations.ScopeNames(), sectorID)
	challan := func(plate string) map[string]any {
		return map[string]any{"plate": plate, "offence_code": offence, "place": "Jinnah Avenue at the Blue Area signal", "sector": sector,
			"occurred_at": app.Clock.Now().Format(time.RFC3339Nano)}
	}

	var secrets, appointments []string
	var plate, phone, cnic, withdrawn, otherPlate string
	var holder *apitest.Citizen // plate's
	for i := range 2 {
		c := app.NewCitizen()
		tag := fmt.Sprintf("%d%d", i, rand.IntN(1_000_000))
		name, email := "Nasreen Exposure"+tag, "nasreen"+tag+"@exposure.test"
		app.Do(apitest.Request{Method: http.MethodPatch, Path: v1 + "/me", Token: c.Token, Body: map[string]any{"full_name": name, "email": email}}).
			Want(t, http.StatusOK)
		childName, bForm := "Hamza Exposure"+tag, apitest.NewCNIC()
		dob := domain.LocalDate(app.Clock.Now()).AddDate(-6, -1, -i).Format(time.DateOnly)
		r := app.Post(v1+"/me/dependants", c.Token, map[string]any{"full_name": childName, "relation": "child", "date_of_birth": dob,
			"gender": "male", "b_form_or_cnic": apitest.DashedCNIC(bForm)})
		child := r.Want(t, http.StatusCreated).Map(t)["id"].(string)
		reasons := []string{"persistent cough " + tag, "rash on the arm " + tag}
		for j, patient := range []string{"", child} {
			body := map[string]any{"slot_id": slot.ID, "reason": reasons[j]}
			if patient != "" {
				body["dependant_id"] = patient
			}
			var appt health.Appointment
			app.Post(v1+"/health/appointments", c.Token, body).Want(t, http.StatusCreated).JSON(t, &appt)
			appointments = append(appointments, appt.ID)
		}
		app.Apply(c, school, year, child)
		app.Apply(c, lotterySchool, year, child)
		vehicle := app.Vehicle(c)
		permit := app.Pay(c, app.Permit(c, vehicle, zone, 0, 1).ID)
		if i == 0 { // on the list of withdrawn permits
			app.Post(v1+"/parking/permits/"+permit.ID+"/cancel", c.Token, nil).Want(t, http.StatusOK)
			withdrawn, otherPlate = permit.ID, permit.Plate
		}
		plate, phone, cnic, holder = permit.Plate, c.Phone, c.CNIC, c
		secrets = append(secrets, name, email, c.CNIC, apitest.DashedCNIC(c.CNIC), c.Phone, apitest.NationalPhone(c.Phone),
			strings.TrimPrefix(c.Phone, "+"), childName, bForm, apitest.DashedCNIC(bForm), dob, c.ID, child, vehicle, permit.Plate)
		secrets = append(secrets, reasons...)
	}

	// The lottery for lotterySchool's seat, drawn: its public page shows
	// the seed and the ranking by application IDs alone.
	eduAdmin, seed := app.Admin(identity.RoleEducationAdmin).Token, fmt.Sprintf("exposure seed %d", rand.IntN(1_000_000_000))
	var lottery education.Lottery
	app.Post(v1+"/admin/education/lotteries", eduAdmin, map[string]any{"school_id": lotterySchool, "academic_year": year, "grade": 1,
		"commitment": education.Commitment(seed)}).Want(t, http.StatusCreated).JSON(t, &lottery)
	app.Post(v1+"/admin/education/lotteries/"+lottery.ID+"/draw", eduAdmin, map[string]string{"seed": seed}).Want(t, http.StatusOK)

	// Two unpaid challans on plate, both contested by its holder, one of
	// them upheld since: the look-up lists both, without the holder's
	// statements or the decision's note.
	var waiting, upheld traffic.Challan
	app.Post(v1+"/admin/traffic/challans", officer.Token, challan(plate)).Want(t, http.StatusCreated).JSON(t, &waiting)
	app.Post(v1+"/admin/traffic/challans", officer.Token, challan(plate)).Want(t, http.StatusCreated).JSON(t, &upheld)
	tag := fmt.Sprint(rand.IntN(1_000_000))
	statements := []string{"I was at home in G-9 with my family " + tag, "My brother Imran was driving it " + tag}
	for i, id := range []string{waiting.ID, upheld.ID} {
		app.Post(v1+"/traffic/challans/"+id+"/contest", holder.Token, map[string]string{"statement": statements[i]}).Want(t, http.StatusOK)
	}
	note := "The photo shows the holder at the wheel " + tag
	app.Post(v1+"/admin/traffic/challans/"+upheld.ID+"/decision", trafficAdmin.Token, map[string]string{"decision": "upheld", "note": note}).
		Want(t, http.StatusOK)
	secrets = append(secrets, note)
	secrets = append(secrets, statements...)

	var deliveries struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	app.Get(hooks+"/"+sub+"/deliveries", client.Token).Want(t, http.StatusOK).JSON(t, &deliveries)
	if len(deliveries.Items) == 0 {
		t.Fatal("the bookings made no deliveries to the client's subscription")
	}
	day := app.Day(2)
	slots := url.Values{"facility_id": {facility}, "include_full": {"true"}, "from": {app.At(2, 0, 0).Format(time.RFC3339)}, "to": {app.At(3, 0, 0).Format(time.RFC3339)}}

	// calls are the requests made, by route as Server.Routes() lists it,
	// with the status each must get and what its answer must show, so that
	// no check passes for an answer that holds nothing.
	type call struct {
		method, path string
		body         any
		status       int
		shows        []string
		token        string // the client's when empty
	}
	calls := map[string]call{
		"GET /api/v1/health/facilities":     {path: v1 + "/health/facilities?limit=100", status: 200},
		"GET /api/v1/health/facilities/:id": {path: v1 + "/health/facilities/" + facility, status: 200, shows: []string{facility}},
		"GET /api/v1/health/practitioners":  {path: v1 + "/health/practitioners?facility_id=" + facility, status: 200, shows: []string{doctor}},
		"GET /api/v1/health/slots":          {path: v1 + "/health/slots?" + slots.Encode(), status: 200, shows: []string{slot.ID}},
		"GET /api/v1/education/schools":     {path: v1 + "/education/schools?limit=100", status: 200},
		"GET /api/v1/education/schools/:id": {path: v1 + "/education/schools/" + school, status: 200, shows: []string{school}},
		"GET /api/v1/education/lotteries/:id": {path: v1 + "/education/lotteries/" + lottery.ID, status: 200,
			shows: []string{lottery.ID, seed, `"outcome":"accepted"`, `"outcome":"waitlisted"`}},
		"GET /api/v1/parking/zones":      {path: v1 + "/parking/zones?limit=100", status: 200},
		"GET /api/v1/traffic/advisories": {path: v1 + "/traffic/advisories?limit=100", status: 200},
		"GET /api/v1/parking/verify":     {path: v1 + "/parking/verify?plate=" + plate + "&zone_id=" + zone, status: 200, shows: []string{plate}},
		"GET /api/v1/traffic/sectors":    {path: v1 + "/traffic/sectors?limit=100", status: 200, shows: []string{sector}},
		"GET /api/v1/traffic/offences":   {path: v1 + "/traffic/offences?limit=100", status: 200, shows: []string{offence}},
		"GET /api/v1/traffic/lookup": {path: v1 + "/traffic/lookup?plate=" + plate, status: 200,
			shows: []string{waiting.ID, waiting.Number, upheld.ID, upheld.Number, `"status":"contested"`, `"status":"issued"`}},
		// A camera's challan on the other citizen's plate: its holder is
		// not in the answer.
		"POST /api/v1/admin/traffic/challans": {method: http.MethodPost, path: v1 + "/admin/traffic/challans", token: camera.Token, status: 201,
			body: challan(otherPlate), shows: []string{otherPlate, `"by":"client"`}},
		"GET /api/v1/integrations/appointments": {path: v1 + "/integrations/appointments?date=" + day, status: 200, shows: appointments},
		// Staff's day list: clients are refused it, and it shows patients.
		"GET /api/v1/admin/health/appointments": {path: v1 + "/admin/health/appointments?facility_id=" + facility + "&date=" + day, status: 403},
		"GET /api/v1/integrations/webhooks":     {path: v1 + "/integrations/webhooks", status: 200, shows: []string{sub}},
		"POST /api/v1/integrations/webhooks": {method: http.MethodPost, path: v1 + "/integrations/webhooks", status: 201,
			body: map[string]any{"url": "https://203.0.113.10/hooks/exposure", "events": []string{"appointment.booked"}}},
		"DELETE /api/v1/integrations/webhooks/:id": {method: http.MethodDelete, path: v1 + "/integrations/webhooks/" + spare, status: 204},
		"GET /api/v1/integrations/webhooks/:id/deliveries": {path: v1 + "/integrations/webhooks/" + sub + "/deliveries", status: 200,
			shows: []string{deliveries.Items[0].ID}},
		"POST /api/v1/integrations/webhooks/:id/deliveries/:delivery_id/redeliver": {method: http.MethodPost, status: 202,
			path: v1 + "/integrations/webhooks/" + sub + "/deliveries/" + deliveries.Items[0].ID + "/redeliver"},
		// Public sign-in routes, given a patient's own numbers.
		"POST /api/v1/auth/register": {method: http.MethodPost, path: v1 + "/auth/register", status: 409,
			body: map[string]any{"cnic": cnic, "phone": apitest.NewPhone(), "full_name": "Someone Else", "password": "correct horse battery staple"}},
		"POST /api/v1/auth/login": {method: http.MethodPost, path: v1 + "/auth/login", status: 401,
			body: map[string]any{"username": cnic, "password": "not the password at all"}},
		"POST /api/v1/auth/otp/verify": {method: http.MethodPost, path: v1 + "/auth/otp/verify", status: 422,
			body: map[string]any{"phone": phone, "code": "000000"}},
		"POST /api/v1/auth/otp/resend":   {method: http.MethodPost, path: v1 + "/auth/otp/resend", status: 202, body: map[string]any{"phone": phone}},
		"GET /.well-known/permit-status": {path: "/.well-known/permit-status", status: 200, shows: []string{withdrawn}},
		"POST /api/v1/auth/refresh":      {method: http.MethodPost, path: v1 + "/auth/refresh", status: 401, body: map[string]any{"refresh_token": "not-a-refresh-token"}},
	}

	var grants []struct{ V2, V3 string }
	if err := app.DB.Raw("SELECT v2, v3 FROM casbin_rule WHERE ptype = 'p' AND v0 LIKE 'scope:%'").Scan(&grants).Error; err != nil {
		t.Fatal(err)
	}
	reachable := map[string]bool{web.Anyone: true}
	for _, g := range grants {
		reachable[g.V2+":"+g.V3] = true
	}
	routes := map[string]bool{}
	for _, route := range app.Server.Routes() {
		name := route.Method + " " + route.Path
		routes[name] = true
		if _, ok := calls[name]; reachable[route.Permission] && !ok {
			t.Errorf("a client can reach %s (%s), but no call here reads it", name, route.Permission)
		}
	}
	for name, c := range calls {
		if !routes[name] {
			t.Errorf("%s is not a route", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			r := app.Do(apitest.Request{Method: cmp.Or(c.method, http.MethodGet), Path: c.path, Token: cmp.Or(c.token, client.Token), Body: c.body})
			if r.Status != c.status {
				t.Errorf("%d %s, want %d", r.Status, owShort(r.Body), c.status)
			}
			sent, got := fmt.Sprint(c.path, c.body), string(r.Body)
			if r.Header.Get("Content-Type") == "application/jwt" {
				got += jwsPayload(t, got)
			}
			for _, s := range secrets {
				if strings.Contains(got, s) && !strings.Contains(sent, s) {
					t.Errorf("the answer shows %q: %s", s, owShort(r.Body))
				}
			}
			for _, s := range c.shows {
				if !strings.Contains(got, s) {
					t.Errorf("the answer lacks %s: %s", s, owShort(r.Body))
				}
			}
		})
	}
}

// jwsPayload is the payload a compact JWS carries, decoded.
func jwsPayload(t *testing.T, jws string) string {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("%q is not a compact JWS", jws)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("JWS payload: %v", err)
	}
	return string(payload)
}
