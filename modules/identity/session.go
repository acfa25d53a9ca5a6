package identity

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// errBadCredentials is the one answer for an unknown user and a wrong
// password, so that sign-in tells nobody which accounts exist.
var errBadCredentials = i18n.Err(domain.Unauthenticated, "error.bad_credentials", nil)

// Credentials are what a person signs in with.
type Credentials struct {
	// Username is a CNIC, a mobile number or an e-mail address.
	Username string `json:"username" validate:"required,max=254" example:"35202-1234567-1"`
	Password string `json:"password" validate:"required,max=1024"`
	// Code is the sign-in code sent by SMS while signing in with the
	// password alone is paused after failed guesses.
	Code string `json:"code,omitempty" validate:"omitempty,len=6,numeric" example:"123456"`
} // @name Credentials

// usernameKey reads a username as a CNIC, phone or e-mail and returns the
// normalised lookup values and the key its failures are counted under.
func usernameKey(username string) (cnic, phone, email, key string) {
	if c, err := NormalizeCNIC("username", username); err == nil {
		return c, "", "", "username:" + c
	}
	if p, err := NormalizePhone("username", username); err == nil {
		return "", p, "", "username:" + p
	}
	e := NormalizeEmail(username)
	if strings.Contains(e, "@") {
		return "", "", e, "username:" + e
	}
	return "", "", "", "username:" + e
}

// The keys failed guesses are counted under, besides the username typed.
func addressGuesses(ip string) string { return "ip:" + ip }
func accountGuesses(id string) string { return "account:" + id }

// pausedError is the answer of a paused key, for wait more.
func pausedError(wait time.Duration) error {
	refused := domain.RetryLater(domain.RateLimited, wait, i18n.T(i18n.English, "error.too_many_logins", nil))
	refused.Key = "error.too_many_logins"
	return refused
}

// Login checks credentials and opens a session. Guesses are counted per
// client address, per username as typed and per account (whatever username
// reached it); five failures in 15 minutes under one of them pause it.
//
//   - A paused address is refused (RateLimited) before its password is
//     hashed.
//   - A paused username answers RateLimited, whether or not it names an
//     account, so the answer ties no username to another.
//   - A paused account answers what a wrong password does when reached by
//     another username, for the same reason.
//
// While paused, the right password with the code sent to the account's
// phone still signs in: a guesser cannot lock the owner out. The right
// password without a code sends that code. Neither the code nor the
// password is confirmed by a different answer until both are right.
//
// Each attempt is recorded before its password is checked, so concurrent
// guesses cannot outrun the count. Errors: Unauthenticated for an unknown
// user or a wrong password (the same answer, in similar time); Forbidden
// for an unverified or deactivated account; RateLimited; Unavailable when
// hashing is saturated.
func (s *Service) Login(ctx context.Context, in Credentials, clientIP string) (TokenPair, error) {
	cnic, phone, email, typed := usernameKey(in.Username)
	acc, err := s.store.AccountByUsername(ctx, cnic, phone, email)
	found := err == nil
	if err != nil && !domain.IsKind(err, domain.NotFound) {
		return TokenPair{}, err
	}
	keys := []string{addressGuesses(clientIP), typed}
	if found {
		keys = append(keys, accountGuesses(acc.ID))
	}
	try, err := s.recordAttempt(ctx, keys)
	if err != nil {
		return TokenPair{}, err
	}
	if try.over == 0 {
		return TokenPair{}, pausedError(try.wait)
	}
	hash := dummyHash
	if found {
		hash = acc.PasswordHash
	}
	ok, err := s.hasher.Verify(ctx, clientIP, in.Password, hash)
	if err != nil {
		_ = s.store.DeleteLoginFailures(context.WithoutCancel(ctx), try.ids)
		return TokenPair{}, err
	}
	if try.over > 0 {
		var refusal error = errBadCredentials
		if try.over == 1 {
			refusal = pausedError(try.wait)
		}
		if !found || !ok || acc.Status != StatusActive {
			return TokenPair{}, refusal
		}
		return s.signInWithCode(ctx, acc, in.Code, clientIP, keys, refusal)
	}
	if !found || !ok {
		return TokenPair{}, s.guessFailed(ctx, acc.ID, "auth.login", try)
	}
	switch acc.Status {
	case StatusPending:
		return TokenPair{}, s.forgetAttempt(ctx, try.ids, domain.Errorf(domain.Forbidden, "verify your phone number with the code we sent before signing in"))
	case StatusDeactivated, StatusLocked:
		return TokenPair{}, s.forgetAttempt(ctx, try.ids, domain.Errorf(domain.Forbidden, "this account is not active; contact the help desk"))
	}
	return s.openSession(ctx, acc, try.ids, keys)
}

