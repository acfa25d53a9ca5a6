package console_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// platformFindRow opens the list at path and follows its pager until sel
// is on the page: on PostgreSQL the package's tests share one schema, so a
// list also holds the records of the tests before.
func platformFindRow(t *testing.T, ctx context.Context, app *apitest.App, path, sel string) {
	t.Helper()
	open(t, ctx, app, path)
	for {
		if platformHas(ctx, sel) {
			return
		}
		if !platformHas(ctx, `a[rel="next"]`) {
			t.Fatalf("%s is on no page of %s", sel, path)
		}
		click(t, ctx, `a[rel="next"]`)
	}
}

// platformHas reports whether the page has an element sel.
func platformHas(ctx context.Context, sel string) bool {
	has, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector(`+strconv.Quote(sel)+`)`))
	return has
}

// platformSet sets the value of the field sel (a select or a date) as
// picking it would.
func platformSet(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("set %s: %v", sel, err)
	}
}

// platformValue returns the value of the field sel.
func platformValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+strconv.Quote(sel)+`).value`))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

// platformStaffByEmail finds a staff account through the API.
func platformStaffByEmail(t *testing.T, app *apitest.App, token, email string) identity.Account {
	t.Helper()
	cursor := ""
	for {
		var list identity.AccountList
		app.Get(api.BasePath+"/admin/staff?limit=100&cursor="+url.QueryEscape(cursor), token).Want(t, http.StatusOK).JSON(t, &list)
		for _, a := range list.Items {
			if a.Email == email {
				return a
			}
		}
		if list.NextCursor == nil {
			t.Fatalf("the API lists no staff account %s", email)
		}
		cursor = *list.NextCursor
	}
}

// platformAudit returns the actions of the audit entries about target
// made by actor, as the API lists them, sorted (the test clock stands
// still, so entries of one test share their time).
func platformAudit(t *testing.T, app *apitest.App, token, target, actor string) []string {
	t.Helper()
	var list identity.AuditList
	app.Get(api.BasePath+"/admin/audit?limit=100&target_id="+target, token).Want(t, http.StatusOK).JSON(t, &list)
	var actions []string
	for _, e := range list.Items {
		if e.ActorID == actor {
			actions = append(actions, e.Action)
		}
	}
	slices.Sort(actions)
	return actions
}

// TestPlatformDeactivationEndsStaffSession: the admin creates a health
// desk account in the console; the new staff member signs in in a browser
// of their own and works; the admin deactivates the account; the staff
// member's next page is the sign-in page saying the session ended, the
// API refuses their token, and the audit filter finds both changes.
func TestPlatformDeactivationEndsStaffSession(t *testing.T) {
	app := apitest.New(t)
	facility := app.Facility()
	admin := app.Admin(identity.RoleAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	email := fmt.Sprintf("desk.%d@pims.test", rand.Int64())
	open(t, ctx, app, "/console/platform/staff")
	fill(t, ctx, "#email", email)
	fill(t, ctx, "#full_name", "Farah  Naz")
	fill(t, ctx, "#password", apitest.StaffPassword)
	platformSet(t, ctx, "#role", identity.RoleHealthStaff)
	platformSet(t, ctx, "#department", "health")
	fill(t, ctx, "#unit_id", facility)
	click(t, ctx, `#new-staff button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "The account of Farah Naz is created") {
		t.Fatalf("after creating the page says %q", got)
	}
	acc := platformStaffByEmail(t, app, admin.Token, email)
	if acc.Status != identity.StatusActive || len(acc.Roles) != 1 || acc.Roles[0].Role != identity.RoleHealthStaff || acc.Roles[0].UnitID != facility {
		t.Fatalf("the API's account after the console created it: %+v", acc)
	}
	row := "#staff-" + acc.ID
	platformFindRow(t, ctx, app, "/console/platform/staff", row)
	if got := text(t, ctx, row); !strings.Contains(got, email) || !strings.Contains(got, "health desk") || !strings.Contains(got, "active") {
		t.Fatalf("staff row %q, want the e-mail, health desk, active", got)
	}
	screenshot(t, ctx, "platform-staff")

	staffCtx := apitest.Browser(t)
	signIn(t, staffCtx, app, email)
	open(t, staffCtx, app, "/console/health/day")
	if got := text(t, staffCtx, "main h1"); got != "Day list" {
		t.Fatalf("the new desk's day list is headed %q", got)
	}
	staffToken, _ := app.Login(email, apitest.StaffPassword)

	click(t, ctx, row+` form.inline button`)
	if got := flash(ctx); !strings.Contains(got, "deactivated") {
		t.Fatalf("after deactivating the page says %q", got)
	}
	if got := text(t, ctx, row+" .status"); got != "deactivated" {
		t.Fatalf("status after deactivating %q", got)
	}

	open(t, staffCtx, app, "/console/health/day")
	loc, _ := chromedp.Run(staffCtx, chromedp.Location())
	if !strings.HasSuffix(loc, "/console/sign-in") || !strings.Contains(flash(staffCtx), "Your session has ended") {
		t.Fatalf("the deactivated desk's next page: %s saying %q", loc, flash(staffCtx))
	}
	app.Get(api.BasePath+"/me", staffToken).Want(t, http.StatusUnauthorized)
	if acc := platformStaffByEmail(t, app, admin.Token, email); acc.Status != identity.StatusDeactivated {
		t.Fatalf("the API's account after deactivating: %+v", acc)
	}

	// The audit log, filtered by the account and today, shows what the
	// admin did; a filter on yesterday shows none of it.
	open(t, ctx, app, "/console/platform/audit")
	fill(t, ctx, "#target_id", acc.ID)
	platformSet(t, ctx, "#from", app.Day(0))
	platformSet(t, ctx, "#to", app.Day(0))
	click(t, ctx, `#audit-filter button[type="submit"]`)
	actions, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#audit .audit-action")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	var all identity.AuditList
	app.Get(api.BasePath+"/admin/audit?target_id="+acc.ID, admin.Token).Want(t, http.StatusOK).JSON(t, &all)
	var want []string
	for _, e := range all.Items {
		want = append(want, e.Action)
	}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Fatalf("the console's audit page shows %v, the API %v", actions, want)
	}
	if got := platformAudit(t, app, admin.Token, acc.ID, admin.ID); strings.Join(got, " ") != "staff.create staff.deactivate" {
		t.Fatalf("the admin's audit entries about the account: %v", got)
	}
	if got := text(t, ctx, "#audit"); !strings.Contains(got, admin.ID) {
		t.Fatalf("the audit entries do not name the admin: %q", got)
	}
	screenshot(t, ctx, "platform-audit")
	platformSet(t, ctx, "#from", app.Day(-1))
	platformSet(t, ctx, "#to", app.Day(-1))
	click(t, ctx, `#audit-filter button[type="submit"]`)
	if platformHas(ctx, "#audit") || !strings.Contains(pageText(ctx), "No entries match") {
		t.Fatalf("yesterday's audit of the account: %s", pageText(ctx))
	}
}

