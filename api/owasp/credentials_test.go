package owasp_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// What an attacker who holds an access token, or guesses passwords, gets:
// the token dies with its session, a password change is no unlimited
// password oracle, and what people type at sign-in is never stored.

// Signing out, changing the password and replaying a spent refresh token
// each end the session's access token at once, not when it expires.
func TestOWASPAccessTokensEndWithTheirSession(t *testing.T) {
	app := apitest.New(t)
	me := api.BasePath + "/me"

	t.Run("signing out", func(t *testing.T) {
		c := app.NewCitizen()
		app.Get(me, c.Token).Want(t, http.StatusOK)
		app.Post(api.BasePath+"/auth/logout", c.Token, map[string]string{"refresh_token": c.RefreshToken}).Want(t, http.StatusNoContent)
		app.Get(me, c.Token).Problem(t, http.StatusUnauthorized, "")
	})
	t.Run("a password change ends every session", func(t *testing.T) {
		c := app.NewCitizen()
		other, _ := app.Login(c.CNIC, c.Password)
		app.Post(me+"/password", c.Token, map[string]string{"current_password": c.Password, "new_password": "a brand new passphrase"}).Want(t, http.StatusNoContent)
		app.Get(me, c.Token).Problem(t, http.StatusUnauthorized, "")
		app.Get(me, other).Problem(t, http.StatusUnauthorized, "")
	})
	t.Run("a replayed refresh token ends the session", func(t *testing.T) {
		c := app.NewCitizen()
		next := app.Post(api.BasePath+"/auth/refresh", "", map[string]string{"refresh_token": c.RefreshToken}).Want(t, http.StatusOK).Map(t)
		app.Get(me, next["access_token"].(string)).Want(t, http.StatusOK)
		app.Post(api.BasePath+"/auth/refresh", "", map[string]string{"refresh_token": c.RefreshToken}).Problem(t, http.StatusUnauthorized, "")
		app.Get(me, next["access_token"].(string)).Problem(t, http.StatusUnauthorized, "")
		app.Get(me, c.Token).Problem(t, http.StatusUnauthorized, "")
	})
	t.Run("a token minted without a session is refused", func(t *testing.T) {
		c := app.NewCitizen()
		forged := app.AccessToken(t, c.ID, identity.KindCitizen, identity.Audience, token.Claims{Session: uuid.NewString()})
		app.Get(me, forged).Problem(t, http.StatusUnauthorized, "")
	})
}

// A stolen access token does not make /me/password a password oracle:
// wrong guesses count with the account's sign-in failures, the sixth is
// refused with Retry-After, and the account holder is told.
func TestOWASPPasswordChangeIsNoOracle(t *testing.T) {
	app := apitest.New(t)
	app.ResetLoginFailures(t)
	c := app.NewCitizen()
	path := api.BasePath + "/me/password"
	for i := range 5 {
		app.Post(path, c.Token, map[string]string{"current_password": fmt.Sprintf("guess number %d", i), "new_password": "a brand new passphrase"}).
			Problem(t, http.StatusUnprocessableEntity, "current_password")
	}
	r := app.Post(path, c.Token, map[string]string{"current_password": c.Password, "new_password": "a brand new passphrase"})
	r.Problem(t, http.StatusTooManyRequests, "")
	if r.Header.Get("Retry-After") == "" {
		t.Error("the refusal has no Retry-After")
	}
	var notices int64
	app.DB.Raw("SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'account.sign_in_paused'", c.ID).Scan(&notices)
	if notices != 1 {
		t.Errorf("%d notices to the account holder, want 1", notices)
	}
	// The guesses paused the account's sign-in with the password alone too.
	app.ForgetAddressFailures(t, "127.0.0.1")
	app.Post(api.BasePath+"/auth/login", "", map[string]string{"username": c.CNIC, "password": c.Password}).Problem(t, http.StatusUnauthorized, "")
}

// The usernames typed at failed sign-ins, known or not, and the addresses
// they came from are stored only as keyed hashes, and expire.
func TestOWASPFailedSignInsStoreNoUsernames(t *testing.T) {
	app := apitest.New(t)
	app.ResetLoginFailures(t)
	c := app.NewCitizen()
	typed := []string{c.CNIC, c.Phone, "someone@example.pk", "61101-2222222-3"}
	for _, u := range typed {
		app.Post(api.BasePath+"/auth/login", "", map[string]string{"username": u, "password": "wrong password!"}).Problem(t, http.StatusUnauthorized, "")
	}
	var keys []string
	app.DB.Raw("SELECT key FROM login_failures").Scan(&keys)
	if len(keys) == 0 {
		t.Fatal("no failures were counted")
	}
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	for _, k := range keys {
		for _, u := range append(typed, "127.0.0.1", c.ID) {
			if strings.Contains(k, u) || (digits(u) != "" && len(digits(u)) > 6 && strings.Contains(k, digits(u))) {
				t.Errorf("login_failures.key %q holds %q", k, u)
			}
		}
	}

	app.Clock.Advance(16 * time.Minute)
	n, err := app.Server.Modules().Identity.PurgeLoginFailures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var left int64
	app.DB.Raw("SELECT count(*) FROM login_failures").Scan(&left)
	if n == 0 || left != 0 {
		t.Errorf("the retention job deleted %d failures and left %d, want all of them deleted", n, left)
	}
}
