package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/worker"
)

// Recipient is where and in which language a citizen gets messages.
type Recipient struct {
	Phone    string
	Email    string
	Language string
}

// Recipients looks up citizens' contact details, a batch at a time; the
// identity module answers it. Unknown accounts are left out of the map.
type Recipients interface {
	Recipients(ctx context.Context, accountIDs []string) (map[string]Recipient, error)
}

// Delivery limits.
const (
	// maxAttempts is how often a delivery is tried before it is failed.
	maxAttempts = 8
	// claimLease is how long a claimed delivery is reserved for the
	// instance that claimed it; if that instance dies, another retries it.
	claimLease = 2 * time.Minute
	batchSize  = 20
	// parallelSends bounds the messages one dispatcher sends at once.
	parallelSends = 8
)

// Backoff is the wait before the next try after attempts failed ones:
// 10 s, 20 s, 40 s … at most an hour.
func Backoff(attempts int) time.Duration { return worker.Backoff(10*time.Second, attempts) }

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

// Job sends due deliveries every interval, and again at once after a full
// batch.
func (d *Dispatcher) Job(interval time.Duration) worker.Job {
	return worker.Job{Name: "deliver notifications", Every: interval, Batch: batchSize, Do: d.RunOnce}
}

// Run runs Job until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	worker.Run(ctx, d.log, d.Job(interval))
}

// RunOnce claims and sends one batch of due deliveries and returns how
// many it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	claimed, err := d.claim(ctx)
	if err != nil {
		return 0, err
	}
	if len(claimed) == 0 {
		return 0, nil
	}
	// One query each for the batch's notices and recipients, not one per delivery.
	notices, to, err := d.load(ctx, claimed)
	// A gateway answers in tens of milliseconds: send several at once.
	var mu sync.Mutex
	var skipped []string
	var wg sync.WaitGroup
	sending := make(chan struct{}, parallelSends)
	for _, r := range claimed {
		wg.Add(1)
		sending <- struct{}{}
		go func() {
			defer func() { <-sending; wg.Done() }()
			if d.deliver(ctx, r, notices, to, err) {
				mu.Lock()
				skipped = append(skipped, r.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Nothing was sent for these, so recording them together risks nothing.
	if len(skipped) > 0 {
		err := d.db.ExecAsyncCommit(context.WithoutCancel(ctx), func(conn *gorm.DB) *gorm.DB {
			return conn.Model(&deliveryRow{}).Where("id IN ?", skipped).
				Updates(map[string]any{"status": "skipped", "locked_until": d.clock.Now()})
		})
		if err != nil {
			d.log.Warn("record skipped deliveries", "error", err)
		}
	}
	return len(claimed), nil
}

func (d *Dispatcher) load(ctx context.Context, claimed []deliveryRow) (map[string]noticeRow, map[string]Recipient, error) {
	var noticeIDs, accountIDs []string
	for _, r := range claimed {
		noticeIDs = append(noticeIDs, r.NotificationID)
		accountIDs = append(accountIDs, r.AccountID)
	}
	var rows []noticeRow
	if err := d.db.Conn(ctx).Where("id IN ?", noticeIDs).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("load notifications: %w", err)
	}
	notices := make(map[string]noticeRow, len(rows))
	for _, n := range rows {
		notices[n.ID] = n
	}
	to, err := d.recipients.Recipients(ctx, accountIDs)
	if err != nil {
		return nil, nil, fmt.Errorf("look up recipients: %w", err)
	}
	return notices, to, nil
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

// deliver sends one claimed delivery and records the outcome at once, so
// that a crash can repeat at most this message. It reports, without
// recording it, a delivery skipped because the recipient has no address for
// its channel. loadErr is the batch's failure to load its notices and
// recipients.
func (d *Dispatcher) deliver(ctx context.Context, r deliveryRow, notices map[string]noticeRow, to map[string]Recipient, loadErr error) (skipped bool) {
	msg, skip, err := Message{}, false, loadErr
	if err == nil {
		msg, skip, err = message(r, notices, to)
	}
	if skip {
		return true
	}
	if err == nil {
		err = d.sender.Send(ctx, msg)
	}
	now := d.clock.Now()
	fields := map[string]any{"locked_until": now}
	switch {
	case err == nil:
		fields["status"], fields["sent_at"], fields["last_error"] = "sent", now, ""
	case r.Attempts >= maxAttempts:
		fields["status"], fields["last_error"] = "failed", err.Error()
	default:
		fields["next_attempt_at"], fields["last_error"] = now.Add(Backoff(r.Attempts)), err.Error()
	}
	// The outcome is recorded even if ctx is ending, so a sent message is
	// not sent again. Only a crash of the database could lose the record
	// (asynchronous commit), and that repeats the message: the same as a
	// crash of this instance between sending and recording.
	record := func(conn *gorm.DB) *gorm.DB { return conn.Model(&deliveryRow{}).Where("id = ?", r.ID).Updates(fields) }
	if uerr := d.db.ExecAsyncCommit(context.WithoutCancel(ctx), record); uerr != nil {
		d.log.Warn("record delivery", "delivery", r.ID, "error", uerr)
	}
	return false
}

// message renders a delivery in its recipient's language; skip is true when
// the recipient has no address for the channel.
func message(r deliveryRow, notices map[string]noticeRow, recipients map[string]Recipient) (Message, bool, error) {
	n, ok := notices[r.NotificationID]
	if !ok {
		return Message{}, false, fmt.Errorf("notification %s not found", r.NotificationID)
	}
	to, ok := recipients[r.AccountID]
	if !ok {
		return Message{}, false, fmt.Errorf("recipient %s not found", r.AccountID)
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