// TestPlatformStaffFormsShowTheAPIsRefusal: a weak password is refused
// with the API's own field message, beside the form that keeps what was
// typed, and nothing is created; a role change the API refuses says why,
// and one it accepts applies to the account.
func TestPlatformStaffFormsShowTheAPIsRefusal(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleAdmin)
	desk := app.NewStaff(identity.RoleHealthStaff, app.Facility())
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	email := fmt.Sprintf("weak.%d@staff.test", rand.Int64())
	body := map[string]any{"email": email, "full_name": "Weak Password", "password": "short pass", "role": identity.RoleAdmin, "department": "platform"}
	apiSays := app.Post(api.BasePath+"/admin/staff", admin.Token, body).Problem(t, http.StatusUnprocessableEntity, "password")
	message := ""
	for _, e := range apiSays.Errors {
		if e.Field == "password" {
			message = e.Message
		}
	}
	open(t, ctx, app, "/console/platform/staff")
	fill(t, ctx, "#email", email)
	fill(t, ctx, "#full_name", "Weak Password")
	fill(t, ctx, "#password", "short pass")
	click(t, ctx, `#new-staff button[type="submit"]`)
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "password: "+message) {
		t.Fatalf("the refused form says %q, want the API's %q", got, message)
	}
	if got := platformValue(t, ctx, "#email"); got != email {
		t.Fatalf("the refused form forgot the e-mail: %q", got)
	}
	if got := platformValue(t, ctx, "#password"); got != "" {
		t.Fatalf("the refused form kept the password")
	}
	// Nothing was created: the e-mail is still free.
	body["password"] = apitest.StaffPassword
	app.Post(api.BasePath+"/admin/staff", admin.Token, body).Want(t, http.StatusCreated)

	row := "#staff-" + desk.ID
	platformFindRow(t, ctx, app, "/console/platform/staff", row)
	openDetails(t, ctx, row+" details.platform-roles")
	platformSet(t, ctx, "#role-"+desk.ID+"-2", identity.RoleEducationStaff)
	platformSet(t, ctx, "#department-"+desk.ID+"-2", "education")
	click(t, ctx, row+` details.platform-roles button[type="submit"]`)
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "roles[1].unit_id") {
		t.Fatalf("a school role without its school says %q", got)
	}

	platformFindRow(t, ctx, app, "/console/platform/staff", row)
	openDetails(t, ctx, row+" details.platform-roles")
	// The line's first choice, no role (Chromium's select.value = "" picks none).
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#role-`+desk.ID+`-1").selectedIndex = 0`)); err != nil {
		t.Fatal(err)
	}
	platformSet(t, ctx, "#role-"+desk.ID+"-2", identity.RoleParkingOfficer)
	platformSet(t, ctx, "#department-"+desk.ID+"-2", "parking")
	click(t, ctx, row+` details.platform-roles button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "roles are changed") {
		t.Fatalf("after changing roles the page says %q", got)
	}
	if got := text(t, ctx, row); !strings.Contains(got, "parking warden") || strings.Contains(got, "health desk") {
		t.Fatalf("the row after the role change: %q", got)
	}
	var me identity.Account
	app.Get(api.BasePath+"/me", desk.Token).Want(t, http.StatusOK).JSON(t, &me)
	if len(me.Roles) != 1 || me.Roles[0].Role != identity.RoleParkingOfficer {
		t.Fatalf("the account's roles after the change: %+v", me.Roles)
	}
	if got := platformAudit(t, app, admin.Token, desk.ID, admin.ID); len(got) != 1 || got[0] != "staff.roles" {
		t.Fatalf("the admin's audit entries about the account: %v", got)
	}
}

// platformTokenStatus is the token endpoint's answer to a client's
// credentials.
func platformTokenStatus(app *apitest.App, id, secret string) int {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	return app.Do(apitest.Request{Method: http.MethodPost, Path: api.BasePath + "/oauth/token", Body: form.Encode(),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).Status
}

// platformSecret reads the client ID and secret off the page that shows
// them once.
func platformSecret(t *testing.T, ctx context.Context) (string, string) {
	t.Helper()
	id, secret := platformValue(t, ctx, "#client-id"), platformValue(t, ctx, "#client-secret")
	if !strings.HasPrefix(secret, "cs_") {
		t.Fatalf("the page shows the secret %q (page: %s)", secret, pageText(ctx))
	}
	return id, secret
}

// TestPlatformClientSecretShownOnce: registering a client in the console
// shows its working secret on that page alone; the client is listed
// without it; rotating shows a new one and the old stops working; revoking
// ends the client.
func TestPlatformClientSecretShownOnce(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	name := fmt.Sprintf("Shifa booking desk %d", rand.IntN(1_000_000))
	open(t, ctx, app, "/console/platform/clients")
	fill(t, ctx, "#name", name)
	fill(t, ctx, "#owner_contact", "it@shifa.test")
	click(t, ctx, `#new-client button[type="submit"]`)
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "scopes") || platformValue(t, ctx, "#name") != name {
		t.Fatalf("a client without scopes says %q", got)
	}
	for _, scope := range []string{"health.slots:read", "webhooks:manage"} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="scopes"][value="`+scope+`"]`))); err != nil {
			t.Fatal(err)
		}
	}
	click(t, ctx, `#new-client button[type="submit"]`)
	id, secret := platformSecret(t, ctx)
	if tok := app.ClientToken(id, secret, ""); tok == "" {
		t.Fatal("no token for the new client")
	}

	row := "#client-" + id
	platformFindRow(t, ctx, app, "/console/platform/clients", row)
	if got := text(t, ctx, row); !strings.Contains(got, name) || !strings.Contains(got, "webhooks:manage") || !strings.Contains(got, "active") {
		t.Fatalf("client row %q", got)
	}
	if strings.Contains(pageText(ctx), secret) {
		t.Fatal("the list shows the secret again")
	}
	screenshot(t, ctx, "platform-clients")

	click(t, ctx, row+` form.inline button`)
	id2, rotated := platformSecret(t, ctx)
	if id2 != id || rotated == secret {
		t.Fatalf("rotating showed client %s secret %q", id2, rotated)
	}
	if got := platformTokenStatus(app, id, secret); got != http.StatusUnauthorized {
		t.Fatalf("the old secret after rotating: %d", got)
	}
	app.ClientToken(id, rotated, "")

	platformFindRow(t, ctx, app, "/console/platform/clients", row)
	openDetails(t, ctx, row+" details.platform-revoke")
	click(t, ctx, row+` details.platform-revoke button`)
	if got := flash(ctx); !strings.Contains(got, "revoked") {
		t.Fatalf("after revoking the page says %q", got)
	}
	if got := text(t, ctx, row+" .status"); got != "revoked" {
		t.Fatalf("status after revoking %q", got)
	}
	if got := platformTokenStatus(app, id, rotated); got == http.StatusOK {
		t.Fatal("the revoked client still gets tokens")
	}
	if got := platformAudit(t, app, admin.Token, id, admin.ID); strings.Join(got, " ") !=
		"integrations.client.create integrations.client.revoke integrations.client.rotate_secret" {
		t.Fatalf("the admin's audit entries about the client: %v", got)
	}
}
