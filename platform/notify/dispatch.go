package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

// Recipient is where and in which language a citizen gets messages.
type Recipient struct {
	Phone    string
	Email    string
	Language string
}

// Recipients looks up a citizen's contact details; the identity module
// answers it.
type Recipients interface {
	Recipient(ctx context.Context, accountID string) (Recipient, error)
}

// Delivery limits.
const (
	// maxAttempts is how often a delivery is tried before it is failed.
	maxAttempts = 8
	// claimLease is how long a claimed delivery is reserved for the
	// instance that claimed it; if that instance dies, another retries it.
	claimLease = 2 * time.Minute
	batchSize  = 20
)

// Backoff is the wait before the next try after attempts failed ones:
// 10 s, 20 s, 40 s … at most an hour.
func Backoff(attempts int) time.Duration {
	d := 10 * time.Second << max(attempts-1, 0)
	if d > time.Hour || d <= 0 {
		return time.Hour
	}
	return d
}

// Dispatcher sends pending deliveries. Several may run, in one process or
// many: each claims its rows with a conditional update (FOR UPDATE SKIP
// LOCKED on PostgreSQL), so no delivery is sent by two at once. A crash
// between sending and recording the send repeats the message once its lease
// ends: a duplicate, never a loss.
type Dispatcher struct {
	db         *db.DB
	clock      domain.Clock
	sender     Sender
	recipients Recipients
	log        *slog.Logger
}

// NewDispatcher returns a Dispatcher sending through sender.
func NewDispatcher(d *db.DB, clock domain.Clock, sender Sender, recipients Recipients, log *slog.Logger) *Dispatcher {
	return &Dispatcher{db: d, clock: clock, sender: sender, recipients: recipients, log: log}
}

// Run sends due deliveries every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("deliver notifications", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// RunOnce claims and sends one batch of due deliveries and returns how
// many it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	claimed, err := d.claim(ctx)
	if err != nil {
		return 0, err
	}
	for _, r := range claimed {
		d.deliver(ctx, r)
	}
	return len(claimed), nil
}

// claim reserves due deliveries for this dispatcher and counts the attempt.
func (d *Dispatcher) claim(ctx context.Context) ([]deliveryRow, error) {
	now := d.clock.Now()
	pick := `SELECT id FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND locked_until <= ?
		ORDER BY next_attempt_at LIMIT ?`
	if d.db.Dialect == db.Postgres {
		pick += " FOR UPDATE SKIP LOCKED"
	}
	var rows []deliveryRow
	err := d.db.Conn(ctx).Raw(`UPDATE notification_deliveries SET locked_until = ?, attempts = attempts + 1
		WHERE id IN (`+pick+`) RETURNING id, notification_id, account_id, channel, attempts`,
		now.Add(claimLease), now, now, batchSize).Scan(&rows).Error
	return rows, db.Translate(err, "")
}

// deliver sends one claimed delivery and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, r deliveryRow) {
	msg, skip, err := d.message(ctx, r)
	if err == nil && !skip {
		err = d.sender.Send(ctx, msg)
	}
	now := d.clock.Now()
	fields := map[string]any{"locked_until": now}
	switch {
	case skip:
		fields["status"] = "skipped"
	case err == nil:
		fields["status"], fields["sent_at"], fields["last_error"] = "sent", now, ""
	case r.Attempts >= maxAttempts:
		fields["status"], fields["last_error"] = "failed", err.Error()
	default:
		fields["next_attempt_at"], fields["last_error"] = now.Add(Backoff(r.Attempts)), err.Error()
	}
	// The outcome is recorded even if ctx is ending, so a sent message is
	// not sent again.
	if uerr := d.db.Conn(context.WithoutCancel(ctx)).Model(&deliveryRow{}).Where("id = ?", r.ID).Updates(fields).Error; uerr != nil {
		d.log.Warn("record delivery", "delivery", r.ID, "error", uerr)
	}
}

// message renders a delivery in its recipient's language; skip is true when
// the recipient has no address for the channel.
func (d *Dispatcher) message(ctx context.Context, r deliveryRow) (Message, bool, error) {
	var n noticeRow
	if err := d.db.Conn(ctx).Where("id = ?", r.NotificationID).Take(&n).Error; err != nil {
		return Message{}, false, fmt.Errorf("load notification: %w", err)
	}
	to, err := d.recipients.Recipient(ctx, r.AccountID)
	if err != nil {
		return Message{}, false, fmt.Errorf("look up recipient: %w", err)
	}
	var params map[string]string
	_ = json.Unmarshal([]byte(n.Data), &params)
	lang := to.Language
	if !i18n.Supported(lang) {
		lang = i18n.English
	}
	title := i18n.T(lang, "notification."+n.Kind+".title", params)
	body := i18n.T(lang, "notification."+n.Kind+".body", params)
	switch r.Channel {
	case SMS:
		if to.Phone == "" {
			return Message{}, true, nil
		}
		return Message{ID: n.ID, To: to.Phone, Channel: SMS, Body: title + ": " + body}, false, nil
	default:
		if to.Email == "" {
			return Message{}, true, nil
		}
		return Message{ID: n.ID, To: to.Email, Channel: Email, Subject: title, Body: body}, false, nil
	}
}
