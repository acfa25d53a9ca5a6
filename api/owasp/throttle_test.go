package owasp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// What one address may take of what everyone shares (API4, unrestricted
// resource consumption; API6, sensitive business flows): password hashing,
// registrations, and the SMS codes the platform pays for. The servers here
// run with the production limits and believe X-Forwarded-For from the
// test, so that each request comes from the address it names.

// productionLimits restores identity's limits, which apitest raises.
func productionLimits(c *api.Config) { c.Limits = identity.DefaultLimits }

// from makes a request come from addr.
func from(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

// newSignup returns a registration with a fresh CNIC and phone.
func newSignup() map[string]any {
	return map[string]any{"cnic": apitest.NewCNIC(), "phone": apitest.NewPhone(), "full_name": "Test Citizen",
		"password": "correct horse battery staple"}
}

func signup(app *apitest.App, body map[string]any, addr string) *apitest.Response {
	return app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/register", Body: body, Header: from(addr)})
}

func resendCode(app *apitest.App, phone, addr string) *apitest.Response {
	return app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/otp/resend", Body: map[string]string{"phone": phone}, Header: from(addr)})
}

// smsTo counts the messages the development sender sent to phone.
func smsTo(t *testing.T, app *apitest.App, phone string) int {
	t.Helper()
	var list struct{ Items []any }
	app.Get("/dev/messages?limit=100&to="+url.QueryEscape(phone), "").Want(t, http.StatusOK).JSON(t, &list)
	return len(list.Items)
}

// waitOf reads Retry-After, failing t unless it is a positive number of seconds.
func waitOf(t *testing.T, r *apitest.Response) time.Duration {
	t.Helper()
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n <= 0 {
		t.Fatalf("Retry-After = %q, want a positive number of seconds", r.Header.Get("Retry-After"))
	}
	return time.Duration(n) * time.Second
}

// at sets the server's clock to hour:minute UTC of tomorrow, so that the
// hour and day windows a test fills are its own.
func at(app *apitest.App, hour, minute int) {
	app.SetClock(time.Now().UTC().Truncate(24 * time.Hour).Add(24*time.Hour + time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
}

// One address floods what costs a password hash (registrations of a CNIC
// that is taken, password changes with a wrong current password) while a
// citizen signs in from another: every sign-in succeeds, because the
// flood's taken CNICs are refused before hashing and one address holds at
// most its share of the hashing turns.
func TestOWASPOneAddressCannotCrowdOutSignIns(t *testing.T) {
	app := apitest.New(t, productionLimits, apitest.TrustProxy)
	app.ResetThrottles(t)
	app.ResetLoginFailures(t)
	victim, attacker := app.NewCitizen(), app.NewCitizen()
	const flooders, signIns = 64, 5

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	flood := map[int]int{}
	for i := range flooders {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var r *apitest.Response
				if i%2 == 0 {
					r = signup(app, apitest.With(newSignup(), "cnic", victim.CNIC), "203.0.113.66")
				} else {
					r = app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/me/password", Token: attacker.Token, Header: from("203.0.113.66"),
						Body: map[string]string{"current_password": "not the password", "new_password": "another long passphrase"}})
				}
				mu.Lock()
				flood[r.Status]++
				mu.Unlock()
			}
		})
	}
	// Let the flood build up before signing in.
	time.Sleep(500 * time.Millisecond)
	failed := 0
	for range signIns {
		r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/login", Header: from("198.51.100.20"),
			Body: map[string]string{"username": victim.CNIC, "password": victim.Password}})
		if r.Status != http.StatusOK {
			failed++
			t.Errorf("sign-in during the flood: %d %s", r.Status, r.Body)
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("the flood's answers: %v; %d of %d sign-ins failed", flood, failed, signIns)
	for status := range flood {
		if status == http.StatusCreated || status == http.StatusNoContent {
			t.Errorf("the flood got %d answers %d", flood[status], status)
		}
	}
}

