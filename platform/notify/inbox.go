package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Notice is something the platform tells a citizen.
type Notice struct {
	AccountID string
	// Kind names the event, such as "appointment.cancelled_by_facility";
	// its texts are notification.<kind>.title and .body in the catalogs.
	Kind string
	// Params fill the texts' placeholders and carry the IDs the app needs
	// to open the record concerned.
	Params map[string]string
}

// Notification is a notice as the citizen reads it, in their language.
type Notification struct {
	ID         string            `json:"id" format:"uuid"`
	Kind       string            `json:"kind" example:"appointment.booked"`
	Title      string            `json:"title"`
	Body       string            `json:"body"`
	Data       map[string]string `json:"data"`
	Read       bool              `json:"read"`
	ReadAt     *time.Time        `json:"read_at,omitempty" format:"date-time"`
	Deliveries []Delivery        `json:"deliveries"`
	CreatedAt  time.Time         `json:"created_at" format:"date-time"`
} // @name Notification

// Delivery is how a notification went out through one channel.
type Delivery struct {
	Channel  string     `json:"channel" enums:"sms,email"`
	Status   string     `json:"status" enums:"pending,sent,failed,skipped"`
	Attempts int        `json:"attempts"`
	SentAt   *time.Time `json:"sent_at,omitempty" format:"date-time"`
} // @name Delivery

type noticeRow struct {
	ID        string
	AccountID string
	Kind      string
	Title     string
	Body      string
	Data      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

func (noticeRow) TableName() string { return "notifications" }

type deliveryRow struct {
	ID             string
	NotificationID string
	AccountID      string
	Channel        string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LockedUntil    time.Time
	LastError      string
	SentAt         *time.Time
	CreatedAt      time.Time
}

func (deliveryRow) TableName() string { return "notification_deliveries" }

// Inbox stores notices for citizens and queues their delivery by SMS and
// e-mail. It writes through the caller's transaction, so a notice exists,
// and goes out, exactly when the change it reports commits.
type Inbox struct {
	db    *db.DB
	clock domain.Clock
}

// NewInbox returns an Inbox on d.
func NewInbox(d *db.DB, clock domain.Clock) *Inbox { return &Inbox{db: d, clock: clock} }

// Add stores n for its citizen with a pending delivery per channel.
func (i *Inbox) Add(ctx context.Context, n Notice) error {
	data, err := json.Marshal(n.Params)
	if err != nil {
		return err
	}
	now := i.clock.Now()
	row := noticeRow{ID: uuid.NewString(), AccountID: n.AccountID, Kind: n.Kind, Data: string(data), CreatedAt: now,
		Title: i18n.T(i18n.English, "notification."+n.Kind+".title", n.Params), Body: i18n.T(i18n.English, "notification."+n.Kind+".body", n.Params)}
	deliveries := []deliveryRow{
		{ID: uuid.NewString(), NotificationID: row.ID, AccountID: n.AccountID, Channel: SMS, Status: "pending", NextAttemptAt: now, LockedUntil: now, CreatedAt: now},
		{ID: uuid.NewString(), NotificationID: row.ID, AccountID: n.AccountID, Channel: Email, Status: "pending", NextAttemptAt: now, LockedUntil: now, CreatedAt: now},
	}
	if i.db.Dialect == db.Postgres {
		// One statement, sent with the caller's commit: the caller's
		// transaction often holds a hot row, such as a slot's seats.
		return i.db.AtCommit(ctx, func(conn *gorm.DB) *gorm.DB {
			return conn.Exec(`WITH notice AS (
				INSERT INTO notifications (id, account_id, kind, title, body, data, created_at) VALUES (@id, @account, @kind, @title, @body, @data, @now))
			INSERT INTO notification_deliveries (id, notification_id, account_id, channel, status, next_attempt_at, locked_until, created_at)
			VALUES (@sms, @id, @account, 'sms', 'pending', @now, @now, @now), (@email, @id, @account, 'email', 'pending', @now, @now, @now)`,
				map[string]any{"id": row.ID, "account": row.AccountID, "kind": row.Kind, "title": row.Title, "body": row.Body, "data": row.Data,
					"now": now, "sms": deliveries[0].ID, "email": deliveries[1].ID})
		})
	}
	conn := i.db.Conn(ctx)
	if err := conn.Create(&row).Error; err != nil {
		return db.Translate(err, "")
	}
	return db.Translate(conn.Create(&deliveries).Error, "")
}

func (r noticeRow) notification(lang string) Notification {
	var data map[string]string
	_ = json.Unmarshal([]byte(r.Data), &data)
	if data == nil {
		data = map[string]string{}
	}
	n := Notification{ID: r.ID, Kind: r.Kind, Title: i18n.T(lang, "notification."+r.Kind+".title", data),
		Body: i18n.T(lang, "notification."+r.Kind+".body", data), Data: data, Read: r.ReadAt != nil, CreatedAt: r.CreatedAt.UTC(), Deliveries: []Delivery{}}
	if r.ReadAt != nil {
		t := r.ReadAt.UTC()
		n.ReadAt = &t
	}
	return n
}

// noticeOrder reads a citizen's notifications unread first, then newest
// first.
var noticeOrder = page.Descending(page.Int("CASE WHEN read_at IS NULL THEN 1 ELSE 0 END"), page.Time("created_at"), page.ID("id"))

// List returns a page of a citizen's notifications in lang, unread first,
// then newest first.
func (i *Inbox) List(ctx context.Context, accountID, lang string, p page.Request) (page.Page[Notification], error) {
	q, err := noticeOrder.Seek(i.db.Conn(ctx).Model(&noticeRow{}).Where("account_id = ?", accountID), p)
	if err != nil {
		return page.Page[Notification]{}, err
	}
	var rows []noticeRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Notification]{}, db.Translate(err, "")
	}
	out := make([]Notification, len(rows))
	ids := make([]string, len(rows))
	for k, r := range rows {
		out[k], ids[k] = r.notification(lang), r.ID
	}
	if err := i.withDeliveries(ctx, out, ids); err != nil {
		return page.Page[Notification]{}, err
	}
	return page.Build(noticeOrder, out, p, func(n Notification) []any {
		unread := 0
		if !n.Read {
			unread = 1
		}
		return []any{unread, n.CreatedAt, n.ID}
	}), nil
}

