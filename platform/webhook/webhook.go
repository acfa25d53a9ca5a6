// Package webhook delivers the platform's events to third parties'
// subscriptions: signed, retried for a day, logged, and never sent to an
// address inside the platform's own network.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// SubscriptionRow is a stored subscription; the integrations module
// manages them.
type SubscriptionRow struct {
	ID       string
	ClientID string
	URL      string
	Events   string
	// SecretSealed is the signing secret sealed by SealSecret.
	SecretSealed string
	Status       string
	CreatedAt    time.Time
}

// TableName is the table of subscriptions.
func (SubscriptionRow) TableName() string { return "webhook_subscriptions" }

// DeliveryRow is one stored delivery of an event to a subscription.
type DeliveryRow struct {
	ID             string
	SubscriptionID string
	EventID        string
	EventType      string
	Payload        string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LockedUntil    time.Time
	GiveUpAt       time.Time
	LastStatus     int
	LastError      string
	DeliveredAt    *time.Time
	CreatedAt      time.Time
}

// TableName is the table of deliveries.
func (DeliveryRow) TableName() string { return "webhook_deliveries" }

// retryFor is how long a delivery is retried before it is failed.
const retryFor = 24 * time.Hour

// Outbox queues events for delivery.
type Outbox struct {
	db    *db.DB
	clock domain.Clock
}

// NewOutbox returns an Outbox on d.
func NewOutbox(d *db.DB, clock domain.Clock) *Outbox { return &Outbox{db: d, clock: clock} }

// Publish queues e for every active subscription entitled to it, in the
// caller's transaction, so an event goes out exactly when its change
// commits. On PostgreSQL the subscriptions are found by the insert itself,
// sent with the caller's commit (nothing reads the outbox back before it),
// so that publishing costs a transaction holding a hot row (a slot's
// seats) no round trip of its own.
func (o *Outbox) Publish(ctx context.Context, e Event) error {
	if err := check(e); err != nil {
		return err
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	now := o.clock.Now()
	if o.db.Dialect == db.Postgres {
		return o.db.AtCommit(ctx, func(conn *gorm.DB) *gorm.DB {
			entitled := o.entitled(conn, e).Select("gen_random_uuid(), s.id, ?, ?, ?, 'pending', ?, ?, ?, ?",
				e.ID, e.Type, string(payload), now, now, now.Add(retryFor), now)
			return conn.Exec(`INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, status,
				next_attempt_at, locked_until, give_up_at, created_at) ?`, entitled)
		})
	}
	var subscriptions []string
	if err := o.entitled(o.db.Conn(ctx), e).Pluck("s.id", &subscriptions).Error; err != nil {
		return db.Translate(err, "")
	}
	if len(subscriptions) == 0 {
		return nil
	}
	rows := make([]DeliveryRow, len(subscriptions))
	for i, id := range subscriptions {
		rows[i] = DeliveryRow{ID: uuid.NewString(), SubscriptionID: id, EventID: e.ID, EventType: e.Type, Payload: string(payload),
			Status: "pending", NextAttemptAt: now, LockedUntil: now, GiveUpAt: now.Add(retryFor), CreatedAt: now}
	}
	return db.Translate(o.db.Conn(ctx).Create(&rows).Error, "")
}

// check refuses an event EventTypes does not describe. Subscribers rely on
// the data's documented shape: a module that sends other data is a bug,
// caught by its tests.
func check(e Event) error {
	et, ok := Lookup(e.Type)
	if !ok {
		return fmt.Errorf("publish %s: not in EventTypes", e.Type)
	}
	if reflect.TypeOf(e.Data) != reflect.TypeOf(et.Data) {
		return fmt.Errorf("publish %s: data is %T, want %T", e.Type, e.Data, et.Data)
	}
	return nil
}

// entitled selects from conn the active subscriptions (as s) entitled to
// e: subscribed to its type, of an active client with the type's scope and
// bound to e's unit (or, for events not bound to one, to none).
func (o *Outbox) entitled(conn *gorm.DB, e Event) *gorm.DB {
	et, _ := Lookup(e.Type)
	q := conn.Table("webhook_subscriptions s").
		Joins("JOIN oauth_clients c ON c.id = s.client_id").
		Where("s.status = 'active' AND c.status = 'active'").
		Where("(' ' || s.events || ' ') LIKE ?", "% "+e.Type+" %").
		Where("(' ' || c.scopes || ' ') LIKE ?", "% "+et.Scope+" %")
	if et.UnitBound {
		return q.Where("c.unit_id = ?", e.unit)
	}
	return q.Where("c.unit_id = '' OR c.unit_id = ?", e.unit)
}

// Signing follows the Standard Webhooks specification
// (https://www.standardwebhooks.com), so that receivers can check
// deliveries with any of its libraries.

// secretPrefix starts every signing secret.
const secretPrefix = "whsec_"

// NewSecret returns a new signing secret: "whsec_" and the standard base64
// of 32 random bytes, the HMAC key.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// key returns the HMAC key a secret holds: the bytes its base64 encodes.
// Secrets issued before signing followed the standard are URL-safe base64
// without padding; they decode to their key bytes just the same, so those
// subscriptions keep receiving without a new secret. The two forms cannot
// be confused: 32 bytes are 44 characters with padding, 43 without.
func key(secret string) ([]byte, error) {
	s := strings.TrimPrefix(secret, secretPrefix)
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		k, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(k) == 0 {
		return nil, errors.New("the subscription's secret is not base64")
	}
	return k, nil
}

// Sign returns the webhook-signature header of the message id sent at t
// with body: "v1," and the standard base64 of the HMAC-SHA256 of
// "<id>.<unix seconds>.<body>", keyed by the secret's bytes. Receivers
// recompute it and refuse old timestamps to stop replays.
func Sign(secret, id string, t time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte(id + "." + strconv.FormatInt(t.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
