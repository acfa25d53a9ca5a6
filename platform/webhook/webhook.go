// Package webhook delivers the platform's events to third parties'
// subscriptions: signed, retried for a day, logged, and never sent to an
// address inside the platform's own network.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// Sign returns the Webhook-Signature header for body sent at t with
// secret: "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
// Receivers recompute it and refuse old timestamps to stop replays.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a Webhook-Signature header against body and secret and
// refuses one older than tolerance. It is the receiving side's recipe,
// kept here for tests and for integrators written in Go.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > tolerance {
		return false
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}
