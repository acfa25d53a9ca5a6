package traffic

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// dueLead is how many days before a challan's due date its holder is
// reminded to pay.
const dueLead = 3

// SendReminders tells holders of unpaid challans, once each, that one is
// due within 3 days and, once more, that one is overdue. Each reminder is
// claimed by a conditional update in the transaction of its notice, so
// several instances running this at once send it one time. It returns how
// many it sent.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	today := domain.LocalDate(s.clock.Now())
	sent := 0
	for _, r := range []struct {
		column, kind, due string
		args              []any
	}{
		{"due_reminded_at", "challan.due_soon", "due_date >= ? AND due_date <= ?", []any{today, today.AddDate(0, 0, dueLead)}},
		{"overdue_reminded_at", "challan.overdue", "due_date < ?", []any{today}},
	} {
		var rows []challanRow
		err := s.db.Conn(ctx).Where("status = ? AND account_id IS NOT NULL AND "+r.column+" IS NULL", StatusIssued).
			Where(r.due, r.args...).Order("due_date").Limit(500).Find(&rows).Error
		if err != nil {
			return sent, db.Translate(err, "")
		}
		for _, c := range rows {
			err := s.db.WithinTx(ctx, func(ctx context.Context) error {
				res := s.db.Conn(ctx).Model(&challanRow{}).Where("id = ? AND status = ? AND "+r.column+" IS NULL", c.ID, StatusIssued).
					Update(r.column, s.clock.Now())
				if res.Error != nil || res.RowsAffected == 0 {
					return db.Translate(res.Error, "")
				}
				sent++
				return s.tell(ctx, c, r.kind, "")
			})
			if err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}
