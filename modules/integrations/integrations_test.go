package integrations_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/education"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// The tests in this file drive the third-party integrations over HTTP:
// client registration, the client-credentials grant, what client tokens
// may reach, per-client rate limits, and webhook subscriptions with their
// signed, retried deliveries. They run one at a time: on PostgreSQL every
// test of the package shares one schema, and the webhook dispatcher claims
// every due delivery in it. Each test revokes its clients and stops their
// deliveries when it ends, so no test sees another's subscriptions.

const (
	tokenPath   = "/api/v1/oauth/token"
	clientsPath = "/api/v1/admin/clients"
	hooksPath   = "/api/v1/integrations/webhooks"
	verifyPath  = "/api/v1/parking/verify"
	dayListPath = "/api/v1/admin/health/appointments"
	clientDay   = "/api/v1/integrations/appointments"
)

// itStart is the server's clock when every test begins: 09:00:09.6 on
// Wednesday 10 March 2027 in Karachi, 9.6 seconds into a minute (the rate
// limit's window), away from month ends.
var itStart = time.Date(2027, 3, 10, 4, 0, 9, 600_000_000, time.UTC)

var allScopes = []string{"education.schools:read", "health.appointments:read", "health.slots:read", "parking.permits:verify", "webhooks:manage"}

type env struct {
	t       *testing.T
	app     *apitest.App
	admin   *apitest.Staff
	clients []string
}

func newEnv(t *testing.T, opts ...apitest.Option) *env {
	t.Helper()
	app := apitest.New(t, opts...)
	app.Clock.Set(itStart)
	e := &env{t: t, app: app}
	t.Cleanup(e.cleanup)
	e.admin = app.Admin(identity.RoleAdmin)
	return e
}

// privateTargets lets webhooks reach a receiver on this machine.
func privateTargets(c *api.Config) { c.WebhookAllowPrivate = true }

// cleanup revokes the test's clients, deletes their subscriptions and stops
// their pending deliveries, so later tests sharing the schema never deliver
// them.
func (e *env) cleanup() {
	if len(e.clients) == 0 {
		return
	}
	ctx := context.Background()
	for _, stmt := range []string{
		"UPDATE webhook_deliveries SET status = 'failed' WHERE status = 'pending' AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE client_id IN ?)",
		"UPDATE webhook_subscriptions SET status = 'deleted' WHERE client_id IN ?",
		"UPDATE oauth_clients SET status = 'revoked' WHERE id IN ?",
	} {
		if err := e.app.DB.Conn(ctx).Exec(stmt, e.clients).Error; err != nil {
			e.t.Logf("cleanup: %s: %v", stmt, err)
		}
	}
}

// createClient registers a client through the admin API.
func (e *env) createClient(body map[string]any) *apitest.Response {
	e.t.Helper()
	if body["name"] == nil {
		body["name"] = "Integration test client"
	}
	if body["owner_contact"] == nil {
		body["owner_contact"] = "ops@client.test"
	}
	r := e.app.Post(clientsPath, e.admin.Token, body)
	if r.Status == http.StatusCreated {
		var c integrations.ClientWithSecret
		r.JSON(e.t, &c)
		e.clients = append(e.clients, c.ID)
	}
	return r
}

// client registers a client with scopes, bound to unit when given, limited
// to rate requests a minute when rate > 0, and gets it a token.
func (e *env) client(scopes []string, unit string, rate int) *apitest.Client {
	e.t.Helper()
	body := map[string]any{"scopes": scopes}
	if unit != "" {
		body["unit_id"] = unit
	}
	if rate > 0 {
		body["rate_per_minute"] = rate
	}
	r := e.createClient(body)
	r.Want(e.t, http.StatusCreated)
	var c integrations.ClientWithSecret
	r.JSON(e.t, &c)
	return &apitest.Client{ID: c.ID, Secret: c.Secret, Token: e.app.ClientToken(c.ID, c.Secret, "")}
}

// refresh gives every client a new token (they live an hour of the clock).
func (e *env) refresh(cs ...*apitest.Client) {
	e.t.Helper()
	for _, c := range cs {
		c.Token = e.app.ClientToken(c.ID, c.Secret, "")
	}
}

// basic is an HTTP Basic header for client credentials as RFC 6749 §2.3.1
// writes them: each form-encoded, then joined and base64-encoded.
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// percentAll percent-encodes every byte of s, which a form decoder must
// undo.
func percentAll(s string) string {
	var b strings.Builder
	for i := range len(s) {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// tokenRequest posts a raw form body to the token endpoint.
func (e *env) tokenRequest(body, authorization string) *apitest.Response {
	e.t.Helper()
	header := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if authorization != "" {
		header["Authorization"] = authorization
	}
	return e.app.Do(apitest.Request{Method: http.MethodPost, Path: tokenPath, Body: body, Header: header})
}

func credentials(c *apitest.Client) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}
}

// tokenOK checks a successful token answer and returns it.
func tokenOK(t *testing.T, r *apitest.Response) integrations.TokenResponse {
	t.Helper()
	r.Want(t, http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var raw map[string]any
	r.JSON(t, &raw)
	if _, ok := raw["refresh_token"]; ok {
		t.Errorf("a client-credentials answer carries a refresh token: %s", r.Body)
	}
	var res integrations.TokenResponse
	r.JSON(t, &res)
	if res.AccessToken == "" || res.TokenType != "Bearer" || res.ExpiresIn != 3600 {
		t.Errorf("token answer = %s, want an access token, token_type Bearer, expires_in 3600", r.Body)
	}
	return res
}

// tokenError checks an RFC 6749 §5.2 error answer.
func tokenError(t *testing.T, r *apitest.Response, wantStatus int, code string) {
	t.Helper()
	r.Want(t, wantStatus)
	var res integrations.TokenError
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Errorf("body %s is not JSON: %v", r.Body, err)
		return
	}
	if res.Error != code {
		t.Errorf("error = %q, want %q (%s)", res.Error, code, r.Body)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if wantStatus == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") == "" {
		t.Error("a 401 invalid_client answer has no WWW-Authenticate header")
	}
}

// refused checks that a token was not let through: 401 or 403, never a 2xx.
func refused(t *testing.T, r *apitest.Response, what string) {
	t.Helper()
	if r.Status != http.StatusForbidden && r.Status != http.StatusUnauthorized {
		t.Errorf("%s: status = %d, want 403 (or 401) (%s)", what, r.Status, r.Body)
	}
}

// ---- health and parking set-up through their admin APIs ----

func (e *env) facility(healthAdmin string) string {
	e.t.Helper()
	r := e.app.Post("/api/v1/admin/health/facilities", healthAdmin, map[string]any{
		"name": fmt.Sprintf("Integrations Test Clinic %d", rand.IntN(1_000_000)), "kind": "clinic", "sector": "G-9/4",
		"address": "Street 12, G-9/4, Islamabad", "location": map[string]float64{"lat": 33.6844, "lng": 73.0479},
		"specialties": []string{"general_medicine"},
	})
	r.Want(e.t, http.StatusCreated)
	return r.Map(e.t)["id"].(string)
}

// slot gives the facility a practitioner with slots tomorrow and returns
// the first one.
func (e *env) slot(healthAdmin, facilityID string) health.Slot {
	e.t.Helper()
	r := e.app.Post("/api/v1/admin/health/practitioners", healthAdmin, map[string]any{
		"facility_id": facilityID, "full_name": "Dr. Integration Test", "specialty": "general_medicine",
		"pmdc_number": fmt.Sprintf("T%012d", rand.Int64N(1_000_000_000_000)),
	})
	r.Want(e.t, http.StatusCreated)
	practitioner := r.Map(e.t)["id"].(string)
	tomorrow := domain.LocalDate(e.app.Clock.Now()).AddDate(0, 0, 1).Format(time.DateOnly)
	r = e.app.Post("/api/v1/admin/health/schedules", healthAdmin, map[string]any{
		"practitioner_id": practitioner, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": "09:00", "end_time": "10:00",
		"slot_minutes": 30, "capacity": 3, "from": tomorrow, "to": tomorrow,
	})
	r.Want(e.t, http.StatusCreated)
	q := url.Values{"practitioner_id": {practitioner}, "limit": {"100"},
		"from": {e.app.Clock.Now().Format(time.RFC3339)}, "to": {e.app.Clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}}
	r = e.app.Get("/api/v1/health/slots?"+q.Encode(), "")
	r.Want(e.t, http.StatusOK)
	var list struct{ Items []health.Slot }
	r.JSON(e.t, &list)
	if len(list.Items) == 0 {
		e.t.Fatalf("no slots listed: %s", r.Body)
	}
	return list.Items[0]
}

func (e *env) book(citizen, slotID string) health.Appointment {
	e.t.Helper()
	r := e.app.Post("/api/v1/health/appointments", citizen, map[string]string{"slot_id": slotID})
	r.Want(e.t, http.StatusCreated)
	var a health.Appointment
	r.JSON(e.t, &a)
	return a
}

// school makes a school with grade-1 seats and opens its admissions, in an
// academic year of its own: windows are unique per year in the database,
// which a repeated run (-count) keeps on PostgreSQL.
func (e *env) school(educationAdmin string) (schoolID, year string) {
	e.t.Helper()
	start := 2100 + rand.IntN(800)
	year = fmt.Sprintf("%d-%02d", start, (start+1)%100)
	now := e.app.Clock.Now()
	e.app.Post("/api/v1/admin/education/admission-windows", educationAdmin, map[string]any{
		"academic_year": year, "opens_at": now.Add(-time.Hour), "closes_at": now.Add(30 * 24 * time.Hour),
		"age_cutoff": "2025-03-31", "age_rules": []education.AgeRule{{Grade: 1, MinAge: 5, MaxAge: 7}},
	}).Want(e.t, http.StatusCreated)
	tag := uuid.NewString()
	r := e.app.Post("/api/v1/admin/education/schools", educationAdmin, map[string]string{
		"name": "Integrations Test School " + tag[:8], "level": "primary", "gender": "co", "sector": "E-" + tag[:6], "emis_code": "E" + tag[:13],
	})
	r.Want(e.t, http.StatusCreated)
	schoolID = r.Map(e.t)["id"].(string)
	e.app.Do(apitest.Request{Method: http.MethodPut, Path: "/api/v1/admin/education/schools/" + schoolID + "/seats", Token: educationAdmin,
		Body: map[string]any{"academic_year": year, "grade": 1, "seats": 5}}).Want(e.t, http.StatusOK)
	return schoolID, year
}

// acceptedApplication applies for a new child of the citizen (6 on the
// school's cut-off) to grade 1 and accepts the application.
func (e *env) acceptedApplication(citizen, educationAdmin, schoolID, year string) education.Application {
	e.t.Helper()
	r := e.app.Post("/api/v1/me/dependants", citizen, map[string]string{
		"full_name": "Integrations Test Child", "relation": "child", "date_of_birth": "2019-01-15", "gender": "female",
	})
	r.Want(e.t, http.StatusCreated)
	r = e.app.Post("/api/v1/education/applications", citizen, map[string]any{
		"school_id": schoolID, "academic_year": year, "grade": 1, "child_id": r.Map(e.t)["id"],
	})
	r.Want(e.t, http.StatusCreated)
	var a education.Application
	r.JSON(e.t, &a)
	r = e.app.Post("/api/v1/admin/education/applications/"+a.ID+"/decision", educationAdmin, map[string]string{"decision": "accepted", "note": "Welcome"})
	r.Want(e.t, http.StatusOK)
	r.JSON(e.t, &a)
	return a
}

