package parking_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/payment"
	"github.com/islamabad-digital/citizenapi/platform/token"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// The tests in this file drive vehicles, permits and payments over HTTP.
// Each test makes its own zones through the admin API, because on
// PostgreSQL every test of the package shares one schema; the zones and
// their permits are deleted when the test ends, so that TestZones (which
// expects only demo zones without permits) holds however the tests are
// ordered or repeated.

const (
	pkZones    = "/api/v1/parking/zones"
	pkVehicles = "/api/v1/parking/vehicles"
	pkPermits  = "/api/v1/parking/permits"
	pkVerify   = "/api/v1/parking/verify"
	pkAdmin    = "/api/v1/admin/parking"
)

// pkStart is the server's clock when every test begins: 09:00 on Wednesday
// 10 March 2027 in Karachi, away from month ends so that month arithmetic
// is plain. Permits starting today run to 9 April (1 month) or 9 June (3).
var pkStart = time.Date(2027, 3, 10, 4, 0, 0, 0, time.UTC)

// Tariffs of every test zone, in PKR.
var pkTariffs = []parking.Tariff{
	{PermitType: parking.TypeResident, Months: 1, AmountPKR: new(int64(1000))},
	{PermitType: parking.TypeResident, Months: 3, AmountPKR: new(int64(3000))},
	{PermitType: parking.TypeResident, Months: 6, AmountPKR: new(int64(5400))},
	{PermitType: parking.TypeResident, Months: 12, AmountPKR: new(int64(9600))},
	{PermitType: parking.TypeBusiness, Months: 1, AmountPKR: new(int64(2000))},
	{PermitType: parking.TypeBusiness, Months: 3, AmountPKR: new(int64(6000))},
	{PermitType: parking.TypeDisabled, Months: 1, AmountPKR: new(int64(100))},
	{PermitType: parking.TypeDisabled, Months: 3, AmountPKR: new(int64(300))},
}

// pkEnv is one running server with a parking admin and the zones the test
// made.
type pkEnv struct {
	t     *testing.T
	app   *apitest.App
	admin *apitest.Staff
	zones []string
	// today is the local date of pkStart, as domain.LocalDate writes it.
	today time.Time
}

func newPkEnv(t *testing.T) *pkEnv {
	t.Helper()
	app := apitest.New(t)
	app.Clock.Set(pkStart)
	e := &pkEnv{t: t, app: app, today: domain.LocalDate(pkStart)}
	t.Cleanup(e.cleanup)
	e.admin = app.Admin(identity.RoleParkingAdmin)
	return e
}

// cleanup deletes the test's zones with their permits, payments and
// waitlists.
func (e *pkEnv) cleanup() {
	if len(e.zones) == 0 {
		return
	}
	for _, stmt := range []string{
		"DELETE FROM offers WHERE service = 'parking' AND unit_id IN ?",
		"DELETE FROM waitlist_entries WHERE service = 'parking' AND unit_id IN ?",
		"DELETE FROM parking_payments WHERE permit_id IN (SELECT id FROM parking_permits WHERE zone_id IN ?)",
		"DELETE FROM parking_permits WHERE zone_id IN ?",
		"DELETE FROM parking_tariffs WHERE zone_id IN ?",
		"DELETE FROM parking_zones WHERE id IN ?",
	} {
		if err := e.app.DB.Exec(stmt, e.zones).Error; err != nil {
			e.t.Logf("cleanup: %s: %v", stmt, err)
		}
	}
}

// date is the local date off days from today, written YYYY-MM-DD.
func (e *pkEnv) date(off int) string { return e.today.AddDate(0, 0, off).Format(time.DateOnly) }

func (e *pkEnv) do(method, path, token string, body any, header map[string]string) *apitest.Response {
	e.t.Helper()
	return e.app.Do(apitest.Request{Method: method, Path: path, Token: token, Body: body, Header: header})
}

// zone makes a zone with quota places and pkTariffs; it is deleted when the
// test ends.
func (e *pkEnv) zone(quota int) string {
	e.t.Helper()
	r := e.do(http.MethodPost, pkAdmin+"/zones", e.admin.Token, map[string]any{
		"name": "Permit Test Zone " + uuid.NewString(), "sector": "F-7", "permit_quota": quota, "tariffs": pkTariffs,
	}, nil)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create zone: %d %s", r.Status, r.Body)
	}
	var z parking.Zone
	r.JSON(e.t, &z)
	e.zones = append(e.zones, z.ID)
	if z.PermitQuota != quota || len(z.Tariffs) != len(pkTariffs) || z.ActivePermits != 0 {
		e.t.Fatalf("created zone = %+v", z)
	}
	return z.ID
}

// listedZone finds a zone in the public list, walking its pages.
func (e *pkEnv) listedZone(id string) parking.Zone {
	e.t.Helper()
	next := pkZones + "?limit=100"
	for range 1000 {
		r := e.app.Get(next, "").Want(e.t, http.StatusOK)
		var l parking.ZoneList
		r.JSON(e.t, &l)
		for _, z := range l.Items {
			if z.ID == id {
				return z
			}
		}
		if l.NextCursor == nil {
			break
		}
		next = pkZones + "?limit=100&cursor=" + url.QueryEscape(*l.NextCursor)
	}
	e.t.Fatalf("zone %s is not listed", id)
	return parking.Zone{}
}

// randomPlate returns a well-formed plate such as ICT-QZW-4711, unlikely to
// be registered by anyone else.
func randomPlate() string {
	letters := make([]byte, 3)
	for i := range letters {
		letters[i] = byte('A' + rand.IntN(26))
	}
	return fmt.Sprintf("ICT-%s-%d", letters, 1+rand.IntN(9999))
}

// spelled writes a stored plate as a person might type it: "ict qzw 4711".
func spelled(plate string) string { return strings.ToLower(strings.ReplaceAll(plate, "-", " ")) }

func (e *pkEnv) addVehicle(c *apitest.Citizen, plate string) *apitest.Response {
	e.t.Helper()
	return e.do(http.MethodPost, pkVehicles, c.Token, map[string]string{"plate": plate, "make": "Suzuki", "model": "Alto", "colour": "white"}, nil)
}

// vehicle registers a vehicle with a random plate to c.
func (e *pkEnv) vehicle(c *apitest.Citizen) (id, plate string) {
	e.t.Helper()
	for range 5 {
		r := e.addVehicle(c, randomPlate())
		if r.Status == http.StatusConflict {
			continue // the random plate is taken
		}
		if r.Status != http.StatusCreated {
			e.t.Fatalf("add vehicle: %d %s", r.Status, r.Body)
		}
		var v parking.Vehicle
		r.JSON(e.t, &v)
		return v.ID, v.Plate
	}
	e.t.Fatal("no free random plate")
	return "", ""
}

func (e *pkEnv) buy(c *apitest.Citizen, vehicleID, zoneID, permitType, start string, months int) *apitest.Response {
	e.t.Helper()
	return e.do(http.MethodPost, pkPermits, c.Token, map[string]any{
		"vehicle_id": vehicleID, "zone_id": zoneID, "permit_type": permitType, "start_date": start, "months": months,
	}, nil)
}

func (e *pkEnv) mustBuy(c *apitest.Citizen, vehicleID, zoneID, permitType, start string, months int) parking.Permit {
	e.t.Helper()
	r := e.buy(c, vehicleID, zoneID, permitType, start, months).Want(e.t, http.StatusCreated)
	var p parking.Permit
	r.JSON(e.t, &p)
	return p
}

func (e *pkEnv) pay(c *apitest.Citizen, permitID, key string, body any) *apitest.Response {
	e.t.Helper()
	var header map[string]string
	if key != "" {
		header = map[string]string{"Idempotency-Key": key}
	}
	return e.do(http.MethodPost, pkPermits+"/"+permitID+"/payments", c.Token, body, header)
}

var pkSandbox = map[string]string{"method": "sandbox", "payment_token": "tok_visa"}

func (e *pkEnv) mustPay(c *apitest.Citizen, permitID string) parking.Permit {
	e.t.Helper()
	r := e.pay(c, permitID, uuid.NewString(), pkSandbox).Want(e.t, http.StatusOK)
	var p parking.Permit
	r.JSON(e.t, &p)
	return p
}

// activePermit registers a vehicle to c and buys and pays a resident permit
// for it in zone, starting today.
func (e *pkEnv) activePermit(c *apitest.Citizen, zoneID string, months int) (plate string, p parking.Permit) {
	e.t.Helper()
	vehicleID, plate := e.vehicle(c)
	p = e.mustBuy(c, vehicleID, zoneID, parking.TypeResident, e.date(0), months)
	if p = e.mustPay(c, p.ID); p.Status != parking.StatusActive {
		e.t.Fatalf("paid permit status = %s, want active", p.Status)
	}
	return plate, p
}

