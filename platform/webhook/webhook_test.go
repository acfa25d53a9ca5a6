package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/islamabad-digital/citizenapi/domain"
)

// The tests in this file need no database: signatures, the retry schedule
// and the SSRF guard of webhook targets.

var signaturePattern = regexp.MustCompile(`^v1,([A-Za-z0-9+/]{43}=)$`)

func TestSign(t *testing.T) {
	// The example every Standard Webhooks library checks itself against.
	t.Run("the specification's example", func(t *testing.T) {
		got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
		if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want || err != nil {
			t.Errorf("Sign = %q, %v; want %q", got, err, want)
		}
	})

	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if !strings.HasPrefix(secret, "whsec_") || err != nil || len(raw) != 32 {
		t.Fatalf("NewSecret = %q, want whsec_ and the standard base64 of 32 bytes", secret)
	}
	if other, _ := NewSecret(); other == secret {
		t.Error("two secrets are the same")
	}
	const id = "4b1c6f55-1f0c-4c8e-bd36-2f1f6a1f1a11"
	at := time.Date(2027, 3, 10, 4, 0, 9, 600_000_000, time.UTC)
	body := []byte(`{"id":"4b1c6f55-1f0c-4c8e-bd36-2f1f6a1f1a11","type":"permit.activated"}`)
	got, err := Sign(secret, id, at, body)
	m := signaturePattern.FindStringSubmatch(got)
	if err != nil || m == nil {
		t.Fatalf("Sign = %q, %v; want v1,<standard base64 of 32 bytes>", got, err)
	}
	// Recompute the recipe independently: HMAC-SHA256 of "<id>.<seconds>.<body>"
	// keyed by the secret's bytes, not its text.
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "."))
	mac.Write(body)
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); m[1] != want {
		t.Errorf("signature = %s, want %s", m[1], want)
	}
	for name, other := range map[string]func() (string, error){
		"timestamp": func() (string, error) { return Sign(secret, id, at.Add(time.Second), body) },
		"ID":        func() (string, error) { return Sign(secret, "another", at, body) },
		"body":      func() (string, error) { return Sign(secret, id, at, append(slices.Clone(body), '\n')) },
	} {
		if sig, _ := other(); sig == got {
			t.Errorf("the signature does not depend on the %s", name)
		}
	}

	t.Run("a secret in the earlier URL-safe form", func(t *testing.T) {
		legacy := "whsec_" + base64.RawURLEncoding.EncodeToString(raw)
		if sig, err := Sign(legacy, id, at, body); sig != got || err != nil {
			t.Errorf("Sign = %q, %v; want the signature of the same key bytes, %q", sig, err, got)
		}
	})
	t.Run("a secret that is not base64", func(t *testing.T) {
		for _, bad := range []string{"", "whsec_", "whsec_not base64!", "whsec_" + strings.Repeat("*", 44)} {
			if sig, err := Sign(bad, id, at, body); err == nil {
				t.Errorf("Sign(%q) = %q, want an error", bad, sig)
			}
		}
	})
}