// withDeliveries adds each notification's deliveries, read in one query.
func (i *Inbox) withDeliveries(ctx context.Context, out []Notification, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var rows []deliveryRow
	if err := i.db.Conn(ctx).Where("notification_id IN ?", ids).Order("channel").Find(&rows).Error; err != nil {
		return db.Translate(err, "")
	}
	at := map[string]int{}
	for k, id := range ids {
		at[id] = k
	}
	for _, r := range rows {
		d := Delivery{Channel: r.Channel, Status: r.Status, Attempts: r.Attempts}
		if r.SentAt != nil {
			t := r.SentAt.UTC()
			d.SentAt = &t
		}
		out[at[r.NotificationID]].Deliveries = append(out[at[r.NotificationID]].Deliveries, d)
	}
	return nil
}

// MarkRead marks one of a citizen's notifications read and returns it.
// Errors: NotFound, also for anyone else's.
func (i *Inbox) MarkRead(ctx context.Context, accountID, id, lang string) (Notification, error) {
	conn := i.db.Conn(ctx)
	if err := conn.Model(&noticeRow{}).Where("id = ? AND account_id = ? AND read_at IS NULL", id, accountID).
		Update("read_at", i.clock.Now()).Error; err != nil {
		return Notification{}, db.Translate(err, "")
	}
	var r noticeRow
	if err := conn.Where("id = ? AND account_id = ?", id, accountID).Take(&r).Error; err != nil {
		return Notification{}, db.Translate(err, "notification not found")
	}
	out := []Notification{r.notification(lang)}
	err := i.withDeliveries(ctx, out, []string{r.ID})
	return out[0], err
}

// Unread counts a citizen's unread notifications.
func (i *Inbox) Unread(ctx context.Context, accountID string) (int, error) {
	var n int64
	err := i.db.Conn(ctx).Model(&noticeRow{}).Where("account_id = ? AND read_at IS NULL", accountID).Count(&n).Error
	return int(n), db.Translate(err, "")
}