func (e *pkEnv) permit(c *apitest.Citizen, id string) parking.Permit {
	e.t.Helper()
	r := e.app.Get(pkPermits+"/"+id, c.Token).Want(e.t, http.StatusOK)
	var p parking.Permit
	r.JSON(e.t, &p)
	return p
}

func (e *pkEnv) cancel(c *apitest.Citizen, id string) *apitest.Response {
	e.t.Helper()
	return e.do(http.MethodPost, pkPermits+"/"+id+"/cancel", c.Token, nil, nil)
}

// payments counts a permit's payment rows of a kind and status.
func (e *pkEnv) payments(permitID, kind, status string) int64 {
	e.t.Helper()
	var n int64
	if err := e.app.DB.Table("parking_payments").Where("permit_id = ? AND kind = ? AND status = ?", permitID, kind, status).Count(&n).Error; err != nil {
		e.t.Fatalf("count payments: %v", err)
	}
	return n
}

func (e *pkEnv) refunded(permitID string) (rows int64, total int64) {
	e.t.Helper()
	var out struct {
		N     int64
		Total int64
	}
	err := e.app.DB.Table("parking_payments").Select("COUNT(*) AS n, COALESCE(SUM(amount_pkr), 0) AS total").
		Where("permit_id = ? AND kind = 'refund'", permitID).Scan(&out).Error
	if err != nil {
		e.t.Fatalf("sum refunds: %v", err)
	}
	return out.N, out.Total
}

// --- quota ---

func TestPermitQuotaUnderConcurrency(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(5)
	type buyer struct {
		c         *apitest.Citizen
		vehicleID string
	}
	buyers := make([]buyer, 20)
	for i := range buyers {
		c := e.app.NewCitizen()
		v, _ := e.vehicle(c)
		buyers[i] = buyer{c, v}
	}

	statuses := make([]int, len(buyers))
	bodies := make([]string, len(buyers))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, b := range buyers {
		wg.Go(func() {
			<-start
			r := e.buy(b.c, b.vehicleID, zoneID, parking.TypeResident, e.date(0), 1)
			statuses[i], bodies[i] = r.Status, string(r.Body)
		})
	}
	close(start)
	wg.Wait()

	count := map[int]int{}
	for i, s := range statuses {
		count[s]++
		if s != http.StatusCreated && s != http.StatusConflict {
			t.Errorf("buyer %d: %d %s", i, s, bodies[i])
		}
	}
	if count[http.StatusCreated] != 5 || count[http.StatusConflict] != 15 {
		t.Errorf("answers = %v, want 5 × 201 and 15 × 409", count)
	}
	if z := e.listedZone(zoneID); z.ActivePermits != 5 || z.PermitQuota != 5 {
		t.Errorf("zone quota %d, active_permits %d; want 5 and 5", z.PermitQuota, z.ActivePermits)
	}
	var stored int64
	e.app.DB.Table("parking_permits").Where("zone_id = ?", zoneID).Count(&stored)
	if stored != 5 {
		t.Errorf("%d permits stored for the zone, want 5", stored)
	}
}

func TestUnpaidPermitGivesItsPlaceBack(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(1)
	a, b := e.app.NewCitizen(), e.app.NewCitizen()
	va, _ := e.vehicle(a)
	vb, _ := e.vehicle(b)

	held := e.mustBuy(a, va, zoneID, parking.TypeResident, e.date(0), 1)
	if held.Status != parking.StatusPendingPayment || held.AmountPKR != 1000 {
		t.Errorf("new permit = %s, %d PKR; want pending_payment, 1000", held.Status, held.AmountPKR)
	}
	if want := pkStart.Add(30 * time.Minute); held.PayBy == nil || !held.PayBy.Equal(want) {
		t.Errorf("pay_by = %v, want %s", held.PayBy, want)
	}
	e.buy(b, vb, zoneID, parking.TypeResident, e.date(0), 1).Problem(t, http.StatusConflict, "")
	if z := e.listedZone(zoneID); z.ActivePermits != 1 {
		t.Errorf("active_permits = %d while the unpaid permit holds its place, want 1", z.ActivePermits)
	}

	e.app.SetClock(pkStart.Add(29 * time.Minute))
	e.buy(b, vb, zoneID, parking.TypeResident, e.date(0), 1).Problem(t, http.StatusConflict, "")

	e.app.SetClock(pkStart.Add(31 * time.Minute))
	if z := e.listedZone(zoneID); z.ActivePermits != 0 {
		t.Errorf("active_permits = %d after the hold ran out, want 0", z.ActivePermits)
	}
	e.mustBuy(b, vb, zoneID, parking.TypeResident, e.date(0), 1)

	old := e.permit(a, held.ID)
	if old.Status != parking.StatusExpiredUnpaid || old.PayBy != nil || old.VerificationToken != "" {
		t.Errorf("old permit = %s, pay_by %v; want expired_unpaid without pay_by", old.Status, old.PayBy)
	}
	e.pay(a, held.ID, uuid.NewString(), pkSandbox).Problem(t, http.StatusConflict, "")
	if n := e.payments(held.ID, "charge", "succeeded"); n != 0 {
		t.Errorf("%d charges for the expired permit, want 0", n)
	}
	if got := e.permit(a, held.ID).Status; got != parking.StatusExpiredUnpaid {
		t.Errorf("after the refused payment the permit is %s, want expired_unpaid", got)
	}
}

// --- overlapping permits ---

func TestPermitOverlap(t *testing.T) {
	e := newPkEnv(t)
	zone1, zone2 := e.zone(10), e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	other, _ := e.vehicle(c)

	first := e.mustBuy(c, v, zone1, parking.TypeResident, e.date(0), 1)
	if first.StartDate != "2027-03-10" || first.EndDate != "2027-04-09" {
		t.Fatalf("permit runs %s to %s, want 2027-03-10 to 2027-04-09", first.StartDate, first.EndDate)
	}
	tests := []struct {
		name      string
		vehicleID string
		zoneID    string
		start     string
		months    int
		want      int
	}{
		{"same dates", v, zone1, "2027-03-10", 1, http.StatusConflict},
		{"starts inside", v, zone1, "2027-03-20", 1, http.StatusConflict},
		{"starts on its last day", v, zone1, "2027-04-09", 1, http.StatusConflict},
		{"covers it", v, zone1, "2027-03-10", 3, http.StatusConflict},
		{"other type, same dates", v, zone1, "2027-03-10", 1, http.StatusConflict},
		{"another zone", v, zone2, "2027-03-10", 1, http.StatusCreated},
		{"another vehicle", other, zone1, "2027-03-10", 1, http.StatusCreated},
		{"the day after it ends", v, zone1, "2027-04-10", 1, http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ := parking.TypeResident
			if strings.HasPrefix(tt.name, "other type") {
				typ = parking.TypeBusiness
			}
			r := e.buy(c, tt.vehicleID, tt.zoneID, typ, tt.start, tt.months)
			if tt.want == http.StatusCreated {
				r.Want(t, tt.want)
			} else {
				r.Problem(t, tt.want, "")
			}
		})
	}

	t.Run("a cancelled permit frees its dates", func(t *testing.T) {
		third, _ := e.vehicle(c)
		p := e.mustBuy(c, third, zone1, parking.TypeResident, e.date(0), 1)
		e.cancel(c, p.ID).Want(t, http.StatusOK)
		e.buy(c, third, zone1, parking.TypeResident, e.date(0), 1).Want(t, http.StatusCreated)
	})
}

func TestBuyPermitValidation(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"yesterday", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(-1), "months": 1}, 422, "start_date"},
		{"not a date", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": "10/03/2027", "months": 1}, 400, "start_date"},
		{"91 days ahead", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(91), "months": 1}, 422, "start_date"},
		{"months 2", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(0), "months": 2}, 422, "months"},
		{"unknown type", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "visitor", "start_date": e.date(0), "months": 1}, 422, "permit_type"},
		{"no tariff", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "business", "start_date": e.date(0), "months": 12}, 422, "permit_type"},
		{"unknown zone", map[string]any{"vehicle_id": v, "zone_id": uuid.NewString(), "permit_type": "resident", "start_date": e.date(0), "months": 1}, 422, "zone_id"},
		{"malformed zone", map[string]any{"vehicle_id": v, "zone_id": "zone-1", "permit_type": "resident", "start_date": e.date(0), "months": 1}, 400, "zone_id"},
		{"months as text", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(0), "months": "1"}, 400, "months"},
		{"unknown field", map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(0), "months": 1, "amount_pkr": 1}, 400, "amount_pkr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(http.MethodPost, pkPermits, c.Token, tt.body, nil).Problem(t, tt.status, tt.field)
		})
	}
	if z := e.listedZone(zoneID); z.ActivePermits != 0 {
		t.Errorf("refused requests hold %d places", z.ActivePermits)
	}
	e.buy(c, v, zoneID, parking.TypeResident, e.date(90), 1).Want(t, http.StatusCreated)
}

