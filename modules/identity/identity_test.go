package identity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
)

// The tests in this file drive accounts over HTTP: registration, one-time
// codes, sign-in and its limits, refresh tokens, the profile, dependants,
// staff administration and the audit log.

const v1 = api.BasePath

// placeholderID is a well-formed UUID that names nothing.
const placeholderID = "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"

var otpCode = regexp.MustCompile(`code is (\d{6})`)

// newRegistration returns a valid registration body with a fresh CNIC and phone.
func newRegistration() map[string]any {
	return map[string]any{
		"cnic": apitest.NewCNIC(), "phone": apitest.NewPhone(), "full_name": "Test Citizen",
		"password": "correct horse battery staple",
	}
}

// messagesTo lists what the development sender sent to a recipient, newest first.
func messagesTo(t *testing.T, app *apitest.App, to string) []notify.Message {
	t.Helper()
	r := app.Get("/dev/messages?limit=100&to="+url.QueryEscape(to), "").Want(t, http.StatusOK)
	var list struct {
		Items []notify.Message `json:"items"`
	}
	r.JSON(t, &list)
	return list.Items
}

func login(app *apitest.App, username, password string, header map[string]string) *apitest.Response {
	return app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/login",
		Body: map[string]string{"username": username, "password": password}, Header: header})
}

func refresh(app *apitest.App, refreshToken string) *apitest.Response {
	return app.Post(v1+"/auth/refresh", "", map[string]string{"refresh_token": refreshToken})
}

func patch(app *apitest.App, path, token string, body any) *apitest.Response {
	return app.Do(apitest.Request{Method: http.MethodPatch, Path: path, Token: token, Body: body})
}

func retryAfter(t *testing.T, r *apitest.Response) int {
	t.Helper()
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n <= 0 {
		t.Fatalf("Retry-After = %q, want a positive number of seconds", r.Header.Get("Retry-After"))
	}
	return n
}

