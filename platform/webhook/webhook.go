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
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Event types a client may subscribe to, with the scope it needs. Events
// of a unit (a facility, school or zone) go only to clients bound to that
// unit, or to unbound clients where the scope allows it.
var Events = map[string]Entitlement{
	"appointment.booked":    {Scope: "health.appointments:read", UnitBound: true},
	"appointment.cancelled": {Scope: "health.appointments:read", UnitBound: true},
	"permit.activated":      {Scope: "parking.permits:verify"},
	"permit.revoked":        {Scope: "parking.permits:verify"},
	"application.decided":   {Scope: "education.schools:read", UnitBound: true},
}

// Entitlement says who may receive an event type.
type Entitlement struct {
	Scope string
	// UnitBound events go only to clients bound to the event's unit.
	UnitBound bool
}

// Event is something that happened, as subscribers receive it.
type Event struct {
	ID        string            `json:"id" format:"uuid"`
	Type      string            `json:"type" example:"appointment.booked"`
	CreatedAt time.Time         `json:"created_at"`
	Data      map[string]string `json:"data"`
	// unit is the facility, school or zone the event belongs to.
	unit string
} // @name WebhookEvent

// New returns an event of type typ belonging to unit.
func New(typ, unit string, data map[string]string, now time.Time) Event {
	return Event{ID: uuid.NewString(), Type: typ, CreatedAt: now, Data: data, unit: unit}
}

// SubscriptionRow is a stored subscription; the integrations module
// manages them.
type SubscriptionRow struct {
	ID        string
	ClientID  string
	URL       string
	Events    string
	Secret    string
	Status    string
	CreatedAt time.Time
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
// commits.
func (o *Outbox) Publish(ctx context.Context, e Event) error {
	ent, ok := Events[e.Type]
	if !ok {
		return nil
	}
	q := o.db.Conn(ctx).Table("webhook_subscriptions s").Select("s.id").
		Joins("JOIN oauth_clients c ON c.id = s.client_id").
		Where("s.status = 'active' AND c.status = 'active'").
		Where("(' ' || s.events || ' ') LIKE ?", "% "+e.Type+" %").
		Where("(' ' || c.scopes || ' ') LIKE ?", "% "+ent.Scope+" %")
	if ent.UnitBound {
		q = q.Where("c.unit_id = ?", e.unit)
	} else {
		q = q.Where("c.unit_id = '' OR c.unit_id = ?", e.unit)
	}
	var ids []string
	if err := q.Pluck("s.id", &ids).Error; err != nil {
		return db.Translate(err, "")
	}
	if len(ids) == 0 {
		return nil
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	now := o.clock.Now()
	rows := make([]DeliveryRow, len(ids))
	for i, id := range ids {
		rows[i] = DeliveryRow{ID: uuid.NewString(), SubscriptionID: id, EventID: e.ID, EventType: e.Type, Payload: string(payload),
			Status: "pending", NextAttemptAt: now, LockedUntil: now, GiveUpAt: now.Add(retryFor), CreatedAt: now}
	}
	return db.Translate(o.db.Conn(ctx).Create(&rows).Error, "")
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
