package owasp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// owTokenMisuse (API2:2023, broken authentication) adds to
// TestAccessTokenAttacks (expired, tampered, alg none, HS256 with the public
// key, unknown kid, wrong issuer and audience, refresh and permit-typed
// tokens, deleted, deactivated, locked and unverified accounts, all on
// GET /me) and to the BFLA walk (client tokens on citizen routes and citizen
// tokens on integration routes get 403): a real permit QR token as an access
// token, tokens minted for one audience and presented to the other with the
// other kind, a generic JWT type, embedded attacker keys, a client token
// claiming scopes its client was never granted, and tokens outside the
// Authorization header. Each is 401 with a Bearer challenge (403 where the
// token is genuine but its claims give no right).
func owTokenMisuse(t *testing.T, w *owWorld) {
	w = w.as(t)
	now := w.app.Clock.Now
	ours := token.NewSigner(apitest.Keys, "citizenapi", now)
	sign := func(typ, subject, audience string, c token.Claims) string {
		t.Helper()
		raw, _, err := ours.Issue(typ, subject, audience, identity.AccessTokenTTL, c)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	expired := func(subject, audience string, c token.Claims) string {
		t.Helper()
		old := token.NewSigner(apitest.Keys, "citizenapi", func() time.Time { return now().Add(-2 * time.Hour) })
		raw, _, err := old.Issue(token.TypeAccess, subject, audience, integrations.ClientTokenTTL, c)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	permit := w.permit.VerificationToken
	if permit == "" {
		t.Fatal("A's active permit carries no verification token")
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	embedded := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss": "citizenapi", "sub": w.a.ID, "aud": []string{identity.Audience}, "kind": identity.KindCitizen,
		"iat": now().Unix(), "nbf": now().Unix(), "exp": now().Add(10 * time.Minute).Unix(), "jti": uuid.NewString(),
	})
	embedded.Header["kid"] = "test-1"
	embedded.Header["typ"] = token.TypeAccess
	embedded.Header["jwk"] = map[string]string{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub)}
	embedded.Header["jku"] = "https://203.0.113.66/jwks.json"
	withEmbeddedKey, err := embedded.SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	staffID := w.staffF1.ID

	unauthenticated := []struct {
		name, path string
		header     map[string]string
	}{
		{"A's permit QR token on /me", "/me", map[string]string{"Authorization": "Bearer " + permit}},
		{"A's permit QR token on A's permits", "/parking/permits", map[string]string{"Authorization": "Bearer " + permit}},
		{"A's permit QR token on verification", "/parking/verify?plate=" + w.permit.Plate + "&zone_id=" + w.zone, map[string]string{"Authorization": "Bearer " + permit}},
		{"a generic JWT type", "/me", map[string]string{"Authorization": "Bearer " + sign("JWT", w.a.ID, identity.Audience, token.Claims{Kind: identity.KindCitizen})}},
		{"no JOSE type", "/me", map[string]string{"Authorization": "Bearer " + sign("", w.a.ID, identity.Audience, token.Claims{Kind: identity.KindCitizen})}},
		{"a citizen token for the integrations audience, on /me", "/me",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, w.a.ID, integrations.Audience, token.Claims{Kind: identity.KindCitizen})}},
		{"a citizen token for the integrations audience, on webhooks", "/integrations/webhooks",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, w.a.ID, integrations.Audience, token.Claims{Kind: identity.KindCitizen})}},
		{"a client token for the citizen audience, on webhooks", "/integrations/webhooks",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, w.clientF1.ID, identity.Audience, token.Claims{Kind: "client", Scope: "webhooks:manage"})}},
		{"a client token for the citizen audience, on /me", "/me",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, w.clientF1.ID, identity.Audience, token.Claims{Kind: "client", Scope: "webhooks:manage"})}},
		{"a client token whose subject is a citizen", "/integrations/webhooks",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, w.a.ID, integrations.Audience, token.Claims{Kind: "client", Scope: "webhooks:manage"})}},
		{"a citizen-kind token for a staff account", "/me",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, staffID, identity.Audience, token.Claims{Kind: identity.KindCitizen})}},
		{"a client-kind token for a staff account", "/admin/health/appointments",
			map[string]string{"Authorization": "Bearer " + sign(token.TypeAccess, staffID, integrations.Audience, token.Claims{Kind: "client", Scope: "health.appointments:read"})}},
		{"an expired client token", "/integrations/webhooks",
			map[string]string{"Authorization": "Bearer " + expired(w.clientF1.ID, integrations.Audience, token.Claims{Kind: "client", Scope: "webhooks:manage"})}},
		{"an attacker's key embedded as jwk and jku", "/me", map[string]string{"Authorization": "Bearer " + withEmbeddedKey}},
		{"the token in the query string", "/me?access_token=" + w.a.Token, nil},
		{"the token in a cookie", "/me", map[string]string{"Cookie": "access_token=" + w.a.Token + "; token=" + w.a.Token}},
		{"the token in another header", "/me", map[string]string{"X-Access-Token": w.a.Token, "X-Auth-Token": w.a.Token}},
		{"two tokens in one header", "/me", map[string]string{"Authorization": "Bearer " + w.b.Token + ", Bearer " + w.a.Token}},
		{"junk after the token", "/me", map[string]string{"Authorization": "Bearer " + w.a.Token + " x"}},
	}
	for _, tc := range unauthenticated {
		t.Run(tc.name, func(t *testing.T) {
			r := w.app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + tc.path, Header: tc.header})
			owCheck(t, tc.name, r, w.aSecrets()...)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("%d %s, want 401", r.Status, owShort(r.Body))
			}
			if r.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without a WWW-Authenticate challenge")
			}
		})
	}

	t.Run("a client token claiming scopes never granted", func(t *testing.T) {
		// The client holds health.appointments:read and webhooks:manage only.
		forged := sign(token.TypeAccess, w.clientF2.ID, integrations.Audience,
			token.Claims{Kind: "client", Scope: "webhooks:manage parking.permits:verify health.appointments:read traffic.challans:lookup traffic.challans:issue"})
		r := w.app.Get(v1+"/parking/verify?plate="+w.permit.Plate+"&zone_id="+w.zone, forged)
		owCheck(t, "verify with a forged scope", r, w.aSecrets()...)
		if r.Status != http.StatusForbidden {
			t.Fatalf("a scope the client was never granted: %d %s, want 403", r.Status, owShort(r.Body))
		}
		for _, req := range []apitest.Request{
			{Method: http.MethodGet, Path: v1 + "/traffic/lookup?plate=" + w.permit.Plate},
			{Method: http.MethodPost, Path: v1 + "/admin/traffic/challans", Body: w.challanBody(w.permit.Plate, w.t1.Code)},
		} {
			req.Token = forged
			r := w.app.Do(req)
			owCheck(t, req.Method+" "+req.Path+" with a forged scope", r, append(w.aSecrets(), w.challan.ID)...)
			if r.Status != http.StatusForbidden {
				t.Fatalf("%s %s with a scope the client was never granted: %d %s, want 403", req.Method, req.Path, r.Status, owShort(r.Body))
			}
		}
		if r := w.app.Get(v1+"/integrations/webhooks", forged); r.Status != http.StatusOK {
			t.Fatalf("the scopes it does hold: %d %s", r.Status, owShort(r.Body))
		}
		// Narrowed to one scope, the token loses the others.
		narrow := sign(token.TypeAccess, w.clientF2.ID, integrations.Audience, token.Claims{Kind: "client", Scope: "webhooks:manage"})
		if r := w.app.Get(v1+"/integrations/appointments", narrow); r.Status != http.StatusForbidden {
			t.Fatalf("a scope the token does not carry: %d %s, want 403", r.Status, owShort(r.Body))
		}
	})

	t.Run("a deactivated staff account's token on its own routes", func(t *testing.T) {
		w := w.as(t)
		desk := w.app.NewStaff(identity.RoleHealthStaff, w.f1)
		path := v1 + "/admin/health/appointments?date=" + w.app.Day(w.day)
		if r := w.app.Get(path, desk.Token); r.Status != http.StatusOK {
			t.Fatalf("before: %d %s", r.Status, owShort(r.Body))
		}
		r := w.app.Do(apitest.Request{Method: http.MethodPatch, Path: v1 + "/admin/staff/" + desk.ID, Token: w.admin.Token, Body: map[string]any{"active": false}})
		r.Want(t, http.StatusOK)
		for _, req := range []apitest.Request{
			{Method: http.MethodGet, Path: path},
			{Method: http.MethodPost, Path: v1 + "/admin/health/appointments/" + w.appt.ID + "/status", Body: map[string]string{"status": "checked_in"}},
			{Method: http.MethodPost, Path: v1 + "/admin/health/slots/" + w.slot.ID + "/cancel", Body: map[string]string{"reason": "gone rogue"}},
		} {
			req.Token = desk.Token
			r := w.app.Do(req)
			owCheck(t, "deactivated "+req.Path, r, w.aSecrets()...)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s %s after deactivation: %d %s, want 401", req.Method, req.Path, r.Status, owShort(r.Body))
			}
		}
		if got := w.slotIDs(t, w.p1); len(got) == 0 {
			t.Error("F1's slots are gone")
		}
		a := w.app.Get(v1+"/health/appointments/"+w.appt.ID, w.a.Token)
		a.Want(t, http.StatusOK)
		if a.Map(t)["status"] != "booked" {
			t.Errorf("A's appointment is now %s", a.Body)
		}
	})
}
