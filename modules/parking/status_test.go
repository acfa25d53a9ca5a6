package parking_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

const pkStatus = "/.well-known/permit-status"

// statusList fetches the permit-status document, checks that it is a JWS
// the published keys verify, and returns its claims.
func (e *pkEnv) statusList(t *testing.T) *token.Claims {
	t.Helper()
	r := e.app.Get(pkStatus, "").Want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/jwt" {
		t.Errorf("Content-Type %q, want application/jwt", ct)
	}
	claims, err := pkParse(e, string(r.Body), parking.PermitAudience, pkKeyfunc(t, e, "permit-status+jwt"))
	if err != nil {
		t.Fatalf("the permit-status list does not verify with the JWKS: %v (%s)", err, r.Body)
	}
	if claims.IssuedAt == nil || claims.IssuedAt.After(e.app.Clock.Now()) || e.app.Clock.Now().Sub(claims.IssuedAt.Time) > time.Minute {
		t.Errorf("iat = %v, want within the minute before %s", claims.IssuedAt, e.app.Clock.Now())
	}
	return claims
}

// revoked reads the permit IDs a list names.
func revoked(t *testing.T, c *token.Claims) []string {
	t.Helper()
	raw, ok := c.Data["revoked"].([]any)
	if !ok {
		t.Fatalf("data.revoked is %T %v, want a list of IDs", c.Data["revoked"], c.Data["revoked"])
	}
	ids := make([]string, len(raw))
	for i, v := range raw {
		ids[i], _ = v.(string)
	}
	return ids
}

// TestPermitStatusList: an officer's device verifies permit tokens
// offline, so a permit withdrawn before its token expires must reach it
// another way. /.well-known/permit-status is a JWS, verified with the same
// JWKS, listing the permits cancelled, revoked or rejected whose tokens may
// still be live; a change shows within 60 s; a permit leaves the list once
// any token issued for it has expired; and it is read from the database,
// so every instance lists the same permits.
func TestPermitStatusList(t *testing.T) {
	e := newPkEnv(t)
	zoneID := e.zone(10)
	c := e.app.NewCitizen()
	_, cancelled := e.activePermit(c, zoneID, 3)
	_, revokedPermit := e.activePermit(c, zoneID, 3)
	_, valid := e.activePermit(c, zoneID, 3)
	v, _ := e.vehicle(c)
	disabled := e.mustPay(c, e.mustBuy(c, v, zoneID, parking.TypeDisabled, e.date(0), 1).ID)
	if disabled.Status != parking.StatusPendingApproval {
		t.Fatalf("a paid disabled permit is %s", disabled.Status)
	}
	e.cancel(c, cancelled.ID).Want(t, http.StatusOK)
	e.do(http.MethodPost, pkAdmin+"/permits/"+revokedPermit.ID+"/revoke", e.admin.Token, map[string]string{"reason": "forged papers"}, nil).Want(t, http.StatusOK)
	e.do(http.MethodPost, pkAdmin+"/permits/"+disabled.ID+"/reject", e.admin.Token, map[string]string{"reason": "no certificate"}, nil).Want(t, http.StatusOK)

	t.Run("withdrawn permits are listed, valid ones not", func(t *testing.T) {
		ids := revoked(t, e.statusList(t))
		for name, id := range map[string]string{"cancelled": cancelled.ID, "revoked": revokedPermit.ID, "rejected": disabled.ID} {
			if !slices.Contains(ids, id) {
				t.Errorf("the %s permit %s is not listed in %v", name, id, ids)
			}
		}
		if slices.Contains(ids, valid.ID) {
			t.Errorf("the valid permit %s is listed", valid.ID)
		}
	})

	t.Run("every instance lists the same permits", func(t *testing.T) {
		other := parking.NewService(parking.Deps{DB: e.app.DB, Clock: e.app.Clock, Signer: token.NewSigner(apitest.Keys, "citizenapi", e.app.Clock.Now)})
		raw, err := other.PermitStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		claims, err := pkParse(e, raw, parking.PermitAudience, pkKeyfunc(t, e, "permit-status+jwt"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := revoked(t, claims), revoked(t, e.statusList(t)); !slices.Equal(got, want) {
			t.Errorf("another instance lists %v, this one %v", got, want)
		}
	})

	t.Run("a change shows within 60 seconds", func(t *testing.T) {
		e.statusList(t) // the instance may keep this answer a while
		e.app.Clock.Set(pkStart.Add(30 * time.Second))
		e.cancel(c, valid.ID).Want(t, http.StatusOK)
		e.app.Clock.Set(pkStart.Add(90 * time.Second))
		if ids := revoked(t, e.statusList(t)); !slices.Contains(ids, valid.ID) {
			t.Errorf("60 s after its cancellation, %s is not listed in %v", valid.ID, ids)
		}
	})

	t.Run("a permit leaves the list once its tokens have expired", func(t *testing.T) {
		// A token lasts a day at most, and none is issued once a permit is
		// withdrawn: the first three were withdrawn at pkStart, the fourth
		// 30 s later.
		e.app.Clock.Set(pkStart.Add(24*time.Hour - time.Minute))
		if ids := revoked(t, e.statusList(t)); !slices.Contains(ids, cancelled.ID) {
			t.Errorf("a day less a minute after its cancellation, %s is not listed", cancelled.ID)
		}
		e.app.Clock.Set(pkStart.Add(24*time.Hour + 10*time.Second))
		ids := revoked(t, e.statusList(t))
		for _, id := range []string{cancelled.ID, revokedPermit.ID, disabled.ID} {
			if slices.Contains(ids, id) {
				t.Errorf("%s is still listed a day after it was withdrawn", id)
			}
		}
		if !slices.Contains(ids, valid.ID) {
			t.Errorf("%s, cancelled 30 s later, left the list early", valid.ID)
		}
	})

	t.Run("anonymising the plate leaves the time it was withdrawn", func(t *testing.T) {
		svc := parking.NewService(parking.Deps{DB: e.app.DB, Clock: e.app.Clock})
		if _, err := svc.AnonymisePlates(context.Background()); err != nil {
			t.Fatal(err)
		}
		var row struct {
			Plate     string
			UpdatedAt time.Time
		}
		if err := e.app.DB.Raw("SELECT plate, updated_at FROM parking_permits WHERE id = ?", cancelled.ID).Scan(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.Plate != parking.Anonymised || !row.UpdatedAt.Equal(pkStart) {
			t.Errorf("after anonymising: plate %s, updated_at %s; want %s and the cancellation's %s", row.Plate, row.UpdatedAt, parking.Anonymised, pkStart)
		}
	})
}
