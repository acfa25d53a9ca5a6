package console

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/console/health/day?date=2027-01-05", "/console/health/day?date=2027-01-05"},
		{"/console/", "/console/"},
		{"", "/console/"},
		{"/console", "/console/"},
		{"/api/v1/me", "/console/"},
		{"https://evil.example/console/", "/console/"},
		{"//evil.example/console/", "/console/"},
		{"/console//evil.example", "/console/"},
		{"/console/\\evil.example", "/console/"},
		{"javascript:alert(1)", "/console/"},
		{"/console/x\x00", "/console/"},
	} {
		if got := localPath(tc.in, "/console/"); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCookies(t *testing.T) {
	for _, tc := range []struct {
		secure bool
		name   string
	}{{false, "console-session"}, {true, "__Host-console-session"}} {
		h := &Console{secure: tc.secure}
		c := h.cookie(h.sessionCookie(), "v", 60)
		if c.Name != tc.name || c.Secure != tc.secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("secure=%v: cookie %+v", tc.secure, c)
		}
	}
}

func TestCSRFTokens(t *testing.T) {
	a, b := csrfFor("session one"), csrfFor("session two")
	if a == b || a != csrfFor("session one") || len(a) != 43 {
		t.Errorf("csrfFor gives %q and %q", a, b)
	}
}

// TestTemplatesNeedNoInlineCode keeps the templates within the strict
// Content-Security-Policy: no inline script, event handler or style
// attribute, which the browser would refuse to run or apply.
func TestTemplatesNeedNoInlineCode(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>|\son[a-z]+\s*=|\sstyle\s*=|javascript:`)
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	for _, name := range names {
		raw, err := templateFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range inline.FindAllString(string(raw), -1) {
			if !strings.Contains(m, "src=") {
				t.Errorf("%s: inline code %q", name, m)
			}
		}
	}
}
