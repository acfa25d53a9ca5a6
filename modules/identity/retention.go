package identity

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// unverifiedKept is how long an account that never verified its phone is
// kept before it is deleted with its codes.
const unverifiedKept = 7 * 24 * time.Hour

// PurgeUnverified deletes accounts still awaiting verification a week after
// registration, with their codes, sessions and dependants. Such an account
// has never signed in, so nothing else refers to it. It returns how many it
// deleted.
func (s *Service) PurgeUnverified(ctx context.Context) (int64, error) {
	res := s.db.Conn(ctx).Where("status = ? AND created_at < ?", StatusPending, s.clock.Now().Add(-unverifiedKept)).Delete(&accountRow{})
	return res.RowsAffected, db.Translate(res.Error, "")
}

// PurgeLoginFailures deletes failed sign-ins older than the window they
// count in, and returns how many it deleted.
func (s *Service) PurgeLoginFailures(ctx context.Context) (int64, error) {
	return s.store.PurgeLoginFailures(ctx, s.clock.Now().Add(-loginWindow))
}

// PurgeThrottles deletes the registration and SMS counts of windows that
// have ended, with the keyed hashes of addresses and phones they hold: the
// longest window is a day. It returns how many it deleted.
func (s *Service) PurgeThrottles(ctx context.Context) (int64, error) {
	return s.store.PurgeWindows(ctx, s.clock.Now().UTC().Add(-day))
}

// plateKept is how long a removed vehicle's plate is kept: a traffic
// challan may be issued up to 90 days after the offence, and goes to
// whoever held the plate then.
const plateKept = 92 * 24 * time.Hour

// AnonymisePlates replaces the plate of vehicles removed more than 92 days
// ago, and returns how many it changed. The rows stay for the permits that
// name them.
func (v *Vehicles) AnonymisePlates(ctx context.Context) (int64, error) {
	res := v.db.Conn(ctx).Model(&vehicleRow{}).
		Where("plate <> ? AND deleted_at IS NOT NULL AND deleted_at < ?", domain.AnonymisedPlate, v.clock.Now().UTC().Add(-plateKept)).
		Update("plate", domain.AnonymisedPlate)
	return res.RowsAffected, db.Translate(res.Error, "")
}
