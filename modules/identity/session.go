package identity

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

// errBadCredentials is the one answer for an unknown user and a wrong
// password, so that sign-in tells nobody which accounts exist.
var errBadCredentials = i18n.Err(domain.Unauthenticated, "error.bad_credentials", nil)

// Credentials are what a person signs in with.
type Credentials struct {
	// Username is a CNIC, a mobile number or an e-mail address.
	Username string `json:"username" validate:"required,max=254" example:"35202-1234567-1"`
	Password string `json:"password" validate:"required,max=1024"`
} // @name Credentials

// usernameKey reads a username as a CNIC, phone or e-mail and returns the
// normalised lookup values and the key its failures are counted under.
func usernameKey(username string) (cnic, phone, email, key string) {
	if c, err := NormalizeCNIC("username", username); err == nil {
		return c, "", "", "account:" + c
	}
	if p, err := NormalizePhone("username", username); err == nil {
		return "", p, "", "account:" + p
	}
	e := NormalizeEmail(username)
	if strings.Contains(e, "@") {
		return "", "", e, "account:" + e
	}
	return "", "", "", "account:" + e
}

// Login checks credentials and opens a session. Attempts are counted per
// client IP, per username as typed and per account (whatever username
// reached it); after 5 failures in 15 minutes under any of them, sign-in
// answers RateLimited until the oldest failure ages out. Each attempt is
// recorded before its password is checked, so concurrent guesses cannot
// outrun the count. Errors: Unauthenticated for an unknown user or a wrong
// password (the same answer, in similar time); Forbidden for an unverified
// or deactivated account; RateLimited; Unavailable when hashing is saturated.
func (s *Service) Login(ctx context.Context, in Credentials, clientIP string) (TokenPair, error) {
	cnic, phone, email, usernameKey := usernameKey(in.Username)
	acc, err := s.store.AccountByUsername(ctx, cnic, phone, email)
	found := err == nil
	if err != nil && !domain.IsKind(err, domain.NotFound) {
		return TokenPair{}, err
	}
	keys := []string{"ip:" + clientIP, usernameKey}
	if found {
		keys = append(keys, "account:"+acc.ID)
	}
	attempt, err := s.recordAttempt(ctx, keys)
	if err != nil {
		return TokenPair{}, err
	}
	hash := dummyHash
	if found {
		hash = acc.PasswordHash
	}
	ok, err := s.hasher.Verify(ctx, clientIP, in.Password, hash)
	if err != nil {
		_ = s.store.DeleteLoginFailures(context.WithoutCancel(ctx), attempt)
		return TokenPair{}, err
	}
	if !found || !ok {
		return TokenPair{}, s.loginFailed(ctx, acc.ID)
	}
	switch acc.Status {
	case StatusPending:
		return TokenPair{}, s.forgetAttempt(ctx, attempt, domain.Errorf(domain.Forbidden, "verify your phone number with the code we sent before signing in"))
	case StatusDeactivated, StatusLocked:
		return TokenPair{}, s.forgetAttempt(ctx, attempt, domain.Errorf(domain.Forbidden, "this account is not active; contact the help desk"))
	}
	now := s.clock.Now()
	var pair TokenPair
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteLoginFailures(ctx, attempt); err != nil {
			return err
		}
		if err := s.store.ClearLoginFailures(ctx, keys[1:]...); err != nil {
			return err
		}
		if pair, err = s.issue(ctx, acc, uuid.NewString(), now.Add(refreshTokenTTL)); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{ActorID: acc.ID, ActorKind: acc.Kind, Action: "auth.login", TargetType: "account", TargetID: acc.ID, SubjectID: subjectOf(acc)})
	})
	return pair, err
}

// subjectOf is the citizen whose data an account is, for the access log.
func subjectOf(acc accountRow) string {
	if acc.Kind == KindCitizen {
		return acc.ID
	}
	return ""
}

// recordAttempt counts a sign-in attempt under every key as a failure until
// it proves otherwise, and refuses it when a key has had its five already.
// It returns the IDs of the rows it wrote.
func (s *Service) recordAttempt(ctx context.Context, keys []string) ([]string, error) {
	now := s.clock.Now()
	rows := make([]loginFailureRow, len(keys))
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = uuid.NewString()
		rows[i] = loginFailureRow{ID: ids[i], Key: k, At: now}
	}
	if err := s.store.AddLoginFailure(ctx, rows); err != nil {
		return nil, err
	}
	for _, key := range keys {
		failures, err := s.store.LoginFailures(ctx, key, now.Add(-loginWindow))
		if err != nil {
			return nil, err
		}
		if len(failures) > loginMaxFailure {
			// A refused attempt is not a guess: forget it, so that waiting
			// out Retry-After is enough.
			if err := s.store.DeleteLoginFailures(ctx, ids); err != nil {
				return nil, err
			}
			wait := failures[len(failures)-loginMaxFailure-1].Add(loginWindow).Sub(now)
			refused := domain.RetryLater(domain.RateLimited, wait, i18n.T(i18n.English, "error.too_many_logins", nil))
			refused.Key = "error.too_many_logins"
			return nil, refused
		}
	}
	return ids, nil
}

// forgetAttempt removes an attempt that was not a failed guess and returns err.
func (s *Service) forgetAttempt(ctx context.Context, attempt []string, err error) error {
	if derr := s.store.DeleteLoginFailures(ctx, attempt); derr != nil {
		return derr
	}
	return err
}

// loginFailed audits a failed sign-in, whose attempt rows stay as failures,
// and returns the sign-in error.
func (s *Service) loginFailed(ctx context.Context, accountID string) error {
	if err := s.audit.Record(ctx, audit.Entry{ActorID: accountID, Action: "auth.login", TargetType: "account", TargetID: accountID, Outcome: "failure"}); err != nil {
		return err
	}
	return errBadCredentials
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
	return s.store.RevokeFamily(ctx, old.FamilyID)
}

// Principal builds the principal of an access token's subject, checking
// that the account is still active so that deactivation applies at once.
// Errors: Unauthenticated.
func (s *Service) Principal(ctx context.Context, subject, kind string) (domain.Principal, error) {
	acc, err := s.people.RecentAccount(ctx, subject)
	if domain.IsKind(err, domain.NotFound) {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "the account no longer exists")
	} else if err != nil {
		return domain.Principal{}, err
	}
	if acc.Status != StatusActive || acc.Kind != kind {
		return domain.Principal{}, domain.Errorf(domain.Unauthenticated, "this account is not active")
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