// TestSignVerifiesWithTheStandardLibrary checks signatures with the
// reference library that integrators use, as an independent verifier.
func TestSignVerifiesWithTheStandardLibrary(t *testing.T) {
	secret, _ := NewSecret()
	other, _ := NewSecret()
	const id = "4b1c6f55-1f0c-4c8e-bd36-2f1f6a1f1a11"
	body := []byte(`{"id":"4b1c6f55-1f0c-4c8e-bd36-2f1f6a1f1a11","type":"permit.activated","data":{"plate":"ICT-ABC-123"}}`)
	headers := func(at time.Time) http.Header {
		sig, err := Sign(secret, id, at, body)
		if err != nil {
			t.Fatal(err)
		}
		return http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {strconv.FormatInt(at.Unix(), 10)}, "Webhook-Signature": {sig}}
	}
	cases := []struct {
		name    string
		secret  string
		headers http.Header
		body    []byte
		want    error
	}{
		{"good", secret, headers(time.Now()), body, nil},
		{"sent four minutes ago", secret, headers(time.Now().Add(-4 * time.Minute)), body, nil},
		{"wrong secret", other, headers(time.Now()), body, standardwebhooks.ErrNoMatchingSignature},
		{"tampered body", secret, headers(time.Now()), []byte(strings.Replace(string(body), "ABC", "XYZ", 1)), standardwebhooks.ErrNoMatchingSignature},
		{"sent six minutes ago", secret, headers(time.Now().Add(-6 * time.Minute)), body, standardwebhooks.ErrMessageTooOld},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wh, err := standardwebhooks.NewWebhook(c.secret)
			if err != nil {
				t.Fatal(err)
			}
			if err := wh.Verify(c.body, c.headers); !errors.Is(err, c.want) {
				t.Errorf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 30 * time.Second},
		{1, 30 * time.Second},
		{2, time.Minute},
		{3, 2 * time.Minute},
		{4, 4 * time.Minute},
		{5, 8 * time.Minute},
		{6, 16 * time.Minute},
		{7, 32 * time.Minute},
		{8, time.Hour},
		{9, time.Hour},
		{20, time.Hour},
		{33, time.Hour},
		{40, time.Hour},
		{63, time.Hour},
		{64, time.Hour},
		{65, time.Hour},
		{1000, time.Hour},
	}
	for _, c := range cases {
		if got := Backoff(c.attempts); got != c.want {
			t.Errorf("Backoff(%d) = %s, want %s", c.attempts, got, c.want)
		}
	}
	// Whatever the count (shifts overflow past 63 attempts), the wait never
	// shrinks and never exceeds an hour.
	prev := Backoff(1)
	for n := 2; n <= 5000; n++ {
		d := Backoff(n)
		if d < prev || d > time.Hour || d <= 0 {
			t.Fatalf("Backoff(%d) = %s after Backoff(%d) = %s", n, d, n-1, prev)
		}
		prev = d
	}
}

// TestBackoffRetriesForADay checks that the schedule retries through the
// day the dispatcher keeps a delivery: about 30 attempts in 24 hours.
func TestBackoffRetriesForADay(t *testing.T) {
	var elapsed time.Duration
	attempts := 1
	for elapsed+Backoff(attempts) <= retryFor {
		elapsed += Backoff(attempts)
		attempts++
	}
	if attempts < 25 || attempts > 35 {
		t.Errorf("%d attempts in %s, want about 30", attempts, retryFor)
	}
}

func TestTargetsAllowed(t *testing.T) {
	blockedAddrs := []string{
		// "This network", private, shared (CGNAT), loopback, link-local and
		// cloud metadata, IETF protocol assignments, benchmarking, multicast,
		// reserved and broadcast.
		"0.0.0.0", "0.1.2.3",
		"10.0.0.5", "10.255.255.255",
		"100.64.0.1", "100.127.255.254",
		"127.0.0.1", "127.0.0.53", "127.255.255.254",
		"169.254.169.254", "169.254.0.1",
		"172.16.0.1", "172.20.10.1", "172.31.255.255",
		"192.0.0.1", "192.0.0.170",
		"192.168.0.1", "192.168.255.255",
		"198.18.0.1", "198.19.255.255",
		"224.0.0.1", "239.255.255.250",
		"240.0.0.1", "255.255.255.255",
		// IPv6: unspecified, loopback, unique local, link-local, multicast.
		"::", "::1",
		"fc00::1", "fd12:3456:789a::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"fe80::1", "febf::1",
		"ff02::1", "ff05::1:3",
		// IPv4-mapped IPv6 of blocked IPv4 addresses.
		"::ffff:127.0.0.1", "::ffff:10.0.0.5", "::ffff:169.254.169.254", "::ffff:192.168.1.1", "::ffff:0.0.0.0",
		"::ffff:100.64.0.1",
	}
	allowedAddrs := []string{
		"8.8.8.8", "1.1.1.1", "203.0.113.10", "93.184.216.34",
		"9.255.255.255", "11.0.0.1", // either side of 10/8
		"100.63.255.255", "100.128.0.1", // either side of 100.64/10
		"126.255.255.255", "128.0.0.1", // either side of 127/8
		"169.253.255.255", "169.255.0.1",
		"172.15.255.255", "172.32.0.1", // either side of 172.16/12
		"192.167.255.255", "192.169.0.1",
		"198.17.255.255", "198.20.0.1",
		"223.255.255.255",
		"2001:4860:4860::8888", "2606:4700:4700::1111",
		"fbff:ffff::1", "fec0::1", // either side of fc00::/7 and fe80::/10
		"::ffff:8.8.8.8",
	}
	for _, s := range blockedAddrs {
		ip := netip.MustParseAddr(s)
		if (Targets{}).allowed(ip) {
			t.Errorf("allowed(%s) = true, want it blocked", s)
		}
		if !(Targets{AllowPrivate: true}).allowed(ip) {
			t.Errorf("AllowPrivate: allowed(%s) = false, want true", s)
		}
	}
	for _, s := range allowedAddrs {
		if !(Targets{}).allowed(netip.MustParseAddr(s)) {
			t.Errorf("allowed(%s) = false, want it allowed (a public address)", s)
		}
	}
}

