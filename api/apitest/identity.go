package apitest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// Citizen is a registered, verified and signed-in citizen.
type Citizen struct {
	ID           string
	CNIC         string
	Phone        string
	Password     string
	Token        string
	RefreshToken string
}

// NewCNIC returns a random, well-formed CNIC (13 digits, province 1 to 7).
func NewCNIC() string {
	return fmt.Sprintf("%d%012d", 1+rand.IntN(7), rand.Int64N(1_000_000_000_000))
}

// NewPhone returns a random, well-formed mobile number in E.164 form.
func NewPhone() string {
	return fmt.Sprintf("+923%09d", rand.IntN(1_000_000_000))
}

// DashedCNIC writes a 13-digit CNIC as 12345-1234567-1, as people do.
func DashedCNIC(cnic string) string { return cnic[:5] + "-" + cnic[5:12] + "-" + cnic[12:] }

// NationalPhone writes +923001234567 as 03001234567, as people dial it.
func NationalPhone(phone string) string { return "0" + strings.TrimPrefix(phone, "+92") }

var otpPattern = regexp.MustCompile(`code is (\d{6})`)

// LastOTP returns the newest code the development sender sent to phone.
func (a *App) LastOTP(phone string) string {
	a.t.Helper()
	var list struct {
		Items []notify.Message `json:"items"`
	}
	a.Get("/dev/messages?to="+phone, "").JSON(a.t, &list)
	for _, m := range list.Items {
		if match := otpPattern.FindStringSubmatch(m.Body); match != nil {
			return match[1]
		}
	}
	a.t.Fatalf("no code was sent to %s", phone)
	return ""
}

var signInCodePattern = regexp.MustCompile(`sign-in code is (\d{6})`)

