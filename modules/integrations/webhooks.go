package integrations

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Subscription is a client's webhook subscription.
type Subscription struct {
	ID        string    `json:"id" format:"uuid"`
	URL       string    `json:"url" example:"https://hooks.shifaclinic.example.pk/citizenapi"`
	Events    []string  `json:"events" example:"appointment.booked,appointment.cancelled"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} // @name Subscription

// SubscriptionWithSecret is a new subscription with its signing secret,
// shown this once.
type SubscriptionWithSecret struct {
	Subscription
	Secret string `json:"secret"`
} // @name SubscriptionWithSecret

// NewSubscription subscribes a URL to events.
type NewSubscription struct {
	URL    string   `json:"url" validate:"required,max=2000"`
	Events []string `json:"events" validate:"required,min=1,max=10,dive,required"`
} // @name NewSubscription

// Check names unknown events and a URL that is not one; whether the client
// may have the events and where the URL leads are the service's to find.
func (in NewSubscription) Check() error {
	var errs domain.FieldErrors
	for _, e := range in.Events {
		if _, ok := webhook.Lookup(e); !ok {
			errs.Add(domain.FieldInvalid("events", "validation.event.unknown", map[string]string{"event": e}))
		}
	}
	errs.Add(webhook.CheckURL("url", in.URL))
	return errs.Err()
}

// Delivery is one attempt record of sending an event to a subscription.
type Delivery struct {
	ID            string     `json:"id" format:"uuid"`
	EventID       string     `json:"event_id" format:"uuid"`
	EventType     string     `json:"event_type"`
	Status        string     `json:"status" enums:"pending,delivered,failed"`
	Attempts      int        `json:"attempts"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty" format:"date-time"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty" format:"date-time"`
	CreatedAt     time.Time  `json:"created_at" format:"date-time"`
} // @name WebhookDelivery

type subscriptionRow = webhook.SubscriptionRow

func subscription(r subscriptionRow) Subscription {
	return Subscription{ID: r.ID, URL: r.URL, Events: strings.Fields(r.Events), CreatedAt: r.CreatedAt.UTC()}
}

type deliveryRow = webhook.DeliveryRow

func delivery(r deliveryRow) Delivery {
	d := Delivery{ID: r.ID, EventID: r.EventID, EventType: r.EventType, Status: r.Status, Attempts: r.Attempts,
		LastStatus: r.LastStatus, LastError: r.LastError, CreatedAt: r.CreatedAt.UTC()}
	if r.Status == "pending" {
		t := r.NextAttemptAt.UTC()
		d.NextAttemptAt = &t
	}
	if r.DeliveredAt != nil {
		t := r.DeliveredAt.UTC()
		d.DeliveredAt = &t
	}
	return d
}

// Subscribe subscribes the calling client's URL to events it is entitled
// to. Errors: Invalid for an unknown or unentitled event or a URL that is
// not https or reaches a private address.
func (s *Service) Subscribe(ctx context.Context, p domain.Principal, in NewSubscription) (SubscriptionWithSecret, error) {
	if err := in.Check(); err != nil {
		return SubscriptionWithSecret{}, err
	}
	scopes := map[string]bool{}
	for _, sc := range p.Scopes {
		scopes[sc] = true
	}
	var errs domain.FieldErrors
	seen := map[string]bool{}
	for _, e := range in.Events {
		et, _ := webhook.Lookup(e) // NewSubscription.Check refused unknown events
		switch {
		case !scopes[et.Scope]:
			errs.Add(domain.FieldInvalid("events", "validation.event.scope", map[string]string{"event": e, "scope": et.Scope}))
		case et.UnitBound && p.UnitID == "":
			errs.Add(domain.FieldInvalid("events", "validation.event.unit", map[string]string{"event": e}))
		}
		seen[e] = true
	}
	errs.Add(s.Targets.Check(ctx, "url", in.URL))
	if err := errs.Err(); err != nil {
		return SubscriptionWithSecret{}, err
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return SubscriptionWithSecret{}, err
	}
	events := make([]string, 0, len(seen))
	for _, e := range in.Events {
		if seen[e] {
			events = append(events, e)
			delete(seen, e)
		}
	}
	row := subscriptionRow{ID: uuid.NewString(), ClientID: p.Subject, URL: in.URL, Events: strings.Join(events, " "),
		Secret: secret, Status: "active", CreatedAt: s.Clock.Now()}
	if err := s.DB.Conn(ctx).Create(&row).Error; err != nil {
		return SubscriptionWithSecret{}, db.Translate(err, "")
	}
	return SubscriptionWithSecret{Subscription: subscription(row), Secret: row.Secret}, nil
}

// Subscriptions lists the calling client's subscriptions, oldest first.
func (s *Service) Subscriptions(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Subscription], error) {
	q := s.DB.Conn(ctx).Model(&subscriptionRow{}).Where("client_id = ? AND status = 'active'", p.Subject)
	var after []any
	if len(pg.After) == 2 {
		t, err := page.ParseTimeKey(pg.After[0])
		if err != nil {
			return page.Page[Subscription]{}, err
		}
		after = []any{t, pg.After[1]}
	}
	var rows []subscriptionRow
	if err := page.Seek(q, pg, []string{"created_at", "id"}, after...).Find(&rows).Error; err != nil {
		return page.Page[Subscription]{}, db.Translate(err, "")
	}
	out := make([]Subscription, len(rows))
	for i, r := range rows {
		out[i] = subscription(r)
	}
	return page.Build(out, pg.Limit, func(sub Subscription) []string { return []string{page.TimeKey(sub.CreatedAt), sub.ID} }), nil
}

// own returns one of the calling client's subscriptions. Errors: NotFound,
// also for another client's.
func (s *Service) own(ctx context.Context, p domain.Principal, id string) (subscriptionRow, error) {
	var row subscriptionRow
	err := s.DB.Conn(ctx).Where("id = ? AND client_id = ? AND status = 'active'", id, p.Subject).Take(&row).Error
	return row, db.Translate(err, "subscription not found")
}

// Unsubscribe deletes one of the calling client's subscriptions; pending
// deliveries to it stop. Errors: NotFound.
func (s *Service) Unsubscribe(ctx context.Context, p domain.Principal, id string) error {
	if _, err := s.own(ctx, p, id); err != nil {
		return err
	}
	return s.DB.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.DB.Conn(ctx).Model(&subscriptionRow{}).Where("id = ?", id).Update("status", "deleted").Error; err != nil {
			return db.Translate(err, "")
		}
		err := s.DB.Conn(ctx).Model(&deliveryRow{}).Where("subscription_id = ? AND status = 'pending'", id).
			Updates(map[string]any{"status": "failed", "last_error": "subscription deleted"}).Error
		return db.Translate(err, "")
	})
}

// Deliveries lists a subscription's deliveries, newest first. Errors: NotFound.
func (s *Service) Deliveries(ctx context.Context, p domain.Principal, id string, pg page.Request) (page.Page[Delivery], error) {
	if _, err := s.own(ctx, p, id); err != nil {
		return page.Page[Delivery]{}, err
	}
	q := s.DB.Conn(ctx).Model(&deliveryRow{}).Where("subscription_id = ?", id)
	if len(pg.After) == 2 {
		t, err := page.ParseTimeKey(pg.After[0])
		if err != nil {
			return page.Page[Delivery]{}, err
		}
		q = q.Where("(created_at < ?) OR (created_at = ? AND id < ?)", t, t, pg.After[1])
	}
	var rows []deliveryRow
	if err := q.Order("created_at DESC, id DESC").Limit(pg.Limit + 1).Find(&rows).Error; err != nil {
		return page.Page[Delivery]{}, db.Translate(err, "")
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = delivery(r)
	}
	return page.Build(out, pg.Limit, func(d Delivery) []string { return []string{page.TimeKey(d.CreatedAt), d.ID} }), nil
}

// Redeliver sends a past delivery's event again as a new delivery, with the
// same event ID so the receiver can tell. Errors: NotFound.
func (s *Service) Redeliver(ctx context.Context, p domain.Principal, id, deliveryID string) (Delivery, error) {
	if _, err := s.own(ctx, p, id); err != nil {
		return Delivery{}, err
	}
	var old deliveryRow
	if err := s.DB.Conn(ctx).Where("id = ? AND subscription_id = ?", deliveryID, id).Take(&old).Error; err != nil {
		return Delivery{}, db.Translate(err, "delivery not found")
	}
	now := s.Clock.Now()
	row := deliveryRow{ID: uuid.NewString(), SubscriptionID: id, EventID: old.EventID, EventType: old.EventType, Payload: old.Payload,
		Status: "pending", NextAttemptAt: now, LockedUntil: now, GiveUpAt: now.Add(24 * time.Hour), CreatedAt: now}
	if err := s.DB.Conn(ctx).Create(&row).Error; err != nil {
		return Delivery{}, db.Translate(err, "")
	}
	return delivery(row), nil
}