// TestTargetsAllowedZonedAddresses checks scoped IPv6 literals: netip's
// Prefix.Contains is false for any address with a zone, so a block list
// checked with it lets fe80::1%eth0 through unless the zone is dropped.
func TestTargetsAllowedZonedAddresses(t *testing.T) {
	for _, s := range []string{"fe80::1%eth0", "fe80::1%1", "ff02::1%eth0"} {
		if (Targets{}).allowed(netip.MustParseAddr(s)) {
			t.Errorf("allowed(%s) = true, want it blocked like %s", s, netip.MustParseAddr(s).WithZone(""))
		}
	}
}

// TestTargetsRefuseEmbeddedIPv4 gives IPv6 addresses that carry an IPv4
// address to the subscription check and to the dial-time check. Where
// 6to4, Teredo and NAT64 addresses lead is decided by a relay or
// translator, not by the address: they are refused whatever they embed.
// IPv4-mapped addresses are the IPv4 address itself, dialled as such.
func TestTargetsRefuseEmbeddedIPv4(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		addr    string
		allowed bool
	}{
		// Public addresses, and neighbours of the refused ranges.
		{"8.8.8.8", true},
		{"203.0.113.10", true},
		{"2606:4700:4700::1111", true},
		{"2001:4860:4860::8888", true},
		{"2001:200::1", true},  // past Teredo's 2001::/32
		{"2003::1", true},      // past 6to4's 2002::/16
		{"64:ff9b:2::1", true}, // past NAT64's 64:ff9b:1::/48
		{"::ffff:8.8.8.8", true},
		// 6to4 (2002::/16, the IPv4 address in bits 16-47): 10.0.0.1,
		// 127.0.0.1, 169.254.169.254, 192.168.1.1, then 8.8.8.8.
		{"2002:a00:1::1", false},
		{"2002:7f00:1::", false},
		{"2002:a9fe:a9fe::1", false},
		{"2002:c0a8:101:1::1", false},
		{"2002:808:808::1", false},
		// NAT64, well-known prefix (64:ff9b::/96, RFC 6052).
		{"64:ff9b::10.0.0.1", false},
		{"64:ff9b::127.0.0.1", false},
		{"64:ff9b::169.254.169.254", false},
		{"64:ff9b::8.8.8.8", false},
		// NAT64, local-use prefix (64:ff9b:1::/48, RFC 8215): 10.0.0.1 as a
		// /96 and as a /48 embeds it.
		{"64:ff9b:1::a00:1", false},
		{"64:ff9b:1:a00:0:100::", false},
		// Teredo (2001::/32): server 10.0.0.1; server 65.54.227.120 with
		// client 127.0.0.1 (stored inverted); RFC 4380's example.
		{"2001:0:a00:1::1", false},
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", false},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
		// IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96) and
		// IPv4-translated (::ffff:0:0:0/96, RFC 2765) forms.
		{"::ffff:10.0.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::10.0.0.1", false},
		{"::127.0.0.1", false},
		{"::169.254.169.254", false},
		{"::ffff:0:10.0.0.1", false},
		{"::ffff:0:127.0.0.1", false},
		{"::ffff:0:8.8.8.8", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			hostPort := net.JoinHostPort(tt.addr, "443")
			subscribeErr := (Targets{}).Check(ctx, "url", "https://"+hostPort+"/hooks")
			dialErr := (Targets{}).control("tcp", hostPort, nil)
			if tt.allowed && (subscribeErr != nil || dialErr != nil) {
				t.Errorf("refused a public address: subscribing %v, dialling %v", subscribeErr, dialErr)
			}
			if !tt.allowed && (subscribeErr == nil || dialErr == nil) {
				t.Errorf("subscribing: %v, dialling: %v; want both refused", subscribeErr, dialErr)
			}
			if !tt.allowed && subscribeErr != nil {
				checkErr(t, subscribeErr, "url")
			}
		})
	}
}