// sector adds a traffic sector with a code of its own, as the demo loads
// them (sectors have no API), and returns its ID and code.
func (e *env) sector() (id, code string) {
	e.t.Helper()
	id, code = uuid.NewString(), fmt.Sprintf("IT-%d", rand.IntN(1_000_000_000))
	err := e.app.DB.Exec("INSERT INTO traffic_sectors (id, code, name, name_ur, created_at) VALUES (?, ?, ?, ?, ?)",
		id, code, "Integrations test sector "+code, "ٹیسٹ سیکٹر", e.app.Clock.Now()).Error
	if err != nil {
		e.t.Fatalf("insert sector: %v", err)
	}
	return id, code
}

// offence adds an offence of the test's own to the schedule through the
// admin API.
func (e *env) offence(trafficAdmin string) traffic.Offence {
	e.t.Helper()
	var o traffic.Offence
	e.app.Post("/api/v1/admin/traffic/offences", trafficAdmin, traffic.OffenceInput{Code: fmt.Sprintf("IT_%d", rand.IntN(1_000_000_000)),
		Title: "Signal violation", TitleUr: "اشارہ توڑنا", FinePKR: 2000, LateFinePKR: 4000, DueDays: 14}).Want(e.t, http.StatusCreated).JSON(e.t, &o)
	return o
}

// challanEvent is the data a challan event carries about c, read from the
// API's own answer.
func challanEvent(c traffic.Challan) webhook.ChallanEventData {
	return webhook.ChallanEventData{ChallanID: c.ID, Number: c.Number, Plate: c.Plate, OffenceCode: c.Offence.Code, Status: c.Status,
		AmountPKR: c.AmountPKR, DueDate: c.DueDate}
}

var zoneTariffs = []parking.Tariff{
	{PermitType: parking.TypeResident, Months: 1, AmountPKR: new(int64(1000))},
	{PermitType: parking.TypeResident, Months: 3, AmountPKR: new(int64(3000))},
}

// zone makes a parking zone through the admin API.
func (e *env) zone(parkingAdmin string) string {
	e.t.Helper()
	r := e.app.Post("/api/v1/admin/parking/zones", parkingAdmin, map[string]any{
		"name": "Integrations Test Zone " + uuid.NewString(), "sector": "F-7", "permit_quota": 50, "tariffs": zoneTariffs,
	})
	r.Want(e.t, http.StatusCreated)
	return r.Map(e.t)["id"].(string)
}

func randomPlate() string {
	letters := make([]byte, 3)
	for i := range letters {
		letters[i] = byte('A' + rand.IntN(26))
	}
	return fmt.Sprintf("ICT-%s-%d", letters, 1+rand.IntN(9999))
}

// activePermit registers a vehicle to the citizen and buys and pays a
// one-month resident permit in the zone, starting today.
func (e *env) activePermit(citizen, zoneID string) parking.Permit {
	e.t.Helper()
	var vehicleID string
	for range 5 {
		r := e.app.Post("/api/v1/parking/vehicles", citizen, map[string]string{"plate": randomPlate(), "make": "Suzuki", "model": "Alto", "colour": "white"})
		if r.Status == http.StatusConflict {
			continue
		}
		r.Want(e.t, http.StatusCreated)
		vehicleID = r.Map(e.t)["id"].(string)
		break
	}
	if vehicleID == "" {
		e.t.Fatal("no free random plate")
	}
	r := e.app.Post("/api/v1/parking/permits", citizen, map[string]any{
		"vehicle_id": vehicleID, "zone_id": zoneID, "permit_type": parking.TypeResident,
		"start_date": domain.LocalDate(e.app.Clock.Now()).Format(time.DateOnly), "months": 1,
	})
	r.Want(e.t, http.StatusCreated)
	var p parking.Permit
	r.JSON(e.t, &p)
	r = e.app.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/parking/permits/" + p.ID + "/payments", Token: citizen,
		Body: map[string]string{"method": "sandbox", "payment_token": "tok_visa"}, Header: map[string]string{"Idempotency-Key": uuid.NewString()}})
	r.Want(e.t, http.StatusOK)
	r.JSON(e.t, &p)
	if p.Status != parking.StatusActive {
		e.t.Fatalf("paid permit status = %s, want active", p.Status)
	}
	return p
}

// ---- webhook receivers and the dispatcher ----

type hit struct {
	Method string
	Header http.Header
	Body   []byte
}

// receiver is a local webhook endpoint answering with reply(n) to its n-th
// request (counting from 1).
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	hits  []hit
	reply func(n int) int
}

func newReceiver(t *testing.T, reply func(n int) int) *receiver {
	rc := &receiver{reply: reply}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		apitest.CheckWebhook(t, r.Header, body)
		rc.mu.Lock()
		rc.hits = append(rc.hits, hit{Method: r.Method, Header: r.Header.Clone(), Body: body})
		n := len(rc.hits)
		rc.mu.Unlock()
		w.WriteHeader(rc.reply(n))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func always(code int) func(int) int { return func(int) int { return code } }

func (rc *receiver) received() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.hits)
}

// dispatch runs the webhook dispatcher once, as the server's background
// work does, and returns how many deliveries it handled.
func (e *env) dispatch() int {
	e.t.Helper()
	return e.dispatchWith((webhook.Targets{AllowPrivate: true}).Client(5*time.Second), apitest.PII)
}

// dispatchWith runs once a dispatcher that sends with client and opens
// secrets with keys.
func (e *env) dispatchWith(client *http.Client, keys *pii.Keys) int {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := webhook.NewDispatcher(e.app.DB, e.app.Clock, client, keys, log).RunOnce(context.Background())
	if err != nil {
		e.t.Fatalf("dispatch: %v", err)
	}
	return n
}

// subscribe subscribes a client's URL to events and returns the
// subscription with its secret.
func (e *env) subscribe(c *apitest.Client, rawURL string, events ...string) integrations.SubscriptionWithSecret {
	e.t.Helper()
	r := e.app.Post(hooksPath, c.Token, map[string]any{"url": rawURL, "events": events})
	r.Want(e.t, http.StatusCreated)
	var sub integrations.SubscriptionWithSecret
	r.JSON(e.t, &sub)
	if sub.ID == "" || sub.Secret == "" {
		e.t.Fatalf("subscription %s has no ID or secret", r.Body)
	}
	return sub
}

func (e *env) deliveries(c *apitest.Client, subscriptionID string) []integrations.Delivery {
	e.t.Helper()
	r := e.app.Get(hooksPath+"/"+subscriptionID+"/deliveries", c.Token)
	r.Want(e.t, http.StatusOK)
	var list integrations.DeliveryList
	r.JSON(e.t, &list)
	return list.Items
}

// onlyDelivery returns a subscription's single delivery.
func (e *env) onlyDelivery(c *apitest.Client, subscriptionID string) integrations.Delivery {
	e.t.Helper()
	ds := e.deliveries(c, subscriptionID)
	if len(ds) != 1 {
		e.t.Fatalf("%d deliveries, want 1: %+v", len(ds), ds)
	}
	return ds[0]
}

// A Standard Webhooks signature and secret: "v1," or "whsec_" and the
// standard base64 of 32 bytes.
var (
	signaturePattern = regexp.MustCompile(`^v1,[A-Za-z0-9+/]{43}=$`)
	secretPattern    = regexp.MustCompile(`^whsec_[A-Za-z0-9+/]{43}=$`)
)

// signed checks a delivery's signature with the Standard Webhooks library,
// as a receiver would, apart from its age: the tests' clock is not the wall
// clock the library reads (TestWebhookStandardLibrary checks ages).
func signed(t *testing.T, secret string, h hit) error {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("the library refuses the secret %q: %v", secret, err)
	}
	return wh.VerifyIgnoringTimestamp(h.Body, h.Header)
}

// event decodes a delivered body strictly, its data as the type
// webhook.EventTypes names for the event: a field that type lacks, or a
// value of another JSON type, fails the test.
func event(t *testing.T, body []byte) webhook.Event {
	t.Helper()
	var raw struct {
		webhook.Event
		Data json.RawMessage `json:"data"` // shadows the embedded Data
	}
	strict(t, body, &raw)
	et, ok := webhook.Lookup(raw.Type)
	if !ok {
		t.Fatalf("delivered body %s: an event type not in webhook.EventTypes", body)
	}
	data := reflect.New(reflect.TypeOf(et.Data))
	strict(t, raw.Data, data.Interface())
	ev := raw.Event
	ev.Data = data.Elem().Interface()
	return ev
}

// strict decodes JSON into v, refusing unknown fields.
func strict(t *testing.T, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("delivered JSON %s as %T: %v", body, v, err)
	}
}

// ======== 1. The client-credentials grant ========

