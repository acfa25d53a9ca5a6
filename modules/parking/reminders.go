package parking

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// reminderLead is how many days before a permit's last day its holder is
// reminded to renew.
const reminderLead = 7

// SendReminders tells holders of active permits whose last day is within
// the next 7 days, once each: the reminder is claimed by a conditional
// update in the same transaction as the notice, so several instances
// running this at once send each reminder one time. It returns how many it
// sent.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	today := domain.LocalDate(now)
	var due []permitRow
	err := s.db.Conn(ctx).Where("status = ? AND reminded_at IS NULL AND end_date >= ? AND end_date <= ?", StatusActive, today, today.AddDate(0, 0, reminderLead)).
		Order("end_date").Limit(500).Find(&due).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	sent := 0
	for _, p := range due {
		err := s.db.WithinTx(ctx, func(ctx context.Context) error {
			res := s.db.Conn(ctx).Model(&permitRow{}).Where("id = ? AND status = ? AND reminded_at IS NULL", p.ID, StatusActive).Update("reminded_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return db.Translate(res.Error, "")
			}
			sent++
			return s.notice(ctx, p, "permit.expiring", "")
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