// TestFailure gives failure the errors a try meets, wrapped as the HTTP
// client wraps them, and the receiver's statuses.
func TestFailure(t *testing.T) {
	dial := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://hooks.example.pk/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name   string
		status int
		err    error
		want   string
	}{
		{"connection refused", 0, dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)), "refused"},
		{"no route to host", 0, dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), "unreachable"},
		{"network unreachable", 0, dial(os.NewSyscallError("connect", syscall.ENETUNREACH)), "unreachable"},
		{"no such host", 0, dial(&net.DNSError{Err: "no such host", Name: "hooks.example.pk", IsNotFound: true}), "dns"},
		{"a DNS timeout", 0, dial(&net.DNSError{Err: "i/o timeout", Name: "hooks.example.pk", IsTimeout: true}), "dns"},
		{"connect timeout", 0, dial(os.NewSyscallError("connect", syscall.ETIMEDOUT)), "timeout"},
		{"the client's deadline", 0, &url.Error{Op: "Post", URL: "https://x", Err: context.DeadlineExceeded}, "timeout"},
		{"an untrusted certificate", 0, &url.Error{Op: "Post", URL: "https://x", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, "tls"},
		{"a certificate for another name", 0, &url.Error{Op: "Post", URL: "https://x", Err: &tls.CertificateVerificationError{Err: x509.HostnameError{Host: "10.0.0.5"}}}, "tls"},
		{"no TLS at the other end", 0, &url.Error{Op: "Post", URL: "https://x", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}, "tls"},
		{"plain HTTP at an https address", 0, &url.Error{Op: "Post", URL: "https://x", Err: http.ErrSchemeMismatch}, "tls"},
		{"a TLS alert", 0, &url.Error{Op: "Post", URL: "https://x", Err: &net.OpError{Op: "remote error", Err: tls.AlertError(40)}}, "tls"},
		{"a blocked address", 0, dial(fmt.Errorf("webhook target 10.0.0.5 is %w", errNotAllowed)), "not_allowed"},
		{"a deleted subscription", 0, errEnded, Ended},
		{"a redirect", http.StatusFound, errors.New(http.StatusText(http.StatusFound)), "redirect"},
		{"a permanent redirect", http.StatusPermanentRedirect, errors.New("308"), "redirect"},
		{"a 500", http.StatusInternalServerError, errors.New("500 Internal Server Error"), "http_status"},
		{"a 404", http.StatusNotFound, errors.New("404 Not Found"), "http_status"},
		{"a connection closed before the answer", 0, &url.Error{Op: "Post", URL: "https://x", Err: io.EOF}, "other"},
		{"a secret that does not open", 0, errors.New("open the secret of subscription s: sealed value cannot be opened"), "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failure(tt.status, tt.err)
			if got != tt.want {
				t.Errorf("failure(%d, %v) = %q, want %q", tt.status, tt.err, got, tt.want)
			}
			if !slices.Contains(Failures, got) {
				t.Errorf("%q is not in Failures", got)
			}
		})
	}
}