func TestClientCredentials(t *testing.T) {
	e := newEnv(t)
	zoneID := e.zone(e.app.NewStaff("parking_admin", "").Token)
	verify := verifyPath + "?plate=ICT-ABC-123&zone_id=" + zoneID
	c := e.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)

	t.Run("HTTP Basic", func(t *testing.T) {
		res := tokenOK(t, e.tokenRequest("grant_type=client_credentials", basic(c.ID, c.Secret)))
		if res.Scope != "parking.permits:verify webhooks:manage" {
			t.Errorf("scope = %q, want every granted scope", res.Scope)
		}
		e.app.Get(verify, res.AccessToken).Want(t, http.StatusOK)
		e.app.Get(hooksPath, res.AccessToken).Want(t, http.StatusOK)
	})
	t.Run("HTTP Basic with form-encoded credentials", func(t *testing.T) {
		// RFC 6749 §2.3.1: the ID and secret are form-encoded before base64,
		// so a server must decode them; every byte escaped is still the
		// same credential.
		auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(percentAll(c.ID)+":"+percentAll(c.Secret)))
		tokenOK(t, e.tokenRequest("grant_type=client_credentials", auth))
	})
	t.Run("form body", func(t *testing.T) {
		res := tokenOK(t, e.tokenRequest(credentials(c).Encode(), ""))
		if res.Scope != "parking.permits:verify webhooks:manage" {
			t.Errorf("scope = %q", res.Scope)
		}
		e.app.Get(verify, res.AccessToken).Want(t, http.StatusOK)
	})
	t.Run("narrower scope", func(t *testing.T) {
		form := credentials(c)
		form.Set("scope", "parking.permits:verify")
		res := tokenOK(t, e.tokenRequest(form.Encode(), ""))
		if res.Scope != "parking.permits:verify" {
			t.Errorf("scope = %q, want parking.permits:verify only", res.Scope)
		}
		e.app.Get(verify, res.AccessToken).Want(t, http.StatusOK)
		refused(t, e.app.Get(hooksPath, res.AccessToken), "narrowed token on webhooks")
		e.app.Get(hooksPath, res.AccessToken).Problem(t, http.StatusForbidden, "")

		res = tokenOK(t, e.tokenRequest("grant_type=client_credentials&scope=webhooks%3Amanage", basic(c.ID, c.Secret)))
		if res.Scope != "webhooks:manage" {
			t.Errorf("scope = %q, want webhooks:manage only", res.Scope)
		}
		e.app.Get(verify, res.AccessToken).Problem(t, http.StatusForbidden, "")
	})

	other := e.client([]string{"parking.permits:verify"}, "", 0)
	withForm := func(mutate func(url.Values)) string {
		f := credentials(c)
		mutate(f)
		return f.Encode()
	}
	errorCases := []struct {
		name, body, auth, contentType string
		status                        int
		code                          string
	}{
		{"missing grant_type", withForm(func(f url.Values) { f.Del("grant_type") }), "", "", 400, "invalid_request"},
		{"missing grant_type, Basic", "scope=parking.permits%3Averify", basic(c.ID, c.Secret), "", 400, "invalid_request"},
		{"empty grant_type", withForm(func(f url.Values) { f.Set("grant_type", "") }), "", "", 400, "invalid_request"},
		{"grant_type password", withForm(func(f url.Values) { f.Set("grant_type", "password"); f.Set("username", "u"); f.Set("password", "p") }), "", "", 400, "unsupported_grant_type"},
		{"grant_type authorization_code", withForm(func(f url.Values) { f.Set("grant_type", "authorization_code"); f.Set("code", "x") }), "", "", 400, "unsupported_grant_type"},
		{"grant_type refresh_token", "grant_type=refresh_token&refresh_token=x", basic(c.ID, c.Secret), "", 400, "unsupported_grant_type"},
		{"wrong secret in the form", withForm(func(f url.Values) { f.Set("client_secret", c.Secret+"x") }), "", "", 401, "invalid_client"},
		{"wrong secret by Basic", "grant_type=client_credentials", basic(c.ID, other.Secret), "", 401, "invalid_client"},
		{"another client's secret", withForm(func(f url.Values) { f.Set("client_secret", other.Secret) }), "", "", 401, "invalid_client"},
		{"unknown client", withForm(func(f url.Values) { f.Set("client_id", uuid.NewString()) }), "", "", 401, "invalid_client"},
		{"unknown client by Basic", "grant_type=client_credentials", basic(uuid.NewString(), c.Secret), "", 401, "invalid_client"},
		{"malformed client ID", withForm(func(f url.Values) { f.Set("client_id", "not-a-uuid") }), "", "", 401, "invalid_client"},
		{"no client credentials", "grant_type=client_credentials", "", "", 401, "invalid_client"},
		{"no secret", withForm(func(f url.Values) { f.Del("client_secret") }), "", "", 401, "invalid_client"},
		{"credentials by Basic and in the form", credentials(c).Encode(), basic(c.ID, c.Secret), "", 400, "invalid_request"},
		{"Basic and a form client_id", "grant_type=client_credentials&client_id=" + c.ID, basic(c.ID, c.Secret), "", 400, "invalid_request"},
		{"Basic and a form client_secret", "grant_type=client_credentials&client_secret=" + url.QueryEscape(c.Secret), basic(c.ID, c.Secret), "", 400, "invalid_request"},
		// An Authorization header that does not hold Basic credentials is
		// refused, even beside good credentials in the form.
		{"a client's bearer token", credentials(c).Encode(), "Bearer " + c.Token, "", 401, "invalid_client"},
		{"a garbage bearer token", credentials(c).Encode(), "Bearer garbage", "", 401, "invalid_client"},
		{"malformed Basic", credentials(c).Encode(), "Basic !!!", "", 401, "invalid_client"},
		{"another scheme", credentials(c).Encode(), "Digest username=\"" + c.ID + "\"", "", 401, "invalid_client"},
		{"scope not granted", withForm(func(f url.Values) { f.Set("scope", "health.slots:read") }), "", "", 400, "invalid_scope"},
		{"one granted and one not", withForm(func(f url.Values) { f.Set("scope", "parking.permits:verify health.appointments:read") }), "", "", 400, "invalid_scope"},
		{"unknown scope", withForm(func(f url.Values) { f.Set("scope", "admin") }), "", "", 400, "invalid_scope"},
		{"JSON body", `{"grant_type":"client_credentials","client_id":"` + c.ID + `","client_secret":"` + c.Secret + `"}`, "", "application/json", 400, "invalid_request"},
		{"no content type", credentials(c).Encode(), "", "text/plain", 400, "invalid_request"},
		{"repeated grant_type", credentials(c).Encode() + "&grant_type=client_credentials", "", "", 400, "invalid_request"},
		{"repeated client_id", credentials(c).Encode() + "&client_id=" + other.ID, "", "", 400, "invalid_request"},
		{"repeated client_secret", credentials(c).Encode() + "&client_secret=" + url.QueryEscape(c.Secret), "", "", 400, "invalid_request"},
		{"repeated scope", credentials(c).Encode() + "&scope=webhooks%3Amanage&scope=parking.permits%3Averify", "", "", 400, "invalid_request"},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			if tc.contentType != "" {
				header["Content-Type"] = tc.contentType
			}
			if tc.auth != "" {
				header["Authorization"] = tc.auth
			}
			r := e.app.Do(apitest.Request{Method: http.MethodPost, Path: tokenPath, Body: tc.body, Header: header})
			tokenError(t, r, tc.status, tc.code)
			if strings.Contains(string(r.Body), "access_token") {
				t.Errorf("a refusal carries a token: %s", r.Body)
			}
		})
	}
	t.Run("repeated grant_type in the query", func(t *testing.T) {
		r := e.app.Do(apitest.Request{Method: http.MethodPost, Path: tokenPath + "?grant_type=client_credentials", Body: credentials(c).Encode(),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
		tokenError(t, r, http.StatusBadRequest, "invalid_request")
	})

	t.Run("rotated secret", func(t *testing.T) {
		c := e.client([]string{"parking.permits:verify"}, "", 0)
		r := e.app.Post(clientsPath+"/"+c.ID+"/secret", e.admin.Token, nil)
		r.Want(t, http.StatusOK)
		var rotated integrations.ClientWithSecret
		r.JSON(t, &rotated)
		if rotated.ID != c.ID || rotated.Secret == "" || rotated.Secret == c.Secret {
			t.Fatalf("rotated = %s, want the same client with a new secret", r.Body)
		}
		tokenError(t, e.tokenRequest(credentials(c).Encode(), ""), http.StatusUnauthorized, "invalid_client")
		tokenError(t, e.tokenRequest("grant_type=client_credentials", basic(c.ID, c.Secret)), http.StatusUnauthorized, "invalid_client")
		c.Secret = rotated.Secret
		res := tokenOK(t, e.tokenRequest(credentials(c).Encode(), ""))
		e.app.Get(verify, res.AccessToken).Want(t, http.StatusOK)
		tokenOK(t, e.tokenRequest("grant_type=client_credentials", basic(c.ID, c.Secret)))

		e.app.Post(clientsPath+"/"+uuid.NewString()+"/secret", e.admin.Token, nil).Problem(t, http.StatusNotFound, "")
		e.app.Post(clientsPath+"/not-a-uuid/secret", e.admin.Token, nil).Problem(t, http.StatusBadRequest, "id")
	})

	t.Run("revoked client", func(t *testing.T) {
		c := e.client([]string{"parking.permits:verify"}, "", 0)
		e.app.Get(verify, c.Token).Want(t, http.StatusOK)
		r := e.app.Do(apitest.Request{Method: http.MethodDelete, Path: clientsPath + "/" + c.ID, Token: e.admin.Token})
		r.Want(t, http.StatusNoContent)

		tokenError(t, e.tokenRequest(credentials(c).Encode(), ""), http.StatusUnauthorized, "invalid_client")
		tokenError(t, e.tokenRequest("grant_type=client_credentials", basic(c.ID, c.Secret)), http.StatusUnauthorized, "invalid_client")
		r = e.app.Get(verify, c.Token)
		r.Problem(t, http.StatusUnauthorized, "")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		// A revoked client stays revoked: no rotation, no second revocation.
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: clientsPath + "/" + c.ID, Token: e.admin.Token}).Problem(t, http.StatusNotFound, "")
		e.app.Post(clientsPath+"/"+c.ID+"/secret", e.admin.Token, nil).Problem(t, http.StatusNotFound, "")
		var listed []integrations.Client
		for _, cl := range e.listClients(t, e.admin.Token) {
			if cl.ID == c.ID {
				listed = append(listed, cl)
			}
		}
		if len(listed) != 1 || listed[0].Status != "revoked" {
			t.Errorf("GET /admin/clients shows %+v, want it once as revoked", listed)
		}
	})

	t.Run("expired token", func(t *testing.T) {
		c := e.client([]string{"parking.permits:verify"}, "", 0)
		e.app.Clock.Advance(time.Hour + time.Minute)
		defer e.app.Clock.Set(itStart)
		e.app.Get(verify, c.Token).Problem(t, http.StatusUnauthorized, "")
	})
}

// listClients walks GET /admin/clients with small pages.
func (e *env) listClients(t *testing.T, tok string) []integrations.Client {
	t.Helper()
	var all []integrations.Client
	next := clientsPath + "?limit=2"
	for range 10_000 {
		r := e.app.Get(next, tok)
		r.Want(t, http.StatusOK)
		for _, bad := range []string{"client_secret", "secret_hash", "cs_"} {
			if strings.Contains(string(r.Body), bad) {
				t.Errorf("GET /admin/clients shows %q: %s", bad, r.Body)
			}
		}
		var page integrations.ClientList
		r.JSON(t, &page)
		if len(page.Items) > 2 {
			t.Fatalf("limit=2 gave %d items", len(page.Items))
		}
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all
		}
		if len(page.Items) == 0 {
			t.Fatalf("an empty page with a next cursor: %s", r.Body)
		}
		next = clientsPath + "?limit=2&cursor=" + url.QueryEscape(*page.NextCursor)
	}
	t.Fatal("the client list does not end")
	return nil
}

// ======== 2. Client administration ========

