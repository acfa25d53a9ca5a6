package api_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// The route guard (auth.go) lets through only valid access tokens of
// accounts that may still sign in, on every route, public ones included.

// jwksKey returns the public key the server publishes under kid.
func jwksKey(t *testing.T, app *apitest.App, kid string) []byte {
	t.Helper()
	var set token.JWKSet
	app.Get("/.well-known/jwks.json", "").JSON(t, &set)
	for _, k := range set.Keys {
		if k.Kid == kid {
			raw, err := base64.RawURLEncoding.DecodeString(k.X)
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
	}
	t.Fatalf("no key %q in the JWKS %+v", kid, set)
	return nil
}

// handToken signs claims with method and key, with the headers of an access token.
func handToken(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = "test-1"
	tok.Header["typ"] = token.TypeAccess
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func issue(t *testing.T, signer *token.Signer, typ, subject, audience string) string {
	t.Helper()
	raw, _, err := signer.Issue(typ, subject, audience, identity.AccessTokenTTL, token.Claims{Kind: identity.KindCitizen})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// nonCanonical sets a padding bit of a token's last base64url character:
// a lenient decoder reads the same signature, a strict one refuses it.
func nonCanonical(raw string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, raw[len(raw)-1])
	return raw[:len(raw)-1] + string(alphabet[last|1])
}

// flipAt replaces the character at i with another base64url character.
func flipAt(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestAccessTokenAttacks(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	other := app.NewCitizen()
	gone := app.NewCitizen()
	deactivated := app.NewCitizen()
	locked := app.NewCitizen()
	unverified := app.NewCitizen()
	now := app.Clock.Now()

	claims := jwt.MapClaims{
		"iss": "citizenapi", "sub": c.ID, "aud": []string{identity.Audience}, "kind": identity.KindCitizen,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": uuid.NewString(),
	}
	otherKeys, err := token.ParseKeys(must(token.NewKey("other")))
	if err != nil {
		t.Fatal(err)
	}
	sameKidKeys, err := token.ParseKeys(must(token.NewKey("test-1")))
	if err != nil {
		t.Fatal(err)
	}
	ours := token.NewSigner(apitest.Keys, "citizenapi", app.Clock.Now)
	// signedWith signs the valid claims with one changed by the server's own
	// key, so that only that change is wrong.
	signedWith := func(name string, value any) string {
		changed := jwt.MapClaims{}
		for k, v := range claims {
			changed[k] = v
		}
		if value == nil {
			delete(changed, name)
		} else {
			changed[name] = value
		}
		return handToken(t, jwt.SigningMethodEdDSA, apitest.SigningKey, changed)
	}
	at := func(d time.Duration) func() time.Time { return func() time.Time { return app.Clock.Now().Add(d) } }

	// The valid token with another citizen's subject and the original signature.
	parts := strings.Split(c.Token, ".")
	var payload map[string]any
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(raw, &payload)
	payload["sub"] = other.ID
	swapped, _ := json.Marshal(payload)
	forgedSubject := parts[0] + "." + base64.RawURLEncoding.EncodeToString(swapped) + "." + parts[2]

	for _, acc := range []struct {
		id, sql string
	}{
		{gone.ID, "DELETE FROM accounts WHERE id = ?"},
		{deactivated.ID, "UPDATE accounts SET status = 'deactivated' WHERE id = ?"},
		{locked.ID, "UPDATE accounts SET status = 'locked' WHERE id = ?"},
		{unverified.ID, "UPDATE accounts SET status = 'pending_verification' WHERE id = ?"},
	} {
		if err := app.DB.Exec(acc.sql, acc.id).Error; err != nil {
			t.Fatal(err)
		}
	}

	cases := []struct {
		name, authorization string
	}{
		{"no header", ""},
		{"empty bearer", "Bearer "},
		{"bearer only", "Bearer"},
		{"garbage", "Bearer garbage"},
		{"three dots", "Bearer a.b.c"},
		{"basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte(c.CNIC+":"+c.Password))},
		{"token without scheme", c.Token},
		{"refresh token as access token", "Bearer " + c.RefreshToken},
		{"alg none", "Bearer " + handToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims)},
		{"alg none, signature dropped from a valid token", "Bearer " + strings.Join(append([]string{base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"at+jwt","kid":"test-1"}`))}, parts[1], ""), ".")},
		{"HS256 keyed with the public key", "Bearer " + handToken(t, jwt.SigningMethodHS256, jwksKey(t, app, "test-1"), claims)},
		{"HS256 keyed with the JWK x string", "Bearer " + handToken(t, jwt.SigningMethodHS256, []byte(base64.RawURLEncoding.EncodeToString(jwksKey(t, app, "test-1"))), claims)},
		{"tampered signature", "Bearer " + flipAt(c.Token, len(c.Token)-20)},
		{"tampered subject", "Bearer " + forgedSubject},
		{"signature with non-canonical base64url", "Bearer " + nonCanonical(c.Token)},
		{"exp a JSON string", "Bearer " + signedWith("exp", strconv.FormatInt(now.Add(10*time.Minute).Unix(), 10))},
		{"iat a JSON string", "Bearer " + signedWith("iat", strconv.FormatInt(now.Unix(), 10))},
		{"no subject", "Bearer " + signedWith("sub", nil)},
		{"empty subject", "Bearer " + signedWith("sub", "")},
		{"subject not a UUID", "Bearer " + signedWith("sub", "not-a-uuid")},
		{"unknown kid", "Bearer " + issue(t, token.NewSigner(otherKeys, "citizenapi", app.Clock.Now), token.TypeAccess, c.ID, identity.Audience)},
		{"known kid, other key", "Bearer " + issue(t, token.NewSigner(sameKidKeys, "citizenapi", app.Clock.Now), token.TypeAccess, c.ID, identity.Audience)},
		{"expired", "Bearer " + issue(t, token.NewSigner(apitest.Keys, "citizenapi", at(-16*time.Minute)), token.TypeAccess, c.ID, identity.Audience)},
		{"issued in the future", "Bearer " + issue(t, token.NewSigner(apitest.Keys, "citizenapi", at(time.Hour)), token.TypeAccess, c.ID, identity.Audience)},
		{"wrong audience", "Bearer " + app.AccessToken(t, c.ID, identity.KindCitizen, "another-api", token.Claims{})},
		{"wrong issuer", "Bearer " + issue(t, token.NewSigner(apitest.Keys, "someone-else", app.Clock.Now), token.TypeAccess, c.ID, identity.Audience)},
		{"permit token", "Bearer " + issue(t, ours, token.TypePermit, c.ID, identity.Audience)},
		{"kind staff for a citizen", "Bearer " + app.AccessToken(t, c.ID, identity.KindStaff, identity.Audience, token.Claims{})},
		{"unknown subject", "Bearer " + app.AccessToken(t, uuid.NewString(), identity.KindCitizen, identity.Audience, token.Claims{})},
		{"deleted account", "Bearer " + gone.Token},
		{"deactivated account", "Bearer " + deactivated.Token},
		{"locked account", "Bearer " + locked.Token},
		{"unverified account", "Bearer " + unverified.Token},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := apitest.Request{Method: http.MethodGet, Path: v1 + "/me"}
			if tc.authorization != "" {
				req.Header = map[string]string{"Authorization": tc.authorization}
			}
			r := app.Do(req)
			r.Problem(t, http.StatusUnauthorized, "")
			if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", r.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("a valid token works", func(t *testing.T) {
		for _, tok := range []string{c.Token, app.AccessToken(t, c.ID, identity.KindCitizen, identity.Audience, token.Claims{})} {
			r := app.Get(v1+"/me", tok)
			if r.Status != http.StatusOK || r.Map(t)["id"] != c.ID {
				t.Fatalf("GET /me: %d %s", r.Status, r.Body)
			}
		}
	})

	t.Run("expires after fifteen minutes", func(t *testing.T) {
		tok := app.AccessToken(t, c.ID, identity.KindCitizen, identity.Audience, token.Claims{})
		app.Clock.Advance(14 * time.Minute)
		if r := app.Get(v1+"/me", tok); r.Status != http.StatusOK {
			t.Fatalf("after 14 minutes: %d %s", r.Status, r.Body)
		}
		app.Clock.Advance(2 * time.Minute)
		app.Get(v1+"/me", tok).Problem(t, http.StatusUnauthorized, "")
		app.Get(v1+"/me", c.Token).Problem(t, http.StatusUnauthorized, "")
	})
}

// An Authorization header that is sent must be valid on every route: a
// public route that needs no token still refuses a bad one with 401, and
// answers as before without one or with a valid one.
func TestPublicRoutesRefuseInvalidTokens(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	staff := app.NewStaff(identity.RoleHealthAdmin, "")
	expired := issue(t, token.NewSigner(apitest.Keys, "citizenapi", func() time.Time { return app.Clock.Now().Add(-16 * time.Minute) }),
		token.TypeAccess, c.ID, identity.Audience)
	login := map[string]string{"username": c.CNIC, "password": c.Password}
	routes := []apitest.Request{
		{Method: http.MethodGet, Path: v1 + "/health/facilities"},
		{Method: http.MethodGet, Path: v1 + "/parking/zones"},
		{Method: http.MethodGet, Path: v1 + "/education/schools"},
		{Method: http.MethodPost, Path: v1 + "/auth/login", Body: login},
	}
	invalid := []struct{ name, authorization string }{
		{"garbage bearer", "Bearer garbage"},
		{"empty bearer", "Bearer "},
		{"basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte(c.CNIC+":"+c.Password))},
		{"token without scheme", c.Token},
		{"expired", "Bearer " + expired},
		{"tampered signature", "Bearer " + flipAt(c.Token, len(c.Token)-20)},
		{"empty header", ""},
	}
	// Two headers are refused, whichever of them is valid.
	for _, path := range []string{v1 + "/health/facilities", v1 + "/me"} {
		req, err := http.NewRequest(http.MethodGet, app.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Add("Authorization", "Bearer "+c.Token)
		req.Header.Add("Authorization", "Bearer garbage")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s with two Authorization headers: %d, want 401", path, res.StatusCode)
		}
	}
	for _, route := range routes {
		for _, tc := range invalid {
			t.Run(route.Path+" "+tc.name, func(t *testing.T) {
				req := route
				req.Header = map[string]string{"Authorization": tc.authorization}
				r := app.Do(req)
				r.Problem(t, http.StatusUnauthorized, "")
				if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", r.Header.Get("WWW-Authenticate"))
				}
			})
		}
		for name, tok := range map[string]string{"no token": "", "a citizen's token": c.Token, "a staff token": staff.Token} {
			t.Run(route.Path+" "+name, func(t *testing.T) {
				req := route
				req.Token = tok
				if r := app.Do(req); r.Status != http.StatusOK {
					t.Fatalf("%d %s, want 200", r.Status, r.Body)
				}
			})
		}
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