func checkErr(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Error("Check accepted the URL, want an error")
		return
	}
	if !domain.IsKind(err, domain.Invalid) {
		t.Errorf("error %v is of kind %v, want Invalid", err, domain.KindOf(err))
	}
	var de *domain.Error
	if !errors.As(err, &de) || !slices.ContainsFunc(de.Fields, func(f domain.FieldError) bool { return f.Field == field }) {
		t.Errorf("error %v does not name %q", err, field)
	}
}

func TestTargetsCheck(t *testing.T) {
	ctx := context.Background()
	// Only literal addresses and localhost: the tests have no DNS.
	refused := []string{
		"http://203.0.113.10/hooks",                         // not https
		"ftp://203.0.113.10/hooks",                          // not https
		"ws://203.0.113.10/hooks",                           // not https
		"//203.0.113.10/hooks",                              // no scheme
		"https:///hooks",                                    // no host
		"/hooks",                                            // relative
		"",                                                  // empty
		"not a url at all",                                  // no scheme, no host
		"https://user:pass@203.0.113.10/hooks",              // credentials
		"https://user@203.0.113.10/hooks",                   // user name only
		"https://:pass@203.0.113.10/hooks",                  // password only
		"https://127.0.0.1/x",                               // loopback
		"https://127.0.0.1:8443/x",                          // loopback, other port
		"https://10.0.0.5/",                                 // private
		"https://172.16.5.4/",                               // private
		"https://192.168.1.1/",                              // private
		"https://100.64.0.1/",                               // shared address space
		"https://169.254.169.254/latest/meta-data",          // cloud metadata
		"https://0.0.0.0/",                                  // this host
		"https://[::1]/",                                    // IPv6 loopback
		"https://[::]/",                                     // IPv6 unspecified
		"https://[fd00::1]/",                                // unique local
		"https://[fe80::1]/",                                // link-local
		"https://[fe80::1%25eth0]/",                         // link-local with a zone
		"https://[::ffff:127.0.0.1]/",                       // IPv4-mapped loopback
		"https://[::ffff:169.254.169.254]/",                 // IPv4-mapped metadata
		"https://localhost/",                                // resolves to loopback
		"https://localhost:8443/hooks",                      // resolves to loopback
		"https://203.0.113.10/" + strings.Repeat("a", 2000), // too long
	}
	for _, raw := range refused {
		t.Run("refuses "+raw[:min(len(raw), 60)], func(t *testing.T) {
			checkErr(t, (Targets{}).Check(ctx, "url", raw), "url")
		})
	}
	for _, raw := range []string{"https://203.0.113.10/hooks", "https://8.8.8.8:8443/a/b?c=d", "https://[2001:4860:4860::8888]/x"} {
		if err := (Targets{}).Check(ctx, "url", raw); err != nil {
			t.Errorf("Check(%s) = %v, want it accepted", raw, err)
		}
	}

	private := Targets{AllowPrivate: true}
	for _, raw := range []string{"http://127.0.0.1:8080/hooks", "https://127.0.0.1/x", "http://[::1]:9000/", "http://10.0.0.5/", "http://localhost:8080/"} {
		if err := private.Check(ctx, "url", raw); err != nil {
			t.Errorf("AllowPrivate: Check(%s) = %v, want it accepted", raw, err)
		}
	}
	for _, raw := range []string{"ftp://127.0.0.1/x", "https://user:pass@127.0.0.1/x", "http://user@127.0.0.1/x", "//127.0.0.1/x", "https:///x"} {
		checkErr(t, private.Check(ctx, "callback", raw), "callback")
	}
}

