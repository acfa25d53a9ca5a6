package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"runtime"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// Token lifetimes and sign-in limits.
const (
	AccessTokenTTL  = 15 * time.Minute
	refreshTokenTTL = 30 * 24 * time.Hour
	otpTTL          = 5 * time.Minute
	otpMaxAttempts  = 5
	otpResendGap    = time.Minute
	otpPerHour      = 5
	loginWindow     = 15 * time.Minute
	loginMaxFailure = 5
)

// Audience is the audience of access tokens for this API.
const Audience = "citizenapi"

// Units tells whether a facility or school exists, so that unit-scoped
// staff are bound to real units. The health and education modules answer it.
type Units interface {
	UnitExists(ctx context.Context, kind, id string) (bool, error)
}

// PolicyLoader reloads authorization policy after role assignments change.
type PolicyLoader interface {
	LoadPolicy() error
}

// Service is the identity module's use cases.
type Service struct {
	db     *db.DB
	store  *Store
	clock  domain.Clock
	hasher *Hasher
	signer *token.Signer
	sender notify.Sender
	audit  *audit.Log
	units  Units
	policy PolicyLoader
	people *People
	inbox  *notify.Inbox
	// maxDependants is how many family members one account may hold.
	maxDependants int
	limits        Limits
	log           *slog.Logger
}

// Deps are what the identity service is built on.
type Deps struct {
	DB    *db.DB
	Clock domain.Clock
	// Hasher hashes passwords; nil builds one that gives each client
	// address Limits.HashesPerAddress of its turns and waits Limits.HashWait.
	Hasher *Hasher
	Signer *token.Signer
	Sender notify.Sender
	Audit  *audit.Log
	Units  Units
	Policy PolicyLoader
	// PII seals CNICs and B-forms for storage.
	PII *pii.Keys
	// People is identity's answer to other modules, built on the same
	// database and keys; nil builds one.
	People *People
	// MaxDependants is how many family members one account may hold;
	// zero means DefaultMaxDependants.
	MaxDependants int
	// Limits bound registrations and SMS codes per client address, per
	// phone and for the platform; zero fields mean DefaultLimits.
	Limits Limits
	// Log records when the day's SMS budget is spent; nil discards.
	Log *slog.Logger
}

// DefaultMaxDependants is how many family members an account may hold
// unless configured otherwise: enough for a large family, too few to book
// out a doctor's day through made-up ones.
const DefaultMaxDependants = 20

// NewService returns the identity service.
func NewService(d Deps) *Service {
	if d.People == nil {
		d.People = NewPeople(d.DB, d.PII)
	}
	if d.MaxDependants == 0 {
		d.MaxDependants = DefaultMaxDependants
	}
	if d.Hasher == nil {
		d.Hasher = newHasher(runtime.NumCPU(), d.Limits.HashesPerAddress, d.Limits.HashWait)
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d.DB, store: d.People.store, clock: d.Clock, hasher: d.Hasher, signer: d.Signer,
		sender: d.Sender, audit: d.Audit, units: d.Units, policy: d.Policy, people: d.People, maxDependants: d.MaxDependants,
		inbox: notify.NewInbox(d.DB, d.Clock), limits: d.Limits.withDefaults(), log: d.Log}
}

// TokenPair is what a sign-in or refresh answers.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type" example:"Bearer"`
	ExpiresIn    int    `json:"expires_in" example:"900"`
} // @name TokenPair

// Registration is what a citizen gives to open an account.
type Registration struct {
	CNIC     string `json:"cnic" validate:"required" example:"35202-1234567-1"`
	Phone    string `json:"phone" validate:"required" example:"0300-1234567"`
	FullName string `json:"full_name" validate:"required" example:"آمنہ بی بی"`
	Password string `json:"password" validate:"required" example:"a long passphrase"`
	Email    string `json:"email,omitempty" validate:"omitempty,email,max=254" example:"amina@example.pk"`
} // @name Registration