// parallel sends n requests at once and returns the answers in order.
func parallel(n int, send func(i int) *apitest.Response) []*apitest.Response {
	out := make([]*apitest.Response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = send(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func countActiveRefresh(t *testing.T, app *apitest.App, accountID string) int64 {
	t.Helper()
	var n int64
	if err := app.DB.Raw("SELECT count(*) FROM refresh_tokens WHERE account_id = ? AND status = 'active'", accountID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRegister(t *testing.T) {
	app := apitest.New(t)
	register := func(body any) *apitest.Response { return app.Post(v1+"/auth/register", "", body) }

	t.Run("pending with a code sent by SMS", func(t *testing.T) {
		reg := newRegistration()
		cnic, phone := reg["cnic"].(string), reg["phone"].(string)
		r := register(apitest.With(reg, "cnic", apitest.DashedCNIC(cnic), "phone", apitest.NationalPhone(phone))).Want(t, http.StatusCreated)
		acc := r.Map(t)
		if acc["status"] != identity.StatusPending || acc["cnic"] != cnic || acc["phone"] != phone || acc["kind"] != identity.KindCitizen {
			t.Fatalf("account = %v; want pending, CNIC %s and phone %s normalised", acc, cnic, phone)
		}
		if _, err := uuid.Parse(fmt.Sprint(acc["id"])); err != nil {
			t.Fatalf("id %v is not a UUID", acc["id"])
		}
		if strings.Contains(string(r.Body), "password") || strings.Contains(string(r.Body), "argon2") {
			t.Fatalf("the answer shows the password or its hash: %s", r.Body)
		}
		msgs := messagesTo(t, app, phone)
		if len(msgs) != 1 || msgs[0].Channel != notify.SMS || !otpCode.MatchString(msgs[0].Body) {
			t.Fatalf("messages to %s = %+v, want one SMS with a 6-digit code", phone, msgs)
		}
	})

	t.Run("urdu name round-trips", func(t *testing.T) {
		reg := apitest.With(newRegistration(), "full_name", "  آمنہ   بی بی ")
		phone := reg["phone"].(string)
		r := register(reg)
		if r.Status != http.StatusCreated || r.Map(t)["full_name"] != "آمنہ بی بی" {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		if r := app.Post(v1+"/auth/otp/verify", "", map[string]string{"phone": phone, "code": app.LastOTP(phone)}); r.Status != http.StatusOK {
			t.Fatalf("verify: %d %s", r.Status, r.Body)
		}
		access, _ := app.Login(phone, reg["password"].(string))
		if got := app.Get(v1+"/me", access).Map(t)["full_name"]; got != "آمنہ بی بی" {
			t.Fatalf("GET /me full_name = %q", got)
		}
	})

	existing := newRegistration()
	existing["email"] = fmt.Sprintf("taken.%d@example.pk", time.Now().UnixNano())
	if r := register(apitest.With(existing, "cnic", apitest.DashedCNIC(existing["cnic"].(string)))); r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	takenCNIC, takenPhone := existing["cnic"].(string), existing["phone"].(string)

	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"same CNIC in the plain form", apitest.With(newRegistration(), "cnic", takenCNIC), 409, "cnic"},
		{"same CNIC in the dashed form", apitest.With(newRegistration(), "cnic", apitest.DashedCNIC(takenCNIC)), 409, "cnic"},
		{"same phone written 03XX", apitest.With(newRegistration(), "phone", apitest.NationalPhone(takenPhone)), 409, "phone"},
		{"same phone written 03XX-XXXXXXX", apitest.With(newRegistration(), "phone", apitest.NationalPhone(takenPhone)[:4]+"-"+apitest.NationalPhone(takenPhone)[4:]), 409, "phone"},
		{"same e-mail in capitals", apitest.With(newRegistration(), "email", strings.ToUpper(existing["email"].(string))), 409, "email"},
		{"CNIC too short", apitest.With(newRegistration(), "cnic", "12345-123456-1"), 422, "cnic"},
		{"CNIC with letters", apitest.With(newRegistration(), "cnic", "ABCDE-1234567-1"), 422, "cnic"},
		{"CNIC starting with 9", apitest.With(newRegistration(), "cnic", "9520212345671"), 422, "cnic"},
		{"CNIC missing", apitest.With(newRegistration(), "cnic", nil), 422, "cnic"},
		{"CNIC as a number", apitest.With(newRegistration(), "cnic", 3520212345671), 400, "cnic"},
		{"short phone", apitest.With(newRegistration(), "phone", "0300123"), 422, "phone"},
		{"landline", apitest.With(newRegistration(), "phone", "0512345678"), 422, "phone"},
		{"landline in E.164", apitest.With(newRegistration(), "phone", "+92512345678"), 422, "phone"},
		{"phone with letters", apitest.With(newRegistration(), "phone", "0300-CALLME1"), 422, "phone"},
		{"name too short", apitest.With(newRegistration(), "full_name", "A"), 422, "full_name"},
		{"name with a control character", apitest.With(newRegistration(), "full_name", "Amina\u0000Bibi"), 422, "full_name"},
		{"bad e-mail", apitest.With(newRegistration(), "email", "not-an-email"), 422, "email"},
		{"role in the body", apitest.With(newRegistration(), "role", "admin"), 400, "role"},
		{"status in the body", apitest.With(newRegistration(), "status", "active"), 400, "status"},
		{"kind in the body", apitest.With(newRegistration(), "kind", "staff"), 400, "kind"},
		{"common password", apitest.With(newRegistration(), "password", "qwertyuiop"), 422, "password"},
		{"short password", apitest.With(newRegistration(), "password", "kq7#zmv"), 422, "password"},
		{"malformed JSON", `{"cnic": "3520212345671",`, 400, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			register(tc.body).Problem(t, tc.status, tc.field)
			if body, ok := tc.body.(map[string]any); ok && tc.field != "phone" && tc.field != "email" {
				if msgs := messagesTo(t, app, fmt.Sprint(body["phone"])); len(msgs) != 0 {
					t.Fatalf("a refused registration sent %d messages", len(msgs))
				}
			}
		})
	}

	t.Run("concurrent registrations of one CNIC", func(t *testing.T) {
		cnic := apitest.NewCNIC()
		answers := parallel(6, func(int) *apitest.Response { return register(apitest.With(newRegistration(), "cnic", cnic)) })
		created := 0
		for _, r := range answers {
			switch r.Status {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
				r.Problem(t, http.StatusConflict, "cnic")
			default:
				t.Errorf("status %d %s, want 201 or 409", r.Status, r.Body)
			}
		}
		if created != 1 {
			t.Fatalf("%d accounts created for one CNIC, want 1", created)
		}
	})

	t.Run("password equal to the CNIC", func(t *testing.T) {
		reg := newRegistration()
		cnic := reg["cnic"].(string)
		for _, pw := range []string{cnic, apitest.DashedCNIC(cnic)} {
			register(apitest.With(reg, "password", pw)).Problem(t, 422, "password")
		}
	})
	t.Run("password equal to the phone", func(t *testing.T) {
		reg := newRegistration()
		phone := reg["phone"].(string)
		for _, pw := range []string{phone, strings.TrimPrefix(phone, "+"), apitest.NationalPhone(phone)} {
			register(apitest.With(reg, "password", pw)).Problem(t, 422, "password")
		}
	})
}

// TestRegisterNamesEveryInvalidField: a registration with several invalid
// fields is answered once, naming every one of them with its own message in
// the caller's language, whether a field breaks its tags or a domain rule.
// A body that cannot be read still answers alone.
func TestRegisterNamesEveryInvalidField(t *testing.T) {
	app := apitest.New(t)
	fourBad := apitest.With(newRegistration(), "cnic", "12345-123456-1", "phone", "0512345678", "full_name", "A", "password", "qwertyuiop")
	cases := []struct {
		name   string
		lang   string
		body   any
		status int
		want   map[string]string // field → catalog key of its message
	}{
		{"four domain rules, in Urdu", "ur", fourBad, http.StatusUnprocessableEntity, map[string]string{
			"cnic": "validation.cnic", "phone": "validation.phone", "full_name": "validation.length", "password": "validation.password.common"}},
		{"four domain rules, in English", "", fourBad, http.StatusUnprocessableEntity, map[string]string{
			"cnic": "validation.cnic", "phone": "validation.phone", "full_name": "validation.length", "password": "validation.password.common"}},
		{"tags and domain rules together", "ur", apitest.With(newRegistration(), "full_name", nil, "cnic", "9520212345671", "email", "not-an-email", "password", "kq7#zmv"),
			http.StatusUnprocessableEntity, map[string]string{
				"full_name": "validation.required", "cnic": "validation.cnic.province", "email": "validation.email", "password": "validation.min.string"}},
		{"an unreadable field answers alone", "ur", apitest.With(fourBad, "cnic", 3520212345671), http.StatusBadRequest, map[string]string{
			"cnic": "validation.type"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{}
			if tc.lang != "" {
				header["Accept-Language"] = tc.lang
			}
			r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/register", Body: tc.body, Header: header})
			p := r.Problem(t, tc.status, "")
			lang := i18n.Negotiate(tc.lang)
			got := map[string]string{}
			for _, f := range p.Errors {
				got[f.Field] = f.Message
			}
			if len(got) != len(tc.want) || len(p.Errors) != len(tc.want) {
				t.Errorf("errors = %+v, want exactly %v", p.Errors, tc.want)
			}
			for field, key := range tc.want {
				msg, named := got[field]
				switch {
				case !named:
					t.Errorf("%s is not named in %+v", field, p.Errors)
				case key != "validation.type" && msg != i18n.T(lang, key, paramsOf(key)):
					t.Errorf("%s: message %q, want %q", field, msg, i18n.T(lang, key, paramsOf(key)))
				case lang == i18n.Urdu && msg == i18n.T(i18n.English, key, paramsOf(key)):
					t.Errorf("%s: message %q is the English text", field, msg)
				}
			}
			if body, ok := tc.body.(map[string]any); ok {
				if msgs := messagesTo(t, app, fmt.Sprint(body["phone"])); len(msgs) != 0 {
					t.Errorf("a refused registration sent %d messages", len(msgs))
				}
			}
		})
	}
}

// paramsOf gives the parameters the registration rules fill in keys' texts.
func paramsOf(key string) map[string]string {
	switch key {
	case "validation.length":
		return map[string]string{"min": "2", "max": "100"}
	case "validation.min.string":
		return map[string]string{"n": "8"}
	}
	return nil
}

func TestOTP(t *testing.T) {
	app := apitest.New(t)
	app.ResetLoginFailures(t)
	register := func(t *testing.T) (reg map[string]any, phone string) {
		t.Helper()
		reg = newRegistration()
		if r := app.Post(v1+"/auth/register", "", reg); r.Status != http.StatusCreated {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		return reg, reg["phone"].(string)
	}
	verify := func(phone, code string) *apitest.Response {
		return app.Post(v1+"/auth/otp/verify", "", map[string]string{"phone": phone, "code": code})
	}
	resend := func(phone string) *apitest.Response {
		return app.Post(v1+"/auth/otp/resend", "", map[string]string{"phone": phone})
	}
	wrongCode := func(code string) string {
		n, _ := strconv.Atoi(code)
		return fmt.Sprintf("%06d", (n+1)%1_000_000)
	}

	t.Run("verify activates and the code is spent", func(t *testing.T) {
		reg, phone := register(t)
		code := app.LastOTP(phone)
		login(app, phone, reg["password"].(string), nil).Problem(t, http.StatusForbidden, "")
		r := verify(apitest.NationalPhone(phone), code)
		if r.Status != http.StatusOK || r.Map(t)["status"] != identity.StatusActive {
			t.Fatalf("verify: %d %s", r.Status, r.Body)
		}
		verify(phone, code).Problem(t, 422, "code")
		if r := login(app, phone, reg["password"].(string), nil); r.Status != http.StatusOK {
			t.Fatalf("login after verification: %d %s", r.Status, r.Body)
		}
	})

	t.Run("malformed codes", func(t *testing.T) {
		_, phone := register(t)
		for _, code := range []string{"12345", "1234567", "abcdef", ""} {
			verify(phone, code).Problem(t, 422, "code")
		}
		verify("0300123", "123456").Problem(t, 422, "phone")
	})

	t.Run("five wrong codes exhaust it", func(t *testing.T) {
		reg, phone := register(t)
		code := app.LastOTP(phone)
		for i := range 5 {
			p := verify(phone, wrongCode(code)).Problem(t, 422, "code")
			if want := fmt.Sprintf("%d tries left", 4-i); !strings.Contains(p.Errors[0].Message, want) {
				t.Errorf("try %d: message %q, want it to say %q", i+1, p.Errors[0].Message, want)
			}
		}
		p := verify(phone, code).Problem(t, 422, "code")
		if !strings.Contains(p.Errors[0].Message, "too many") {
			t.Errorf("the right code after five wrong ones: message %q, want it to say too many tries", p.Errors[0].Message)
		}
		verify(phone, code).Problem(t, 422, "code")
		login(app, reg["cnic"].(string), reg["password"].(string), nil).Problem(t, http.StatusForbidden, "")
	})

	t.Run("concurrent wrong codes count against the same five tries", func(t *testing.T) {
		_, phone := register(t)
		code := app.LastOTP(phone)
		answers := parallel(15, func(i int) *apitest.Response {
			n, _ := strconv.Atoi(code)
			return verify(phone, fmt.Sprintf("%06d", (n+1+i)%1_000_000))
		})
		tried := 0
		for _, r := range answers {
			p := r.Problem(t, 422, "code")
			if strings.Contains(p.Errors[0].Message, "tries left") {
				tried++
			}
		}
		if tried > 5 {
			t.Errorf("%d wrong codes were compared, want at most 5", tried)
		}
		verify(phone, code).Problem(t, 422, "code")
	})

	t.Run("expires after five minutes", func(t *testing.T) {
		_, phone := register(t)
		code := app.LastOTP(phone)
		app.Clock.Advance(5 * time.Minute)
		p := verify(phone, code).Problem(t, 422, "code")
		if !strings.Contains(p.Errors[0].Message, "expired") {
			t.Errorf("message %q, want it to say expired", p.Errors[0].Message)
		}
	})

	t.Run("resend is throttled", func(t *testing.T) {
		_, phone := register(t)
		first := app.LastOTP(phone)
		r := resend(phone)
		r.Problem(t, http.StatusTooManyRequests, "")
		if wait := retryAfter(t, r); wait > 60 {
			t.Errorf("Retry-After = %d, want at most 60", wait)
		}
		app.Clock.Advance(61 * time.Second)
		if r := resend(apitest.NationalPhone(phone)); r.Status != http.StatusAccepted {
			t.Fatalf("resend after a minute: %d %s", r.Status, r.Body)
		}
		if n := len(messagesTo(t, app, phone)); n != 2 {
			t.Fatalf("%d messages sent, want 2", n)
		}
		second := app.LastOTP(phone)
		r = resend(phone)
		r.Problem(t, http.StatusTooManyRequests, "")
		retryAfter(t, r)
		if first != second {
			verify(phone, first).Problem(t, 422, "code")
		}
		if r := verify(phone, second); r.Status != http.StatusOK {
			t.Fatalf("the newest code: %d %s", r.Status, r.Body)
		}
		if r := resend(phone); r.Status != http.StatusAccepted {
			t.Fatalf("resend for an active account: %d %s", r.Status, r.Body)
		}
		if n := len(messagesTo(t, app, phone)); n != 2 {
			t.Fatalf("a code was sent to an account that is already active (%d messages)", n)
		}
	})

	t.Run("at most five codes an hour", func(t *testing.T) {
		_, phone := register(t)
		for i := range 4 {
			app.Clock.Advance(61 * time.Second)
			if r := resend(phone); r.Status != http.StatusAccepted {
				t.Fatalf("resend %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		app.Clock.Advance(61 * time.Second)
		r := resend(phone)
		r.Problem(t, http.StatusTooManyRequests, "")
		if wait := retryAfter(t, r); wait < 60 {
			t.Errorf("Retry-After = %d after five codes in an hour, want the rest of the hour", wait)
		}
	})

	t.Run("resend for an unknown phone says nothing", func(t *testing.T) {
		phone := apitest.NewPhone()
		if r := resend(phone); r.Status != http.StatusAccepted {
			t.Fatalf("resend: %d %s", r.Status, r.Body)
		}
		if msgs := messagesTo(t, app, phone); len(msgs) != 0 {
			t.Fatalf("a code was sent to an unknown phone: %+v", msgs)
		}
		resend("0512345678").Problem(t, 422, "phone")
	})
}

func TestLogin(t *testing.T) {
	app := apitest.New(t)
	app.ResetLoginFailures(t)
	c := app.NewCitizen()
	staff := app.NewStaff(identity.RoleHealthAdmin, "")

	t.Run("usernames", func(t *testing.T) {
		cases := []struct {
			name, username, password, id string
		}{
			{"CNIC plain", c.CNIC, c.Password, c.ID},
			{"CNIC dashed", apitest.DashedCNIC(c.CNIC), c.Password, c.ID},
			{"phone E.164", c.Phone, c.Password, c.ID},
			{"phone 03XX", apitest.NationalPhone(c.Phone), c.Password, c.ID},
			{"phone 03XX-XXXXXXX", apitest.NationalPhone(c.Phone)[:4] + "-" + apitest.NationalPhone(c.Phone)[4:], c.Password, c.ID},
			{"staff e-mail", staff.Email, apitest.StaffPassword, staff.ID},
			{"staff e-mail in capitals", strings.ToUpper(staff.Email), apitest.StaffPassword, staff.ID},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := login(app, tc.username, tc.password, nil).Want(t, http.StatusOK)
				var pair identity.TokenPair
				r.JSON(t, &pair)
				if pair.TokenType != "Bearer" || pair.ExpiresIn != 900 || pair.AccessToken == "" || pair.RefreshToken == "" {
					t.Fatalf("token pair %+v", pair)
				}
				if got := app.Get(v1+"/me", pair.AccessToken).Map(t)["id"]; got != tc.id {
					t.Fatalf("GET /me id = %v, want %s", got, tc.id)
				}
			})
		}
	})

	t.Run("wrong password and unknown user look alike", func(t *testing.T) {
		app.ResetLoginFailures(t)
		answers := map[string]*apitest.Response{
			"wrong password":        login(app, c.CNIC, "wrong password!", nil),
			"unknown CNIC":          login(app, apitest.NewCNIC(), "wrong password!", nil),
			"unknown phone":         login(app, apitest.NewPhone(), "wrong password!", nil),
			"staff, wrong password": login(app, staff.Email, "wrong password!", nil),
			"unknown e-mail":        login(app, "nobody@example.pk", "wrong password!", nil),
		}
		var want map[string]any
		for name, r := range answers {
			r.Problem(t, http.StatusUnauthorized, "")
			body := r.Map(t)
			delete(body, "request_id")
			if want == nil {
				want = body
				continue
			}
			if fmt.Sprint(body) != fmt.Sprint(want) {
				t.Errorf("%s: body %v differs from %v", name, body, want)
			}
		}
	})

	t.Run("an account locks after five failures", func(t *testing.T) {
		app.ResetLoginFailures(t)
		victim := app.NewCitizen()
		for i := range 5 {
			login(app, victim.CNIC, fmt.Sprintf("wrong password %d", i), nil).Problem(t, http.StatusUnauthorized, "")
		}
		r := login(app, victim.CNIC, "wrong password 6", nil)
		r.Problem(t, http.StatusTooManyRequests, "")
		if wait := retryAfter(t, r); wait > 15*60 {
			t.Errorf("Retry-After = %d, want at most the 15-minute window", wait)
		}
		login(app, victim.CNIC, victim.Password, nil).Problem(t, http.StatusTooManyRequests, "")
		login(app, apitest.NationalPhone(victim.Phone), victim.Password, nil).Problem(t, http.StatusTooManyRequests, "")

		// Without the address's failures the username stays paused, and
		// other accounts may sign in.
		app.ForgetAddressFailures(t, "127.0.0.1")
		login(app, victim.CNIC, "wrong password 7", nil).Problem(t, http.StatusTooManyRequests, "")
		if r := login(app, c.CNIC, c.Password, nil); r.Status != http.StatusOK {
			t.Fatalf("another account: %d %s", r.Status, r.Body)
		}

		app.Clock.Advance(15*time.Minute + time.Second)
		if r := login(app, victim.CNIC, victim.Password, nil); r.Status != http.StatusOK {
			t.Fatalf("after the window: %d %s", r.Status, r.Body)
		}
	})

	t.Run("the owner gets in while paused with the password and a code", func(t *testing.T) {
		app.ResetLoginFailures(t)
		victim := app.NewCitizen()
		for i := range 5 {
			login(app, victim.CNIC, fmt.Sprintf("wrong password %d", i), nil).Problem(t, http.StatusUnauthorized, "")
		}
		// The owner comes from an address of their own, with the password.
		app.ForgetAddressFailures(t, "127.0.0.1")
		login(app, victim.CNIC, victim.Password, nil).Problem(t, http.StatusTooManyRequests, "")
		code := app.SignInCode(victim.Phone)

		// A guesser with the code's form but not the code learns nothing,
		// and a wrong password with the right code does not get in.
		n, _ := strconv.Atoi(code)
		wrong := fmt.Sprintf("%06d", (n+1)%1_000_000)
		guess := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/login",
			Body: map[string]string{"username": victim.CNIC, "password": victim.Password, "code": wrong}})
		guess.Problem(t, http.StatusTooManyRequests, "")
		app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/login",
			Body: map[string]string{"username": victim.CNIC, "password": "not the password", "code": code}}).Problem(t, http.StatusTooManyRequests, "")

		r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/login",
			Body: map[string]string{"username": victim.CNIC, "password": victim.Password, "code": code}})
		if r.Status != http.StatusOK {
			t.Fatalf("password and code while paused: %d %s", r.Status, r.Body)
		}
		// The code is spent, and signing in cleared the pause.
		if r := login(app, victim.CNIC, victim.Password, nil); r.Status != http.StatusOK {
			t.Fatalf("after signing in with the code: %d %s", r.Status, r.Body)
		}
		var notices int64
		app.DB.Raw("SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'account.sign_in_paused'", victim.ID).Scan(&notices)
		if notices != 1 {
			t.Errorf("%d notices of the pause, want 1", notices)
		}
	})

	t.Run("a paused account answers its other usernames as a wrong password does", func(t *testing.T) {
		app.ResetLoginFailures(t)
		victim := app.NewCitizen()
		for i := range 5 {
			login(app, apitest.DashedCNIC(victim.CNIC), fmt.Sprintf("wrong password %d", i), nil).Problem(t, http.StatusUnauthorized, "")
		}
		// Forget the address's failures, as for guesses spread over many
		// addresses: the account has had its five failures all the same.
		app.ForgetAddressFailures(t, "127.0.0.1")
		stranger := login(app, apitest.NewPhone(), "yet another guess", nil)
		stranger.Problem(t, http.StatusUnauthorized, "")
		for _, username := range []string{victim.Phone, apitest.NationalPhone(victim.Phone)} {
			r := login(app, username, "yet another guess", nil)
			r.Problem(t, http.StatusUnauthorized, "")
			if got, want := r.Map(t)["detail"], stranger.Map(t)["detail"]; got != want {
				t.Errorf("a guess through %s: %q, an unknown phone gets %q", username, got, want)
			}
		}
		// The right password alone does not get in, and answers the same.
		login(app, victim.Phone, victim.Password, nil).Problem(t, http.StatusUnauthorized, "")
		code := app.SignInCode(victim.Phone)
		r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/login",
			Body: map[string]string{"username": victim.Phone, "password": victim.Password, "code": code}})
		if r.Status != http.StatusOK {
			t.Fatalf("password and code through the phone number: %d %s", r.Status, r.Body)
		}
	})

	t.Run("concurrent failures do not buy more than five guesses", func(t *testing.T) {
		app.ResetLoginFailures(t)
		victim := app.NewCitizen()
		answers := parallel(12, func(i int) *apitest.Response {
			return login(app, victim.CNIC, fmt.Sprintf("guess number %d", i), nil)
		})
		checked := 0
		for _, r := range answers {
			switch r.Status {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
			default:
				t.Errorf("status %d %s, want 401 or 429", r.Status, r.Body)
			}
		}
		t.Logf("%d of 12 concurrent guesses were checked", checked)
		if checked > 5 {
			t.Errorf("%d of 12 concurrent wrong passwords were checked (401) before the lockout, want at most 5", checked)
		}
		// Refused attempts are not counted, so the account is locked only
		// when five guesses were in fact checked.
		r := login(app, victim.CNIC, victim.Password, nil)
		if want := map[bool]int{true: http.StatusTooManyRequests, false: http.StatusOK}[checked >= 5]; r.Status != want {
			t.Errorf("the right password after %d checked guesses: %d, want %d", checked, r.Status, want)
		}
	})

	t.Run("rotating X-Forwarded-For does not reset the address counter", func(t *testing.T) {
		app.ResetLoginFailures(t)
		for i := range 5 {
			xff := map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i+1), "X-Real-IP": fmt.Sprintf("198.51.100.%d", i+1)}
			login(app, apitest.NewCNIC(), "wrong password!", xff).Problem(t, http.StatusUnauthorized, "")
		}
		var n int64
		app.DB.Raw("SELECT count(*) FROM login_failures WHERE key = ?", apitest.PII.Hash("ip:127.0.0.1")).Scan(&n)
		if n != 5 {
			t.Errorf("%d failures counted for 127.0.0.1, want 5", n)
		}
		xff := map[string]string{"X-Forwarded-For": "192.0.2.77"}
		r := login(app, apitest.NewCNIC(), "wrong password!", xff)
		r.Problem(t, http.StatusTooManyRequests, "")
		retryAfter(t, r)
		login(app, c.CNIC, c.Password, xff).Problem(t, http.StatusTooManyRequests, "")
	})

	t.Run("malformed", func(t *testing.T) {
		app.Post(v1+"/auth/login", "", map[string]string{"username": c.CNIC}).Problem(t, 422, "password")
		app.Post(v1+"/auth/login", "", map[string]any{"username": c.CNIC, "password": c.Password, "role": "admin"}).Problem(t, 400, "role")
		for _, code := range []string{"12345", "1234567", "12a456"} {
			app.Post(v1+"/auth/login", "", map[string]any{"username": c.CNIC, "password": c.Password, "code": code}).Problem(t, 422, "code")
		}
	})
}