func TestClientAdmin(t *testing.T) {
	e := newEnv(t)
	citizen := e.app.NewCitizen()
	healthAdmin := e.app.NewStaff("health_admin", "")
	parkingAdmin := e.app.NewStaff("parking_admin", "")
	c := e.client(allScopes, uuid.NewString(), 0)
	facility := e.facility(healthAdmin.Token)

	t.Run("only admins manage clients", func(t *testing.T) {
		body := map[string]any{"name": "Sneaky", "owner_contact": "x@y.test", "scopes": []string{"health.slots:read"}}
		for name, tok := range map[string]string{"citizen": citizen.Token, "health_admin": healthAdmin.Token, "parking_admin": parkingAdmin.Token, "client": c.Token} {
			e.app.Post(clientsPath, tok, body).Problem(t, http.StatusForbidden, "")
			e.app.Get(clientsPath, tok).Problem(t, http.StatusForbidden, "")
			e.app.Do(apitest.Request{Method: http.MethodDelete, Path: clientsPath + "/" + c.ID, Token: tok}).Problem(t, http.StatusForbidden, "")
			r := e.app.Post(clientsPath+"/"+c.ID+"/secret", tok, nil)
			r.Problem(t, http.StatusForbidden, "")
			if strings.Contains(string(r.Body), "client_secret") {
				t.Errorf("%s got a secret: %s", name, r.Body)
			}
		}
		for _, r := range []*apitest.Response{e.app.Post(clientsPath, "", body), e.app.Get(clientsPath, ""), e.app.Post(clientsPath+"/"+c.ID+"/secret", "", nil)} {
			r.Problem(t, http.StatusUnauthorized, "")
		}
		// The client still works: nobody above revoked or rotated it.
		tokenOK(t, e.tokenRequest(credentials(c).Encode(), ""))
	})

	t.Run("create", func(t *testing.T) {
		r := e.createClient(map[string]any{"name": "Shifa booking desk", "owner_contact": "it@shifa.test",
			"scopes": []string{"webhooks:manage", "health.appointments:read", "webhooks:manage"}, "unit_id": facility})
		r.Want(t, http.StatusCreated)
		var cl integrations.ClientWithSecret
		r.JSON(t, &cl)
		if _, err := uuid.Parse(cl.ID); err != nil || cl.Secret == "" {
			t.Errorf("created = %s, want client_id and client_secret", r.Body)
		}
		if !slices.Equal(cl.Scopes, []string{"health.appointments:read", "webhooks:manage"}) || cl.UnitID != facility ||
			cl.Status != "active" || cl.RatePerMinute != 600 || cl.Name != "Shifa booking desk" {
			t.Errorf("created = %+v", cl.Client)
		}
		res := tokenOK(t, e.tokenRequest(credentials(&apitest.Client{ID: cl.ID, Secret: cl.Secret}).Encode(), ""))
		if res.Scope != "health.appointments:read webhooks:manage" {
			t.Errorf("token scope = %q", res.Scope)
		}
		r = e.createClient(map[string]any{"scopes": []string{"parking.permits:verify"}, "rate_per_minute": 7})
		r.Want(t, http.StatusCreated)
		if got := r.Map(t)["rate_per_minute"]; got != float64(7) {
			t.Errorf("rate_per_minute = %v, want 7", got)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		e.createClient(map[string]any{"scopes": []string{"parking.permits:verify", "parking.permits:issue"}}).Problem(t, http.StatusUnprocessableEntity, "scopes")
		e.createClient(map[string]any{"scopes": []string{"admin"}}).Problem(t, http.StatusUnprocessableEntity, "scopes")
		e.createClient(map[string]any{"scopes": []string{}}).Problem(t, http.StatusUnprocessableEntity, "scopes")
		e.createClient(map[string]any{"scopes": []string{"health.appointments:read"}}).Problem(t, http.StatusUnprocessableEntity, "unit_id")
		e.createClient(map[string]any{"scopes": []string{"health.appointments:read", "webhooks:manage"}, "unit_id": ""}).Problem(t, http.StatusUnprocessableEntity, "unit_id")
		r := e.createClient(map[string]any{"scopes": []string{"health.slots:read"}, "unit_id": "facility-7"})
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unit_id facility-7: status %d, want 400 or 422 (%s)", r.Status, r.Body)
		} else {
			r.Problem(t, r.Status, "unit_id")
		}
		e.createClient(map[string]any{"scopes": []string{"health.slots:read"}, "name": ""}).Problem(t, http.StatusUnprocessableEntity, "name")
		if r := e.app.Post(clientsPath, e.admin.Token, `{"name": "x", "owner_contact": "y", "scopes": "health.slots:read"}`); r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
			t.Errorf("scopes as a string: status %d, want 400 or 422 (%s)", r.Status, r.Body)
		} else {
			r.Problem(t, r.Status, "scopes")
		}
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: clientsPath + "/" + uuid.NewString(), Token: e.admin.Token}).Problem(t, http.StatusNotFound, "")
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: clientsPath + "/nope", Token: e.admin.Token}).Problem(t, http.StatusBadRequest, "id")
	})

	t.Run("every invalid field in one answer", func(t *testing.T) {
		r := e.createClient(map[string]any{"name": "x", "scopes": []string{"health.appointments:read", "admin"}})
		for _, field := range []string{"name", "scopes", "unit_id"} {
			r.Problem(t, http.StatusUnprocessableEntity, field)
		}
	})

	t.Run("list paginates without secrets", func(t *testing.T) {
		var made []*apitest.Client
		for range 3 {
			made = append(made, e.client([]string{"health.slots:read"}, "", 0))
		}
		all := e.listClients(t, e.admin.Token)
		seen := map[string]int{}
		for _, cl := range all {
			seen[cl.ID]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("client %s listed %d times", id, n)
			}
		}
		for _, m := range made {
			if seen[m.ID] != 1 {
				t.Errorf("client %s is not listed", m.ID)
			}
		}
		if len(all) < 5 {
			t.Errorf("%d clients listed, want every one of them", len(all))
		}
		r := e.app.Get(clientsPath+"?limit=100", e.admin.Token)
		r.Want(t, http.StatusOK)
		for _, m := range made {
			if strings.Contains(string(r.Body), m.Secret) {
				t.Errorf("GET /admin/clients shows a secret: %s", r.Body)
			}
		}
		var raw struct{ Items []map[string]any }
		r.JSON(t, &raw)
		for _, it := range raw.Items {
			for k := range it {
				if strings.Contains(k, "secret") {
					t.Errorf("a listed client has the field %q", k)
				}
			}
		}
		e.app.Get(clientsPath+"?cursor=garbage", e.admin.Token).Problem(t, http.StatusBadRequest, "cursor")
	})
}

// ======== 3. What client tokens may reach ========