// openSession signs acc in: it forgets the attempt and the failures of the
// username and account, and issues a token pair for a new session.
func (s *Service) openSession(ctx context.Context, acc accountRow, attempt, keys []string) (TokenPair, error) {
	var pair TokenPair
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteLoginFailures(ctx, attempt); err != nil {
			return err
		}
		if err := s.store.ClearLoginFailures(ctx, keys[1:]...); err != nil {
			return err
		}
		var err error
		if pair, err = s.issue(ctx, acc, uuid.NewString(), s.clock.Now().Add(refreshTokenTTL)); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{ActorID: acc.ID, ActorKind: acc.Kind, Action: "auth.login", TargetType: "account", TargetID: acc.ID, SubjectID: subjectOf(acc)})
	})
	return pair, err
}

// signInWithCode finishes a sign-in to a paused account whose password was
// right: with the code sent to its phone it opens a session; without one it
// sends a code. Every other outcome answers refusal, the paused sign-in's
// usual answer.
func (s *Service) signInWithCode(ctx context.Context, acc accountRow, code, clientIP string, keys []string, refusal error) (TokenPair, error) {
	if code == "" {
		if err := s.sendSignInCode(ctx, acc, clientIP); err != nil {
			return TokenPair{}, err
		}
		return TokenPair{}, refusal
	}
	right, err := s.spendSignInCode(ctx, acc.ID, code)
	if err != nil {
		return TokenPair{}, err
	}
	if !right {
		return TokenPair{}, refusal
	}
	return s.openSession(ctx, acc, nil, keys)
}

// sendSignInCode sends a sign-in code to the account's phone, unless one
// went less than a minute ago. The message is sent after the answer, so
// that how long the answer takes does not tell a guesser the password was
// right.
func (s *Service) sendSignInCode(ctx context.Context, acc accountRow, clientIP string) error {
	phone := deref(acc.Phone)
	if phone == "" {
		return nil
	}
	if last, err := s.store.LatestSignInCode(ctx, acc.ID); err == nil && s.clock.Now().Sub(last.CreatedAt) < otpResendGap {
		return nil
	} else if err != nil && !domain.IsKind(err, domain.NotFound) {
		return err
	}
	code, err := s.issueCode(ctx, clientIP, phone, acc.ID, otpSignIn)
	if domain.IsKind(err, domain.RateLimited) || domain.IsKind(err, domain.Unavailable) {
		// The paused answer is the same whether or not a code could go.
		return nil
	} else if err != nil {
		return err
	}
	go s.textCode(context.WithoutCancel(ctx), phone, acc.PreferredLanguage, otpSignIn, code)
	return nil
}