func TestTargetsClient(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	t.Run("refuses a blocked address at dial time", func(t *testing.T) {
		before := hits.Load()
		res, err := (Targets{}).Client(2 * time.Second).Get(srv.URL + "/hook")
		if err == nil {
			res.Body.Close()
			t.Fatalf("GET %s = %d, want a refused connection", srv.URL, res.StatusCode)
		}
		if !strings.Contains(err.Error(), "not allowed") {
			t.Errorf("error = %v, want the target refused", err)
		}
		if hits.Load() != before {
			t.Error("the receiver was reached")
		}
	})
	t.Run("private targets allowed", func(t *testing.T) {
		res, err := (Targets{AllowPrivate: true}).Client(2 * time.Second).Get(srv.URL + "/hook")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("status = %d, want 204", res.StatusCode)
		}
	})
	t.Run("never follows redirects", func(t *testing.T) {
		before := hits.Load()
		res, err := (Targets{AllowPrivate: true}).Client(2 * time.Second).Get(srv.URL + "/redirect")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if n := hits.Load() - before; res.StatusCode != http.StatusFound || n != 1 {
			t.Errorf("status = %d after %d requests, want the 302 itself after 1", res.StatusCode, n)
		}
	})
}

func TestEventTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, et := range EventTypes {
		if seen[et.Name] || !regexp.MustCompile(`^[a-z]+\.[a-z]+$`).MatchString(et.Name) {
			t.Errorf("%q is listed twice or is not noun.verb", et.Name)
		}
		seen[et.Name] = true
		if et.Scope == "" || !strings.HasSuffix(et.Description, ".") || strings.Contains(et.Description, ". ") {
			t.Errorf("%s: scope %q, description %q; want a scope and one sentence", et.Name, et.Scope, et.Description)
		}
		if got, ok := Lookup(et.Name); !ok || got.Name != et.Name {
			t.Errorf("Lookup(%s) = %+v, %v", et.Name, got, ok)
		}
		typ := reflect.TypeOf(et.Data)
		if typ == nil || typ.Kind() != reflect.Struct || !reflect.ValueOf(et.Data).IsZero() {
			t.Errorf("%s: Data = %#v, want a zero struct", et.Name, et.Data)
			continue
		}
		// The OpenAPI document's webhooks are made from these tags.
		for f := range typ.Fields() {
			name := f.Tag.Get("json")
			format := f.Tag.Get("format")
			switch {
			case name == "" || f.Tag.Get("example") == "":
				t.Errorf("%s.%s lacks a json name or an example", typ.Name(), f.Name)
			case f.Type == reflect.TypeFor[time.Time]() && format != "date-time",
				strings.HasSuffix(name, "_id") && format != "uuid":
				t.Errorf("%s.%s has format %q", typ.Name(), f.Name, format)
			}
		}
	}
	for _, name := range []string{"appointment.booked", "appointment.cancelled", "application.decided"} {
		if et, _ := Lookup(name); !et.UnitBound {
			t.Errorf("%s is not unit-bound: it would go to clients of other facilities or schools", name)
		}
	}
	if et, ok := Lookup("appointment.created"); ok {
		t.Errorf("Lookup of an unknown type = %+v", et)
	}
}

func TestPublishRefusesWhatEventTypesLacks(t *testing.T) {
	at := time.Unix(0, 0)
	for _, e := range []Event{
		New("permit.activated", "zone-1", map[string]string{"permit_id": "x"}, at),
		New("permit.activated", "zone-1", AppointmentEventData{}, at),
		New("permit.activated", "zone-1", &PermitEventData{}, at),
		New("permit.renewed", "zone-1", PermitEventData{}, at),
	} {
		// Refused before any query: the outbox has no database.
		if err := (&Outbox{}).Publish(context.Background(), e); err == nil {
			t.Errorf("Publish(%s with %T) = nil, want an error", e.Type, e.Data)
		}
	}
}

func TestNew(t *testing.T) {
	if e := New("permit.activated", "zone-1", PermitEventData{PermitID: "p"}, time.Unix(0, 0)); e.ID == "" || e.unit != "zone-1" || e.Data != (PermitEventData{PermitID: "p"}) {
		t.Errorf("New = %+v", e)
	}
	if a, b := New("x", "", nil, time.Unix(0, 0)), New("x", "", nil, time.Unix(0, 0)); a.ID == b.ID {
		t.Error("two events share an ID")
	}
}
