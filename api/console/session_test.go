package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// browserless is a client that keeps cookies and does not follow
// redirects, for the tests of what the console answers.
type browserless struct {
	t    *testing.T
	app  *apitest.App
	http *http.Client
}

func newBrowserless(t *testing.T, app *apitest.App) *browserless {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browserless{t: t, app: app, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get answers a GET of path with its status, body and the response.
func (b *browserless) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil, nil)
}

// post sends form to path with headers.
func (b *browserless) post(path string, form url.Values, headers map[string]string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodPost, path, form, headers)
}

func (b *browserless) do(method, path string, form url.Values, headers map[string]string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.app.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, string(raw)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the form token of the page body.
func csrf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the page: %s", body)
	}
	return m[1]
}

// signIn signs in as username with password and returns where the console
// sent the browser.
func (b *browserless) signIn(username, password string) string {
	b.t.Helper()
	_, page := b.get("/console/sign-in")
	res, _ := b.post("/console/sign-in", url.Values{"csrf": {csrf(b.t, page)}, "username": {username}, "password": {password}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-in answered %d, want 303", res.StatusCode)
	}
	return res.Header.Get("Location")
}

// TestConsoleHeadersAndCookies: pages carry a strict CSP without inline
// script and are never cached; the session cookie is HttpOnly and
// SameSite=Strict (Secure and __Host- outside development, which the
// internal tests cover).
func TestConsoleHeadersAndCookies(t *testing.T) {
	app := apitest.New(t)
	b := newBrowserless(t, app)
	res, _ := b.get("/console/sign-in")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", res.Header)
	}
	desk := app.NewStaff(identity.RoleHealthStaff, app.Facility())
	_, page := b.get("/console/sign-in")
	res, _ = b.post("/console/sign-in", url.Values{"csrf": {csrf(t, page)}, "username": {desk.Email}, "password": {apitest.StaffPassword}}, nil)
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "console-session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/" || session.MaxAge != 12*3600 {
		t.Fatalf("session cookie %+v", session)
	}
	if res, _ := b.get("/console/static/console.css"); res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("console.css answered %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestConsoleSignInRules: citizens are refused and their session closed;
// wrong passwords pause the account as the API does; without a session
// every page leads to the sign-in page.
func TestConsoleSignInRules(t *testing.T) {
	app := apitest.New(t)
	b := newBrowserless(t, app)
	if res, _ := b.get("/console/health/day"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("a page without a session answered %d → %s", res.StatusCode, res.Header.Get("Location"))
	}

	citizen := app.NewCitizen()
	if to := b.signIn(citizen.CNIC, citizen.Password); !strings.HasPrefix(to, "/console/sign-in") {
		t.Fatalf("a citizen was sent to %s", to)
	}
	if _, page := b.get("/console/sign-in"); !strings.Contains(page, "for department staff") {
		t.Fatalf("the citizen was not told why: %s", page)
	}
	if res, _ := b.get("/console/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after a citizen's sign-in the console answered %d", res.StatusCode)
	}

	app.ResetLoginFailures(t)
	staff := app.NewStaff(identity.RoleParkingOfficer, "")
	for range 5 {
		b.signIn(staff.Email, "not the password")
	}
	b.signIn(staff.Email, apitest.StaffPassword)
	_, page := b.get("/console/sign-in?username=x&code=1")
	if !strings.Contains(page, "Too many") && !strings.Contains(page, "too many") {
		t.Fatalf("after five wrong passwords the right one was not paused: %s", page)
	}
	if res, _ := b.get("/console/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a paused sign-in opened a session (%d)", res.StatusCode)
	}
}