func TestBuyPermitIdempotent(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	body := map[string]any{"vehicle_id": v, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(0), "months": 1}
	key := map[string]string{"Idempotency-Key": uuid.NewString()}
	first := e.do(http.MethodPost, pkPermits, c.Token, body, key)
	again := e.do(http.MethodPost, pkPermits, c.Token, body, key)
	first.Want(t, http.StatusCreated)
	if again.Status != first.Status || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry = %d %s (replayed %q), want the first answer replayed", again.Status, again.Body, again.Header.Get("Idempotent-Replayed"))
	}
	if z := e.listedZone(zoneID); z.ActivePermits != 1 {
		t.Errorf("active_permits = %d after a retried purchase, want 1", z.ActivePermits)
	}
}

// --- payments ---

func TestPaymentIdempotency(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	p := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)

	t.Run("missing key", func(t *testing.T) {
		e.pay(c, p.ID, "", pkSandbox).Problem(t, http.StatusBadRequest, "Idempotency-Key")
		if got := e.permit(c, p.ID).Status; got != parking.StatusPendingPayment {
			t.Errorf("permit is %s after a refused payment, want pending_payment", got)
		}
	})

	key := uuid.NewString()
	first := e.pay(c, p.ID, key, pkSandbox).Want(t, http.StatusOK)
	var paid parking.Permit
	first.JSON(t, &paid)
	if paid.Status != parking.StatusActive || paid.AmountPKR != 1000 || paid.VerificationToken == "" || paid.PayBy != nil {
		t.Errorf("paid permit = %+v, want active at 1000 PKR with a verification token", paid)
	}
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Error("the first answer is marked replayed")
	}

	t.Run("same key and body replay", func(t *testing.T) {
		for range 2 {
			again := e.pay(c, p.ID, key, pkSandbox)
			if again.Status != first.Status || string(again.Body) != string(first.Body) {
				t.Errorf("retry = %d %s, want %d %s", again.Status, again.Body, first.Status, first.Body)
			}
			if got := again.Header.Get("Idempotent-Replayed"); got != "true" {
				t.Errorf("Idempotent-Replayed = %q, want true", got)
			}
		}
		if n := e.payments(p.ID, "charge", "succeeded"); n != 1 {
			t.Errorf("%d succeeded charges, want 1", n)
		}
		var all int64
		e.app.DB.Table("parking_payments").Where("permit_id = ?", p.ID).Count(&all)
		if all != 1 {
			t.Errorf("%d payment rows, want 1", all)
		}
	})

	t.Run("same key, other body", func(t *testing.T) {
		e.pay(c, p.ID, key, map[string]string{"method": "sandbox", "payment_token": "tok_other"}).Problem(t, http.StatusUnprocessableEntity, "Idempotency-Key")
	})

	t.Run("a new key for a paid permit", func(t *testing.T) {
		e.pay(c, p.ID, uuid.NewString(), pkSandbox).Problem(t, http.StatusConflict, "")
		if n := e.payments(p.ID, "charge", "succeeded"); n != 1 {
			t.Errorf("%d succeeded charges, want 1", n)
		}
	})
}

func TestPaymentConcurrentDuplicates(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	p := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)

	statuses := make([]int, 10)
	bodies := make([]string, 10)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			<-start
			r := e.pay(c, p.ID, uuid.NewString(), pkSandbox)
			statuses[i], bodies[i] = r.Status, string(r.Body)
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for i, s := range statuses {
		count[s]++
		if s != http.StatusOK && s != http.StatusConflict {
			t.Errorf("payment %d: %d %s", i, s, bodies[i])
		}
	}
	if count[http.StatusOK] != 1 || count[http.StatusConflict] != 9 {
		t.Errorf("answers = %v, want 1 × 200 and 9 × 409", count)
	}
	if n := e.payments(p.ID, "charge", "succeeded"); n != 1 {
		t.Errorf("%d succeeded charges, want exactly 1", n)
	}
	if got := e.permit(c, p.ID).Status; got != parking.StatusActive {
		t.Errorf("permit is %s, want active", got)
	}
}

func TestPaymentDeclined(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	p := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)

	r := e.pay(c, p.ID, uuid.NewString(), map[string]string{"method": "sandbox", "payment_token": payment.SandboxDeclineToken})
	r.Problem(t, http.StatusUnprocessableEntity, "payment_token")
	if got := e.permit(c, p.ID); got.Status != parking.StatusPendingPayment || got.VerificationToken != "" {
		t.Errorf("after a declined payment the permit is %s, want pending_payment without a token", got.Status)
	}
	if n := e.payments(p.ID, "charge", "declined"); n != 1 {
		t.Errorf("%d declined charges recorded, want 1", n)
	}
	if n := e.payments(p.ID, "charge", "succeeded"); n != 0 {
		t.Errorf("%d succeeded charges after a decline, want 0", n)
	}
	if paid := e.mustPay(c, p.ID); paid.Status != parking.StatusActive {
		t.Errorf("paid with a good token the permit is %s, want active", paid.Status)
	}
	if n := e.payments(p.ID, "charge", "succeeded"); n != 1 {
		t.Errorf("%d succeeded charges, want 1", n)
	}
}

func TestPaymentMethod(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	p := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"unknown method", map[string]string{"method": "bitcoin"}, http.StatusUnprocessableEntity, "method"},
		{"empty method", map[string]string{"method": ""}, http.StatusUnprocessableEntity, "method"},
		{"no method", map[string]string{}, http.StatusUnprocessableEntity, "method"},
		{"method not a string", map[string]any{"method": 1}, http.StatusBadRequest, "method"},
		{"unknown field", map[string]any{"method": "sandbox", "amount_pkr": 1}, http.StatusBadRequest, "amount_pkr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.pay(c, p.ID, uuid.NewString(), tt.body).Problem(t, tt.status, tt.field)
		})
	}
	if got := e.permit(c, p.ID).Status; got != parking.StatusPendingPayment {
		t.Errorf("permit is %s, want pending_payment", got)
	}
	var all int64
	e.app.DB.Table("parking_payments").Where("permit_id = ?", p.ID).Count(&all)
	if all != 0 {
		t.Errorf("%d payment rows after refused requests, want 0", all)
	}
}

func TestDisabledPermitNeedsApproval(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	buyPaid := func() parking.Permit {
		t.Helper()
		v, _ := e.vehicle(c)
		p := e.mustBuy(c, v, zoneID, parking.TypeDisabled, e.date(0), 3)
		if p.AmountPKR != 300 {
			t.Errorf("disabled 3-month permit costs %d, want 300", p.AmountPKR)
		}
		paid := e.mustPay(c, p.ID)
		if paid.Status != parking.StatusPendingApproval || paid.VerificationToken != "" {
			t.Errorf("paid disabled permit = %s (token %t), want pending_approval without a token", paid.Status, paid.VerificationToken != "")
		}
		return paid
	}

	t.Run("approve", func(t *testing.T) {
		p := buyPaid()
		r := e.do(http.MethodPost, pkAdmin+"/permits/"+p.ID+"/approve", e.admin.Token, map[string]string{"reason": "certificate seen"}, nil).Want(t, http.StatusOK)
		var got parking.Permit
		r.JSON(t, &got)
		if got.Status != parking.StatusActive || got.VerificationToken == "" {
			t.Errorf("approved permit = %s (token %t), want active with a token", got.Status, got.VerificationToken != "")
		}
		if own := e.permit(c, p.ID); own.Status != parking.StatusActive {
			t.Errorf("the citizen sees %s, want active", own.Status)
		}
		e.do(http.MethodPost, pkAdmin+"/permits/"+p.ID+"/approve", e.admin.Token, map[string]string{}, nil).Problem(t, http.StatusConflict, "")
	})

	t.Run("reject", func(t *testing.T) {
		p := buyPaid()
		r := e.do(http.MethodPost, pkAdmin+"/permits/"+p.ID+"/reject", e.admin.Token, map[string]string{"reason": "no certificate"}, nil).Want(t, http.StatusOK)
		var got parking.Permit
		r.JSON(t, &got)
		if got.Status != parking.StatusRejected || got.RefundPKR != p.AmountPKR || got.Reason != "no certificate" {
			t.Errorf("rejected permit = %s, refund %d, reason %q; want rejected, %d, the reason", got.Status, got.RefundPKR, got.Reason, p.AmountPKR)
		}
		if own := e.permit(c, p.ID); own.Status != parking.StatusRejected || own.RefundPKR != p.AmountPKR {
			t.Errorf("the citizen sees %s refunded %d, want rejected refunded %d", own.Status, own.RefundPKR, p.AmountPKR)
		}
		if n, total := e.refunded(p.ID); n != 1 || total != p.AmountPKR {
			t.Errorf("refund rows %d totalling %d, want 1 of %d", n, total, p.AmountPKR)
		}
		e.do(http.MethodPost, pkAdmin+"/permits/"+p.ID+"/reject", e.admin.Token, map[string]string{}, nil).Problem(t, http.StatusConflict, "")
	})

	t.Run("an active permit cannot be approved", func(t *testing.T) {
		_, p := e.activePermit(c, zoneID, 1)
		e.do(http.MethodPost, pkAdmin+"/permits/"+p.ID+"/approve", e.admin.Token, map[string]string{}, nil).Problem(t, http.StatusConflict, "")
	})
}