// Check normalises the CNIC, phone, name and e-mail in place and names
// every field that breaks a rule.
func (r *Registration) Check() error {
	var errs domain.FieldErrors
	var err error
	r.CNIC, err = NormalizeCNIC("cnic", r.CNIC)
	errs.Add(err)
	r.Phone, err = NormalizePhone("phone", r.Phone)
	errs.Add(err)
	r.FullName, err = NormalizeName("full_name", r.FullName)
	errs.Add(err)
	errs.Add(CheckPassword("password", r.Password, KindCitizen, r.CNIC, r.Phone))
	r.Email = NormalizeEmail(r.Email)
	return errs.Err()
}

// Register opens a citizen account pending verification and sends a code to
// its phone. clientIP is the address the request came from: registrations
// and codes are counted per address. A CNIC, phone or e-mail already
// registered is refused before the password is hashed. Errors: Invalid
// naming every field at fault; Conflict when the CNIC, phone or e-mail is
// registered; RateLimited (with the wait) when the address has registered
// enough this hour, asked for enough codes or holds its share of hashing,
// or the phone has had its codes; Unavailable when hashing is saturated or
// the day's SMS budget is spent.
func (s *Service) Register(ctx context.Context, in Registration, clientIP string) (Account, error) {
	if err := in.Check(); err != nil {
		return Account{}, err
	}
	if err := s.countRegistration(ctx, clientIP); err != nil {
		return Account{}, err
	}
	if err := s.store.Taken(ctx, in.CNIC, in.Phone, in.Email); err != nil {
		return Account{}, err
	}
	hash, err := s.hasher.Hash(ctx, clientIP, in.Password)
	if err != nil {
		return Account{}, err
	}
	now := s.clock.Now()
	row := accountRow{
		ID: uuid.NewString(), Kind: KindCitizen, CNIC: in.CNIC, Phone: &in.Phone, Email: ptr(in.Email),
		FullName: in.FullName, PasswordHash: hash, Status: StatusPending, PreferredLanguage: "en", CreatedAt: now, UpdatedAt: now,
	}
	var code string
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateAccount(ctx, row); err != nil {
			return err
		}
		if code, err = s.newOTP(ctx, row.ID, in.Phone, otpVerify); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Entry{ActorID: row.ID, ActorKind: KindCitizen, Action: "account.register", TargetType: "account", TargetID: row.ID, SubjectID: row.ID}); err != nil {
			return err
		}
		// Last, so that the platform's count is held only until the commit.
		return s.allowSMS(ctx, clientIP, in.Phone)
	})
	if err != nil {
		return Account{}, err
	}
	s.textCode(ctx, in.Phone, i18n.English, otpVerify, code)
	return row.account(), nil
}

// What a code sent by SMS is for.
const (
	otpVerify = "verify"
	otpSignIn = "sign_in"
)

// newOTP stores a fresh code for purpose, sent to phone, and returns it.
func (s *Service) newOTP(ctx context.Context, accountID, phone, purpose string) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	now := s.clock.Now()
	id := uuid.NewString()
	err = s.store.CreateOTP(ctx, otpRow{ID: id, AccountID: accountID, Phone: phone, Purpose: purpose, CodeHash: otpHash(id, code), Status: "active", ExpiresAt: now.Add(otpTTL), CreatedAt: now})
	return code, err
}

// textCode sends a code for purpose by SMS, in lang. A failed send is not
// the request's failure: the citizen asks for another.
func (s *Service) textCode(ctx context.Context, phone, lang, purpose, code string) {
	body := i18n.T(lang, "sms."+purpose+"_code", map[string]string{"code": code})
	_ = s.sender.Send(context.WithoutCancel(ctx), notify.Message{To: phone, Channel: notify.SMS, Body: body})
}

func otpHash(id, code string) string {
	sum := sha256.Sum256([]byte(id + ":" + code))
	return hex.EncodeToString(sum[:])
}

