package console

import (
	"net/http"
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