// --- tariffs and renewals ---

// problemFields returns the fields a problem names, each with its message.
func problemFields(t *testing.T, r *apitest.Response) map[string]string {
	t.Helper()
	var p struct {
		Errors []web.FieldError `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("decode problem %s: %v", r.Body, err)
	}
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Message
	}
	return out
}

// TestZeroTariffIsAPrice: 0 PKR, the free permit for disabled drivers, is a
// price and not a missing one. A zone is created and changed with free
// tariffs and lists them, a free permit is bought and paid, and a tariff
// without a price is still refused, naming it.
func TestZeroTariffIsAPrice(t *testing.T) {
	e := newPkEnv(t)
	tariffs := append(slices.Clone(pkTariffs), parking.Tariff{PermitType: parking.TypeDisabled, Months: 6, AmountPKR: new(int64(0))})
	r := e.do(http.MethodPost, pkAdmin+"/zones", e.admin.Token, map[string]any{
		"name": "Free Tariff Zone " + uuid.NewString(), "sector": "G-9", "permit_quota": 5, "tariffs": tariffs,
	}, nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("create a zone with a 0 PKR tariff: %d %s", r.Status, r.Body)
	}
	var created parking.Zone
	r.JSON(t, &created)
	e.zones = append(e.zones, created.ID)

	r = e.do(http.MethodPatch, pkAdmin+"/zones/"+created.ID, e.admin.Token, map[string]any{
		"tariffs": []map[string]any{{"permit_type": "disabled", "months": 12, "amount_pkr": 0}},
	}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("change a zone to a 0 PKR tariff: %d %s", r.Status, r.Body)
	}
	prices := map[string]int64{}
	for _, tr := range e.listedZone(created.ID).Tariffs {
		if tr.AmountPKR == nil {
			t.Fatalf("tariff %s/%d is listed without a price", tr.PermitType, tr.Months)
		}
		prices[fmt.Sprintf("%s/%d", tr.PermitType, tr.Months)] = *tr.AmountPKR
	}
	for _, free := range []string{"disabled/6", "disabled/12"} {
		if price, listed := prices[free]; !listed || price != 0 {
			t.Errorf("listed tariffs = %v, want %s at 0", prices, free)
		}
	}
	if prices["disabled/1"] != 100 || len(prices) != len(pkTariffs)+2 {
		t.Errorf("listed tariffs = %v, want the others kept", prices)
	}

	c := e.app.NewCitizen()
	v, _ := e.vehicle(c)
	p := e.mustBuy(c, v, created.ID, parking.TypeDisabled, e.date(0), 6)
	if p.AmountPKR != 0 {
		t.Errorf("free permit costs %d, want 0", p.AmountPKR)
	}
	if paid := e.mustPay(c, p.ID); paid.Status != parking.StatusPendingApproval {
		t.Errorf("paid free permit = %s, want pending_approval", paid.Status)
	}

	r = e.do(http.MethodPost, pkAdmin+"/zones", e.admin.Token, map[string]any{
		"name": "Unpriced Zone " + uuid.NewString(), "sector": "G-9", "permit_quota": 5,
		"tariffs": []map[string]any{{"permit_type": "resident", "months": 1}, {"permit_type": "resident", "months": 0, "amount_pkr": 0}},
	}, nil)
	r.Problem(t, http.StatusUnprocessableEntity, "")
	got := problemFields(t, r)
	if got["tariffs[0].amount_pkr"] != "is required" || got["tariffs[1].months"] != "must be one of: 1, 3, 6, 12" || len(got) != 2 {
		t.Errorf("fields = %v, want tariffs[0].amount_pkr required and tariffs[1].months one of 1, 3, 6, 12", got)
	}
}

func TestTariffChangeAppliesToNewPermitsOnly(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	_, old := e.activePermit(c, zoneID, 1)
	if old.AmountPKR != 1000 {
		t.Fatalf("permit costs %d, want 1000", old.AmountPKR)
	}
	// Bought before the change and paid after it.
	vu, _ := e.vehicle(c)
	unpaid := e.mustBuy(c, vu, zoneID, parking.TypeResident, e.date(0), 1)

	r := e.do(http.MethodPatch, pkAdmin+"/zones/"+zoneID, e.admin.Token, map[string]any{
		"tariffs": []parking.Tariff{{PermitType: parking.TypeResident, Months: 1, AmountPKR: new(int64(1500))}},
	}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("PATCH zone: %d %s", r.Status, r.Body)
	}
	var z parking.Zone
	r.JSON(t, &z)
	prices := map[string]int64{}
	for _, tr := range z.Tariffs {
		prices[fmt.Sprintf("%s/%d", tr.PermitType, tr.Months)] = *tr.AmountPKR
	}
	if prices["resident/1"] != 1500 || prices["resident/3"] != 3000 || len(z.Tariffs) != len(pkTariffs) {
		t.Errorf("tariffs after the change = %v, want resident/1 at 1500 and the others kept", prices)
	}

	if got := e.permit(c, unpaid.ID); got.AmountPKR != 1000 {
		t.Errorf("a permit bought before the change now costs %d, want 1000", got.AmountPKR)
	}
	if paid := e.mustPay(c, unpaid.ID); paid.AmountPKR != 1000 {
		t.Errorf("paid after the change, the permit reads %d PKR, want 1000", paid.AmountPKR)
	}
	var charged int64
	e.app.DB.Table("parking_payments").Select("amount_pkr").Where("permit_id = ? AND kind = 'charge' AND status = 'succeeded'", unpaid.ID).Scan(&charged)
	if charged != 1000 {
		t.Errorf("charged %d PKR for a permit sold at 1000", charged)
	}
	if got := e.permit(c, old.ID); got.AmountPKR != 1000 || got.Status != parking.StatusActive {
		t.Errorf("the sold permit now reads %s at %d PKR, want active at 1000", got.Status, got.AmountPKR)
	}
	v2, _ := e.vehicle(c)
	if p := e.mustBuy(c, v2, zoneID, parking.TypeResident, e.date(0), 1); p.AmountPKR != 1500 {
		t.Errorf("a new permit costs %d, want the new 1500", p.AmountPKR)
	}

	t.Run("renewal", func(t *testing.T) {
		r := e.do(http.MethodPost, pkPermits+"/"+old.ID+"/renew", c.Token, map[string]int{"months": 1}, nil).Want(t, http.StatusCreated)
		var p parking.Permit
		r.JSON(t, &p)
		if p.ID == old.ID || p.StartDate != "2027-04-10" || p.EndDate != "2027-05-09" || p.AmountPKR != 1500 ||
			p.Status != parking.StatusPendingPayment || p.VehicleID != old.VehicleID || p.ZoneID != zoneID || p.PermitType != old.PermitType {
			t.Errorf("renewal = %+v; want a new pending_payment permit 2027-04-10..2027-05-09 at 1500 PKR for the same vehicle, zone and type", p)
		}
		if got := e.permit(c, old.ID); got.Status != parking.StatusActive || got.EndDate != "2027-04-09" {
			t.Errorf("the renewed permit reads %s to %s, want active to 2027-04-09", got.Status, got.EndDate)
		}
		// The renewal's dates are taken now: a second one overlaps it.
		e.do(http.MethodPost, pkPermits+"/"+old.ID+"/renew", c.Token, map[string]int{"months": 1}, nil).Problem(t, http.StatusConflict, "")
		// A 3-month renewal is priced at the unchanged 3-month tariff.
		r = e.do(http.MethodPost, pkPermits+"/"+p.ID+"/renew", c.Token, map[string]int{"months": 3}, nil)
		r.Problem(t, http.StatusConflict, "") // p is unpaid: only active permits renew
		paid := e.mustPay(c, p.ID)
		r = e.do(http.MethodPost, pkPermits+"/"+paid.ID+"/renew", c.Token, map[string]int{"months": 3}, nil).Want(t, http.StatusCreated)
		var third parking.Permit
		r.JSON(t, &third)
		if third.StartDate != "2027-05-10" || third.EndDate != "2027-08-09" || third.AmountPKR != 3000 {
			t.Errorf("second renewal = %s..%s at %d, want 2027-05-10..2027-08-09 at 3000", third.StartDate, third.EndDate, third.AmountPKR)
		}
	})

	t.Run("bad months", func(t *testing.T) {
		e.do(http.MethodPost, pkPermits+"/"+old.ID+"/renew", c.Token, map[string]int{"months": 2}, nil).Problem(t, http.StatusUnprocessableEntity, "months")
	})
}

// TestRenewalStartsWithin90Days: a renewal starts the day after its permit
// ends, and like a new permit it may start at most 90 days ahead, so that
// no chain of renewals is paid for years ahead (and refunded in full before
// it starts). The refusal names start_date; once the start is within 90
// days, the same renewal is sold.
func TestRenewalStartsWithin90Days(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	renew := func(id string, months int) *apitest.Response {
		return e.do(http.MethodPost, pkPermits+"/"+id+"/renew", c.Token, map[string]int{"months": months}, nil)
	}
	permits := func() int64 {
		var n int64
		if err := e.app.DB.Table("parking_permits").Where("zone_id = ?", zoneID).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	_, year := e.activePermit(c, zoneID, 12) // 2027-03-10 to 2028-03-09
	_, month := e.activePermit(c, zoneID, 1) // 2027-03-10 to 2027-04-09

	t.Run("a renewal starting a year ahead", func(t *testing.T) {
		before := permits()
		renew(year.ID, 12).Problem(t, http.StatusUnprocessableEntity, "start_date")
		if after := permits(); after != before {
			t.Errorf("%d permits after the refusal, want %d", after, before)
		}
	})

	t.Run("a renewal of a renewal", func(t *testing.T) {
		var next parking.Permit
		renew(month.ID, 3).Want(t, http.StatusCreated).JSON(t, &next) // 2027-04-10 to 2027-07-09: 31 days ahead
		e.mustPay(c, next.ID)
		renew(next.ID, 12).Problem(t, http.StatusUnprocessableEntity, "start_date") // from 2027-07-10: 122 days ahead
	})

	t.Run("once the start is 90 days away", func(t *testing.T) {
		e.app.SetClock(time.Date(2027, 12, 11, 4, 0, 0, 0, time.UTC)) // 2028-03-10 is 90 days ahead
		var next parking.Permit
		renew(year.ID, 1).Want(t, http.StatusCreated).JSON(t, &next)
		if next.StartDate != "2028-03-10" {
			t.Errorf("the renewal starts %s, want 2028-03-10", next.StartDate)
		}
	})
}

// --- verification tokens ---

// pkKeyfunc verifies tokens of type typ (permit+jwt, permit-status+jwt)
// with the JWK Set the server publishes, as an officer's device would
// offline.
func pkKeyfunc(t *testing.T, e *pkEnv, typ string) jwt.Keyfunc {
	t.Helper()
	r := e.app.Get("/.well-known/jwks.json", "").Want(t, http.StatusOK)
	var set token.JWKSet
	r.JSON(t, &set)
	keys := map[string]ed25519.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "OKP" || k.Crv != "Ed25519" {
			t.Errorf("JWK %+v is not an Ed25519 key", k)
			continue
		}
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			t.Fatalf("JWK x %q: %v", k.X, err)
		}
		keys[k.Kid] = ed25519.PublicKey(x)
	}
	if len(keys) == 0 {
		t.Fatal("the JWK Set holds no keys")
	}
	return func(tok *jwt.Token) (any, error) {
		if got, _ := tok.Header["typ"].(string); got != typ {
			return nil, fmt.Errorf("typ %q, want %s", got, typ)
		}
		kid, _ := tok.Header["kid"].(string)
		key, ok := keys[kid]
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return key, nil
	}
}

func pkParse(e *pkEnv, raw, audience string, keyfunc jwt.Keyfunc) (*token.Claims, error) {
	var claims token.Claims
	_, err := jwt.NewParser(
		jwt.WithValidMethods([]string{"EdDSA"}),
		jwt.WithAudience(audience),
		jwt.WithIssuer("citizenapi"),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(e.app.Clock.Now),
	).ParseWithClaims(raw, &claims, keyfunc)
	return &claims, err
}

func TestVerificationToken(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	plate, paid := e.activePermit(c, zoneID, 3)
	p := e.permit(c, paid.ID)
	if p.VerificationToken == "" {
		t.Fatal("an active permit has no verification_token")
	}
	keyfunc := pkKeyfunc(t, e, "permit+jwt")

	claims, err := pkParse(e, p.VerificationToken, parking.PermitAudience, keyfunc)
	if err != nil {
		t.Fatalf("verify the permit token: %v", err)
	}
	if claims.Subject != p.ID {
		t.Errorf("sub = %q, want the permit ID %s", claims.Subject, p.ID)
	}
	want := map[string]any{"plate": plate, "zone_id": zoneID, "permit_type": "resident", "valid_from": "2027-03-10", "valid_to": "2027-06-09"}
	for k, v := range want {
		if claims.Data[k] != v {
			t.Errorf("data.%s = %v, want %v", k, claims.Data[k], v)
		}
	}
	// It lasts a day: the app reads the permit again for a fresh one, and
	// an officer's device fetches the list of withdrawn permits meanwhile.
	if end := pkStart.Add(24 * time.Hour); claims.ExpiresAt == nil || !claims.ExpiresAt.Equal(end) {
		t.Errorf("exp = %v, want %s", claims.ExpiresAt, end)
	}

	t.Run("tampered", func(t *testing.T) {
		parts := strings.Split(p.VerificationToken, ".")
		if len(parts) != 3 {
			t.Fatalf("token has %d parts", len(parts))
		}
		// Flip one character of the payload.
		payload := []byte(parts[1])
		i := len(payload) / 2
		if payload[i] == 'A' {
			payload[i] = 'B'
		} else {
			payload[i] = 'A'
		}
		flipped := parts[0] + "." + string(payload) + "." + parts[2]
		if _, err := pkParse(e, flipped, parking.PermitAudience, keyfunc); err == nil {
			t.Error("a token with a flipped payload character verifies")
		}
		// Rewrite the plate, keeping well-formed JSON and the signature.
		raw, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		forged := strings.Replace(string(raw), plate, "ICT-FAK-1", 1)
		if forged == string(raw) {
			t.Fatalf("payload %s lacks the plate", raw)
		}
		_, err = pkParse(e, parts[0]+"."+base64.RawURLEncoding.EncodeToString([]byte(forged))+"."+parts[2], parking.PermitAudience, keyfunc)
		if !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			t.Errorf("a token with another plate: err = %v, want an invalid signature", err)
		}
	})

	t.Run("not for other audiences", func(t *testing.T) {
		if _, err := pkParse(e, p.VerificationToken, "citizenapi", keyfunc); err == nil {
			t.Error("the permit token verifies as an access token's audience")
		}
		r := e.app.Get(pkPermits, p.VerificationToken)
		r.Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("pending permit has none", func(t *testing.T) {
		v, _ := e.vehicle(c)
		pending := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)
		r := e.app.Get(pkPermits+"/"+pending.ID, c.Token)
		if _, ok := r.Map(t)["verification_token"]; ok {
			t.Errorf("a pending_payment permit carries a token: %s", r.Body)
		}
	})

	t.Run("listed permits carry it too", func(t *testing.T) {
		r := e.app.Get(pkPermits+"?limit=100", c.Token)
		var l parking.PermitList
		r.JSON(t, &l)
		for _, it := range l.Items {
			if (it.Status == parking.StatusActive) != (it.VerificationToken != "") {
				t.Errorf("listed permit %s is %s with token %t", it.ID, it.Status, it.VerificationToken != "")
			}
		}
	})

	// Last, as it moves the clock.
	t.Run("on the last day it lasts to the day's end", func(t *testing.T) {
		e.app.SetClock(time.Date(2027, 6, 9, 20, 0, 0, 0, domain.Karachi))
		claims, err := pkParse(e, e.permit(c, paid.ID).VerificationToken, parking.PermitAudience, keyfunc)
		if err != nil {
			t.Fatal(err)
		}
		if end := time.Date(2027, 6, 10, 0, 0, 0, 0, domain.Karachi); claims.ExpiresAt == nil || !claims.ExpiresAt.Equal(end) {
			t.Errorf("exp = %v, want the end of the last day, %s", claims.ExpiresAt, end)
		}
	})
}

// --- officers' plate checks ---

type pkVerification struct {
	Valid  bool           `json:"valid"`
	Permit map[string]any `json:"permit"`
}

func (e *pkEnv) verify(officer *apitest.Staff, plate, zoneID string) pkVerification {
	e.t.Helper()
	r := e.app.Get(pkVerify+"?plate="+url.QueryEscape(plate)+"&zone_id="+zoneID, officer.Token).Want(e.t, http.StatusOK)
	var v pkVerification
	r.JSON(e.t, &v)
	return v
}

func TestOfficerVerify(t *testing.T) {
	e := newPkEnv(t)
	zoneID, otherZone := e.zone(10), e.zone(10)
	officer := e.app.NewStaff("parking_officer", "")
	c := e.app.NewCitizen()
	plate, p := e.activePermit(c, zoneID, 1)

	t.Run("valid", func(t *testing.T) {
		for _, spelling := range []string{plate, spelled(plate), strings.ReplaceAll(plate, "-", "")} {
			v := e.verify(officer, spelling, zoneID)
			if !v.Valid || v.Permit == nil {
				t.Fatalf("verify %q = %+v, want valid", spelling, v)
			}
			want := map[string]any{"id": p.ID, "plate": plate, "zone_id": zoneID, "permit_type": "resident", "valid_from": "2027-03-10", "valid_to": "2027-04-09"}
			for k, w := range want {
				if v.Permit[k] != w {
					t.Errorf("permit.%s = %v, want %v", k, v.Permit[k], w)
				}
			}
			for k := range v.Permit {
				if strings.Contains(k, "amount") || strings.Contains(k, "account") || strings.Contains(k, "refund") || k == "verification_token" {
					t.Errorf("an officer sees %s: %v", k, v.Permit)
				}
			}
		}
	})

	t.Run("another zone", func(t *testing.T) {
		if v := e.verify(officer, plate, otherZone); v.Valid || v.Permit != nil {
			t.Errorf("verify in another zone = %+v, want not valid", v)
		}
	})

	t.Run("unknown plate", func(t *testing.T) {
		if v := e.verify(officer, "ZZZ-9999", zoneID); v.Valid {
			t.Errorf("an unregistered plate verifies: %+v", v)
		}
	})

	t.Run("unpaid", func(t *testing.T) {
		vid, pl := e.vehicle(c)
		e.mustBuy(c, vid, zoneID, parking.TypeResident, e.date(0), 1)
		if v := e.verify(officer, pl, zoneID); v.Valid {
			t.Errorf("an unpaid permit verifies: %+v", v)
		}
	})

	t.Run("starts later", func(t *testing.T) {
		vid, pl := e.vehicle(c)
		later := e.mustBuy(c, vid, zoneID, parking.TypeResident, e.date(5), 1)
		e.mustPay(c, later.ID)
		if v := e.verify(officer, pl, zoneID); v.Valid {
			t.Errorf("a permit starting in 5 days verifies today: %+v", v)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		pl, q := e.activePermit(c, zoneID, 1)
		if !e.verify(officer, pl, zoneID).Valid {
			t.Fatal("not valid before the cancellation")
		}
		e.cancel(c, q.ID).Want(t, http.StatusOK)
		if v := e.verify(officer, spelled(pl), zoneID); v.Valid {
			t.Errorf("a cancelled permit verifies: %+v", v)
		}
	})

	t.Run("revoked", func(t *testing.T) {
		pl, q := e.activePermit(c, zoneID, 1)
		revoke := pkAdmin + "/permits/" + q.ID + "/revoke"
		e.do(http.MethodPost, revoke, e.admin.Token, map[string]string{}, nil).Problem(t, http.StatusUnprocessableEntity, "reason")
		e.do(http.MethodPost, revoke, e.admin.Token, map[string]string{"reason": ""}, nil).Problem(t, http.StatusUnprocessableEntity, "reason")
		if !e.verify(officer, pl, zoneID).Valid {
			t.Fatal("a refused revocation ended the permit")
		}
		r := e.do(http.MethodPost, revoke, e.admin.Token, map[string]string{"reason": "forged residence papers"}, nil).Want(t, http.StatusOK)
		var got parking.Permit
		r.JSON(t, &got)
		if got.Status != parking.StatusRevoked || got.Reason != "forged residence papers" || got.VerificationToken != "" {
			t.Errorf("revoked permit = %s, reason %q", got.Status, got.Reason)
		}
		if v := e.verify(officer, pl, zoneID); v.Valid {
			t.Errorf("a revoked permit verifies: %+v", v)
		}
		if own := e.permit(c, q.ID); own.Status != parking.StatusRevoked {
			t.Errorf("the citizen sees %s, want revoked", own.Status)
		}
		e.do(http.MethodPost, revoke, e.admin.Token, map[string]string{"reason": "again"}, nil).Problem(t, http.StatusConflict, "")
		e.cancel(c, q.ID).Problem(t, http.StatusConflict, "")
	})

	t.Run("refused requests", func(t *testing.T) {
		e.app.Get(pkVerify+"?plate=ABC-123&zone_id="+zoneID, c.Token).Problem(t, http.StatusForbidden, "")
		e.app.Get(pkVerify+"?plate=ABC-123&zone_id="+zoneID, "").Problem(t, http.StatusUnauthorized, "")
		e.app.Get(pkVerify+"?plate=ABC-123", officer.Token).Problem(t, http.StatusBadRequest, "zone_id")
		e.app.Get(pkVerify+"?plate=ABC-123&zone_id=zone-1", officer.Token).Problem(t, http.StatusBadRequest, "zone_id")
		e.app.Get(pkVerify+"?zone_id="+zoneID, officer.Token).Problem(t, http.StatusBadRequest, "plate")
		e.app.Get(pkVerify+"?plate="+url.QueryEscape("HELLO WORLD")+"&zone_id="+zoneID, officer.Token).Problem(t, http.StatusUnprocessableEntity, "plate")
		e.app.Get(pkVerify+"?plate=A-12345&zone_id="+zoneID, officer.Token).Problem(t, http.StatusUnprocessableEntity, "plate")
	})

	// Last, because it moves the clock past the permit's end.
	t.Run("expired", func(t *testing.T) {
		e.app.SetClock(time.Date(2027, 4, 9, 18, 59, 59, 0, time.UTC)) // 23:59:59 on 9 April in Karachi, its last day
		if v := e.verify(officer, plate, zoneID); !v.Valid {
			t.Errorf("on the last second of its last day the permit is not valid: %+v", v)
		}
		e.app.SetClock(time.Date(2027, 4, 9, 19, 0, 0, 0, time.UTC)) // 00:00 on 10 April in Karachi
		if v := e.verify(officer, plate, zoneID); v.Valid {
			t.Errorf("after its last day the permit verifies: %+v", v)
		}
		own := e.permit(c, p.ID)
		if own.Status != parking.StatusExpired || own.VerificationToken != "" {
			t.Errorf("the citizen sees %s (token %t), want expired without a token", own.Status, own.VerificationToken != "")
		}
	})
}

// --- cancellation and refunds ---

func TestCancelPermit(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()

	t.Run("unpaid", func(t *testing.T) {
		v, _ := e.vehicle(c)
		p := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)
		r := e.cancel(c, p.ID).Want(t, http.StatusOK)
		m := r.Map(t)
		if m["status"] != parking.StatusCancelled {
			t.Errorf("status = %v, want cancelled", m["status"])
		}
		if refund, ok := m["refund_pkr"]; ok && refund != float64(0) {
			t.Errorf("an unpaid permit is refunded %v", refund)
		}
		if n, _ := e.refunded(p.ID); n != 0 {
			t.Errorf("%d refunds for an unpaid permit", n)
		}
	})

	t.Run("first day", func(t *testing.T) {
		_, p := e.activePermit(c, zoneID, 3)
		r := e.cancel(c, p.ID).Want(t, http.StatusOK)
		var got parking.Permit
		r.JSON(t, &got)
		if got.Status != parking.StatusCancelled || got.RefundPKR != 3000 {
			t.Errorf("cancelled on its first day: %s, refund %d; want cancelled, 3000 (all 3 months)", got.Status, got.RefundPKR)
		}
		if n, total := e.refunded(p.ID); n != 1 || total != 3000 {
			t.Errorf("refund rows %d totalling %d, want 1 of 3000", n, total)
		}
	})

	t.Run("before it starts", func(t *testing.T) {
		v, _ := e.vehicle(c)
		p := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(20), 3)
		e.mustPay(c, p.ID)
		var got parking.Permit
		r := e.cancel(c, p.ID)
		r.JSON(t, &got)
		if got.RefundPKR != 3000 {
			t.Errorf("cancelled before its start: refund %d, want 3000", got.RefundPKR)
		}
	})

	t.Run("concurrent cancels refund once", func(t *testing.T) {
		_, p := e.activePermit(c, zoneID, 3)
		statuses := make([]int, 8)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() {
				<-start
				statuses[i] = e.cancel(c, p.ID).Status
			})
		}
		close(start)
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[http.StatusOK] != 1 || count[http.StatusConflict] != len(statuses)-1 {
			t.Errorf("answers = %v, want one 200 and the rest 409", count)
		}
		if n, total := e.refunded(p.ID); n != 1 || total != 3000 {
			t.Errorf("refund rows %d totalling %d, want 1 of 3000", n, total)
		}
	})

	t.Run("after 1.5 months", func(t *testing.T) {
		_, p := e.activePermit(c, zoneID, 3)      // 10 March to 9 June
		e.app.SetClock(pkStart.AddDate(0, 0, 45)) // 24 April: one whole month (to 23 May) is left before 9 June
		r := e.cancel(c, p.ID).Want(t, http.StatusOK)
		var got parking.Permit
		r.JSON(t, &got)
		if got.Status != parking.StatusCancelled || got.RefundPKR != 1000 {
			t.Errorf("cancelled after 45 days: %s, refund %d; want cancelled, 1000 (1 of 3 months)", got.Status, got.RefundPKR)
		}
		e.cancel(c, p.ID).Problem(t, http.StatusConflict, "")
		if n, total := e.refunded(p.ID); n != 1 || total != 1000 {
			t.Errorf("after cancelling twice: refund rows %d totalling %d, want 1 of 1000", n, total)
		}
		if own := e.permit(c, p.ID); own.RefundPKR != 1000 {
			t.Errorf("the permit shows refund %d, want 1000", own.RefundPKR)
		}
	})

	// The refunds of a page are read together; each permit keeps its own.
	t.Run("the list shows each permit's refund", func(t *testing.T) {
		var l parking.PermitList
		e.app.Get(pkPermits+"?limit=100", c.Token).JSON(t, &l)
		cancelled := 0
		for _, it := range l.Items {
			_, total := e.refunded(it.ID)
			if it.Status != parking.StatusCancelled {
				total = 0
			} else {
				cancelled++
			}
			if it.RefundPKR != total {
				t.Errorf("listed %s permit %s refunded %d, want %d", it.Status, it.ID, it.RefundPKR, total)
			}
		}
		if cancelled != 5 {
			t.Errorf("%d cancelled permits listed, want the 5 cancelled above", cancelled)
		}
	})
}

// --- vehicles ---

func TestVehicles(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	a, b := e.app.NewCitizen(), e.app.NewCitizen()

	vid, plate := e.vehicle(a)
	t.Run("a plate in another spelling is the same plate", func(t *testing.T) {
		for _, spelling := range []string{plate, spelled(plate), strings.ReplaceAll(plate, "-", "")} {
			e.addVehicle(b, spelling).Problem(t, http.StatusConflict, "plate")
		}
		e.addVehicle(a, spelled(plate)).Problem(t, http.StatusConflict, "plate")
	})

	t.Run("bad plates", func(t *testing.T) {
		for _, bad := range []string{"HELLO WORLD", "123", "ÄBC-123"} {
			e.addVehicle(a, bad).Problem(t, http.StatusUnprocessableEntity, "plate")
		}
		e.addVehicle(a, "").Problem(t, http.StatusUnprocessableEntity, "plate")
	})

	t.Run("stored normalised", func(t *testing.T) {
		p := randomPlate()
		r := e.addVehicle(b, spelled(p)).Want(t, http.StatusCreated)
		if got := r.Map(t)["plate"]; got != p {
			t.Errorf("plate = %v, want %s", got, p)
		}
	})

	other, _ := e.vehicle(a)
	t.Run("BOLA", func(t *testing.T) {
		e.do(http.MethodDelete, pkVehicles+"/"+other, b.Token, nil, nil).Problem(t, http.StatusNotFound, "")
		e.buy(b, other, zoneID, parking.TypeResident, e.date(0), 1).Problem(t, http.StatusUnprocessableEntity, "vehicle_id")
		r := e.app.Get(pkVehicles+"?limit=100", b.Token)
		var l parking.VehicleList
		r.JSON(t, &l)
		for _, v := range l.Items {
			if v.ID == other || v.ID == vid {
				t.Errorf("B's list holds A's vehicle %s", v.ID)
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		p := e.mustBuy(a, vid, zoneID, parking.TypeResident, e.date(0), 1)
		e.mustPay(a, p.ID)
		e.do(http.MethodDelete, pkVehicles+"/"+vid, a.Token, nil, nil).Problem(t, http.StatusConflict, "")
		e.cancel(a, p.ID).Want(t, http.StatusOK)
		r := e.do(http.MethodDelete, pkVehicles+"/"+vid, a.Token, nil, nil)
		r.Want(t, http.StatusNoContent)
		e.do(http.MethodDelete, pkVehicles+"/"+vid, a.Token, nil, nil).Problem(t, http.StatusNotFound, "")
		var l parking.VehicleList
		e.app.Get(pkVehicles+"?limit=100", a.Token).JSON(t, &l)
		for _, v := range l.Items {
			if v.ID == vid {
				t.Error("a deleted vehicle is still listed")
			}
		}
		// The plate is free for someone else now.
		e.addVehicle(b, spelled(plate)).Want(t, http.StatusCreated)
		// The deleted vehicle cannot be used for a permit.
		e.buy(a, vid, zoneID, parking.TypeResident, e.date(0), 1).Problem(t, http.StatusUnprocessableEntity, "vehicle_id")
	})

	t.Run("unpaid permit blocks deletion", func(t *testing.T) {
		e.mustBuy(a, other, zoneID, parking.TypeResident, e.date(0), 1)
		e.do(http.MethodDelete, pkVehicles+"/"+other, a.Token, nil, nil).Problem(t, http.StatusConflict, "")
	})

	t.Run("malformed ID", func(t *testing.T) {
		e.do(http.MethodDelete, pkVehicles+"/car-1", a.Token, nil, nil).Problem(t, http.StatusBadRequest, "id")
	})
}

// --- access control ---

func TestPermitAccessControl(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	a, b := e.app.NewCitizen(), e.app.NewCitizen()
	_, pa := e.activePermit(a, zoneID, 1)
	vb, _ := e.vehicle(b)
	e.mustBuy(b, vb, zoneID, parking.TypeResident, e.date(0), 1)

	type route struct {
		method, path string
		body         any
		header       map[string]string
	}
	permit := pkPermits + "/" + pa.ID
	citizenRoutes := []route{
		{http.MethodGet, permit, nil, nil},
		{http.MethodPost, permit + "/payments", pkSandbox, map[string]string{"Idempotency-Key": uuid.NewString()}},
		{http.MethodPost, permit + "/cancel", nil, nil},
		{http.MethodPost, permit + "/renew", map[string]int{"months": 1}, nil},
	}

	t.Run("another citizen gets 404", func(t *testing.T) {
		for _, rt := range citizenRoutes {
			r := e.do(rt.method, rt.path, b.Token, rt.body, rt.header)
			if r.Status != http.StatusNotFound {
				t.Errorf("B: %s %s = %d %s, want 404", rt.method, rt.path, r.Status, r.Body)
			}
		}
		var l parking.PermitList
		e.app.Get(pkPermits+"?limit=100", b.Token).JSON(t, &l)
		if len(l.Items) != 1 {
			t.Errorf("B lists %d permits, want only their own", len(l.Items))
		}
		for _, it := range l.Items {
			if it.ID == pa.ID {
				t.Error("B's list holds A's permit")
			}
		}
		got := e.permit(a, pa.ID)
		if got.Status != parking.StatusActive || got.UpdatedAt != pa.UpdatedAt {
			t.Errorf("A's permit is %s, updated %s; want it untouched", got.Status, got.UpdatedAt)
		}
		if n, _ := e.refunded(pa.ID); n != 0 {
			t.Errorf("A's permit was refunded")
		}
	})

	t.Run("unknown and malformed IDs", func(t *testing.T) {
		e.app.Get(pkPermits+"/"+uuid.NewString(), a.Token).Problem(t, http.StatusNotFound, "")
		e.app.Get(pkPermits+"/permit-1", a.Token).Problem(t, http.StatusBadRequest, "id")
	})

	all := append(slices.Clone(citizenRoutes),
		route{http.MethodGet, pkPermits, nil, nil},
		route{http.MethodPost, pkPermits, map[string]any{"vehicle_id": vb, "zone_id": zoneID, "permit_type": "resident", "start_date": e.date(40), "months": 1}, nil},
		route{http.MethodGet, pkVehicles, nil, nil},
		route{http.MethodPost, pkVehicles, map[string]string{"plate": randomPlate()}, nil},
		route{http.MethodDelete, pkVehicles + "/" + vb, nil, nil},
	)
	t.Run("anonymous gets 401", func(t *testing.T) {
		for _, rt := range all {
			r := e.do(rt.method, rt.path, "", rt.body, rt.header)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous: %s %s = %d, want 401", rt.method, rt.path, r.Status)
			}
		}
	})

	t.Run("staff of another department get 403", func(t *testing.T) {
		nurse := e.app.NewStaff("health_staff", uuid.NewString())
		for _, rt := range all {
			r := e.do(rt.method, rt.path, nurse.Token, rt.body, rt.header)
			if r.Status != http.StatusForbidden {
				t.Errorf("health_staff: %s %s = %d, want 403", rt.method, rt.path, r.Status)
			}
		}
	})

	t.Run("citizens get 403 on administration", func(t *testing.T) {
		admin := []route{
			{http.MethodPost, pkAdmin + "/zones", map[string]any{"name": "Citizen Zone " + uuid.NewString(), "sector": "F-7", "permit_quota": 1}, nil},
			{http.MethodPatch, pkAdmin + "/zones/" + zoneID, map[string]any{"permit_quota": 1000}, nil},
			{http.MethodGet, pkAdmin + "/permits", nil, nil},
			{http.MethodPost, pkAdmin + "/permits/" + pa.ID + "/approve", map[string]string{"reason": "me"}, nil},
			{http.MethodPost, pkAdmin + "/permits/" + pa.ID + "/reject", map[string]string{"reason": "me"}, nil},
			{http.MethodPost, pkAdmin + "/permits/" + pa.ID + "/revoke", map[string]string{"reason": "me"}, nil},
			{http.MethodGet, pkVerify + "?plate=ABC-123&zone_id=" + zoneID, nil, nil},
		}
		officer := e.app.NewStaff("parking_officer", "")
		for _, rt := range admin {
			if r := e.do(rt.method, rt.path, a.Token, rt.body, rt.header); r.Status != http.StatusForbidden {
				t.Errorf("citizen: %s %s = %d, want 403", rt.method, rt.path, r.Status)
			}
			if rt.path == admin[len(admin)-1].path {
				continue // officers verify
			}
			if r := e.do(rt.method, rt.path, officer.Token, rt.body, rt.header); r.Status != http.StatusForbidden {
				t.Errorf("parking_officer: %s %s = %d, want 403", rt.method, rt.path, r.Status)
			}
		}
		if z := e.listedZone(zoneID); z.PermitQuota != 10 {
			t.Errorf("zone quota = %d after refused changes, want 10", z.PermitQuota)
		}
		if got := e.permit(a, pa.ID).Status; got != parking.StatusActive {
			t.Errorf("A's permit is %s, want active", got)
		}
	})
}

// --- administration ---

func TestAdminPermitList(t *testing.T) {
	e := newPkEnv(t)
	zoneID, otherZone := e.zone(10), e.zone(10)
	c := e.app.NewCitizen()
	_, active := e.activePermit(c, zoneID, 1)
	v, _ := e.vehicle(c)
	pending := e.mustBuy(c, v, zoneID, parking.TypeResident, e.date(0), 1)
	v2, _ := e.vehicle(c)
	cancelled := e.mustBuy(c, v2, zoneID, parking.TypeResident, e.date(0), 1)
	e.cancel(c, cancelled.ID).Want(t, http.StatusOK)
	_, elsewhere := e.activePermit(c, otherZone, 1)

	ids := func(t *testing.T, query string) []string {
		t.Helper()
		r := e.app.Get(pkAdmin+"/permits?"+query, e.admin.Token).Want(t, http.StatusOK)
		var l parking.PermitList
		r.JSON(t, &l)
		var out []string
		for _, it := range l.Items {
			out = append(out, it.ID+":"+it.Status)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s ...string) []string { slices.Sort(s); return s }
	tests := []struct {
		query string
		want  []string
	}{
		{"status=active&zone_id=" + zoneID, []string{active.ID + ":active"}},
		{"status=pending_payment&zone_id=" + zoneID, []string{pending.ID + ":pending_payment"}},
		{"status=cancelled&zone_id=" + zoneID, []string{cancelled.ID + ":cancelled"}},
		{"status=revoked&zone_id=" + zoneID, nil},
		{"zone_id=" + zoneID, sorted(active.ID+":active", pending.ID+":pending_payment", cancelled.ID+":cancelled")},
		{"status=active&zone_id=" + otherZone, []string{elsewhere.ID + ":active"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := ids(t, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("listed %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("bad filters", func(t *testing.T) {
		e.app.Get(pkAdmin+"/permits?status=bogus", e.admin.Token).Problem(t, http.StatusBadRequest, "status")
		e.app.Get(pkAdmin+"/permits?status=ACTIVE", e.admin.Token).Problem(t, http.StatusBadRequest, "status")
		e.app.Get(pkAdmin+"/permits?zone_id=zone-1", e.admin.Token).Problem(t, http.StatusBadRequest, "zone_id")
	})

	// A permit past its end reads expired everywhere; a list of active
	// permits must not hold it.
	// A permit past its end reads expired everywhere: lists filter by the
	// status as read now, not as stored.
	t.Run("after the end date", func(t *testing.T) {
		e.app.SetClock(time.Date(2027, 4, 12, 4, 0, 0, 0, time.UTC)) // the 1-month permits ended on 9 April
		tests := []struct {
			query string
			want  []string
		}{
			{"status=active&zone_id=" + zoneID, nil},
			{"status=expired&zone_id=" + zoneID, []string{active.ID + ":expired"}},
			{"status=pending_payment&zone_id=" + zoneID, nil},
			{"status=expired_unpaid&zone_id=" + zoneID, []string{pending.ID + ":expired_unpaid"}},
			{"status=cancelled&zone_id=" + zoneID, []string{cancelled.ID + ":cancelled"}},
			{"zone_id=" + zoneID, sorted(active.ID+":expired", pending.ID+":expired_unpaid", cancelled.ID+":cancelled")},
		}
		for _, tt := range tests {
			if got := ids(t, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("?%s listed %v, want %v", tt.query, got, tt.want)
			}
		}
	})
}

// The public zone list is remembered for a second, yet a change made
// through the same instance shows in it at once (the next page read is
// fresh), and one made elsewhere within the second.
func TestZoneListShowsChangesAtOnce(t *testing.T) {
	e := newPkEnv(t)
	e.app.Get(pkZones+"?limit=100", "").Want(t, http.StatusOK)
	zoneID := e.zone(2) // listed at once below, though a page was just read
	c := e.app.NewCitizen()
	vehicleID, _ := e.vehicle(c)
	held := func(want int, after string) {
		t.Helper()
		if n := e.listedZone(zoneID).ActivePermits; n != want {
			t.Fatalf("active_permits = %d after %s, want %d", n, after, want)
		}
	}
	held(0, "creating the zone")
	p := e.mustBuy(c, vehicleID, zoneID, parking.TypeResident, e.date(0), 1)
	held(1, "buying a permit")
	e.cancel(c, p.ID).Want(t, http.StatusOK)
	held(0, "cancelling it")

	e.do(http.MethodPatch, pkAdmin+"/zones/"+zoneID, e.admin.Token, map[string]any{"permit_quota": 3}, nil).Want(t, http.StatusOK)
	if z := e.listedZone(zoneID); z.PermitQuota != 3 {
		t.Fatalf("permit_quota = %d after the change, want 3", z.PermitQuota)
	}

	// Another instance changes the zone: this one's memory cannot know.
	changed := time.Now()
	if err := e.app.DB.Exec("UPDATE parking_zones SET permit_quota = 4 WHERE id = ?", zoneID).Error; err != nil {
		t.Fatal(err)
	}
	for e.listedZone(zoneID).PermitQuota != 4 {
		if time.Since(changed) > 5*time.Second {
			t.Fatal("a change made elsewhere is not listed after 5 s; a remembered page lives a second")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