func TestRefreshTokens(t *testing.T) {
	app := apitest.New(t)
	pairOf := func(t *testing.T, r *apitest.Response) identity.TokenPair {
		t.Helper()
		if r.Status != http.StatusOK {
			t.Fatalf("refresh: %d %s", r.Status, r.Body)
		}
		var p identity.TokenPair
		r.JSON(t, &p)
		if p.AccessToken == "" || p.RefreshToken == "" || p.TokenType != "Bearer" {
			t.Fatalf("pair %+v", p)
		}
		return p
	}

	t.Run("rotation, and reuse closes the family", func(t *testing.T) {
		c := app.NewCitizen()
		p1 := pairOf(t, refresh(app, c.RefreshToken))
		if p1.RefreshToken == c.RefreshToken || p1.AccessToken == c.Token {
			t.Fatal("refresh returned the same tokens")
		}
		if r := app.Get(v1+"/me", p1.AccessToken); r.Status != http.StatusOK {
			t.Fatalf("new access token: %d", r.Status)
		}
		p2 := pairOf(t, refresh(app, p1.RefreshToken))
		refresh(app, c.RefreshToken).Problem(t, http.StatusUnauthorized, "")
		refresh(app, p2.RefreshToken).Problem(t, http.StatusUnauthorized, "")
		refresh(app, p1.RefreshToken).Problem(t, http.StatusUnauthorized, "")
		if n := countActiveRefresh(t, app, c.ID); n != 0 {
			t.Fatalf("%d active refresh tokens after reuse, want 0", n)
		}
	})

	t.Run("refused tokens", func(t *testing.T) {
		refresh(app, "not-a-refresh-token").Problem(t, http.StatusUnauthorized, "")
		refresh(app, "").Problem(t, 422, "refresh_token")
		refresh(app, strings.Repeat("a", 201)).Problem(t, 422, "refresh_token")
		c := app.NewCitizen()
		refresh(app, c.Token).Problem(t, 422, "refresh_token") // an access token is longer than any refresh token
		refresh(app, c.Token[:43]).Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("refresh tokens expire with their family", func(t *testing.T) {
		c := app.NewCitizen()
		app.Clock.Advance(29 * 24 * time.Hour)
		p := pairOf(t, refresh(app, c.RefreshToken))
		app.Clock.Advance(24*time.Hour + time.Minute)
		refresh(app, p.RefreshToken).Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("concurrent refreshes of one token", func(t *testing.T) {
		c := app.NewCitizen()
		const n = 10
		statuses := make([]int, n)
		bodies := make([][]byte, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := refresh(app, c.RefreshToken)
				statuses[i], bodies[i] = r.Status, r.Body
			}()
		}
		close(start)
		wg.Wait()
		ok, refused := 0, 0
		var winner identity.TokenPair
		for i, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
				_ = json.Unmarshal(bodies[i], &winner)
			case http.StatusUnauthorized:
				refused++
			default:
				t.Errorf("request %d: %d %s", i, s, bodies[i])
			}
		}
		active := countActiveRefresh(t, app, c.ID)
		t.Logf("statuses %v: %d succeeded, %d refused, %d active refresh tokens left", statuses, ok, refused, active)
		if ok > 1 {
			t.Fatalf("%d concurrent refreshes of one token succeeded, want at most 1", ok)
		}
		if active > 1 {
			t.Fatalf("%d active refresh tokens in one family", active)
		}
		if ok == 1 && refused > 0 {
			// The others presented a spent token: the family, the winner's
			// new token included, is closed.
			if active != 0 {
				t.Errorf("the spent token was reused but %d refresh token stays active", active)
			}
			refresh(app, winner.RefreshToken).Problem(t, http.StatusUnauthorized, "")
		}
	})

	t.Run("logout closes the session", func(t *testing.T) {
		c := app.NewCitizen()
		_, second := app.Login(c.Phone, c.Password)
		other := app.NewCitizen()
		logout := func(access, refreshToken string) *apitest.Response {
			return app.Post(v1+"/auth/logout", access, map[string]string{"refresh_token": refreshToken})
		}
		// Another account's token is left alone.
		if r := logout(c.Token, other.RefreshToken); r.Status != http.StatusNoContent {
			t.Fatalf("logout with another's token: %d %s", r.Status, r.Body)
		}
		pairOf(t, refresh(app, other.RefreshToken))

		if r := logout(c.Token, c.RefreshToken); r.Status != http.StatusNoContent {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		refresh(app, c.RefreshToken).Problem(t, http.StatusUnauthorized, "")
		pairOf(t, refresh(app, second))
		logout("", c.RefreshToken).Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("a password change closes every session", func(t *testing.T) {
		app.ResetLoginFailures(t)
		c := app.NewCitizen()
		_, second := app.Login(c.Phone, c.Password)
		change := func(current, next string) *apitest.Response {
			return app.Post(v1+"/me/password", c.Token, map[string]string{"current_password": current, "new_password": next})
		}
		change("not my password", "a brand new passphrase").Problem(t, 422, "current_password")
		change(c.Password, apitest.DashedCNIC(c.CNIC)).Problem(t, 422, "new_password")
		change(c.Password, apitest.NationalPhone(c.Phone)).Problem(t, 422, "new_password")
		change(c.Password, "password1").Problem(t, 422, "new_password")
		change(c.Password, "short").Problem(t, 422, "new_password")
		if n := countActiveRefresh(t, app, c.ID); n != 2 {
			t.Fatalf("refused changes closed sessions: %d active, want 2", n)
		}

		if r := change(c.Password, "a brand new passphrase"); r.Status != http.StatusNoContent {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		refresh(app, c.RefreshToken).Problem(t, http.StatusUnauthorized, "")
		refresh(app, second).Problem(t, http.StatusUnauthorized, "")
		login(app, c.CNIC, c.Password, nil).Problem(t, http.StatusUnauthorized, "")
		if r := login(app, c.CNIC, "a brand new passphrase", nil); r.Status != http.StatusOK {
			t.Fatalf("login with the new password: %d %s", r.Status, r.Body)
		}
	})
}

func TestMe(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()

	me := app.Get(v1+"/me", c.Token).Want(t, http.StatusOK)
	acc := me.Map(t)
	if acc["id"] != c.ID || acc["cnic"] != c.CNIC || acc["phone"] != c.Phone || acc["status"] != identity.StatusActive || acc["kind"] != identity.KindCitizen {
		t.Fatalf("GET /me = %v; want the owner's full CNIC %s and phone %s", acc, c.CNIC, c.Phone)
	}
	for _, secret := range []string{"password", "argon2", "hash"} {
		if strings.Contains(string(me.Body), secret) {
			t.Fatalf("GET /me shows %q: %s", secret, me.Body)
		}
	}

	t.Run("changes name and language", func(t *testing.T) {
		patch(app, v1+"/me", c.Token, map[string]any{"full_name": "  آمنہ   بی بی ", "preferred_language": "ur"}).Want(t, http.StatusOK)
		got := app.Get(v1+"/me", c.Token).Map(t)
		if got["full_name"] != "آمنہ بی بی" || got["preferred_language"] != "ur" || got["cnic"] != c.CNIC {
			t.Fatalf("after PATCH: %v", got)
		}
	})

	before := string(app.Get(v1+"/me", c.Token).Body)
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"role", map[string]any{"role": "admin"}, 400, "role"},
		{"roles", map[string]any{"roles": []map[string]string{{"role": "admin", "department": "platform"}}}, 400, "roles"},
		{"status", map[string]any{"status": "active"}, 400, "status"},
		{"cnic", map[string]any{"cnic": apitest.NewCNIC()}, 400, "cnic"},
		{"phone", map[string]any{"phone": apitest.NewPhone()}, 400, "phone"},
		{"kind", map[string]any{"kind": "staff"}, 400, "kind"},
		{"id", map[string]any{"id": uuid.NewString()}, 400, "id"},
		{"password hash", map[string]any{"password_hash": "x"}, 400, "password_hash"},
		{"a valid field with a forbidden one", map[string]any{"full_name": "Someone Else", "role": "admin"}, 400, "role"},
		{"unknown language", map[string]any{"preferred_language": "fr"}, 422, "preferred_language"},
		{"name too short", map[string]any{"full_name": "A"}, 422, "full_name"},
		{"bad e-mail", map[string]any{"email": "not-an-email"}, 422, "email"},
		{"name of the wrong type", map[string]any{"full_name": 42}, 400, "full_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			patch(app, v1+"/me", c.Token, tc.body).Problem(t, tc.status, tc.field)
			if after := string(app.Get(v1+"/me", c.Token).Body); after != before {
				t.Fatalf("a refused PATCH changed the account:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	t.Run("an e-mail another account holds", func(t *testing.T) {
		other := app.NewCitizen()
		email := fmt.Sprintf("amina.%s@example.pk", uuid.NewString()[:8])
		if r := patch(app, v1+"/me", other.Token, map[string]any{"email": email}); r.Status != http.StatusOK {
			t.Fatalf("PATCH /me email: %d %s", r.Status, r.Body)
		}
		patch(app, v1+"/me", c.Token, map[string]any{"email": strings.ToUpper(email)}).Problem(t, http.StatusConflict, "email")
		if after := string(app.Get(v1+"/me", c.Token).Body); after != before {
			t.Fatalf("a refused PATCH changed the account:\nbefore %s\nafter  %s", before, after)
		}
	})

	t.Run("staff", func(t *testing.T) {
		s := app.NewStaff(identity.RoleParkingOfficer, "")
		got := app.Get(v1+"/me", s.Token).Map(t)
		roles, _ := got["roles"].([]any)
		if got["id"] != s.ID || got["kind"] != identity.KindStaff || got["department"] != "parking" || len(roles) != 1 {
			t.Fatalf("GET /me for staff = %v", got)
		}
		patch(app, v1+"/me", s.Token, map[string]any{"email": "elsewhere@example.pk"}).Problem(t, 422, "email")
	})
}

// dependantBody is a valid new dependant.
func dependantBody() map[string]any {
	return map[string]any{"full_name": "Zainab Khan", "relation": "child", "date_of_birth": "2020-05-14", "gender": "female"}
}

func TestDependants(t *testing.T) {
	app := apitest.New(t)
	a := app.NewCitizen()
	b := app.NewCitizen()
	add := func(t *testing.T, token string, body any) *apitest.Response {
		t.Helper()
		return app.Post(v1+"/me/dependants", token, body)
	}
	r := add(t, a.Token, apitest.With(dependantBody(), "b_form_or_cnic", "61101-1234567-2")).Want(t, http.StatusCreated)
	dep := r.Map(t)
	id, _ := dep["id"].(string)
	if dep["b_form_or_cnic"] != "6110112345672" || dep["date_of_birth"] != "2020-05-14" || dep["relation"] != "child" {
		t.Fatalf("dependant = %v", dep)
	}
	path := v1 + "/me/dependants/" + id

	t.Run("another citizen sees nothing", func(t *testing.T) {
		app.Get(path, b.Token).Problem(t, http.StatusNotFound, "")
		patch(app, path, b.Token, map[string]any{"full_name": "Stolen"}).Problem(t, http.StatusNotFound, "")
		app.Do(apitest.Request{Method: http.MethodDelete, Path: path, Token: b.Token}).Problem(t, http.StatusNotFound, "")
		var list identity.DependantList
		app.Get(v1+"/me/dependants?limit=100", b.Token).JSON(t, &list)
		for _, d := range list.Items {
			if d.ID == id {
				t.Fatalf("B's list holds A's dependant %s", id)
			}
		}
		got := app.Get(path, a.Token)
		if got.Status != http.StatusOK || got.Map(t)["full_name"] != "Zainab Khan" {
			t.Fatalf("A's dependant after B's attempts: %d %s", got.Status, got.Body)
		}
	})

	t.Run("the owner changes and removes it", func(t *testing.T) {
		r := patch(app, path, a.Token, map[string]any{"full_name": "Zainab Bibi", "b_form_or_cnic": ""})
		if r.Status != http.StatusOK || r.Map(t)["full_name"] != "Zainab Bibi" {
			t.Fatalf("PATCH: %d %s", r.Status, r.Body)
		}
		extra := add(t, a.Token, dependantBody()).Map(t)["id"].(string)
		if r := app.Do(apitest.Request{Method: http.MethodDelete, Path: v1 + "/me/dependants/" + extra, Token: a.Token}); r.Status != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", r.Status, r.Body)
		}
		app.Get(v1+"/me/dependants/"+extra, a.Token).Problem(t, http.StatusNotFound, "")
	})

	t.Run("staff and anonymous callers", func(t *testing.T) {
		s := app.NewStaff(identity.RoleHealthAdmin, "")
		app.Get(v1+"/me/dependants", s.Token).Problem(t, http.StatusForbidden, "")
		app.Get(path, "").Problem(t, http.StatusUnauthorized, "")
	})

	t.Run("malformed IDs", func(t *testing.T) {
		bad := v1 + "/me/dependants/not-a-uuid"
		app.Get(bad, a.Token).Problem(t, 400, "id")
		patch(app, bad, a.Token, map[string]any{"full_name": "X Y"}).Problem(t, 400, "id")
		app.Do(apitest.Request{Method: http.MethodDelete, Path: bad, Token: a.Token}).Problem(t, 400, "id")
	})

	tomorrow := app.Clock.Now().Add(48 * time.Hour).Format(time.DateOnly)
	invalid := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"unknown relation", apitest.With(dependantBody(), "relation", "cousin"), 422, "relation"},
		{"unknown gender", apitest.With(dependantBody(), "gender", "x"), 422, "gender"},
		{"birth in the future", apitest.With(dependantBody(), "date_of_birth", tomorrow), 422, "date_of_birth"},
		{"birth before 1900", apitest.With(dependantBody(), "date_of_birth", "1899-12-31"), 422, "date_of_birth"},
		{"birth date not ISO", apitest.With(dependantBody(), "date_of_birth", "14/05/2020"), 400, "date_of_birth"},
		{"bad B-form", apitest.With(dependantBody(), "b_form_or_cnic", "12345"), 422, "b_form_or_cnic"},
		{"name missing", apitest.With(dependantBody(), "full_name", nil), 422, "full_name"},
		{"owner in the body", apitest.With(dependantBody(), "owner_id", b.ID), 400, "owner_id"},
	}
	for _, tc := range invalid {
		t.Run("add: "+tc.name, func(t *testing.T) {
			add(t, a.Token, tc.body).Problem(t, tc.status, tc.field)
		})
	}
	for _, tc := range []struct {
		name, field string
		value       any
	}{
		{"unknown relation", "relation", "cousin"},
		{"unknown gender", "gender", "x"},
		{"birth in the future", "date_of_birth", tomorrow},
	} {
		t.Run("change: "+tc.name, func(t *testing.T) {
			patch(app, path, a.Token, map[string]any{tc.field: tc.value}).Problem(t, 422, tc.field)
		})
	}

	t.Run("pages of one", func(t *testing.T) {
		c := app.NewCitizen()
		var want []string
		for i := range 3 {
			r := add(t, c.Token, apitest.With(dependantBody(), "full_name", fmt.Sprintf("Child Number %d", i)))
			want = append(want, r.Map(t)["id"].(string))
		}
		var got []string
		next := v1 + "/me/dependants?limit=1"
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("the cursor does not advance")
			}
			var list identity.DependantList
			r := app.Get(next, c.Token).Want(t, http.StatusOK)
			r.JSON(t, &list)
			if len(list.Items) != 1 {
				t.Fatalf("page %d has %d items, want 1", pages+1, len(list.Items))
			}
			got = append(got, list.Items[0].ID)
			if list.NextCursor == nil {
				break
			}
			next = v1 + "/me/dependants?limit=1&cursor=" + url.QueryEscape(*list.NextCursor)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("pages hold %v, want %v", got, want)
		}
		app.Get(v1+"/me/dependants?limit=0", c.Token).Problem(t, 422, "limit")
		app.Get(v1+"/me/dependants?cursor=forged", c.Token).Problem(t, 400, "cursor")
	})
}

