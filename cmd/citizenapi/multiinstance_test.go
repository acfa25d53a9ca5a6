package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// instances are real server processes sharing one PostgreSQL schema.
type instances struct {
	urls []string
	// database is the URL of their schema.
	database string
}

// startInstances builds the binary and starts n servers on a fresh schema
// of TEST_DATABASE_URL, with one signing key between them, as a load
// balancer would see them.
func startInstances(t *testing.T, n int) *instances {
	t.Helper()
	pg := os.Getenv("TEST_DATABASE_URL")
	if pg == "" {
		t.Skip("needs TEST_DATABASE_URL: several instances share one PostgreSQL")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "citizenapi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	schema := fmt.Sprintf("multi_%d", rand.Int64())
	admin, err := db.Open(context.Background(), db.Config{URL: pg, MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	key, _ := token.NewKey("multi")
	inst := &instances{database: u.String()}
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(bin)
		// Every citizen registers from 127.0.0.1.
		cmd.Env = append(os.Environ(), "APP_ENV=development", "DATABASE_URL="+u.String(), "HTTP_ADDR="+addr,
			"TOKEN_SIGNING_KEYS="+key, "PII_SEALING_KEYS="+apitest.PIISealingKeys, "PII_LOOKUP_KEY="+apitest.PIILookupKey, "DATA_DIR="+filepath.Join(dir, fmt.Sprint(i)), "LOG_LEVEL=warn",
			"REGISTRATIONS_PER_ADDRESS_HOUR=1000", "SMS_PER_ADDRESS_HOUR=1000", "SMS_PER_ADDRESS_DAY=1000")
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("instance %d said:\n%s", i, logs.String())
			}
		})
		base := "http://" + addr
		if !waitReady(base) {
			t.Fatalf("instance %d did not become ready:\n%s", i, logs.String())
		}
		inst.urls = append(inst.urls, base)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	return inst
}

// open connects to the instances' database, as another instance would,
// until the test ends.
func (in *instances) open(t *testing.T) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), db.Config{URL: in.database, MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func waitReady(base string) bool {
	for range 120 {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return false
}

// call sends a JSON request to one instance and decodes the answer.
func call(t *testing.T, base, method, path, tok string, body any, out any, header ...string) int {
	t.Helper()
	var rd *bytes.Reader
	raw, _ := json.Marshal(body)
	if body == nil {
		raw = nil
	}
	rd = bytes.NewReader(raw)
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

var codePattern = regexp.MustCompile(`code is (\d{6})`)

// citizen registers on one instance, verifies on another and signs in on a
// third: every step's state is in the database, none in a process.
func (in *instances) citizen(t *testing.T, i int) string {
	t.Helper()
	cnic := fmt.Sprintf("%d%012d", 1+rand.IntN(7), rand.Int64N(1_000_000_000_000))
	phone := fmt.Sprintf("+923%09d", rand.IntN(1_000_000_000))
	password := "multi instance passphrase"
	at := func(k int) string { return in.urls[(i+k)%len(in.urls)] }
	if s := call(t, at(0), "POST", "/api/v1/auth/register", "", map[string]string{"cnic": cnic, "phone": phone, "full_name": "Multi Citizen", "password": password}, nil); s != 201 {
		t.Fatalf("register: %d", s)
	}
	var msgs struct {
		Items []struct{ Body string } `json:"items"`
	}
	call(t, at(1), "GET", "/dev/messages?to="+url.QueryEscape(phone), "", nil, &msgs)
	if len(msgs.Items) == 0 {
		t.Fatal("no code recorded")
	}
	code := codePattern.FindStringSubmatch(msgs.Items[0].Body)[1]
	if s := call(t, at(1), "POST", "/api/v1/auth/otp/verify", "", map[string]string{"phone": phone, "code": code}, nil); s != 200 {
		t.Fatalf("verify: %d", s)
	}
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	if s := call(t, at(2), "POST", "/api/v1/auth/login", "", map[string]string{"username": cnic, "password": password}, &pair); s != 200 {
		t.Fatalf("login: %d", s)
	}
	return pair.AccessToken
}

// TestRacesAcrossInstances books the last seats of a slot from citizens
// spread over three server processes, and replays one idempotency key on
// another instance: the database keeps both right.
func TestRacesAcrossInstances(t *testing.T) {
	in := startInstances(t, 3)
	const citizens, seats = 24, 5
	tokens := make([]string, citizens)
	for i := range tokens {
		tokens[i] = in.citizen(t, i)
	}
	_, _, slot := in.slot(t, in.login(t, 1, "health.admin@demo.citizen.gov.pk"), seats)

	count := in.race(t, citizens, func(i int, base string) int {
		return call(t, base, "POST", "/api/v1/health/appointments", tokens[i], map[string]string{"slot_id": slot}, nil)
	})
	if count[201] != seats || count[409] != citizens-seats {
		t.Fatalf("statuses %v, want %d × 201 and %d × 409", count, seats, citizens-seats)
	}

	// A retry with the same key on another instance replays the first answer.
	tok := tokens[0]
	var vehicle struct{ ID string }
	if st := call(t, in.urls[0], "POST", "/api/v1/parking/vehicles", tok, map[string]string{"plate": fmt.Sprintf("ICT-MUL-%d", 1+rand.IntN(9999))}, &vehicle); st != 201 {
		t.Fatalf("vehicle: %d", st)
	}
	var zones struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, in.urls[1], "GET", "/api/v1/parking/zones?limit=1", "", nil, &zones)
	permit := map[string]any{"vehicle_id": vehicle.ID, "zone_id": zones.Items[0].ID, "permit_type": "resident",
		"start_date": time.Now().In(time.FixedZone("PKT", 5*3600)).Format(time.DateOnly), "months": 1}
	key := fmt.Sprintf("multi-%d", rand.Int64())
	var first, replay struct{ ID string }
	if st := call(t, in.urls[0], "POST", "/api/v1/parking/permits", tok, permit, &first, "Idempotency-Key", key); st != 201 {
		t.Fatalf("permit: %d", st)
	}
	if st := call(t, in.urls[2], "POST", "/api/v1/parking/permits", tok, permit, &replay, "Idempotency-Key", key); st != 201 || replay.ID != first.ID {
		t.Fatalf("replay on another instance: %d %s, want 201 with permit %s", st, replay.ID, first.ID)
	}
}

// slot makes a doctor at a demo facility with one slot of seats seats at
// 09:00 two days ahead, through the instances with a health admin's token,
// and returns the doctor, the day and the slot.
func (in *instances) slot(t *testing.T, staff string, seats int) (doctor, day, slot string) {
	t.Helper()
	var facilities struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, in.urls[2], "GET", "/api/v1/health/facilities?limit=1", "", nil, &facilities)
	var d struct{ ID string }
	call(t, in.urls[0], "POST", "/api/v1/admin/health/practitioners", staff, map[string]string{
		"facility_id": facilities.Items[0].ID, "full_name": "Dr. Multi", "specialty": "general-medicine", "pmdc_number": fmt.Sprintf("%d-M", rand.IntN(1e9))}, &d)
	day = time.Now().In(time.FixedZone("PKT", 5*3600)).AddDate(0, 0, 2).Format(time.DateOnly)
	call(t, in.urls[1], "POST", "/api/v1/admin/health/schedules", staff, map[string]any{
		"practitioner_id": d.ID, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": "09:00", "end_time": "09:20",
		"slot_minutes": 20, "capacity": seats, "from": day, "to": day}, nil)
	var slots struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, in.urls[2], "GET", "/api/v1/health/slots?include_full=true&practitioner_id="+d.ID+"&to="+url.QueryEscape(time.Now().AddDate(0, 0, 5).Format(time.RFC3339)), "", nil, &slots)
	if len(slots.Items) != 1 {
		t.Fatalf("want the one slot, got %d", len(slots.Items))
	}
	return d.ID, day, slots.Items[0].ID
}