// spendSignInCode tries code against the account's newest sign-in code and
// reports whether it was right; a right code is spent.
func (s *Service) spendSignInCode(ctx context.Context, accountID, code string) (bool, error) {
	otp, err := s.store.LatestSignInCode(ctx, accountID)
	if domain.IsKind(err, domain.NotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if otp.Status != "active" || !s.clock.Now().Before(otp.ExpiresAt) {
		return false, nil
	}
	left, err := s.store.SpendOTPAttempt(ctx, otp.ID, otpMaxAttempts)
	if err != nil || !left {
		return false, err
	}
	if subtle.ConstantTimeCompare([]byte(otpHash(otp.ID, code)), []byte(otp.CodeHash)) != 1 {
		return false, nil
	}
	return s.store.SetOTPStatus(ctx, otp.ID, "used")
}

// subjectOf is the citizen whose data an account is, for the access log.
func subjectOf(acc accountRow) string {
	if acc.Kind == KindCitizen {
		return acc.ID
	}
	return ""
}

// attempt is a password guess counted under its keys as a failure until it
// proves right.
type attempt struct {
	// ids are the rows written, none when the attempt was refused.
	ids []string
	// failures is the count under each key, this attempt's included.
	failures []int
	// over is the first key that had its five failures already, or -1;
	// wait is how long until that key has room again.
	over int
	wait time.Duration
}

// recordAttempt counts a guess under every key. When a key has had its
// five failures already, the guess is not counted (waiting out Retry-After
// is then enough) and over names the key.
func (s *Service) recordAttempt(ctx context.Context, keys []string) (attempt, error) {
	now := s.clock.Now()
	try := attempt{ids: make([]string, len(keys)), failures: make([]int, len(keys)), over: -1}
	rows := make([]loginFailureRow, len(keys))
	for i, k := range keys {
		try.ids[i] = uuid.NewString()
		rows[i] = loginFailureRow{ID: try.ids[i], Key: k, At: now}
	}
	if err := s.store.AddLoginFailure(ctx, rows); err != nil {
		return attempt{}, err
	}
	counted, err := s.store.LoginFailures(ctx, keys, now.Add(-loginWindow))
	if err != nil {
		return attempt{}, err
	}
	for i, failures := range counted {
		try.failures[i] = len(failures)
		if len(failures) > loginMaxFailure && try.over < 0 {
			try.over = i
			try.wait = failures[len(failures)-loginMaxFailure-1].Add(loginWindow).Sub(now)
		}
	}
	if try.over >= 0 {
		if err := s.store.DeleteLoginFailures(ctx, try.ids); err != nil {
			return attempt{}, err
		}
		try.ids = nil
	}
	return try, nil
}

// forgetAttempt removes an attempt that was not a failed guess and returns err.
func (s *Service) forgetAttempt(ctx context.Context, attempt []string, err error) error {
	if derr := s.store.DeleteLoginFailures(ctx, attempt); derr != nil {
		return derr
	}
	return err
}

// guessFailed audits a wrong password, whose attempt stays counted, tells
// the account holder when it was the guess that paused their account, and
// returns the answer for a wrong guess. The last key of try is the
// account's, when there is an account.
func (s *Service) guessFailed(ctx context.Context, accountID, action string, try attempt) error {
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.audit.Record(ctx, audit.Entry{ActorID: accountID, Action: action, TargetType: "account", TargetID: accountID, Outcome: "failure"}); err != nil {
			return err
		}
		if accountID == "" || try.failures[len(try.failures)-1] != loginMaxFailure {
			return nil
		}
		return s.inbox.Add(ctx, notify.Notice{AccountID: accountID, Kind: "account.sign_in_paused"})
	})
	switch {
	case err != nil:
		return err
	case action == "auth.login":
		return errBadCredentials
	}
	return domain.FieldInvalid("current_password", "validation.password.current", nil)
}

// Refresh spends a refresh token and returns a new pair in the same family.
// A spent or revoked token presented again revokes its whole family, so a
// stolen token is useful once at most. Errors: Unauthenticated.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (TokenPair, error) {
	hash := refreshHash(refreshToken)
	now := s.clock.Now()
	var pair TokenPair
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		spent, err := s.store.SpendRefresh(ctx, hash, now)
		if err != nil || !spent {
			return err
		}
		old, err := s.store.RefreshByHash(ctx, hash)
		if err != nil {
			return err
		}
		acc, err := s.store.Account(ctx, old.AccountID)
		if err != nil {
			return err
		}
		if acc.Status != StatusActive {
			return domain.Errorf(domain.Unauthenticated, "this account is not active")
		}
		pair, err = s.issue(ctx, acc, old.FamilyID, old.ExpiresAt)
		return err
	})
	if err != nil || pair.AccessToken != "" {
		return pair, err
	}
	return TokenPair{}, s.refusedRefresh(ctx, hash)
}