func TestClientScopes(t *testing.T) {
	e := newEnv(t)
	healthAdmin := e.app.NewStaff("health_admin", "")
	f, g := e.facility(healthAdmin.Token), e.facility(healthAdmin.Token)
	slotF, slotG := e.slot(healthAdmin.Token, f), e.slot(healthAdmin.Token, g)
	citizen := e.app.NewCitizen()
	apptF := e.book(citizen.Token, slotF.ID)
	e.book(citizen.Token, slotG.ID)
	zoneID := e.zone(e.app.NewStaff("parking_admin", "").Token)

	boundToF := e.client(allScopes, f, 0)
	verifier := e.client([]string{"parking.permits:verify"}, "", 0)
	hooksOnly := e.client([]string{"webhooks:manage", "health.slots:read"}, "", 0)
	day := slotF.StartsAt.In(domain.Karachi).Format(time.DateOnly)

	t.Run("citizen and staff routes", func(t *testing.T) {
		for _, c := range []*apitest.Client{boundToF, verifier, hooksOnly} {
			refused(t, e.app.Get("/api/v1/me", c.Token), "GET /me")
			refused(t, e.app.Get("/api/v1/me/overview", c.Token), "GET /me/overview")
			refused(t, e.app.Get("/api/v1/health/appointments", c.Token), "GET /health/appointments")
			refused(t, e.app.Post("/api/v1/health/appointments", c.Token, map[string]string{"slot_id": slotF.ID}), "POST /health/appointments")
			refused(t, e.app.Get("/api/v1/health/appointments/"+apptF.ID, c.Token), "GET /health/appointments/{id}")
			refused(t, e.app.Get("/api/v1/admin/staff", c.Token), "GET /admin/staff")
			refused(t, e.app.Get("/api/v1/admin/audit", c.Token), "GET /admin/audit")
			refused(t, e.app.Get("/api/v1/admin/parking/permits", c.Token), "GET /admin/parking/permits")
			refused(t, e.app.Post("/api/v1/admin/health/appointments/"+apptF.ID+"/status", c.Token, map[string]string{"status": "checked_in"}), "POST appointment status")
			refused(t, e.app.Post("/api/v1/admin/health/facilities", c.Token, map[string]any{"name": "x"}), "POST /admin/health/facilities")
			refused(t, e.app.Get(clientsPath, c.Token), "GET /admin/clients")
		}
		var n int64
		if err := e.app.DB.Table("health_appointments").Where("slot_id = ?", slotF.ID).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%d appointments in the slot (%v), want only the citizen's", n, err)
		}
	})

	t.Run("RFC 6750 scope errors", func(t *testing.T) {
		narrowed := e.app.ClientToken(boundToF.ID, boundToF.Secret, "parking.permits:verify")
		verify := verifyPath + "?plate=ICT-ABC-123&zone_id=" + zoneID
		tests := []struct {
			name, token, method, path string
			// scope is the one the route needs, or "" where no scope opens it.
			scope string
		}{
			{"verify without parking.permits:verify", hooksOnly.Token, http.MethodGet, verify, "parking.permits:verify"},
			{"webhooks without webhooks:manage", verifier.Token, http.MethodGet, hooksPath, "webhooks:manage"},
			{"subscribe without webhooks:manage", verifier.Token, http.MethodPost, hooksPath, "webhooks:manage"},
			{"facility day without health.appointments:read", verifier.Token, http.MethodGet, clientDay + "?date=" + day, "health.appointments:read"},
			{"facility day with a token narrowed to another scope", narrowed, http.MethodGet, clientDay + "?date=" + day, "health.appointments:read"},
			{"the staff day list", boundToF.Token, http.MethodGet, dayListPath + "?facility_id=" + f + "&date=" + day, ""},
			{"a citizen's profile", boundToF.Token, http.MethodGet, "/api/v1/me", ""},
			{"a citizen's bookings", verifier.Token, http.MethodPost, "/api/v1/health/appointments", ""},
			{"client administration", boundToF.Token, http.MethodGet, clientsPath, ""},
			{"staff administration", hooksOnly.Token, http.MethodGet, "/api/v1/admin/staff", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.app.Do(apitest.Request{Method: tt.method, Path: tt.path, Token: tt.token, Body: map[string]any{}})
				r.Problem(t, http.StatusForbidden, "")
				var p web.Problem
				r.JSON(t, &p)
				challenge := r.Header.Get("WWW-Authenticate")
				if tt.scope == "" {
					if challenge != "" || !strings.Contains(p.Detail, "clients cannot use") {
						t.Errorf("WWW-Authenticate %q, detail %q; want no challenge and a detail saying clients cannot use the route", challenge, p.Detail)
					}
					return
				}
				if want := `Bearer error="insufficient_scope", scope="` + tt.scope + `"`; challenge != want {
					t.Errorf("WWW-Authenticate = %q, want %q", challenge, want)
				}
				if !strings.Contains(p.Detail, tt.scope) {
					t.Errorf("detail %q does not name the scope %s", p.Detail, tt.scope)
				}
			})
		}
		// Citizens and staff lacking a permission get a plain 403.
		for _, tok := range []string{citizen.Token, healthAdmin.Token} {
			r := e.app.Get(clientsPath, tok)
			r.Problem(t, http.StatusForbidden, "")
			if c := r.Header.Get("WWW-Authenticate"); c != "" {
				t.Errorf("a 403 for an account carries WWW-Authenticate %q", c)
			}
		}
	})

	t.Run("parking verify", func(t *testing.T) {
		for _, c := range []*apitest.Client{verifier, boundToF} {
			r := e.app.Get(verifyPath+"?plate=ICT-ABC-123&zone_id="+zoneID, c.Token)
			r.Want(t, http.StatusOK)
			var v parking.Verification
			r.JSON(t, &v)
			if v.Valid {
				t.Errorf("an unknown plate is valid: %s", r.Body)
			}
		}
		e.app.Get(verifyPath+"?plate=ICT-ABC-123&zone_id="+zoneID, hooksOnly.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(verifyPath+"?plate=ICT-ABC-123&zone_id="+zoneID, "").Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("facility appointments", func(t *testing.T) {
		r := e.app.Get(clientDay+"?date="+day, boundToF.Token)
		r.Want(t, http.StatusOK)
		var list health.IntegrationAppointmentList
		r.JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != apptF.ID {
			t.Errorf("F's day = %s, want the one appointment %s", r.Body, apptF.ID)
		}
		e.app.Get(dayListPath+"?facility_id="+f+"&date="+day, boundToF.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(dayListPath+"?facility_id="+g+"&date="+day, boundToF.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(clientDay+"?date="+day, verifier.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(clientDay+"?date="+day, hooksOnly.Token).Problem(t, http.StatusForbidden, "")

		// A token narrowed to another scope reads nothing.
		narrowed := e.app.ClientToken(boundToF.ID, boundToF.Secret, "parking.permits:verify")
		e.app.Get(clientDay+"?date="+day, narrowed).Problem(t, http.StatusForbidden, "")
	})

	t.Run("forged kind client", func(t *testing.T) {
		staff := e.app.NewStaff("health_staff", f)
		signer := token.NewSigner(apitest.Keys, "citizenapi", e.app.Clock.Now)
		forge := func(subject, audience, scope string) string {
			raw, _, err := signer.Issue(token.TypeAccess, subject, audience, time.Hour, token.Claims{Kind: "client", Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
		cases := map[string]string{
			"staff token claiming kind client":   forge(staff.ID, identity.Audience, "parking.permits:verify health.appointments:read"),
			"citizen token claiming kind client": forge(citizen.ID, identity.Audience, "parking.permits:verify health.appointments:read"),
			"client audience for a staff member": forge(staff.ID, integrations.Audience, "parking.permits:verify health.appointments:read"),
			"client audience for a citizen":      forge(citizen.ID, integrations.Audience, "parking.permits:verify"),
		}
		for name, tok := range cases {
			e.app.Get(verifyPath+"?plate=ICT-ABC-123&zone_id="+zoneID, tok).Problem(t, http.StatusUnauthorized, "")
			if r := e.app.Get(clientDay+"?date="+day, tok); r.Status != http.StatusUnauthorized {
				t.Errorf("%s on the facility's day: status %d, want 401 (%s)", name, r.Status, r.Body)
			}
			if r := e.app.Get("/api/v1/me", tok); r.Status != http.StatusUnauthorized {
				t.Errorf("%s on /me: status %d, want 401 (%s)", name, r.Status, r.Body)
			}
		}
		// A client's ID in a citizen- or staff-kind token is no client.
		for _, kind := range []string{identity.KindCitizen, identity.KindStaff} {
			tok := e.app.AccessToken(t, boundToF.ID, kind, identity.Audience, token.Claims{Scope: "parking.permits:verify"})
			e.app.Get(verifyPath+"?plate=ICT-ABC-123&zone_id="+zoneID, tok).Problem(t, http.StatusUnauthorized, "")
		}
		// The genuine tokens still work.
		e.app.Get(dayListPath+"?facility_id="+f+"&date="+day, staff.Token).Want(t, http.StatusOK)
		e.app.Get(clientDay+"?date="+day, boundToF.Token).Want(t, http.StatusOK)
	})
}

// ======== 4. Per-client rate limits ========

func TestClientRateLimit(t *testing.T) {
	e := newEnv(t)
	zoneID := e.zone(e.app.NewStaff("parking_admin", "").Token)
	verify := verifyPath + "?plate=ICT-ABC-123&zone_id=" + zoneID
	limited := e.client([]string{"parking.permits:verify"}, "", 5)
	neighbour := e.client([]string{"parking.permits:verify"}, "", 5)

	// The clock is 9.6 s into its minute, so 50.4 s of the window are left:
	// t is 51 whole seconds.
	for i := 1; i <= 5; i++ {
		r := e.app.Get(verify, limited.Token)
		r.Want(t, http.StatusOK)
		rateHeaders(t, r, 5, 5-i, 51)
	}
	r := e.app.Get(verify, limited.Token)
	r.Problem(t, http.StatusTooManyRequests, "")
	rateHeaders(t, r, 5, 0, 51)
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Fatalf("Retry-After = %q, want whole seconds up to a minute", r.Header.Get("Retry-After"))
	}
	// The clock is 9.6 s into its minute, so 50.4 s of the window are left.
	if retry < 50 || retry > 51 {
		t.Errorf("Retry-After = %d, want the rest of the minute (50.4 s)", retry)
	}
	e.app.Get(verify, limited.Token).Problem(t, http.StatusTooManyRequests, "")
	// Every client has its own count.
	e.app.Get(verify, neighbour.Token).Want(t, http.StatusOK)
	// A new token does not reset the count.
	tok := e.app.ClientToken(limited.ID, limited.Secret, "")
	e.app.Get(verify, tok).Problem(t, http.StatusTooManyRequests, "")

	t.Run("every answer to a client tells it where it stands", func(t *testing.T) {
		c := e.client([]string{"parking.permits:verify"}, "", 10)
		answers := []struct {
			path string
			want int
		}{
			{verify, http.StatusOK},
			{hooksPath, http.StatusForbidden},                                      // a scope it lacks
			{"/api/v1/me", http.StatusForbidden},                                   // no client's route
			{verifyPath + "?plate=ICT-ABC-123&zone_id=x", http.StatusBadRequest},   // a malformed zone
			{"/api/v1/health/facilities/" + uuid.NewString(), http.StatusNotFound}, // on a public route
		}
		for i, a := range answers {
			r := e.app.Get(a.path, c.Token)
			if r.Status != a.want {
				t.Errorf("GET %s: %d, want %d (%s)", a.path, r.Status, a.want, r.Body)
			}
			rateHeaders(t, r, 10, 10-1-i, 51)
		}
		// No other caller is told of a client's limit.
		citizen := e.app.NewCitizen()
		for _, r := range []*apitest.Response{e.app.Get(verify, ""), e.app.Get("/api/v1/parking/zones", ""),
			e.app.Get("/api/v1/parking/zones", citizen.Token), e.app.Get("/api/v1/me", citizen.Token)} {
			if h := r.Header.Get("RateLimit") + r.Header.Get("RateLimit-Policy"); h != "" {
				t.Errorf("%d answer without a client token carries rate-limit headers %q", r.Status, h)
			}
		}
	})

	t.Run("public routes count a client's token", func(t *testing.T) {
		c := e.client([]string{"parking.permits:verify"}, "", 3)
		for i := 1; i <= 3; i++ {
			r := e.app.Get("/api/v1/parking/zones", c.Token)
			r.Want(t, http.StatusOK)
			rateHeaders(t, r, 3, 3-i, 51)
		}
		r := e.app.Get("/api/v1/health/facilities", c.Token)
		r.Problem(t, http.StatusTooManyRequests, "")
		rateHeaders(t, r, 3, 0, 51)
		if r.Header.Get("Retry-After") != "51" {
			t.Errorf("Retry-After = %q, want 51", r.Header.Get("Retry-After"))
		}
		e.app.Get(verify, c.Token).Problem(t, http.StatusTooManyRequests, "")
		// Without the token the public route is open as ever.
		e.app.Get("/api/v1/health/facilities", "").Want(t, http.StatusOK)
	})

	t.Run("waiting Retry-After is enough", func(t *testing.T) {
		e.app.Clock.Set(itStart.Add(time.Duration(retry) * time.Second))
		if r := e.app.Get(verify, limited.Token); r.Status != http.StatusOK {
			t.Errorf("after waiting Retry-After (%d s): status %d, want 200 (%s)", retry, r.Status, r.Body)
		}
	})
	t.Run("allowed again in a later minute", func(t *testing.T) {
		// Two minutes on: a window the subtest above has not used.
		e.app.Clock.Set(itStart.Add(2 * time.Minute))
		for i := 1; i <= 5; i++ {
			e.app.Get(verify, limited.Token).Want(t, http.StatusOK)
		}
		e.app.Get(verify, limited.Token).Problem(t, http.StatusTooManyRequests, "")
	})
}

// rateHeaders checks the rate-limit headers of an answer to a client
// (draft-ietf-httpapi-ratelimit-headers): its limit per 60 s, the requests
// left and the seconds until the window ends.
func rateHeaders(t *testing.T, r *apitest.Response, limit, remaining, reset int) {
	t.Helper()
	if got, want := r.Header.Get("RateLimit-Policy"), fmt.Sprintf(`"client";q=%d;w=60`, limit); got != want {
		t.Errorf("%d answer: RateLimit-Policy = %q, want %q", r.Status, got, want)
	}
	if got, want := r.Header.Get("RateLimit"), fmt.Sprintf(`"client";r=%d;t=%d`, remaining, reset); got != want {
		t.Errorf("%d answer: RateLimit = %q, want %q", r.Status, got, want)
	}
}

// ======== 5. Webhooks ========

func TestWebhookSubscriptions(t *testing.T) {
	e := newEnv(t) // the production default: no private targets
	permits := e.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	schools := e.client([]string{"education.schools:read", "webhooks:manage"}, "", 0)
	facility := e.client([]string{"health.appointments:read", "webhooks:manage"}, uuid.NewString(), 0)
	verifier := e.client([]string{"parking.permits:verify"}, "", 0)
	const public = "https://203.0.113.10/hooks/citizenapi"

	var created integrations.SubscriptionWithSecret
	t.Run("subscribe", func(t *testing.T) {
		r := e.app.Post(hooksPath, permits.Token, map[string]any{"url": public, "events": []string{"permit.activated", "permit.revoked"}})
		r.Want(t, http.StatusCreated)
		r.JSON(t, &created)
		if created.ID == "" || len(created.Secret) < 32 || created.URL != public ||
			!slices.Equal(created.Events, []string{"permit.activated", "permit.revoked"}) {
			t.Errorf("created = %s", r.Body)
		}
		sub := e.subscribe(facility, public, "appointment.booked", "appointment.cancelled")
		if sub.Secret == created.Secret {
			t.Error("two subscriptions share a signing secret")
		}

		r = e.app.Get(hooksPath, permits.Token)
		r.Want(t, http.StatusOK)
		var list integrations.SubscriptionList
		r.JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != created.ID {
			t.Errorf("GET /integrations/webhooks = %s, want only the client's own subscription", r.Body)
		}
		if strings.Contains(string(r.Body), created.Secret) || strings.Contains(string(r.Body), `"secret"`) {
			t.Errorf("the list shows the signing secret: %s", r.Body)
		}
	})

	t.Run("events", func(t *testing.T) {
		sub := func(c *apitest.Client, events ...string) *apitest.Response {
			return e.app.Post(hooksPath, c.Token, map[string]any{"url": public, "events": events})
		}
		// A scope the client lacks.
		sub(permits, "appointment.booked").Problem(t, http.StatusUnprocessableEntity, "events")
		sub(permits, "permit.activated", "application.decided").Problem(t, http.StatusUnprocessableEntity, "events")
		sub(facility, "permit.activated").Problem(t, http.StatusUnprocessableEntity, "events")
		// A unit-bound event for a client bound to no school.
		sub(schools, "application.decided").Problem(t, http.StatusUnprocessableEntity, "events")
		// Unknown events.
		sub(permits, "permit.exploded").Problem(t, http.StatusUnprocessableEntity, "events")
		sub(permits, "*").Problem(t, http.StatusUnprocessableEntity, "events")
		sub(permits).Problem(t, http.StatusUnprocessableEntity, "events")
		// A token narrowed away from the event's scope.
		narrowed := &apitest.Client{Token: e.app.ClientToken(permits.ID, permits.Secret, "webhooks:manage")}
		sub(narrowed, "permit.activated").Problem(t, http.StatusUnprocessableEntity, "events")
		// Every field at fault is named at once: the unknown event and the URL.
		r := e.app.Post(hooksPath, permits.Token, map[string]any{"url": "ftp://203.0.113.10/hooks", "events": []string{"permit.activated", "permit.exploded"}})
		r.Problem(t, http.StatusUnprocessableEntity, "events")
		r.Problem(t, http.StatusUnprocessableEntity, "url")
		r = e.app.Post(hooksPath, permits.Token, map[string]any{"url": "https://127.0.0.1/x", "events": []string{"appointment.booked"}})
		r.Problem(t, http.StatusUnprocessableEntity, "events")
		r.Problem(t, http.StatusUnprocessableEntity, "url")
		// Without webhooks:manage there is no subscribing at all.
		sub(verifier, "permit.activated").Problem(t, http.StatusForbidden, "")
		e.app.Get(hooksPath, verifier.Token).Problem(t, http.StatusForbidden, "")
		narrowed = &apitest.Client{Token: e.app.ClientToken(permits.ID, permits.Secret, "parking.permits:verify")}
		sub(narrowed, "permit.activated").Problem(t, http.StatusForbidden, "")
		// Citizens and staff have no webhooks.
		sub(&apitest.Client{Token: e.admin.Token}, "permit.activated").Problem(t, http.StatusForbidden, "")
		sub(&apitest.Client{}, "permit.activated").Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("SSRF", func(t *testing.T) {
		urls := []string{
			"http://example.com/hooks", // not https (refused before any lookup)
			"http://203.0.113.10/hooks",
			"https://127.0.0.1/x",
			"https://127.0.0.1:8443/x",
			"https://10.0.0.5/",
			"https://172.16.0.1/",
			"https://192.168.1.10/",
			"https://100.64.0.1/",
			"https://0.0.0.0/",
			"https://169.254.169.254/latest/meta-data",
			"https://[::1]/",
			"https://[::ffff:127.0.0.1]/",
			"https://[::ffff:169.254.169.254]/latest/meta-data",
			"https://[2002:a9fe:a9fe::1]/latest/meta-data", // 6to4 of the metadata address
			"https://[64:ff9b:1::a9fe:a9fe]/",              // NAT64, local-use prefix
			"https://[2001:0:a9fe:a9fe::1]/",               // Teredo
			"https://[fd00::1]/",
			"https://[fe80::1]/",
			"https://localhost/",
			"https://localhost:9443/hooks",
			"https://user:pass@203.0.113.10/hooks",
			"ftp://203.0.113.10/hooks",
			"/hooks",
			"",
		}
		for _, u := range urls {
			r := e.app.Post(hooksPath, permits.Token, map[string]any{"url": u, "events": []string{"permit.activated"}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("url %q: status %d, want 422 (%s)", u, r.Status, r.Body)
				continue
			}
			r.Problem(t, http.StatusUnprocessableEntity, "url")
		}
		var n int64
		if err := e.app.DB.Table("webhook_subscriptions").Where("client_id = ? AND status = 'active'", permits.ID).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%d active subscriptions (%v), want only the first one", n, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		other := e.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/" + created.ID, Token: other.Token}).Problem(t, http.StatusNotFound, "")
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/" + uuid.NewString(), Token: permits.Token}).Problem(t, http.StatusNotFound, "")
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/nope", Token: permits.Token}).Problem(t, http.StatusBadRequest, "id")
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/" + created.ID, Token: permits.Token}).Want(t, http.StatusNoContent)
		e.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/" + created.ID, Token: permits.Token}).Problem(t, http.StatusNotFound, "")
		r := e.app.Get(hooksPath, permits.Token)
		r.Want(t, http.StatusOK)
		if strings.Contains(string(r.Body), created.ID) {
			t.Errorf("a deleted subscription is listed: %s", r.Body)
		}
	})
}

// webhookEnv is a server whose webhooks may reach this machine, with a
// zone and a citizen to buy permits in it.
type webhookEnv struct {
	*env
	zoneID  string
	citizen *apitest.Citizen
}

func newWebhookEnv(t *testing.T) *webhookEnv {
	e := newEnv(t, privateTargets)
	w := &webhookEnv{env: e, citizen: e.app.NewCitizen()}
	w.zoneID = e.zone(e.app.NewStaff("parking_admin", "").Token)
	return w
}

// permit buys and pays a permit; the citizen signs in again first, since
// tests move the clock past the 15-minute access tokens.
func (w *webhookEnv) permit() parking.Permit {
	w.t.Helper()
	w.citizen.Token = w.app.AccessToken(w.t, w.citizen.ID, identity.KindCitizen, identity.Audience, token.Claims{})
	return w.activePermit(w.citizen.Token, w.zoneID)
}

func TestWebhookPermitActivated(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusNoContent))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL+"/hooks?source=citizenapi", "permit.activated")
	// A subscription to another event hears nothing of this one.
	quiet := newReceiver(t, always(http.StatusNoContent))
	w.subscribe(c, quiet.URL, "permit.revoked")

	p := w.permit()
	sentAt := w.app.Clock.Now()
	if n := w.dispatch(); n != 1 {
		t.Errorf("dispatch handled %d deliveries, want 1", n)
	}
	w.app.Clock.Advance(time.Hour)
	w.dispatch() // nothing is sent twice
	w.app.Clock.Set(sentAt)

	hits := rc.received()
	if len(hits) != 1 {
		t.Fatalf("the receiver got %d requests, want exactly 1", len(hits))
	}
	if n := len(quiet.received()); n != 0 {
		t.Errorf("the permit.revoked subscription got %d requests", n)
	}
	h := hits[0]
	if h.Method != http.MethodPost || !strings.HasPrefix(h.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s with Content-Type %q, want a JSON POST", h.Method, h.Header.Get("Content-Type"))
	}
	ev := event(t, h.Body)
	want := webhook.PermitEventData{PermitID: p.ID, Plate: p.Plate, ZoneID: w.zoneID, PermitType: p.PermitType, ValidFrom: p.StartDate, ValidTo: p.EndDate}
	if ev.Type != "permit.activated" || ev.Data != want || !ev.CreatedAt.Equal(sentAt) {
		t.Errorf("event = %s, want permit.activated created at %s with data %+v", h.Body, sentAt, want)
	}
	if id := h.Header.Get("webhook-id"); id == "" || id != ev.ID {
		t.Errorf("webhook-id = %q, want the event ID %q", id, ev.ID)
	}
	if ts := h.Header.Get("webhook-timestamp"); ts != strconv.FormatInt(sentAt.Unix(), 10) {
		t.Errorf("webhook-timestamp = %q, want %d", ts, sentAt.Unix())
	}
	if sig := h.Header.Get("webhook-signature"); !signaturePattern.MatchString(sig) {
		t.Errorf("webhook-signature = %q, want v1,<standard base64 of 32 bytes>", sig)
	}
	if !secretPattern.MatchString(sub.Secret) {
		t.Errorf("secret = %q, want whsec_ and the standard base64 of 32 bytes", sub.Secret)
	}
	if err := signed(t, sub.Secret, h); err != nil {
		t.Errorf("the signature does not verify with the subscription's secret: %v", err)
	}
	tampered := hit{Header: h.Header, Body: []byte(strings.Replace(string(h.Body), p.Plate, "ICT-ZZZ-1", 1))}
	if err := signed(t, sub.Secret, tampered); err == nil {
		t.Error("a tampered body verifies")
	}
	other := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	if otherSub := w.subscribe(other, quiet.URL, "permit.revoked"); signed(t, otherSub.Secret, h) == nil {
		t.Error("another subscription's secret verifies the signature")
	}

	d := w.onlyDelivery(c, sub.ID)
	if d.Status != "delivered" || d.Attempts != 1 || d.LastStatus != http.StatusNoContent || d.EventID != ev.ID ||
		d.EventType != "permit.activated" || d.DeliveredAt == nil || d.NextAttemptAt != nil {
		t.Errorf("delivery = %+v", d)
	}
}

// TestWebhookStandardLibrary checks real deliveries with the Standard
// Webhooks reference library, as an integrator's receiver would, on the
// wall clock it reads: a delivery verifies; a tampered body, a wrong secret
// and an old timestamp fail. A subscription whose secret is in the earlier
// URL-safe form keeps receiving, signed with the same key bytes.
func TestWebhookStandardLibrary(t *testing.T) {
	e := newEnv(t, privateTargets)
	e.app.Clock.Set(time.Now())
	e.admin = e.app.NewStaff("admin", "") // signed in on the new clock
	w := &webhookEnv{env: e, citizen: e.app.NewCitizen()}
	w.zoneID = e.zone(e.app.NewStaff("parking_admin", "").Token)
	rc, legacyRC := newReceiver(t, always(http.StatusNoContent)), newReceiver(t, always(http.StatusNoContent))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")
	legacy := w.subscribe(c, legacyRC.URL, "permit.activated")
	key := bytes.Repeat([]byte{0xfb, 0xef, 0xff}, 11)[:32] // URL-safe base64 "--__…", standard "++//…"
	if err := w.app.DB.Exec("UPDATE webhook_subscriptions SET secret_sealed = ? WHERE id = ?",
		webhook.SealSecret(apitest.PII, "whsec_"+base64.RawURLEncoding.EncodeToString(key)), legacy.ID).Error; err != nil {
		t.Fatalf("store the legacy secret: %v", err)
	}
	verifier := func(secret string) *standardwebhooks.Webhook {
		t.Helper()
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatalf("the library refuses the secret %q: %v", secret, err)
		}
		return wh
	}
	wrongSecret, _ := webhook.NewSecret()

	w.permit()
	if n := w.dispatch(); n != 2 {
		t.Fatalf("dispatch handled %d deliveries, want 2", n)
	}
	hits, legacyHits := rc.received(), legacyRC.received()
	if len(hits) != 1 || len(legacyHits) != 1 {
		t.Fatalf("the receivers got %d and %d requests, want 1 each", len(hits), len(legacyHits))
	}
	h := hits[0]
	if err := verifier(sub.Secret).Verify(h.Body, h.Header); err != nil {
		t.Errorf("a delivery does not verify: %v", err)
	}
	tampered := bytes.Replace(h.Body, []byte(`"permit.activated"`), []byte(`"permit.revoked"`), 1)
	if err := verifier(sub.Secret).Verify(tampered, h.Header); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Errorf("a tampered body: %v, want %v", err, standardwebhooks.ErrNoMatchingSignature)
	}
	if err := verifier(wrongSecret).Verify(h.Body, h.Header); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Errorf("a wrong secret: %v, want %v", err, standardwebhooks.ErrNoMatchingSignature)
	}
	if err := verifier("whsec_"+base64.StdEncoding.EncodeToString(key)).Verify(legacyHits[0].Body, legacyHits[0].Header); err != nil {
		t.Errorf("the legacy subscription's delivery does not verify with its key bytes: %v", err)
	}

	// A delivery sent six minutes ago, past the library's five.
	w.app.Clock.Set(time.Now().Add(-6 * time.Minute))
	w.permit()
	w.dispatch()
	if hits = rc.received(); len(hits) != 2 {
		t.Fatalf("the receiver got %d requests, want 2", len(hits))
	}
	old := hits[1]
	if err := verifier(sub.Secret).Verify(old.Body, old.Header); !errors.Is(err, standardwebhooks.ErrMessageTooOld) {
		t.Errorf("an old timestamp: %v, want %v", err, standardwebhooks.ErrMessageTooOld)
	}
	if err := verifier(sub.Secret).VerifyIgnoringTimestamp(old.Body, old.Header); err != nil {
		t.Errorf("the old delivery's signature itself: %v, want it valid", err)
	}
}

func TestWebhookRetries(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")
	w.permit()

	if n := w.dispatch(); n != 1 {
		t.Fatalf("first dispatch handled %d, want 1", n)
	}
	first := w.app.Clock.Now()
	d := w.onlyDelivery(c, sub.ID)
	if d.Status != "pending" || d.Attempts != 1 || d.LastStatus != http.StatusInternalServerError || d.LastError == "" ||
		d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(first.Add(webhook.Backoff(1))) {
		t.Fatalf("after one failure: %+v, want pending, 1 attempt, last_status 500, next try at %s", d, first.Add(webhook.Backoff(1)))
	}
	// Not before its time.
	w.app.Clock.Advance(webhook.Backoff(1) - time.Second)
	if n := w.dispatch(); n != 0 || len(rc.received()) != 1 {
		t.Fatalf("retried %s early", time.Second)
	}
	w.app.Clock.Set(d.NextAttemptAt.Add(time.Second))
	if n := w.dispatch(); n != 1 {
		t.Fatalf("second dispatch handled %d, want 1", n)
	}
	second := w.app.Clock.Now()
	d = w.onlyDelivery(c, sub.ID)
	if d.Status != "pending" || d.Attempts != 2 || d.LastStatus != http.StatusInternalServerError ||
		d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(second.Add(webhook.Backoff(2))) {
		t.Fatalf("after two failures: %+v, want 2 attempts, next try at %s", d, second.Add(webhook.Backoff(2)))
	}
	w.app.Clock.Set(d.NextAttemptAt.Add(time.Second))
	if n := w.dispatch(); n != 1 {
		t.Fatalf("third dispatch handled %d, want 1", n)
	}
	d = w.onlyDelivery(c, sub.ID)
	if d.Status != "delivered" || d.Attempts != 3 || d.LastStatus != http.StatusNoContent || d.LastError != "" ||
		d.NextAttemptAt != nil || d.DeliveredAt == nil || !d.DeliveredAt.Equal(w.app.Clock.Now()) {
		t.Errorf("after the success: %+v", d)
	}
	w.app.Clock.Advance(2 * time.Hour)
	w.dispatch()
	hits := rc.received()
	if len(hits) != 3 {
		t.Fatalf("the receiver got %d requests, want 3", len(hits))
	}
	for i, h := range hits {
		if h.Header.Get("webhook-id") != hits[0].Header.Get("webhook-id") || string(h.Body) != string(hits[0].Body) {
			t.Errorf("try %d carries another event: %s %s", i+1, h.Header.Get("webhook-id"), h.Body)
		}
		if err := signed(t, sub.Secret, h); err != nil || i > 0 && h.Header.Get("webhook-timestamp") == hits[i-1].Header.Get("webhook-timestamp") {
			t.Errorf("try %d is not signed afresh: %v", i+1, err)
		}
	}
}

func TestWebhookGivesUpAfterADay(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusServiceUnavailable))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")
	w.permit()
	created := w.app.Clock.Now()

	tries := 0
	for range 200 {
		if w.dispatch() == 0 {
			break
		}
		tries++
		w.app.Clock.Advance(webhook.Backoff(tries) + time.Second)
	}
	hits := rc.received()
	if len(hits) != tries || tries < 20 || tries > 40 {
		t.Fatalf("%d tries reached the receiver %d times, want about 30 in a day", tries, len(hits))
	}
	last, _ := strconv.ParseInt(hits[len(hits)-1].Header.Get("webhook-timestamp"), 10, 64)
	lastAt := time.Unix(last, 0)
	if lastAt.Sub(created) > 24*time.Hour {
		t.Errorf("the last try came %s after the event, past the day", lastAt.Sub(created))
	}
	if lastAt.Add(webhook.Backoff(tries)).Sub(created) <= 24*time.Hour-time.Second {
		t.Errorf("gave up at %s although the next try (%s later) fell within the day", lastAt.Sub(created), webhook.Backoff(tries))
	}
	w.app.Clock.Advance(48 * time.Hour)
	if n := w.dispatch(); n != 0 || len(rc.received()) != tries {
		t.Errorf("a failed delivery was sent again")
	}
	w.refresh(c)
	d := w.onlyDelivery(c, sub.ID)
	if d.Status != "failed" || d.Attempts != tries || d.LastStatus != http.StatusServiceUnavailable || d.LastError == "" ||
		d.NextAttemptAt != nil || d.DeliveredAt != nil {
		t.Errorf("delivery = %+v, want failed after %d attempts with last_status 503", d, tries)
	}
}

