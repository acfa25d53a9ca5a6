package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/modules/identity"
)

var (
	csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	menuLink  = regexp.MustCompile(`<li><a href="(/console/[^"]*)"`)
)

// TestEveryDemoRoleUsesTheConsole starts the server as a newcomer does,
// with its demo data, and signs in to the console as each demo staff
// account: each is shown the screens of its role, and each screen opens on
// the demo data without a refusal or an error.
func TestEveryDemoRoleUsesTheConsole(t *testing.T) {
	path := devEnv(t)
	if pg := testDatabaseSchema(t); pg != "" {
		t.Setenv("DATABASE_URL", pg)
	} else {
		t.Setenv("DATABASE_URL", "sqlite:"+path)
	}
	base, _, stop := startServe(t)
	defer stop()
	for _, login := range identity.DemoLogins("", "") {
		if login.Role == identity.RoleCitizen {
			continue
		}
		t.Run(login.Role, func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar}
			get := func(path string) (int, string) {
				res, err := client.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(body)
			}
			_, page := get("/console/sign-in")
			token := csrfInput.FindStringSubmatch(page)
			if token == nil {
				t.Fatalf("no CSRF token on the sign-in page")
			}
			res, err := client.PostForm(base+"/console/sign-in", url.Values{"csrf": {token[1]}, "username": {login.Username}, "password": {login.Password}})
			if err != nil {
				t.Fatal(err)
			}
			home, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(home), `class="sign-out"`) {
				t.Fatalf("signing in as %s answered %d: %s", login.Username, res.StatusCode, home)
			}
			screens := menuLink.FindAllStringSubmatch(string(home), -1)
			if len(screens) == 0 {
				t.Fatalf("%s is shown no screens", login.Role)
			}
			for _, s := range screens {
				if status, body := get(s[1]); status != http.StatusOK || strings.Contains(body, `class="flash error"`) {
					t.Errorf("%s opening %s: %d %s", login.Role, s[1], status, body)
				}
			}
		})
	}
}