// VerifyOTP checks a code sent to phone and activates its account.
// Errors: Invalid for a wrong, expired, spent or exhausted code.
func (s *Service) VerifyOTP(ctx context.Context, phone, code string) (Account, error) {
	phone, err := NormalizePhone("phone", phone)
	if err != nil {
		return Account{}, err
	}
	otp, err := s.store.LatestOTP(ctx, phone)
	if domain.IsKind(err, domain.NotFound) {
		return Account{}, domain.FieldInvalid("code", "validation.otp.none", nil)
	} else if err != nil {
		return Account{}, err
	}
	now := s.clock.Now()
	switch {
	case otp.Status != "active":
		return Account{}, domain.FieldInvalid("code", "validation.otp.spent", nil)
	case !now.Before(otp.ExpiresAt):
		_, _ = s.store.SetOTPStatus(ctx, otp.ID, "void")
		return Account{}, domain.FieldInvalid("code", "validation.otp.expired", nil)
	}
	left, err := s.store.SpendOTPAttempt(ctx, otp.ID, otpMaxAttempts)
	if err != nil {
		return Account{}, err
	}
	if !left {
		_, _ = s.store.SetOTPStatus(ctx, otp.ID, "void")
		return Account{}, domain.FieldInvalid("code", "validation.otp.exhausted", nil)
	}
	if subtle.ConstantTimeCompare([]byte(otpHash(otp.ID, code)), []byte(otp.CodeHash)) != 1 {
		return Account{}, domain.FieldInvalid("code", "validation.otp.wrong", map[string]string{"n": strconv.Itoa(otpMaxAttempts - otp.Attempts - 1)})
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		used, err := s.store.SetOTPStatus(ctx, otp.ID, "used")
		if err != nil {
			return err
		}
		if !used {
			return domain.FieldInvalid("code", "validation.otp.spent", nil)
		}
		return s.store.UpdateAccount(ctx, otp.AccountID, map[string]any{"status": StatusActive, "verified_at": now, "updated_at": now})
	})
	if err != nil {
		return Account{}, err
	}
	return s.Account(ctx, otp.AccountID)
}

// ResendOTP sends a new code to a phone whose account awaits verification.
// It says nothing about whether such an account exists. Errors: RateLimited
// (with the wait) when codes were sent too recently or too often, to the
// phone or at the asking of clientIP; Unavailable when the day's SMS budget
// is spent.
func (s *Service) ResendOTP(ctx context.Context, phone, clientIP string) error {
	phone, err := NormalizePhone("phone", phone)
	if err != nil {
		return err
	}
	acc, err := s.store.AccountByPhone(ctx, phone)
	if domain.IsKind(err, domain.NotFound) || (err == nil && acc.Status != StatusPending) {
		return nil
	} else if err != nil {
		return err
	}
	now := s.clock.Now()
	if last, err := s.store.LatestOTP(ctx, phone); err == nil && now.Sub(last.CreatedAt) < otpResendGap {
		return domain.RetryLater(domain.RateLimited, last.CreatedAt.Add(otpResendGap).Sub(now), "a code was sent less than a minute ago")
	}
	n, err := s.store.CountOTPsSince(ctx, phone, now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= otpPerHour {
		return domain.RetryLater(domain.RateLimited, time.Hour, "too many codes were sent to this phone; try again later")
	}
	// The checks above tell the exact wait; issueCode's counts hold when
	// requests race.
	code, err := s.issueCode(ctx, clientIP, phone, acc.ID, otpVerify)
	if err != nil {
		return err
	}
	s.textCode(ctx, phone, i18n.English, otpVerify, code)
	return nil
}

// Account returns an account with its roles. Errors: NotFound.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	return s.people.Account(ctx, id)
}

// newRefreshToken returns an opaque random token and its stored hash.
func newRefreshToken() (string, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, refreshHash(tok), nil
}

func refreshHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// issue signs an access token and stores a refresh token in family, which
// expires at familyExpiry.
func (s *Service) issue(ctx context.Context, acc accountRow, familyID string, familyExpiry time.Time) (TokenPair, error) {
	access, _, err := s.signer.Issue(token.TypeAccess, acc.ID, Audience, AccessTokenTTL, token.Claims{Kind: acc.Kind, Session: familyID})
	if err != nil {
		return TokenPair{}, err
	}
	refresh, hash, err := newRefreshToken()
	if err != nil {
		return TokenPair{}, err
	}
	err = s.store.CreateRefresh(ctx, refreshRow{
		ID: uuid.NewString(), FamilyID: familyID, AccountID: acc.ID, TokenHash: hash, Status: "active",
		ExpiresAt: familyExpiry, CreatedAt: s.clock.Now(),
	})
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(AccessTokenTTL.Seconds())}, nil
}
