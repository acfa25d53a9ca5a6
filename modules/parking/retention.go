package parking

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Anonymised replaces a plate that is no longer needed.
const Anonymised = domain.AnonymisedPlate

// plateKept is how long after a permit ends its plate is kept.
const plateKept = 24 * time.Hour

// AnonymisePlates replaces the plate on permits that ended (or were
// cancelled, revoked, rejected or left unpaid) more than a day ago. It
// returns how many rows it changed. Removed vehicles' plates are the
// registry's to anonymise (identity).
func (s *Service) AnonymisePlates(ctx context.Context) (int64, error) {
	now := s.clock.Now()
	cutoff := now.Add(-plateKept)
	// A permit ends at the close of its last local day.
	lastEnded := domain.LocalDate(cutoff).AddDate(0, 0, -1)
	// UpdateColumn leaves updated_at as it is: when a withdrawn permit was
	// withdrawn, which this rule and the permit-status list read.
	res := s.db.Conn(ctx).Model(&permitRow{}).Where("plate <> ?", Anonymised).
		Where("end_date <= ? OR (status IN ? AND updated_at < ?) OR (status = ? AND hold_until < ?)",
			lastEnded, []string{StatusCancelled, StatusRevoked, StatusRejected}, cutoff, StatusPendingPayment, cutoff).
		UpdateColumn("plate", Anonymised)
	return res.RowsAffected, db.Translate(res.Error, "")
}