// refusedRefresh explains why a token could not be spent, revoking its
// family when it had been used before.
func (s *Service) refusedRefresh(ctx context.Context, hash string) error {
	old, err := s.store.RefreshByHash(ctx, hash)
	if domain.IsKind(err, domain.NotFound) {
		return domain.Errorf(domain.Unauthenticated, "the refresh token is not valid")
	} else if err != nil {
		return err
	}
	if old.Status == "spent" {
		err := s.db.WithinTx(ctx, func(ctx context.Context) error {
			if err := s.store.RevokeFamily(ctx, old.FamilyID); err != nil {
				return err
			}
			return s.audit.Record(ctx, audit.Entry{ActorID: old.AccountID, Action: "auth.refresh_reuse", TargetType: "session", TargetID: old.FamilyID, Outcome: "failure"})
		})
		if err != nil {
			return err
		}
		s.people.endSessions(old.FamilyID)
		return domain.Errorf(domain.Unauthenticated, "the refresh token was already used; the session is closed, sign in again")
	}
	if old.Status == "revoked" {
		return domain.Errorf(domain.Unauthenticated, "the session was closed; sign in again")
	}
	return domain.Errorf(domain.Unauthenticated, "the refresh token has expired; sign in again")
}

// Logout closes the session of refreshToken when it belongs to the caller.
// It answers the same whether or not the token was live.
func (s *Service) Logout(ctx context.Context, p domain.Principal, refreshToken string) error {
	old, err := s.store.RefreshByHash(ctx, refreshHash(refreshToken))
	if domain.IsKind(err, domain.NotFound) || (err == nil && old.AccountID != p.Subject) {
		return nil
	} else if err != nil {
		return err
	}
	if err := s.store.RevokeFamily(ctx, old.FamilyID); err != nil {
		return err
	}
	s.people.endSessions(old.FamilyID)
	return nil
}

// Principal builds the principal of an access token's subject, checking
// that the account is still active and the token's session still open, so
// that deactivation, signing out, a password change and a reused refresh
// token end access at once. Errors: Unauthenticated.
func (s *Service) Principal(ctx context.Context, subject, kind, session string) (domain.Principal, error) {
	acc, err := s.people.RecentAccount(ctx, subject)
	if domain.IsKind(err, domain.NotFound) {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "the account no longer exists")
	} else if err != nil {
		return domain.Principal{}, err
	}
	if acc.Status != StatusActive || acc.Kind != kind {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "this account is not active")
	}
	if session == "" {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "the access token belongs to no session; sign in again")
	}
	live, err := s.people.liveSession(ctx, acc.ID, session, s.clock.Now())
	if err != nil {
		return domain.Principal{}, err
	}
	if !live {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "the session was closed; sign in again")
	}
	p := domain.Principal{Subject: acc.ID, Kind: acc.Kind, Department: acc.Department}
	for _, r := range acc.Roles {
		p.Roles = append(p.Roles, r.Role)
		if r.UnitID != "" {
			p.UnitID = r.UnitID
		}
	}
	return p, nil
}

// StaffSession is an open staff session as the console holds it: the
// account signed in and a fresh access token of the session.
type StaffSession struct {
	Account     Account
	AccessToken string
}

// StaffSession returns the open session whose refresh token is
// refreshToken with a new access token, without spending the refresh
// token: the staff console keeps it in a cookie and signs each request it
// makes to the API with such a token. The session must be a staff
// account's, active and opened less than maxAge ago. Errors:
// Unauthenticated.
func (s *Service) StaffSession(ctx context.Context, refreshToken string, maxAge time.Duration) (StaffSession, error) {
	closed := domain.Errorf(domain.Unauthenticated, "the session was closed; sign in again")
	row, err := s.store.RefreshByHash(ctx, refreshHash(refreshToken))
	if domain.IsKind(err, domain.NotFound) {
		return StaffSession{}, closed
	} else if err != nil {
		return StaffSession{}, err
	}
	now := s.clock.Now()
	if row.Status != "active" || !row.ExpiresAt.After(now) || !row.CreatedAt.After(now.Add(-maxAge)) {
		return StaffSession{}, closed
	}
	acc, err := s.people.Account(ctx, row.AccountID)
	if domain.IsKind(err, domain.NotFound) {
		return StaffSession{}, closed
	} else if err != nil {
		return StaffSession{}, err
	}
	if acc.Kind != KindStaff || acc.Status != StatusActive {
		return StaffSession{}, domain.Errorf(domain.Unauthenticated, "this account cannot use the staff console")
	}
	access, _, err := s.signer.Issue(token.TypeAccess, acc.ID, Audience, AccessTokenTTL, token.Claims{Kind: acc.Kind, Session: row.FamilyID})
	if err != nil {
		return StaffSession{}, err
	}
	return StaffSession{Account: acc, AccessToken: access}, nil
}