// SignInCode waits for the sign-in code a paused sign-in sends to phone
// after its answer, and returns it.
func (a *App) SignInCode(phone string) string {
	a.t.Helper()
	for range 100 {
		var list struct {
			Items []notify.Message `json:"items"`
		}
		a.Get("/dev/messages?to="+phone, "").JSON(a.t, &list)
		for _, m := range list.Items {
			if match := signInCodePattern.FindStringSubmatch(m.Body); match != nil {
				return match[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.t.Fatalf("no sign-in code was sent to %s", phone)
	return ""
}

// NewCitizen registers a citizen through the API, verifies the phone with
// the code from /dev/messages and signs in. SetClock renews its token.
func (a *App) NewCitizen() *Citizen {
	a.t.Helper()
	c := &Citizen{CNIC: NewCNIC(), Phone: NewPhone(), Password: "correct horse battery staple"}
	r := a.Post("/api/v1/auth/register", "", map[string]string{"cnic": c.CNIC, "phone": c.Phone, "full_name": "Test Citizen", "password": c.Password})
	if r.Status != http.StatusCreated {
		a.t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	c.ID = r.Map(a.t)["id"].(string)
	if r := a.Post("/api/v1/auth/otp/verify", "", map[string]string{"phone": c.Phone, "code": a.LastOTP(c.Phone)}); r.Status != http.StatusOK {
		a.t.Fatalf("verify: %d %s", r.Status, r.Body)
	}
	c.Token, c.RefreshToken = a.Login(c.CNIC, c.Password)
	a.accounts.mu.Lock()
	defer a.accounts.mu.Unlock()
	a.accounts.citizens = append(a.accounts.citizens, c)
	return c
}

// Login signs in and returns the access and refresh tokens.
func (a *App) Login(username, password string) (string, string) {
	a.t.Helper()
	r := a.Post("/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	if r.Status != http.StatusOK {
		a.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var pair identity.TokenPair
	r.JSON(a.t, &pair)
	return pair.AccessToken, pair.RefreshToken
}

// ResetLoginFailures forgets every failed sign-in now and when t ends. On
// PostgreSQL the tests of a package share one schema, so a test that left
// failures behind would lock 127.0.0.1 out for the next ones.
func (a *App) ResetLoginFailures(t testing.TB) {
	t.Helper()
	reset := func() {
		if err := a.DB.Exec("DELETE FROM login_failures").Error; err != nil {
			t.Errorf("delete login failures: %v", err)
		}
	}
	reset()
	t.Cleanup(reset)
}

// ForgetAddressFailures forgets the failed sign-ins counted against a
// client address, as when guesses come from many addresses.
func (a *App) ForgetAddressFailures(t testing.TB, ip string) {
	t.Helper()
	if err := a.DB.Exec("DELETE FROM login_failures WHERE key = ?", PII.Hash("ip:"+ip)).Error; err != nil {
		t.Fatal(err)
	}
}

// ResetThrottles forgets every count of registrations and SMS codes now
// and when t ends, for tests of those limits: on PostgreSQL the tests of a
// package share one schema, and with it the counts of 127.0.0.1 and of the
// platform.
func (a *App) ResetThrottles(t testing.TB) {
	t.Helper()
	reset := func() {
		if err := a.DB.Exec("DELETE FROM throttle_windows").Error; err != nil {
			t.Errorf("delete throttle windows: %v", err)
		}
	}
	reset()
	t.Cleanup(reset)
}

// StaffPassword is the password of staff accounts made by NewStaff.
const StaffPassword = "staff password for tests"

// Staff is a signed-in staff account.
type Staff struct {
	ID    string
	Email string
	Token string
}

// NewStaff creates a staff account with one role directly in the database,
// as "citizenapi admin create" does, and signs it in through the API.
// unitID is the facility, school or traffic sector of a unit-scoped role.
// SetClock renews its token.
func (a *App) NewStaff(role, unitID string) *Staff {
	a.t.Helper()
	department := map[string]string{
		identity.RoleAdmin: "platform", identity.RoleHealthAdmin: "health", identity.RoleHealthStaff: "health",
		identity.RoleEducationAdmin: "education", identity.RoleEducationStaff: "education",
		identity.RoleParkingAdmin: "parking", identity.RoleParkingOfficer: "parking",
		identity.RoleTrafficAdmin: "traffic", identity.RoleTrafficOfficer: "traffic",
	}[role]
	email := fmt.Sprintf("%s.%d@staff.test", role, rand.Int64())
	svc := identity.NewService(identity.Deps{
		DB: a.DB, Clock: a.Clock, Hasher: identity.NewHasher(), Signer: token.NewSigner(Keys, "citizenapi", a.Clock.Now),
		Sender: notify.NewDevSender(a.DB, a.Clock), Audit: audit.NewLog(a.DB, a.Clock), Units: anyUnit{}, PII: PII,
	})
	acc, err := svc.CreateStaff(context.Background(), identity.NewStaff{
		Email: email, FullName: "Test " + role, Password: StaffPassword, Role: role, Department: department, UnitID: unitID,
	})
	if err != nil {
		a.t.Fatalf("create %s: %v", role, err)
	}
	tok, _ := a.Login(email, StaffPassword)
	s := &Staff{ID: acc.ID, Email: email, Token: tok}
	a.accounts.mu.Lock()
	defer a.accounts.mu.Unlock()
	a.accounts.staff = append(a.accounts.staff, s)
	return s
}

// Admin returns the App's staff member with role and no unit, made by
// NewStaff the first time it is asked for: the administrator of a
// department that sets up what a test needs.
func (a *App) Admin(role string) *Staff {
	a.t.Helper()
	a.accounts.adminMu.Lock()
	defer a.accounts.adminMu.Unlock()
	if s, ok := a.accounts.admins[role]; ok {
		return s
	}
	s := a.NewStaff(role, "")
	a.accounts.admins[role] = s
	return s
}

// accounts are the citizens and staff an App made, shared by its copies.
type accounts struct {
	mu       sync.Mutex
	citizens []*Citizen
	staff    []*Staff

	adminMu sync.Mutex // held while an administrator is made
	admins  map[string]*Staff
}

// SetClock moves the server's clock to at and gives every citizen and
// staff member made by NewCitizen, NewStaff and Admin a fresh access token,
// as signing in again would: tokens live 15 minutes of the clock. A test of
// what expires moves Clock alone.
func (a *App) SetClock(at time.Time) {
	a.t.Helper()
	a.Clock.Set(at)
	a.accounts.mu.Lock()
	defer a.accounts.mu.Unlock()
	for _, c := range a.accounts.citizens {
		c.Token = a.AccessToken(a.t, c.ID, identity.KindCitizen, identity.Audience, token.Claims{})
	}
	for _, s := range a.accounts.staff {
		s.Token = a.AccessToken(a.t, s.ID, identity.KindStaff, identity.Audience, token.Claims{})
	}
}

// openSession stores a session (refresh token family) for accountID and
// returns its ID, or "" when there is no such account.
func (a *App) openSession(accountID string) string {
	family, now := uuid.NewString(), a.Clock.Now()
	err := a.DB.Conn(context.Background()).Exec(`INSERT INTO refresh_tokens (id, family_id, account_id, token_hash, status, expires_at, created_at)
		VALUES (?, ?, ?, ?, 'active', ?, ?)`, uuid.NewString(), family, accountID, uuid.NewString(), now.Add(30*24*time.Hour), now).Error
	if err != nil {
		return ""
	}
	return family
}

// anyUnit accepts every unit, so tests may bind staff to units they made up.
type anyUnit struct{}

func (anyUnit) UnitExists(context.Context, string, string) (bool, error) { return true, nil }

// AccessToken signs an access token for subject directly, for tests that
// need tokens the API would not issue (expired ones, other audiences). A
// citizen's or staff member's token belongs to a session opened for it, as
// a sign-in would, when the subject is an account.
func (a *App) AccessToken(t testing.TB, subject, kind, audience string, claims token.Claims) string {
	t.Helper()
	signer := token.NewSigner(Keys, "citizenapi", a.Clock.Now)
	claims.Kind = kind
	if kind != domain.KindClient && claims.Session == "" {
		claims.Session = a.openSession(subject)
	}
	raw, _, err := signer.Issue(token.TypeAccess, subject, audience, identity.AccessTokenTTL, claims)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