// demoFacility loads the health demo catalogue and returns a facility ID.
func demoFacility(t *testing.T, app *apitest.App) string {
	t.Helper()
	if _, err := health.NewService(health.Deps{DB: app.DB, Clock: app.Clock}).LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []health.Facility `json:"items"`
	}
	app.Get(v1+"/health/facilities", "").JSON(t, &list)
	if len(list.Items) == 0 {
		t.Fatal("no demo facilities")
	}
	return list.Items[0].ID
}

func newStaffBody(role, department, unitID string) map[string]any {
	body := map[string]any{
		"email": fmt.Sprintf("%s.%s@staff.test", role, uuid.NewString()[:8]), "full_name": "Farah Naz",
		"password": "staff password 2026", "role": role, "department": department,
	}
	if unitID != "" {
		body["unit_id"] = unitID
	}
	return body
}

func TestStaffAdministration(t *testing.T) {
	app := apitest.New(t)
	app.ResetLoginFailures(t)
	admin := app.NewStaff(identity.RoleAdmin, "")
	facility := demoFacility(t, app)
	create := func(body any) *apitest.Response { return app.Post(v1+"/admin/staff", admin.Token, body) }

	desk := newStaffBody(identity.RoleHealthStaff, "health", facility)
	r := create(desk).Want(t, http.StatusCreated)
	var created identity.Account
	r.JSON(t, &created)
	if created.Kind != identity.KindStaff || created.Status != identity.StatusActive || len(created.Roles) != 1 ||
		created.Roles[0] != (identity.HeldRole{Role: identity.RoleHealthStaff, Department: "health", UnitID: facility}) {
		t.Fatalf("created = %+v", created)
	}
	if strings.Contains(string(r.Body), "password") {
		t.Fatalf("the answer shows the password: %s", r.Body)
	}

	t.Run("refused", func(t *testing.T) {
		cases := []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"unit is not a facility", newStaffBody(identity.RoleHealthStaff, "health", uuid.NewString()), 422, "unit_id"},
			{"unit is not a UUID", newStaffBody(identity.RoleHealthStaff, "health", "pims"), 400, "unit_id"},
			{"health staff without unit", newStaffBody(identity.RoleHealthStaff, "health", ""), 422, "unit_id"},
			{"education staff without unit", newStaffBody(identity.RoleEducationStaff, "education", ""), 422, "unit_id"},
			{"admin with a unit", newStaffBody(identity.RoleAdmin, "platform", facility), 422, "unit_id"},
			{"role outside its department", newStaffBody(identity.RoleHealthAdmin, "parking", ""), 422, "department"},
			{"citizen role", newStaffBody(identity.RoleCitizen, "platform", ""), 422, "role"},
			{"unknown department", newStaffBody(identity.RoleAdmin, "finance", ""), 422, "department"},
			{"11-character password", apitest.With(newStaffBody(identity.RoleAdmin, "platform", ""), "password", "kq7#zmv2pwx"), 422, "password"},
			{"common password", apitest.With(newStaffBody(identity.RoleAdmin, "platform", ""), "password", "qwertyuiop"), 422, "password"},
			{"bad e-mail", apitest.With(newStaffBody(identity.RoleAdmin, "platform", ""), "email", "farah"), 422, "email"},
			{"duplicate e-mail in capitals", apitest.With(newStaffBody(identity.RoleAdmin, "platform", ""), "email", strings.ToUpper(desk["email"].(string))), 409, "email"},
			{"status in the body", apitest.With(newStaffBody(identity.RoleAdmin, "platform", ""), "status", "active"), 400, "status"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				create(tc.body).Problem(t, tc.status, tc.field)
			})
		}
	})

	t.Run("deactivation applies at once", func(t *testing.T) {
		access, refreshToken := app.Login(desk["email"].(string), desk["password"].(string))
		if r := app.Get(v1+"/me", access); r.Status != http.StatusOK {
			t.Fatalf("GET /me: %d %s", r.Status, r.Body)
		}
		r := patch(app, v1+"/admin/staff/"+created.ID, admin.Token, map[string]any{"active": false})
		if r.Status != http.StatusOK || r.Map(t)["status"] != identity.StatusDeactivated {
			t.Fatalf("deactivate: %d %s", r.Status, r.Body)
		}
		app.Get(v1+"/me", access).Problem(t, http.StatusUnauthorized, "")
		refresh(app, refreshToken).Problem(t, http.StatusUnauthorized, "")
		login(app, desk["email"].(string), desk["password"].(string), nil).Problem(t, http.StatusForbidden, "")

		r = patch(app, v1+"/admin/staff/"+created.ID, admin.Token, map[string]any{"active": true})
		if r.Status != http.StatusOK || r.Map(t)["status"] != identity.StatusActive {
			t.Fatalf("reactivate: %d %s", r.Status, r.Body)
		}
		app.Login(desk["email"].(string), desk["password"].(string))
	})

	t.Run("refused changes", func(t *testing.T) {
		c := app.NewCitizen()
		patch(app, v1+"/admin/staff/"+admin.ID, admin.Token, map[string]any{"active": false}).Problem(t, http.StatusForbidden, "")
		patch(app, v1+"/admin/staff/"+placeholderID, admin.Token, map[string]any{"active": false}).Problem(t, http.StatusNotFound, "")
		patch(app, v1+"/admin/staff/"+c.ID, admin.Token, map[string]any{"active": false}).Problem(t, http.StatusNotFound, "")
		patch(app, v1+"/admin/staff/nope", admin.Token, map[string]any{"active": false}).Problem(t, 400, "id")
		patch(app, v1+"/admin/staff/"+created.ID, admin.Token, map[string]any{"email": "x@y.pk"}).Problem(t, 400, "email")
		patch(app, v1+"/admin/staff/"+created.ID, admin.Token, map[string]any{"full_name": "A"}).Problem(t, 422, "full_name")
		if r := app.Get(v1+"/me", c.Token); r.Status != http.StatusOK {
			t.Fatalf("the citizen was touched: %d", r.Status)
		}
	})

	t.Run("roles are replaced and apply on the next request", func(t *testing.T) {
		officer := app.NewStaff(identity.RoleParkingOfficer, "")
		rolesPath := v1 + "/admin/staff/" + officer.ID + "/roles"
		put := func(token string, body any) *apitest.Response {
			return app.Do(apitest.Request{Method: http.MethodPut, Path: rolesPath, Token: token, Body: body})
		}
		app.Get(v1+"/admin/staff", officer.Token).Problem(t, http.StatusForbidden, "")
		put(officer.Token, map[string]any{"roles": []map[string]string{{"role": "admin", "department": "platform"}}}).Problem(t, http.StatusForbidden, "")

		r := put(admin.Token, map[string]any{"roles": []map[string]string{{"role": "admin", "department": "platform"}}}).Want(t, http.StatusOK)
		var acc identity.Account
		r.JSON(t, &acc)
		if len(acc.Roles) != 1 || acc.Roles[0].Role != identity.RoleAdmin {
			t.Fatalf("roles after PUT = %+v", acc.Roles)
		}
		held := rolesOf(t, app, admin.Token, officer.ID)
		if !slices.Equal(held, []string{"admin"}) {
			t.Fatalf("GET /admin/roles for the officer = %v, want [admin]", held)
		}
		if r := app.Get(v1+"/admin/staff", officer.Token); r.Status != http.StatusOK {
			t.Fatalf("the new admin role did not apply: %d %s", r.Status, r.Body)
		}

		put(admin.Token, map[string]any{"roles": []map[string]string{{"role": "health_staff", "department": "health", "unit_id": facility}}}).Want(t, http.StatusOK)
		app.Get(v1+"/admin/staff", officer.Token).Problem(t, http.StatusForbidden, "")
		if held := rolesOf(t, app, admin.Token, officer.ID); !slices.Equal(held, []string{"health_staff@" + facility}) {
			t.Fatalf("GET /admin/roles for the officer = %v", held)
		}

		refused := []struct {
			name   string
			roles  any
			status int
			field  string
		}{
			{"empty", []any{}, 422, "roles"},
			{"missing unit", []map[string]string{{"role": "health_staff", "department": "health"}}, 422, "roles[0].unit_id"},
			{"unit is not a facility", []map[string]string{{"role": "health_staff", "department": "health", "unit_id": uuid.NewString()}}, 422, "roles[0].unit_id"},
			{"wrong department", []map[string]string{{"role": "admin", "department": "health"}}, 422, "roles[0].department"},
			{"second assignment wrong", []map[string]string{{"role": "admin", "department": "platform"}, {"role": "parking_admin", "department": "platform"}}, 422, "roles[1].department"},
			{"citizen role", []map[string]string{{"role": "citizen", "department": "platform"}}, 422, "roles[0].role"},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				put(admin.Token, map[string]any{"roles": tc.roles}).Problem(t, tc.status, tc.field)
			})
		}
		c := app.NewCitizen()
		app.Do(apitest.Request{Method: http.MethodPut, Path: v1 + "/admin/staff/" + c.ID + "/roles", Token: admin.Token,
			Body: map[string]any{"roles": []map[string]string{{"role": "admin", "department": "platform"}}}}).Problem(t, http.StatusNotFound, "")
		if held := rolesOf(t, app, admin.Token, officer.ID); !slices.Equal(held, []string{"health_staff@" + facility}) {
			t.Fatalf("refused changes altered the roles: %v", held)
		}
	})
}

