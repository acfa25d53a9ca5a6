package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
)

func TestMain(m *testing.M) { apitest.Main(m) }

// The synthetic identifiers must be stored exactly as the identity and
// parking code normalise what people type, or nobody could sign in or
// find a plate.
func TestScaleIdentifiersAreNormalised(t *testing.T) {
	for _, i := range []int64{1, 2, 12345, 1_000_000, maxCitizens} {
		if got, err := identity.NormalizeCNIC("cnic", scaleCNIC(i)); err != nil || got != scaleCNIC(i) {
			t.Errorf("NormalizeCNIC(%s) = %q, %v; want it unchanged", scaleCNIC(i), got, err)
		}
		if got, err := identity.NormalizePhone("phone", scalePhone(i)); err != nil || got != scalePhone(i) {
			t.Errorf("NormalizePhone(%s) = %q, %v; want it unchanged", scalePhone(i), got, err)
		}
	}
	if got := scaleCNIC(1); got != "6900000000001" {
		t.Errorf("scaleCNIC(1) = %s, want 6900000000001 as the help says", got)
	}
	seen := map[string]int64{}
	for _, v := range []int64{0, 1, 9998, 9999, 10000, 26 * 9999, maxVehicles - 1} {
		plate := scalePlate(v)
		if got, err := domain.NormalizePlate("plate", plate); err != nil || got != plate {
			t.Errorf("NormalizePlate(%s) = %q, %v; want it unchanged", plate, got, err)
		}
		if w, ok := seen[plate]; ok {
			t.Errorf("vehicles %d and %d share the plate %s", w, v, plate)
		}
		seen[plate] = v
	}
}

func TestSeedScaleRefusesSQLite(t *testing.T) {
	path := devEnv(t)
	var out bytes.Buffer
	err := runCmd(context.Background(), &out, "seed", "scale", "-citizens", "10")
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL only") {
		t.Fatalf("seed scale on SQLite = %v, want an error saying it loads PostgreSQL only", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("seed scale on SQLite created the database file")
	}
}