// login signs a demo staff member in on one instance.
func (in *instances) login(t *testing.T, i int, username string) string {
	t.Helper()
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	if s := call(t, in.urls[i%len(in.urls)], "POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": "Demo-staff-password-2026"}, &pair); s != 200 {
		t.Fatalf("login %s: %d", username, s)
	}
	return pair.AccessToken
}

// race sends one request per citizen, all at once, spread over the
// instances, and counts the statuses.
func (in *instances) race(t *testing.T, n int, send func(i int, base string) int) map[int]int {
	t.Helper()
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = send(i, in.urls[i%len(in.urls)])
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	return count
}

// TestQuotaEnrollmentAndRolesAcrossInstances races a zone's last permits
// and a school's last seats over three server processes, and deactivates a
// staff member through one while the others serve them.
func TestQuotaEnrollmentAndRolesAcrossInstances(t *testing.T) {
	in := startInstances(t, 3)
	const citizens, quota, seats = 18, 4, 3
	tokens := make([]string, citizens)
	for i := range tokens {
		tokens[i] = in.citizen(t, i)
	}
	pkt := time.FixedZone("PKT", 5*3600)

	t.Run("zone quota", func(t *testing.T) {
		admin := in.login(t, 0, "parking.admin@demo.citizen.gov.pk")
		var zone struct{ ID string }
		if s := call(t, in.urls[0], "POST", "/api/v1/admin/parking/zones", admin, map[string]any{
			"name": fmt.Sprintf("Multi zone %d", rand.Int64()), "sector": "G-9", "permit_quota": quota,
			"tariffs": []map[string]any{{"permit_type": "resident", "months": 1, "amount_pkr": 1000}}}, &zone); s != 201 {
			t.Fatalf("create zone: %d", s)
		}
		// One letter group per run and one number per citizen: plates of
		// earlier runs stay registered in a shared schema.
		series := string([]byte{byte('A' + rand.IntN(26)), byte('A' + rand.IntN(26)), byte('A' + rand.IntN(26))})
		vehicles := make([]string, citizens)
		for i, tok := range tokens {
			var v struct{ ID string }
			if s := call(t, in.urls[i%3], "POST", "/api/v1/parking/vehicles", tok, map[string]string{"plate": fmt.Sprintf("ISB-%s-%d", series, 1000+i)}, &v); s != 201 {
				t.Fatalf("vehicle: %d", s)
			}
			vehicles[i] = v.ID
		}
		count := in.race(t, citizens, func(i int, base string) int {
			return call(t, base, "POST", "/api/v1/parking/permits", tokens[i], map[string]any{"vehicle_id": vehicles[i], "zone_id": zone.ID,
				"permit_type": "resident", "start_date": time.Now().In(pkt).Format(time.DateOnly), "months": 1}, nil)
		})
		if count[201] != quota || count[409] != citizens-quota {
			t.Fatalf("permit statuses %v, want %d × 201 and %d × 409", count, quota, citizens-quota)
		}
		var z struct {
			ActivePermits int `json:"active_permits"`
		}
		call(t, in.urls[2], "GET", "/api/v1/parking/zones/"+zone.ID, "", nil, &z)
		if z.ActivePermits > quota {
			t.Errorf("zone holds %d permits, quota %d", z.ActivePermits, quota)
		}
	})

	t.Run("school seats", func(t *testing.T) {
		admin := in.login(t, 1, "education.admin@demo.citizen.gov.pk")
		var windows struct {
			Items []struct {
				AcademicYear string      `json:"academic_year"`
				AgeCutoff    domain.Date `json:"age_cutoff"`
				AgeRules     []struct {
					Grade  int `json:"grade"`
					MinAge int `json:"min_age"`
				} `json:"age_rules"`
			}
		}
		call(t, in.urls[1], "GET", "/api/v1/admin/education/admission-windows", admin, nil, &windows)
		if len(windows.Items) == 0 || len(windows.Items[0].AgeRules) == 0 {
			t.Fatal("the demo admission window is missing")
		}
		w := windows.Items[0]
		grade, dob := w.AgeRules[0].Grade, w.AgeCutoff.AddDate(-w.AgeRules[0].MinAge-1, 0, 0).Format(time.DateOnly)
		var schools struct {
			Items []struct{ ID string } `json:"items"`
		}
		call(t, in.urls[2], "GET", "/api/v1/education/schools?limit=1", "", nil, &schools)
		school := schools.Items[0].ID
		if s := call(t, in.urls[0], "PUT", "/api/v1/admin/education/schools/"+school+"/seats", admin,
			map[string]any{"academic_year": w.AcademicYear, "grade": grade, "seats": seats}, nil); s != 200 {
			t.Fatalf("set seats: %d", s)
		}
		applications := make([]string, citizens)
		for i, tok := range tokens {
			var child, app struct{ ID string }
			if s := call(t, in.urls[i%3], "POST", "/api/v1/me/dependants", tok, map[string]string{
				"full_name": "Multi Child", "relation": "child", "date_of_birth": dob, "gender": "male"}, &child); s != 201 {
				t.Fatalf("child: %d", s)
			}
			if s := call(t, in.urls[(i+1)%3], "POST", "/api/v1/education/applications", tok, map[string]any{
				"school_id": school, "academic_year": w.AcademicYear, "grade": grade, "child_id": child.ID}, &app); s != 201 {
				t.Fatalf("apply: %d", s)
			}
			applications[i] = app.ID
		}
		count := in.race(t, citizens, func(i int, base string) int {
			return call(t, base, "POST", "/api/v1/admin/education/applications/"+applications[i]+"/decision", admin,
				map[string]string{"decision": "accepted", "note": "multi"}, nil)
		})
		if count[200] != seats || count[409] != citizens-seats {
			t.Fatalf("acceptance statuses %v, want %d × 200 and %d × 409", count, seats, citizens-seats)
		}
	})

	t.Run("deactivation applies everywhere within a second", func(t *testing.T) {
		admin := in.login(t, 0, "admin@demo.citizen.gov.pk")
		email := fmt.Sprintf("multi.%d@staff.test", rand.Int64())
		var staff struct{ ID string }
		if s := call(t, in.urls[0], "POST", "/api/v1/admin/staff", admin, map[string]string{
			"email": email, "full_name": "Multi Staff", "password": "Demo-staff-password-2026", "role": "parking_officer", "department": "parking"}, &staff); s != 201 {
			t.Fatalf("create staff: %d", s)
		}
		tok := in.login(t, 1, email)
		for i := range in.urls {
			if s := call(t, in.urls[i], "GET", "/api/v1/me", tok, nil, nil); s != 200 {
				t.Fatalf("staff on instance %d before: %d", i, s)
			}
		}
		if s := call(t, in.urls[0], "PATCH", "/api/v1/admin/staff/"+staff.ID, admin, map[string]bool{"active": false}, nil); s != 200 {
			t.Fatalf("deactivate: %d", s)
		}
		at := time.Now()
		for i := 1; i < len(in.urls); i++ {
			for call(t, in.urls[i], "GET", "/api/v1/me", tok, nil, nil) != 401 {
				if time.Since(at) > 3*time.Second {
					t.Fatalf("instance %d still serves the deactivated staff member", i)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		if took := time.Since(at); took > 1500*time.Millisecond {
			t.Errorf("the deactivation took %s to reach every instance, want about a second", took)
		}
	})
}
