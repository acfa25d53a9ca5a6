package parking

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// An officer's device checks a permit's verification token offline, so a
// permit withdrawn before its token expires must reach the device another
// way: the signed list of withdrawn permits (PermitStatus). Tokens last a
// day, so that the list stays short and a device that misses it refuses a
// withdrawn permit within a day.

// tokenLife is the longest a verification token lasts; the app reads the
// permit again for a new one.
const tokenLife = 24 * time.Hour

// statusFresh is how long an instance keeps its signed list. HTTP caches
// may keep it as long again, so a change reaches devices within a minute.
const statusFresh = 30 * time.Second

// verificationToken signs what an officer's device needs to check a permit
// offline. It lasts tokenLife, and never past the end of the permit's last
// local day.
func (s *Service) verificationToken(r permitRow, now time.Time) (string, error) {
	exp := time.Date(r.EndDate.Year(), r.EndDate.Month(), r.EndDate.Day()+1, 0, 0, 0, 0, domain.Karachi)
	if day := now.Add(tokenLife); day.Before(exp) {
		exp = day
	}
	tok, _, err := s.signer.Issue(token.TypePermit, r.ID, PermitAudience, exp.Sub(now), token.Claims{Data: map[string]any{
		"plate": r.Plate, "zone_id": r.ZoneID, "permit_type": r.PermitType,
		"valid_from": r.StartDate.UTC().Format(time.DateOnly), "valid_to": r.EndDate.UTC().Format(time.DateOnly),
	}})
	return tok, err
}

// PermitStatus returns the list an officer's device refuses permits by: a
// compact JWS (typ permit-status+jwt, audience PermitAudience) whose
// data.revoked holds, in ID order, the IDs of permits cancelled, revoked or
// rejected while a token issued for them may be unexpired. It is read from
// the database, so every instance lists the same permits, and each keeps
// its signed copy for statusFresh.
func (s *Service) PermitStatus(ctx context.Context) (string, error) {
	now := s.clock.Now()
	if jws, ok := s.statusList.Get(struct{}{}, now); ok {
		return jws, nil
	}
	// No token is issued once a permit is withdrawn, and none outlives
	// tokenLife or the permit's last day.
	ids, err := s.store.WithdrawnPermits(ctx, now.Add(-tokenLife), domain.LocalDate(now))
	if err != nil {
		return "", err
	}
	jws, _, err := s.signer.Issue(token.TypePermitStatus, "", PermitAudience, tokenLife, token.Claims{Data: map[string]any{"revoked": ids}})
	if err != nil {
		return "", err
	}
	s.statusList.Put(struct{}{}, jws, now.Add(statusFresh), now)
	return jws, nil
}