// scaleChecks are invariants of the loaded data, each a query counting the
// rows that break it. ? is today's local date.
var scaleChecks = []struct{ name, sql string }{
	{"slots whose booked is not their seated appointments", `SELECT count(*) FROM health_slots s WHERE booked <> (SELECT count(*)
		FROM health_appointments a WHERE a.slot_id = s.id AND a.status IN ('booked', 'checked_in', 'completed', 'no_show'))`},
	{"slots over capacity", `SELECT count(*) FROM health_slots WHERE booked > capacity`},
	{"slots whose next queue number is taken", `SELECT count(*) FROM health_slots s
		WHERE next_queue < (SELECT coalesce(max(queue_number), 0) FROM health_appointments a WHERE a.slot_id = s.id)`},
	{"appointments unlike their slot", `SELECT count(*) FROM health_appointments a JOIN health_slots s ON s.id = a.slot_id
		WHERE a.starts_at <> s.starts_at OR a.practitioner_id <> s.practitioner_id OR a.facility_id <> s.facility_id
		OR a.local_date <> (s.starts_at AT TIME ZONE 'Asia/Karachi')::date`},
	{"slots unlike their practitioner", `SELECT count(*) FROM health_slots s JOIN health_practitioners p ON p.id = s.practitioner_id
		WHERE s.facility_id <> p.facility_id OR s.specialty <> p.specialty`},
	{"booked appointments in the past or others in the future", `SELECT count(*) FROM health_appointments
		WHERE (status = 'booked') <> (starts_at > now())`},
	{"patients who are not the account or its dependant", `SELECT count(*) FROM health_appointments a
		WHERE NOT (patient_kind = 'self' AND patient_id = account_id AND EXISTS (SELECT 1 FROM accounts c WHERE c.id = a.account_id AND c.full_name = a.patient_name))
		AND NOT (patient_kind = 'dependant' AND EXISTS (SELECT 1 FROM dependants d WHERE d.id = a.patient_id AND d.owner_id = a.account_id AND d.full_name = a.patient_name))`},
	{"seats whose filled is not their seated applications", `SELECT count(*) FROM education_seats s WHERE filled <> (SELECT count(*)
		FROM education_applications a WHERE a.school_id = s.school_id AND a.academic_year = s.academic_year AND a.grade = s.grade
		AND a.status IN ('accepted', 'enrolled'))`},
	{"applications to a grade without seats", `SELECT count(*) FROM education_applications a WHERE NOT EXISTS (SELECT 1 FROM education_seats s
		WHERE a.school_id = s.school_id AND a.academic_year = s.academic_year AND a.grade = s.grade)`},
	{"open counts unlike the open applications", `SELECT count(*) FROM education_open_applications o WHERE open_count <> (SELECT count(*)
		FROM education_applications a WHERE a.child_person_id = o.person_id AND a.academic_year = o.academic_year
		AND a.status IN ('submitted', 'under_review', 'waitlisted', 'accepted'))`},
	{"applications without a number of their year, or past their series", `SELECT count(*) FROM education_applications a
		WHERE a.number IS NULL OR a.number NOT LIKE 'APP-' || substr(a.academic_year, 1, 4) || '-%'
		OR substr(a.number, 10)::bigint > (SELECT last_issued FROM serials WHERE series = substr(a.number, 1, 8))`},
	{"citizens whose CNIC names another person", `SELECT count(*) FROM accounts a WHERE kind = 'citizen' AND NOT EXISTS
		(SELECT 1 FROM people p WHERE p.number_hash = a.cnic_hash AND p.person_id = a.person_id)`},
	{"records without a person", `SELECT (SELECT count(*) FROM dependants WHERE person_id IS NULL) + (SELECT count(*) FROM health_appointments
		WHERE person_id IS NULL) + (SELECT count(*) FROM education_applications WHERE child_person_id IS NULL)`},
	{"family sizes unlike the families", `SELECT count(*) FROM accounts a WHERE (SELECT count(*) FROM dependants d WHERE d.owner_id = a.id)
		<> COALESCE((SELECT dependants FROM dependant_counts c WHERE c.owner_id = a.id), 0)`},
	{"account bookings unlike the appointments", `SELECT count(*) FROM health_account_bookings b WHERE bookings <> (SELECT count(*)
		FROM health_appointments a WHERE a.account_id = b.account_id AND a.practitioner_id = b.practitioner_id AND a.local_date = b.local_date
		AND a.status NOT IN ('cancelled', 'cancelled_by_facility'))`},
	{"applicants without an open count", `SELECT count(*) FROM education_applications a WHERE NOT EXISTS (SELECT 1
		FROM education_open_applications o WHERE a.child_person_id = o.person_id AND a.academic_year = o.academic_year)`},
	{"applications for someone else's child", `SELECT count(*) FROM education_applications a WHERE NOT EXISTS (SELECT 1 FROM dependants d
		WHERE d.id = a.child_id AND d.owner_id = a.account_id AND d.relation = 'child' AND d.full_name = a.child_name AND d.date_of_birth = a.child_dob)`},
	{"children outside their grade's ages", `SELECT count(*) FROM education_applications a
		JOIN education_admission_windows w ON w.academic_year = a.academic_year
		LEFT JOIN education_age_rules r ON r.window_id = w.id AND r.grade = a.grade
		WHERE r.grade IS NULL OR date_part('year', age(w.age_cutoff, a.child_dob)) NOT BETWEEN r.min_age AND r.max_age`},
	{"applications outside the window", `SELECT count(*) FROM education_applications a JOIN education_admission_windows w
		ON w.academic_year = a.academic_year WHERE a.created_at < w.opens_at OR a.created_at > w.closes_at OR a.updated_at > now()`},
	{"seated children with other open applications", `SELECT count(*) FROM education_applications a JOIN education_applications b
		ON a.child_id = b.child_id AND a.academic_year = b.academic_year AND a.id <> b.id
		WHERE a.status IN ('accepted', 'enrolled') AND b.status IN ('submitted', 'under_review', 'waitlisted', 'accepted')`},
	{"histories that do not end in the status", `SELECT count(*) FROM education_applications a WHERE a.status <> (SELECT to_status
		FROM education_application_events e WHERE e.application_id = a.id ORDER BY at DESC, id DESC LIMIT 1)`},
	{"zones over quota", `SELECT count(*) FROM parking_zones z WHERE permit_quota < (SELECT count(*) FROM parking_permits p
		WHERE p.zone_id = z.id AND ((status IN ('active', 'pending_approval') AND end_date >= ?::date) OR (status = 'pending_payment' AND hold_until > now())))`},
	{"permits unlike their vehicle", `SELECT count(*) FROM parking_permits p JOIN vehicles v ON v.id = p.vehicle_id
		WHERE p.account_id <> v.account_id OR p.plate NOT IN (v.plate, 'ANONYMISED')`},
	{"paid permits without exactly one charge", `SELECT count(*) FROM parking_permits p WHERE status IN ('active', 'pending_approval', 'cancelled')
		AND (SELECT count(*) FROM parking_payments c WHERE c.permit_id = p.id AND kind = 'charge' AND status = 'succeeded') <> 1`},
	{"plates the retention job would still anonymise", `SELECT count(*) FROM parking_permits WHERE plate <> 'ANONYMISED'
		AND (end_date <= ?::date - 2 OR (status IN ('cancelled', 'revoked', 'rejected') AND updated_at < now() - interval '1 day'))`},
	{"challans unlike their vehicle", `SELECT count(*) FROM traffic_challans c LEFT JOIN vehicles v ON v.id = c.vehicle_id
		WHERE v.id IS NULL OR c.plate <> v.plate OR c.account_id IS DISTINCT FROM v.account_id OR c.occurred_at <= v.created_at
		OR c.issued_at < c.occurred_at OR c.updated_at > now()`},
	{"challans unlike their offence", `SELECT count(*) FROM traffic_challans c JOIN traffic_offences o ON o.code = c.offence_code
		WHERE c.fine_pkr <> o.fine_pkr OR c.late_fine_pkr <> o.late_fine_pkr OR c.contest_until <> c.due_date
		OR c.due_date <> (c.issued_at AT TIME ZONE 'Asia/Karachi')::date + o.due_days`},
	{"challans without a number of their year, or past their series", `SELECT count(*) FROM traffic_challans
		WHERE number NOT LIKE 'ICT-' || extract(year FROM issued_at AT TIME ZONE 'Asia/Karachi') || '-%'
		OR substr(number, 10)::bigint > (SELECT last_issued FROM serials WHERE series = substr(number, 1, 8))`},
	{"paid challans without a charge of what they paid, or others with one", `SELECT count(*) FROM traffic_challans c
		LEFT JOIN traffic_payments p ON p.challan_id = c.id AND p.status = 'succeeded' WHERE (c.status = 'paid') <> (p.id IS NOT NULL)
		OR (p.id IS NOT NULL AND (p.amount_pkr IS DISTINCT FROM c.paid_pkr OR p.account_id IS DISTINCT FROM c.account_id
		OR p.created_at IS DISTINCT FROM c.paid_at OR c.paid_at <= c.issued_at))`},
	{"challan histories that do not end in the status", `SELECT count(*) FROM traffic_challans c WHERE status IS DISTINCT FROM
		(SELECT action FROM traffic_challan_events e WHERE e.challan_id = c.id ORDER BY at DESC, id DESC LIMIT 1)`},
	{"challans the reminder job would still remind", `WITH t (today) AS (SELECT ?::date) SELECT count(*) FROM traffic_challans, t
		WHERE status = 'issued' AND ((due_reminded_at IS NULL AND due_date BETWEEN today AND today + 3)
		OR (overdue_reminded_at IS NULL AND due_date < today))`},
}

