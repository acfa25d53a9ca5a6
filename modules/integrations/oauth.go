package integrations

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// issueToken runs the client-credentials grant. It returns the error code
// and description of RFC 6749 §5.2 when it refuses.
func (s *Service) issueToken(ctx context.Context, clientID, secret, scope string) (TokenResponse, *TokenError, error) {
	row, ok, err := s.authenticate(ctx, clientID, secret)
	if err != nil {
		return TokenResponse{}, nil, err
	}
	if !ok {
		return TokenResponse{}, &TokenError{Error: "invalid_client", Description: "unknown client, wrong secret, or a revoked client"}, nil
	}
	granted := strings.Fields(row.Scopes)
	scopes := granted
	if scope != "" {
		allowed := map[string]bool{}
		for _, sc := range granted {
			allowed[sc] = true
		}
		scopes = strings.Fields(scope)
		for _, sc := range scopes {
			if !allowed[sc] {
				return TokenResponse{}, &TokenError{Error: "invalid_scope", Description: "the client was not granted " + sc}, nil
			}
		}
	}
	joined := strings.Join(scopes, " ")
	raw, _, err := s.signer.Issue(token.TypeAccess, row.ID, Audience, ClientTokenTTL, token.Claims{Kind: domain.KindClient, Scope: joined})
	if err != nil {
		return TokenResponse{}, nil, err
	}
	return TokenResponse{AccessToken: raw, TokenType: "Bearer", ExpiresIn: int(ClientTokenTTL.Seconds()), Scope: joined}, nil, nil
}

// authenticate checks a client's credentials; ok is false for an unknown,
// revoked or wrongly authenticated client, without saying which.
func (s *Service) authenticate(ctx context.Context, id, secret string) (clientRow, bool, error) {
	if _, err := uuid.Parse(id); err != nil {
		return clientRow{}, false, nil
	}
	row, err := s.store.Client(ctx, id)
	if domain.IsKind(err, domain.NotFound) {
		return clientRow{}, false, nil
	} else if err != nil {
		return clientRow{}, false, err
	}
	ok := subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(row.SecretHash)) == 1 && row.Status == "active"
	return row, ok, nil
}

// Principal builds the principal of a client token's subject, its scopes
// as Casbin subjects (ScopeRole) and its unit, and counts the request
// against the client's rate limit. A revoked client is refused at once.
// The quota is zero when the client is not found. Errors: Unauthenticated;
// RateLimited, with the quota.
func (s *Service) Principal(ctx context.Context, clientID string, scopes []string) (domain.Principal, Quota, error) {
	row, err := s.store.ActiveClient(ctx, clientID)
	if domain.IsKind(err, domain.NotFound) {
		return domain.Principal{}, Quota{}, domain.Errorf(domain.Unauthenticated, "the client is not active")
	} else if err != nil {
		return domain.Principal{}, Quota{}, err
	}
	granted := map[string]bool{}
	for _, sc := range strings.Fields(row.Scopes) {
		granted[sc] = true
	}
	p := domain.Principal{Subject: row.ID, Kind: domain.KindClient, UnitID: row.UnitID}
	for _, sc := range scopes {
		if granted[sc] {
			p.Scopes = append(p.Scopes, sc)
			p.Roles = append(p.Roles, ScopeRole+sc)
		}
	}
	q, err := s.allow(ctx, row)
	return p, q, err
}

// allow counts a request against the client's limit for the current
// window. Errors: RateLimited with the time left in the window.
func (s *Service) allow(ctx context.Context, c clientRow) (Quota, error) {
	now := s.clock.Now()
	window := now.Truncate(rateWindow)
	hits, err := s.store.CountRequest(ctx, c.ID, window)
	if err != nil {
		return Quota{}, err
	}
	reset := window.Add(rateWindow).Sub(now)
	q := Quota{Limit: c.RatePerMinute, Window: rateWindow, Remaining: max(c.RatePerMinute-hits, 0), Reset: reset}
	if hits > c.RatePerMinute {
		return q, domain.RetryLater(domain.RateLimited, reset, "this client's rate limit is used up for this minute")
	}
	return q, nil
}

// PurgeRateWindows forgets request counts older than an hour.
func (s *Service) PurgeRateWindows(ctx context.Context) error {
	return s.store.PurgeRateWindows(ctx, s.clock.Now().Add(-time.Hour))
}