func TestWebhookRedeliver(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusOK))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")
	w.permit()
	w.dispatch()
	first := w.onlyDelivery(c, sub.ID)
	if first.Status != "delivered" {
		t.Fatalf("delivery = %+v", first)
	}
	redeliver := hooksPath + "/" + sub.ID + "/deliveries/" + first.ID + "/redeliver"

	// Another client can neither see nor redeliver it.
	other := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	otherSub := w.subscribe(other, rc.URL, "permit.activated")
	w.app.Get(hooksPath+"/"+sub.ID+"/deliveries", other.Token).Problem(t, http.StatusNotFound, "")
	w.app.Post(redeliver, other.Token, nil).Problem(t, http.StatusNotFound, "")
	w.app.Post(hooksPath+"/"+otherSub.ID+"/deliveries/"+first.ID+"/redeliver", other.Token, nil).Problem(t, http.StatusNotFound, "")
	w.app.Post(hooksPath+"/"+sub.ID+"/deliveries/"+uuid.NewString()+"/redeliver", c.Token, nil).Problem(t, http.StatusNotFound, "")
	w.app.Post(hooksPath+"/"+sub.ID+"/deliveries/nope/redeliver", c.Token, nil).Problem(t, http.StatusBadRequest, "delivery_id")
	w.app.Get(hooksPath+"/nope/deliveries", c.Token).Problem(t, http.StatusBadRequest, "id")
	if ds := w.deliveries(other, otherSub.ID); len(ds) != 0 {
		t.Errorf("a subscription made after the event has deliveries: %+v", ds)
	}
	if len(rc.received()) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(rc.received()))
	}

	w.app.Clock.Advance(10 * time.Minute)
	r := w.app.Post(redeliver, c.Token, nil)
	r.Want(t, http.StatusAccepted)
	var again integrations.Delivery
	r.JSON(t, &again)
	if again.ID == first.ID || again.EventID != first.EventID || again.Status != "pending" || again.Attempts != 0 {
		t.Errorf("redelivery = %s, want a new pending delivery of event %s", r.Body, first.EventID)
	}
	if n := w.dispatch(); n != 1 {
		t.Errorf("dispatch handled %d, want the redelivery", n)
	}
	hits := rc.received()
	if len(hits) != 2 {
		t.Fatalf("the receiver got %d requests, want 2", len(hits))
	}
	if id := hits[1].Header.Get("webhook-id"); id != first.EventID || id != hits[0].Header.Get("webhook-id") || string(hits[1].Body) != string(hits[0].Body) {
		t.Errorf("redelivered webhook-id %q, body %s; want event %s again", id, hits[1].Body, first.EventID)
	}
	if ts := hits[1].Header.Get("webhook-timestamp"); ts != strconv.FormatInt(w.app.Clock.Now().Unix(), 10) {
		t.Errorf("the redelivery's webhook-timestamp = %s, want its own time %d", ts, w.app.Clock.Now().Unix())
	}
	if err := signed(t, sub.Secret, hits[1]); err != nil {
		t.Errorf("the redelivery's signature: %v", err)
	}
	ds := w.deliveries(c, sub.ID)
	if len(ds) != 2 || ds[0].ID != again.ID || ds[1].ID != first.ID || ds[0].Status != "delivered" {
		t.Errorf("delivery log = %+v, want the redelivery (delivered) then the first", ds)
	}
}