// TestConsoleCSRF: a form post without the session's token, with another
// token, or that a browser says came from another site changes nothing.
func TestConsoleCSRF(t *testing.T) {
	app := apitest.New(t)
	facility, appt := deskDay(t, app)
	desk := app.NewStaff(identity.RoleHealthStaff, facility)
	b := newBrowserless(t, app)
	b.signIn(desk.Email, apitest.StaffPassword)
	_, page := b.get("/console/health/day")
	token := csrf(t, page)
	path := "/console/health/appointments/" + appt.ID + "/status"

	for name, try := range map[string]struct {
		form    url.Values
		headers map[string]string
	}{
		"no token":        {url.Values{"status": {"checked_in"}}, nil},
		"another token":   {url.Values{"status": {"checked_in"}, "csrf": {strings.Repeat("A", len(token))}}, nil},
		"cross-site post": {url.Values{"status": {"checked_in"}, "csrf": {token}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		"same-site post":  {url.Values{"status": {"checked_in"}, "csrf": {token}}, map[string]string{"Sec-Fetch-Site": "same-site"}},
	} {
		res, body := b.post(path, try.form, try.headers)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "did not come from the console") {
			t.Errorf("%s: answered %d", name, res.StatusCode)
		}
	}
	var day health.AppointmentList
	app.Get(api.BasePath+"/admin/health/appointments?date="+app.Day(0), desk.Token).Want(t, http.StatusOK).JSON(t, &day)
	if day.Items[0].Status != health.StatusBooked {
		t.Fatalf("a refused post changed the appointment: %s", day.Items[0].Status)
	}
	if res, _ := b.post(path, url.Values{"status": {"checked_in"}, "csrf": {token}, "back": {"https://evil.example/"}}, map[string]string{"Sec-Fetch-Site": "same-origin"}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/" {
		t.Fatalf("the right token answered %d → %s, want 303 → /console/ (never another site)", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestConsoleSessionEnds: signing out makes a copied cookie worthless, and
// a session ends by itself twelve hours after signing in.
func TestConsoleSessionEnds(t *testing.T) {
	app := apitest.New(t)
	desk := app.NewStaff(identity.RoleHealthStaff, app.Facility())
	b := newBrowserless(t, app)
	b.signIn(desk.Email, apitest.StaffPassword)
	u, _ := url.Parse(app.URL)
	copied := b.http.Jar.Cookies(u)
	_, page := b.get("/console/")
	if res, _ := b.post("/console/sign-out", url.Values{"csrf": {csrf(t, page)}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out answered %d", res.StatusCode)
	}
	thief := newBrowserless(t, app)
	thief.http.Jar.SetCookies(u, copied)
	if res, _ := thief.get("/console/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("a cookie copied before sign-out still opens the console (%d)", res.StatusCode)
	}

	b.signIn(desk.Email, apitest.StaffPassword)
	if res, _ := b.get("/console/"); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in again: %d", res.StatusCode)
	}
	app.Clock.Set(app.Clock.Now().Add(12*time.Hour + time.Minute))
	if res, _ := b.get("/console/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a session of twelve hours and a minute still opens the console (%d)", res.StatusCode)
	}
}

// TestConsoleRefusesNonsense: malformed IDs and unknown pages are not
// found, a language switch never leaves the console, and an oversized
// form is refused before it is read.
func TestConsoleRefusesNonsense(t *testing.T) {
	app := apitest.New(t)
	desk := app.NewStaff(identity.RoleHealthStaff, app.Facility())
	b := newBrowserless(t, app)
	b.signIn(desk.Email, apitest.StaffPassword)
	_, page := b.get("/console/")
	token := csrf(t, page)
	if res, _ := b.post("/console/health/appointments/..%2F..%2Fadmin%2Fstaff/status", url.Values{"csrf": {token}}, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a path ID that is not a UUID answered %d", res.StatusCode)
	}
	if res, _ := b.get("/console/no-such-page"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown page answered %d", res.StatusCode)
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "/api/v1/me"} {
		res, _ := b.get("/console/language/ur?next=" + url.QueryEscape(next))
		if res.Header.Get("Location") != "/console/" {
			t.Errorf("language switch with next=%s went to %s", next, res.Header.Get("Location"))
		}
	}
	big := url.Values{"csrf": {token}, "reason": {strings.Repeat("x", 2<<20)}}
	if res, _ := b.post("/console/health/sessions/cancel", big, nil); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB form answered %d", res.StatusCode)
	}
}

// TestConsoleScreensKeepToTheirRoles: a screen's pages open only for the
// roles it serves (an administrator reaching a desk's page from a link
// included), so nobody is shown forms the API would refuse them; an
// officer of one traffic sector is offered that sector alone.
func TestConsoleScreensKeepToTheirRoles(t *testing.T) {
	app := apitest.New(t)
	facility := app.Facility()
	desk := newBrowserless(t, app)
	desk.signIn(app.NewStaff(identity.RoleHealthStaff, facility).Email, apitest.StaffPassword)
	for _, path := range []string{"/console/health/facilities", "/console/health/facilities/" + facility, "/console/platform/staff", "/console/parking/verify", "/console/education/applications"} {
		if res, body := desk.get(path); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "not for your role") || strings.Contains(body, `method="post" action="/console/health/facilities"`) {
			t.Errorf("the desk opening %s: %d", path, res.StatusCode)
		}
	}
	admin := newBrowserless(t, app)
	admin.signIn(app.Admin(identity.RoleHealthAdmin).Email, apitest.StaffPassword)
	if res, body := admin.get("/console/health/day?facility_id=" + facility); res.StatusCode != http.StatusOK || strings.Contains(body, `class="flash error"`) {
		t.Errorf("the health administrator opening a facility's day list: %d", res.StatusCode)
	}

	app.Sector() // another sector, which the officer must not be offered
	sector, code := app.Sector()
	officer := newBrowserless(t, app)
	officer.signIn(app.NewStaff(identity.RoleTrafficOfficer, sector).Email, apitest.StaffPassword)
	_, page := officer.get("/console/traffic/issue")
	if !strings.Contains(page, code) {
		t.Errorf("the issue form does not offer the officer's sector %s", code)
	}
	if options := regexp.MustCompile(`(?s)<select[^>]*name="sector".*?</select>`).FindString(page); strings.Count(options, "<option") != 1 {
		t.Errorf("an officer of one sector is offered %s", options)
	}
}