// An address registers at most ten accounts an hour; the eleventh is
// refused before anything is written or sent, and the codes its ten
// registrations were sent leave it none to resend this hour.
func TestOWASPRegistrationsPerAddressAreCapped(t *testing.T) {
	app := apitest.New(t, productionLimits, apitest.TrustProxy)
	app.ResetThrottles(t)
	at(app, 10, 0)
	const addr = "203.0.113.77"
	var phones []string
	for i := range identity.DefaultLimits.RegistrationsPerAddress {
		body := newSignup()
		if r := signup(app, body, addr); r.Status != http.StatusCreated {
			t.Fatalf("registration %d: %d %s", i+1, r.Status, r.Body)
		}
		phones = append(phones, body["phone"].(string))
	}

	eleventh := newSignup()
	r := signup(app, eleventh, addr)
	r.Problem(t, http.StatusTooManyRequests, "")
	if wait := waitOf(t, r); wait > time.Hour {
		t.Errorf("Retry-After = %v, want at most the hour", wait)
	}
	if n := smsTo(t, app, eleventh["phone"].(string)); n != 0 {
		t.Errorf("the refused registration sent %d SMS", n)
	}
	// Nothing was written: the same registration from another address opens the account.
	signup(app, eleventh, "198.51.100.77").Want(t, http.StatusCreated)

	app.Clock.Advance(2 * time.Minute)
	r = resendCode(app, phones[0], addr)
	r.Problem(t, http.StatusTooManyRequests, "")
	waitOf(t, r)
	if n := smsTo(t, app, phones[0]); n != 1 {
		t.Errorf("%d SMS to %s after a refused resend, want the registration's 1", n, phones[0])
	}
}

// A phone is sent at most 5 codes an hour and 10 a day, and the platform
// no more than its daily budget, however many requests race from however
// many addresses.
func TestOWASPSMSCodesHoldUnderRaces(t *testing.T) {
	t.Run("per phone", func(t *testing.T) {
		app := apitest.New(t, productionLimits, apitest.TrustProxy)
		app.ResetThrottles(t)
		at(app, 0, 30)
		body := newSignup()
		phone := body["phone"].(string)
		signup(app, body, "198.51.100.1").Want(t, http.StatusCreated)
		total := 1
		for round := 1; total < 10 && round <= 12; round++ {
			app.Clock.Advance(61 * time.Minute)
			race(20, func(i int) int {
				return resendCode(app, phone, "203.0.113."+strconv.Itoa(round*20+i)).Status
			})
			n := smsTo(t, app, phone)
			if n-total > 5 {
				t.Fatalf("round %d sent %d codes to one phone in an hour, want at most 5", round, n-total)
			}
			total = n
		}
		if total != 10 {
			t.Fatalf("%d codes sent to one phone in a day, want 10", total)
		}
		app.Clock.Advance(61 * time.Minute)
		r := resendCode(app, phone, "198.51.100.2")
		r.Problem(t, http.StatusTooManyRequests, "")
		if wait := waitOf(t, r); wait <= time.Hour {
			t.Errorf("Retry-After = %v once the day's codes are sent, want the rest of the day", wait)
		}
		if n := smsTo(t, app, phone); n != 10 {
			t.Errorf("%d codes sent to one phone, want 10", n)
		}
	})

	t.Run("platform budget", func(t *testing.T) {
		const budget = 5
		app := apitest.New(t, productionLimits, apitest.TrustProxy, func(c *api.Config) { c.Limits.SMSDailyBudget = budget })
		app.ResetThrottles(t)
		at(app, 20, 0)
		var mu sync.Mutex
		var phones []string
		var refused map[string]any
		send := func(i int) int {
			body := newSignup()
			r := signup(app, body, "203.0.113."+strconv.Itoa(100+i))
			mu.Lock()
			defer mu.Unlock()
			phones = append(phones, body["phone"].(string))
			if r.Status == http.StatusServiceUnavailable {
				refused = body
			}
			return r.Status
		}
		statuses := race(20, send)
		created := statuses[http.StatusCreated]
		if created > budget {
			t.Fatalf("20 concurrent registrations: %v, more than the budget of %d created", statuses, budget)
		}
		// Registrations a busy machine refused for want of hashing leave room: fill it.
		for i := 20; created < budget && i < 30; i++ {
			if send(i) == http.StatusCreated {
				created++
			}
		}
		r := signup(app, newSignup(), "198.51.100.99")
		r.Problem(t, http.StatusServiceUnavailable, "")
		if wait := waitOf(t, r); wait <= 3*time.Hour || wait > 4*time.Hour {
			t.Errorf("Retry-After = %v at 20:00 UTC, want until midnight", wait)
		}
		sent := 0
		for _, phone := range phones {
			sent += smsTo(t, app, phone)
		}
		if created != budget || sent != budget {
			t.Errorf("%d accounts created and %d SMS sent, want %d of each", created, sent, budget)
		}
		// A refused registration left nothing behind: the next day it goes through.
		app.SetClock(app.Clock.Now().Add(4*time.Hour + time.Minute))
		signup(app, refused, "198.51.100.100").Want(t, http.StatusCreated)
	})
}