func TestSeedScalePostgres(t *testing.T) {
	pg := os.Getenv("TEST_DATABASE_URL")
	if pg == "" {
		t.Skip("TEST_DATABASE_URL is not set: seed scale loads PostgreSQL only")
	}
	app := apitest.New(t)
	devEnv(t)
	t.Setenv("DATABASE_URL", dbtest.DatabaseURL(t, app.DB))
	t.Setenv("PII_SEALING_KEYS", apitest.PIISealingKeys)
	t.Setenv("PII_LOOKUP_KEY", apitest.PIILookupKey)

	args := []string{"seed", "scale", "-citizens", "200", "-facilities", "3", "-practitioners", "6", "-slot-days", "3",
		"-past-appointments", "500", "-schools", "4", "-applications", "60", "-zones", "1", "-vehicles", "400"}
	var out bytes.Buffer
	if err := runCmd(context.Background(), &out, args...); err != nil {
		t.Fatalf("seed scale: %v", err)
	}
	if !strings.Contains(out.String(), scalePassword) || !strings.Contains(out.String(), scaleCNIC(200)) {
		t.Errorf("output %q does not give the password and the CNICs", out.String())
	}
	if err := runCmd(context.Background(), &bytes.Buffer{}, args...); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second seed scale = %v, want a refusal", err)
	}

	counts := []struct {
		sql  string
		want int64
	}{
		{"SELECT count(*) FROM accounts WHERE cnic_sealed IS NOT NULL AND status = 'active' AND verified_at IS NOT NULL", 200},
		{"SELECT count(*) FROM health_facilities", 3},
		{"SELECT count(*) FROM health_practitioners", 6},
		{"SELECT count(*) FROM health_slots WHERE starts_at > now()", 6 * 3 * slotsPerDay},
		{"SELECT count(*) FROM health_appointments WHERE starts_at < now()", 500},
		{"SELECT count(*) FROM health_appointments WHERE status = 'booked'", 6 * 3},
		{"SELECT count(*) FROM education_schools", 4},
		{"SELECT count(*) FROM parking_zones", 1},
		{"SELECT count(*) FROM parking_tariffs", 12},
		{"SELECT count(*) FROM vehicles", 400},
		// Nine tenths of the zone's quota of 320 are live; the rest ended.
		{"SELECT count(*) FROM parking_permits WHERE plate <> 'ANONYMISED'", zoneQuota(0) * 9 / 10},
		{"SELECT count(*) FROM parking_permits", 400},
		{"SELECT count(*) FROM traffic_challans", 400 * challansPerVehicle},
	}
	for _, c := range counts {
		var n int64
		if err := app.DB.Raw(c.sql).Scan(&n).Error; err != nil || n != c.want {
			t.Errorf("%s = %d (%v), want %d", c.sql, n, err, c.want)
		}
	}
	var applications, dependants int64
	app.DB.Raw("SELECT count(*) FROM education_applications").Scan(&applications)
	app.DB.Raw("SELECT count(*) FROM dependants").Scan(&dependants)
	if applications == 0 || applications > 60 || dependants == 0 || dependants > 400 {
		t.Errorf("%d applications and %d dependants, want 1 to 60 and 1 to 400", applications, dependants)
	}

	today := domain.LocalDate(time.Now()).Format(time.DateOnly)
	for _, c := range scaleChecks {
		var args []any
		if strings.Contains(c.sql, "?") {
			args = append(args, today)
		}
		var n int64
		if err := app.DB.Raw(c.sql, args...).Scan(&n).Error; err != nil || n != 0 {
			t.Errorf("%s: %d (%v), want none", c.name, n, err)
		}
	}
	// A third of the challans are unpaid, some of them overdue.
	var unpaid, overdue int64
	app.DB.Raw("SELECT count(*) FROM traffic_challans WHERE status = 'issued'").Scan(&unpaid)
	app.DB.Raw("SELECT count(*) FROM traffic_challans WHERE status = 'issued' AND due_date < ?::date", today).Scan(&overdue)
	if all := int64(400 * challansPerVehicle); unpaid < all/4 || unpaid > all*5/12 || overdue == 0 || overdue == unpaid {
		t.Errorf("%d of %d challans unpaid, %d of them overdue; want about a third, some overdue", unpaid, all, overdue)
	}

	// The first citizen signs in with the CNIC as typed, the last with the
	// phone, and books a seat through the API.
	tok, _ := app.Login("69000-0000000-1", scalePassword)
	var me identity.Account
	app.Get("/api/v1/me", tok).JSON(t, &me)
	if me.CNIC != scaleCNIC(1) || me.Phone != scalePhone(1) {
		t.Errorf("GET /me = %+v, want citizen 1", me)
	}
	tok, _ = app.Login("0350-0000200", scalePassword)
	var slots struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	app.Get("/api/v1/health/slots?limit=20", "").JSON(t, &slots)
	booked := false
	for _, s := range slots.Items {
		r := app.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/health/appointments", Token: tok,
			Header: map[string]string{"Idempotency-Key": "scale-" + s.ID}, Body: map[string]string{"slot_id": s.ID}})
		if r.Status == http.StatusCreated {
			booked = true
			break
		}
	}
	if !booked {
		t.Fatalf("citizen 200 could book none of %d free slots", len(slots.Items))
	}
	var n int64
	app.DB.Raw(scaleChecks[0].sql).Scan(&n)
	if n != 0 {
		t.Errorf("after a booking through the API, %d slots' booked differ from their appointments", n)
	}
}
