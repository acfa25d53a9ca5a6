package health

import (
	"context"
	"strconv"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
)

// reminderLead is how long before an appointment its reminder goes out.
const reminderLead = 24 * time.Hour

// SendReminders tells each patient's account about a booked appointment
// starting within the next 24 hours, once: the reminder is claimed by a
// conditional update in the same transaction as the notice, so several
// instances running this at once send each reminder one time. It returns
// how many it sent.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	var due []appointmentRow
	err := s.db.Conn(ctx).Where("status = ? AND reminded_at IS NULL AND starts_at > ? AND starts_at <= ?", StatusBooked, now, now.Add(reminderLead)).
		Order("starts_at").Limit(500).Find(&due).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	sent := 0
	for _, a := range due {
		err := s.db.WithinTx(ctx, func(ctx context.Context) error {
			res := s.db.Conn(ctx).Model(&appointmentRow{}).Where("id = ? AND status = ? AND reminded_at IS NULL", a.ID, StatusBooked).Update("reminded_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return db.Translate(res.Error, "")
			}
			sent++
			return s.inbox.Add(ctx, notify.Notice{AccountID: a.AccountID, Kind: "appointment.reminder", Params: map[string]string{
				"patient": a.PatientName, "when": localTime(a.StartsAt), "queue": strconv.Itoa(a.QueueNumber), "appointment_id": a.ID,
			}})
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