func TestWebhookFacilityEvents(t *testing.T) {
	e := newEnv(t, privateTargets)
	healthAdmin := e.app.NewStaff("health_admin", "")
	f, g := e.facility(healthAdmin.Token), e.facility(healthAdmin.Token)
	slotF := e.slot(healthAdmin.Token, f)
	atF, atG := newReceiver(t, always(http.StatusNoContent)), newReceiver(t, always(http.StatusNoContent))
	clientF := e.client([]string{"health.appointments:read", "webhooks:manage"}, f, 0)
	clientG := e.client([]string{"health.appointments:read", "webhooks:manage"}, g, 0)
	subF := e.subscribe(clientF, atF.URL, "appointment.booked")
	subG := e.subscribe(clientG, atG.URL, "appointment.booked")

	citizen := e.app.NewCitizen()
	appt := e.book(citizen.Token, slotF.ID)
	e.dispatch()

	hits := atF.received()
	if len(hits) != 1 {
		t.Fatalf("F's client got %d requests, want 1", len(hits))
	}
	if n := len(atG.received()); n != 0 {
		t.Errorf("G's client got %d requests about F's appointment", n)
	}
	ev := event(t, hits[0].Body)
	if data, _ := ev.Data.(webhook.AppointmentEventData); ev.Type != "appointment.booked" || data.AppointmentID != appt.ID || data.FacilityID != f || data.SlotID != slotF.ID {
		t.Errorf("event = %s", hits[0].Body)
	}
	for _, personal := range []string{citizen.CNIC, citizen.Phone, citizen.ID, "Test Citizen"} {
		if strings.Contains(string(hits[0].Body), personal) {
			t.Errorf("the event carries the patient's %q: %s", personal, hits[0].Body)
		}
	}
	if err := signed(t, subF.Secret, hits[0]); err != nil {
		t.Errorf("the signature: %v", err)
	}
	if ds := e.deliveries(clientG, subG.ID); len(ds) != 0 {
		t.Errorf("G's subscription logged deliveries: %+v", ds)
	}
}

// TestWebhookEventData makes every event type happen through the API and
// checks each one's delivered data: of the type webhook.EventTypes names
// for it, with the values and JSON types of the API's own resources
// (queue_number a number, times RFC 3339, dates YYYY-MM-DD).
// offerEvents has a seat offered from a doctor's full day at one
// facility and accepted, and another offered at a second facility and left
// to lapse, each heard by a client bound to its facility, so that each
// offer event is delivered once. It returns the events' data.
func (e *env) offerEvents(hooks string) (made, accepted, lapsed webhook.OfferEventData) {
	e.t.Helper()
	offer := func(events ...string) (string, webhook.OfferEventData) {
		facility := e.app.Facility()
		e.subscribe(e.client([]string{"waitlists:read", "webhooks:manage"}, facility, 0), hooks, events...)
		pr := e.app.Practitioner(facility)
		e.app.Schedule(pr, 2, 2, "11:00", "11:30", 30, 1)
		holder, waiter := e.app.NewCitizen(), e.app.NewCitizen()
		appt := e.app.Book(holder, e.app.Slot(pr, e.app.At(2, 11, 0)).ID, "")
		e.app.Post("/api/v1/health/waitlist", waiter.Token, map[string]string{"practitioner_id": pr, "date": e.app.Day(2)}).Want(e.t, http.StatusCreated)
		e.app.Post("/api/v1/health/appointments/"+appt.ID+"/cancel", holder.Token, nil).Want(e.t, http.StatusOK)
		var mine struct{ Items []offers.EntryView }
		e.app.Get("/api/v1/me/waitlists", waiter.Token).Want(e.t, http.StatusOK).JSON(e.t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].Offer == nil {
			e.t.Fatalf("the waiter's lines: %+v, want one with an offer", mine.Items)
		}
		o := mine.Items[0].Offer
		return waiter.Token, webhook.OfferEventData{OfferID: o.ID, Service: "health", UnitID: facility, Status: "offered", ExpiresAt: o.ExpiresAt}
	}
	var token string
	token, made = offer("offer.made", "offer.accepted")
	var got offers.OfferView
	e.app.Post("/api/v1/me/offers/"+made.OfferID+"/accept", token, nil).Want(e.t, http.StatusOK).JSON(e.t, &got)
	accepted = made
	accepted.Status, accepted.ResultID = "accepted", got.ResultID

	_, lapsed = offer("offer.lapsed")
	e.app.SetClock(lapsed.ExpiresAt)
	if _, err := e.app.Server.Modules().Offers.Sweep(context.Background()); err != nil {
		e.t.Fatalf("sweep: %v", err)
	}
	lapsed.Status = "lapsed"
	return made, accepted, lapsed
}

// lotteryEvent draws a lottery for one seat and two applications at a
// school of its own, heard by an unbound client, and returns the event's
// expected data.
func (e *env) lotteryEvent(educationAdmin, hooks string) webhook.LotteryEventData {
	e.t.Helper()
	school, year := e.school(educationAdmin)
	e.app.Do(apitest.Request{Method: http.MethodPut, Path: "/api/v1/admin/education/schools/" + school + "/seats", Token: educationAdmin,
		Body: map[string]any{"academic_year": year, "grade": 1, "seats": 1}}).Want(e.t, http.StatusOK)
	for range 2 {
		parent := e.app.NewCitizen()
		child := e.app.Post("/api/v1/me/dependants", parent.Token, map[string]string{
			"full_name": "Integrations Test Child", "relation": "child", "date_of_birth": "2019-01-15", "gender": "male",
		}).Want(e.t, http.StatusCreated).Map(e.t)["id"]
		e.app.Post("/api/v1/education/applications", parent.Token, map[string]any{"school_id": school, "academic_year": year, "grade": 1, "child_id": child}).
			Want(e.t, http.StatusCreated)
	}
	e.subscribe(e.client([]string{"education.schools:read", "webhooks:manage"}, "", 0), hooks, "lottery.drawn")
	const seed = "integrations test seed 3f9a0c7e"
	var l education.Lottery
	e.app.Post("/api/v1/admin/education/lotteries", educationAdmin, map[string]any{"school_id": school, "academic_year": year, "grade": 1,
		"commitment": education.Commitment(seed)}).Want(e.t, http.StatusCreated).JSON(e.t, &l)
	e.app.Post("/api/v1/admin/education/lotteries/"+l.ID+"/draw", educationAdmin, map[string]string{"seed": seed}).Want(e.t, http.StatusOK)
	return webhook.LotteryEventData{LotteryID: l.ID, SchoolID: school, Grade: 1, AcademicYear: year, Accepted: 1, Waitlisted: 1}
}