// rolesOf walks GET /admin/roles and returns the roles of one account, as
// role or role@unit.
func rolesOf(t *testing.T, app *apitest.App, adminToken, accountID string) []string {
	t.Helper()
	var held []string
	next := v1 + "/admin/roles?limit=3"
	for pages := 0; pages < 1000; pages++ {
		r := app.Get(next, adminToken).Want(t, http.StatusOK)
		var list identity.RoleList
		r.JSON(t, &list)
		for _, a := range list.Items {
			if a.AccountID != accountID {
				continue
			}
			if a.UnitID != "" {
				held = append(held, a.Role+"@"+a.UnitID)
			} else {
				held = append(held, a.Role)
			}
		}
		if list.NextCursor == nil {
			return held
		}
		next = v1 + "/admin/roles?limit=3&cursor=" + url.QueryEscape(*list.NextCursor)
	}
	t.Fatal("GET /admin/roles: the cursor does not advance")
	return nil
}

func TestAuditLog(t *testing.T) {
	app := apitest.New(t)
	app.ResetLoginFailures(t)
	// On PostgreSQL the log is shared with tests whose clocks ran ahead, so
	// the unfiltered listing is read over this test's own time window.
	window := "&from=" + url.QueryEscape(app.Clock.Now().Add(-time.Second).Format(time.RFC3339))
	admin := app.NewStaff(identity.RoleAdmin, "")
	c := app.NewCitizen() // signs in once: auth.login success
	login(app, c.CNIC, "not the password", map[string]string{"X-Request-ID": "audit-login-failure"}).Problem(t, http.StatusUnauthorized, "")
	r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/admin/staff", Token: admin.Token,
		Body: newStaffBody(identity.RoleParkingAdmin, "parking", ""), Header: map[string]string{"X-Request-ID": "audit-staff-create"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create staff: %d %s", r.Status, r.Body)
	}
	staffID := r.Map(t)["id"].(string)

	entries := func(t *testing.T, query string) []audit.Entry {
		t.Helper()
		r := app.Get(v1+"/admin/audit?limit=100"+query, admin.Token).Want(t, http.StatusOK)
		var list identity.AuditList
		r.JSON(t, &list)
		return list.Items
	}
	find := func(list []audit.Entry, action, outcome, target string) *audit.Entry {
		for i, e := range list {
			if e.Action == action && e.Outcome == outcome && e.TargetID == target {
				return &list[i]
			}
		}
		return nil
	}

	t.Run("lists sign-ins and staff changes", func(t *testing.T) {
		all := entries(t, window+"&to="+url.QueryEscape(app.Clock.Now().Add(time.Second).Format(time.RFC3339)))
		for _, want := range []struct{ action, outcome, target, requestID string }{
			{"auth.login", "success", c.ID, ""},
			{"auth.login", "failure", c.ID, "audit-login-failure"},
			{"staff.create", "success", staffID, "audit-staff-create"},
		} {
			e := find(all, want.action, want.outcome, want.target)
			if e == nil {
				t.Errorf("no %s %s entry for %s in %+v", want.action, want.outcome, want.target, all)
				continue
			}
			if e.ClientIP != "127.0.0.1" || e.RequestID == "" || e.At.IsZero() {
				t.Errorf("%s %s: client_ip %q, request_id %q, at %v", want.action, want.outcome, e.ClientIP, e.RequestID, e.At)
			}
			if want.requestID != "" && e.RequestID != want.requestID {
				t.Errorf("%s %s: request_id %q, want %q", want.action, want.outcome, e.RequestID, want.requestID)
			}
		}
		if e := find(all, "staff.create", "success", staffID); e != nil && (e.ActorID != admin.ID || e.ActorKind != identity.KindStaff || e.ActorRoles != "admin") {
			t.Errorf("staff.create actor = %q %q %q, want the admin", e.ActorID, e.ActorKind, e.ActorRoles)
		}
		for i := 1; i < len(all); i++ {
			if all[i].At.After(all[i-1].At) {
				t.Fatalf("entries are not newest first: %v after %v", all[i].At, all[i-1].At)
			}
		}
	})

	t.Run("filters by target", func(t *testing.T) {
		list := entries(t, "&target_id="+c.ID)
		if find(list, "auth.login", "success", c.ID) == nil || find(list, "auth.login", "failure", c.ID) == nil {
			t.Fatalf("target_id filter lost the citizen's sign-ins: %+v", list)
		}
		for _, e := range list {
			if e.TargetID != c.ID {
				t.Fatalf("target_id filter let through %+v", e)
			}
		}
		list = entries(t, "&target_id="+staffID)
		if len(list) != 1 || list[0].Action != "staff.create" {
			t.Fatalf("entries for the new staff account = %+v", list)
		}
		if list := entries(t, "&target_id="+placeholderID); len(list) != 0 {
			t.Fatalf("entries for an unknown target = %+v", list)
		}
		app.Get(v1+"/admin/audit?subject_id=nope", admin.Token).Problem(t, 400, "subject_id")
		app.Get(v1+"/admin/audit?from=yesterday", admin.Token).Problem(t, 400, "from")
	})

	t.Run("only admins read it", func(t *testing.T) {
		app.Get(v1+"/admin/audit", c.Token).Problem(t, http.StatusForbidden, "")
		app.Get(v1+"/admin/audit", "").Problem(t, http.StatusUnauthorized, "")
	})
}
