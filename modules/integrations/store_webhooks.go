package integrations

import (
	"context"
	"strings"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// The webhook tables are platform/webhook's rows: it queues and sends what
// this module's clients subscribe to.
type (
	subscriptionRow = webhook.SubscriptionRow
	deliveryRow     = webhook.DeliveryRow
)

func subscription(r subscriptionRow) Subscription {
	return Subscription{ID: r.ID, URL: r.URL, Events: strings.Fields(r.Events), CreatedAt: r.CreatedAt.UTC()}
}

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

// CreateSubscription inserts a subscription.
func (s *Store) CreateSubscription(ctx context.Context, r subscriptionRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}

// subscriptionOrder reads a client's subscriptions oldest first.
var subscriptionOrder = page.Ascending(page.Time("created_at"), page.ID("id"))

// ListSubscriptions returns a page of a client's active subscriptions,
// oldest first.
func (s *Store) ListSubscriptions(ctx context.Context, clientID string, p page.Request) (page.Page[Subscription], error) {
	q := s.db.Conn(ctx).Model(&subscriptionRow{}).Where("client_id = ? AND status = 'active'", clientID)
	q, err := subscriptionOrder.Seek(q, p)
	if err != nil {
		return page.Page[Subscription]{}, err
	}
	var rows []subscriptionRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Subscription]{}, db.Translate(err, "")
	}
	out := make([]Subscription, len(rows))
	for i, r := range rows {
		out[i] = subscription(r)
	}
	return page.Build(subscriptionOrder, out, p, func(sub Subscription) []any { return []any{sub.CreatedAt, sub.ID} }), nil
}

// Subscription returns one of a client's active subscriptions. Errors:
// NotFound, also for another client's.
func (s *Store) Subscription(ctx context.Context, clientID, id string) (subscriptionRow, error) {
	var row subscriptionRow
	err := s.db.Conn(ctx).Where("id = ? AND client_id = ? AND status = 'active'", id, clientID).Take(&row).Error
	return row, db.Translate(err, "subscription not found")
}

// DeleteSubscription marks a subscription deleted and fails its pending
// deliveries, in the caller's transaction.
func (s *Store) DeleteSubscription(ctx context.Context, id string) error {
	if err := s.db.Conn(ctx).Model(&subscriptionRow{}).Where("id = ?", id).Update("status", "deleted").Error; err != nil {
		return db.Translate(err, "")
	}
	err := s.db.Conn(ctx).Model(&deliveryRow{}).Where("subscription_id = ? AND status = 'pending'", id).
		Updates(map[string]any{"status": "failed", "last_error": webhook.Ended}).Error
	return db.Translate(err, "")
}

// deliveryOrder reads a subscription's deliveries newest first.
var deliveryOrder = page.Descending(page.Time("created_at"), page.ID("id"))

// ListDeliveries returns a page of a subscription's deliveries, newest
// first.
func (s *Store) ListDeliveries(ctx context.Context, subscriptionID string, p page.Request) (page.Page[Delivery], error) {
	q := s.db.Conn(ctx).Model(&deliveryRow{}).Where("subscription_id = ?", subscriptionID)
	q, err := deliveryOrder.Seek(q, p)
	if err != nil {
		return page.Page[Delivery]{}, err
	}
	var rows []deliveryRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Delivery]{}, db.Translate(err, "")
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = delivery(r)
	}
	return page.Build(deliveryOrder, out, p, func(d Delivery) []any { return []any{d.CreatedAt, d.ID} }), nil
}

// Delivery returns one of a subscription's deliveries. Errors: NotFound.
func (s *Store) Delivery(ctx context.Context, subscriptionID, id string) (deliveryRow, error) {
	var row deliveryRow
	err := s.db.Conn(ctx).Where("id = ? AND subscription_id = ?", id, subscriptionID).Take(&row).Error
	return row, db.Translate(err, "delivery not found")
}

// CreateDelivery queues a delivery.
func (s *Store) CreateDelivery(ctx context.Context, r deliveryRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}