func TestWebhookEventData(t *testing.T) {
	e := newEnv(t, privateTargets)
	healthAdmin, parkingAdmin := e.app.NewStaff("health_admin", ""), e.app.NewStaff("parking_admin", "")
	educationAdmin := e.app.NewStaff("education_admin", "")
	facility := e.facility(healthAdmin.Token)
	slot := e.slot(healthAdmin.Token, facility)
	zone := e.zone(parkingAdmin.Token)
	school, year := e.school(educationAdmin.Token)
	rc := newReceiver(t, always(http.StatusNoContent))
	e.subscribe(e.client([]string{"health.appointments:read", "webhooks:manage"}, facility, 0), rc.URL, "appointment.booked", "appointment.cancelled")
	e.subscribe(e.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0), rc.URL, "permit.activated", "permit.revoked")
	e.subscribe(e.client([]string{"education.schools:read", "webhooks:manage"}, school, 0), rc.URL, "application.decided")
	e.subscribe(e.client([]string{"traffic.challans:lookup", "traffic.advisories:read", "webhooks:manage"}, "", 0), rc.URL,
		"challan.issued", "challan.contested", "challan.decided", "challan.paid", "advisory.published")

	citizen := e.app.NewCitizen()
	appt := e.book(citizen.Token, slot.ID)
	e.app.Post("/api/v1/health/appointments/"+appt.ID+"/cancel", citizen.Token, nil).Want(t, http.StatusOK)
	p := e.activePermit(citizen.Token, zone)
	e.app.Post("/api/v1/admin/parking/permits/"+p.ID+"/revoke", parkingAdmin.Token, map[string]string{"reason": "Forged residence proof"}).Want(t, http.StatusOK)
	a := e.acceptedApplication(citizen.Token, educationAdmin.Token, school, year)

	// One challan on the citizen's plate through its life, so that each
	// challan event happens once: issued by the sector's officer, contested
	// by the citizen, upheld by the traffic admin, then paid.
	sectorID, sectorCode := e.sector()
	trafficAdmin, officer := e.app.NewStaff("traffic_admin", ""), e.app.NewStaff("traffic_officer", sectorID)
	offence := e.offence(trafficAdmin.Token)
	var issued, contested, decided, paid traffic.Challan
	e.app.Post("/api/v1/admin/traffic/challans", officer.Token, map[string]any{"plate": p.Plate, "offence_code": offence.Code,
		"place": "Jinnah Avenue at the Blue Area signal", "sector": sectorCode, "occurred_at": e.app.Clock.Now().Format(time.RFC3339Nano)}).
		Want(t, http.StatusCreated).JSON(t, &issued)
	e.app.Post("/api/v1/traffic/challans/"+issued.ID+"/contest", citizen.Token, map[string]string{"statement": "My car was parked at home at that time."}).
		Want(t, http.StatusOK).JSON(t, &contested)
	e.app.Post("/api/v1/admin/traffic/challans/"+issued.ID+"/decision", trafficAdmin.Token, map[string]string{"decision": "upheld", "note": "The photo shows the plate."}).
		Want(t, http.StatusOK).JSON(t, &decided)
	e.app.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/traffic/challans/" + issued.ID + "/payments", Token: citizen.Token,
		Body: map[string]string{"method": "sandbox", "payment_token": "tok_visa"}, Header: map[string]string{"Idempotency-Key": uuid.NewString()}}).
		Want(t, http.StatusOK).JSON(t, &paid)
	if issued.Status != "issued" || contested.Status != "contested" || decided.Status != "issued" || paid.Status != "paid" {
		t.Fatalf("the challan went %s, %s, %s, %s; want issued, contested, issued, paid", issued.Status, contested.Status, decided.Status, paid.Status)
	}
	start := e.app.Clock.Now().Add(time.Hour).Truncate(time.Second)
	var advisory traffic.Advisory
	e.app.Post("/api/v1/admin/traffic/advisories", trafficAdmin.Token, map[string]any{"kind": "diversion", "title": "Jinnah Avenue diverted",
		"title_ur": "جناح ایونیو کا راستہ تبدیل", "body": "Use Khayaban-e-Iqbal.", "body_ur": "خیابانِ اقبال استعمال کریں۔", "sectors": []string{sectorCode},
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339)}).Want(t, http.StatusCreated).JSON(t, &advisory)
	made, accepted, lapsed := e.offerEvents(rc.URL)
	drawn := e.lotteryEvent(educationAdmin.Token, rc.URL)
	e.dispatch()

	booked := webhook.AppointmentEventData{AppointmentID: appt.ID, SlotID: slot.ID, FacilityID: facility, PractitionerID: slot.PractitionerID,
		StartsAt: slot.StartsAt, QueueNumber: appt.QueueNumber, Status: "booked"}
	cancelled := booked
	cancelled.Status = "cancelled"
	permit := webhook.PermitEventData{PermitID: p.ID, Plate: p.Plate, ZoneID: zone, PermitType: p.PermitType, ValidFrom: p.StartDate, ValidTo: p.EndDate}
	want := map[string]any{
		"appointment.booked": booked, "appointment.cancelled": cancelled, "permit.activated": permit, "permit.revoked": permit,
		"application.decided": webhook.ApplicationEventData{ApplicationID: a.ID, SchoolID: school, Grade: 1, AcademicYear: year, Status: "accepted"},
		"challan.issued":      challanEvent(issued), "challan.contested": challanEvent(contested),
		"challan.decided": challanEvent(decided), "challan.paid": challanEvent(paid),
		"advisory.published": webhook.AdvisoryEventData{AdvisoryID: advisory.ID, Kind: "diversion", Title: advisory.Title, Sectors: []string{sectorCode},
			StartsAt: start, EndsAt: start.Add(3 * time.Hour)},
		"offer.made": made, "offer.accepted": accepted, "offer.lapsed": lapsed, "lottery.drawn": drawn,
	}
	got := map[string]any{}
	for _, h := range rc.received() {
		ev := event(t, h.Body)
		if _, twice := got[ev.Type]; twice {
			t.Errorf("%s delivered twice", ev.Type)
		}
		got[ev.Type] = ev.Data
	}
	for _, et := range webhook.EventTypes {
		gotJSON, _ := json.Marshal(got[et.Name])
		wantJSON, _ := json.Marshal(want[et.Name])
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s data = %s, want %s", et.Name, gotJSON, wantJSON)
		}
	}
	if len(got) != len(webhook.EventTypes) {
		t.Errorf("%d event types delivered, want all %d", len(got), len(webhook.EventTypes))
	}
}

func TestWebhookUnsubscribeStopsDeliveries(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusBadGateway))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")
	keep := newReceiver(t, always(http.StatusNoContent))
	kept := w.subscribe(c, keep.URL, "permit.activated")

	w.permit() // tried once below, then pending a retry
	w.dispatch()
	w.permit() // never tried
	if n := len(rc.received()); n != 1 {
		t.Fatalf("the receiver got %d requests, want 1", n)
	}
	w.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/" + sub.ID, Token: c.Token}).Want(t, http.StatusNoContent)
	w.app.Get(hooksPath+"/"+sub.ID+"/deliveries", c.Token).Problem(t, http.StatusNotFound, "")

	for range 5 {
		w.app.Clock.Advance(time.Hour)
		w.dispatch()
	}
	w.permit() // after the deletion: no delivery at all
	w.dispatch()
	if n := len(rc.received()); n != 1 {
		t.Errorf("the deleted subscription's receiver got %d requests, want only the one before the deletion", n)
	}
	var pending int64
	if err := w.app.DB.Table("webhook_deliveries").Where("subscription_id = ? AND status = 'pending'", sub.ID).Count(&pending).Error; err != nil || pending != 0 {
		t.Errorf("%d deliveries of the deleted subscription still pending (%v)", pending, err)
	}
	var dropped []string
	if err := w.app.DB.Table("webhook_deliveries").Where("subscription_id = ? AND attempts = 0", sub.ID).Pluck("last_error", &dropped).Error; err != nil ||
		len(dropped) != 1 || dropped[0] != webhook.Ended {
		t.Errorf("the untried delivery's last_error = %q (%v), want [%s]", dropped, err, webhook.Ended)
	}
	// The other subscription got all three.
	w.refresh(c)
	if n := len(keep.received()); n != 3 {
		t.Errorf("the remaining subscription's receiver got %d requests, want 3", n)
	}
	if ds := w.deliveries(c, kept.ID); len(ds) != 3 {
		t.Errorf("the remaining subscription logged %d deliveries, want 3", len(ds))
	}
}

// TestWebhookPermitAudience checks who hears of a zone's permit: clients
// with the scope bound to no unit or to that zone, and no one else.
func TestWebhookPermitAudience(t *testing.T) {
	w := newWebhookEnv(t)
	otherZone := w.zone(w.app.NewStaff("parking_admin", "").Token)
	type listener struct {
		name string
		rc   *receiver
		want int
	}
	var listeners []listener
	listen := func(name string, scopes []string, unit string, events []string, want int) *apitest.Client {
		rc := newReceiver(t, always(http.StatusNoContent))
		c := w.client(scopes, unit, 0)
		w.subscribe(c, rc.URL, events...)
		listeners = append(listeners, listener{name, rc, want})
		return c
	}
	both := []string{"parking.permits:verify", "webhooks:manage"}
	listen("unbound", both, "", []string{"permit.activated"}, 1)
	listen("bound to the zone", both, w.zoneID, []string{"permit.revoked", "permit.activated"}, 1)
	listen("bound to another zone", both, otherZone, []string{"permit.activated"}, 0)
	listen("subscribed to permit.revoked only", both, w.zoneID, []string{"permit.revoked"}, 0)
	revoked := listen("revoked client", both, "", []string{"permit.activated"}, 0)
	w.app.Do(apitest.Request{Method: http.MethodDelete, Path: clientsPath + "/" + revoked.ID, Token: w.admin.Token}).Want(t, http.StatusNoContent)

	// Duplicate events are stored once.
	dup := w.client(both, "", 0)
	if sub := w.subscribe(dup, newReceiver(t, always(http.StatusNoContent)).URL, "permit.activated", "permit.activated"); !slices.Equal(sub.Events, []string{"permit.activated"}) {
		t.Errorf("events = %v, want permit.activated once", sub.Events)
	}

	w.permit()
	w.dispatch()
	for _, l := range listeners {
		if n := len(l.rc.received()); n != l.want {
			t.Errorf("%s: %d requests, want %d", l.name, n, l.want)
		}
	}
}

// TestWebhookListsPaginate walks the subscription and delivery lists a row
// at a time; deliveries of one moment are told apart by their IDs.
func TestWebhookListsPaginate(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusNoContent))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	subs, activated := map[string]bool{}, map[string]bool{}
	for range 3 {
		id := w.subscribe(c, rc.URL, "permit.activated").ID
		subs[id], activated[id] = true, true
		w.app.Clock.Advance(time.Second)
	}
	// Two created at one moment.
	subs[w.subscribe(c, rc.URL, "permit.revoked").ID] = true
	subs[w.subscribe(c, rc.URL, "permit.revoked").ID] = true
	for range 3 {
		w.permit() // all at one moment
	}

	walk := func(path string) []string {
		t.Helper()
		var ids []string
		next := path + "?limit=1"
		for range 100 {
			r := w.app.Get(next, c.Token)
			r.Want(t, http.StatusOK)
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			r.JSON(t, &page)
			if len(page.Items) > 1 {
				t.Fatalf("limit=1 gave %d items", len(page.Items))
			}
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			if page.NextCursor == nil {
				return ids
			}
			next = path + "?limit=1&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		t.Fatalf("%s does not end", path)
		return nil
	}
	got := walk(hooksPath)
	if len(got) != len(subs) {
		t.Errorf("walked %d subscriptions %v, want %d", len(got), got, len(subs))
	}
	for _, id := range got {
		if !subs[id] {
			t.Errorf("unknown subscription %s listed", id)
		}
	}
	for id := range subs {
		want := 0
		if activated[id] {
			want = 3
		}
		ds := walk(hooksPath + "/" + id + "/deliveries")
		if len(ds) != want || (want == 3 && (ds[0] == ds[1] || ds[1] == ds[2] || ds[0] == ds[2])) {
			t.Errorf("walked deliveries %v, want %d different", ds, want)
		}
	}
}
