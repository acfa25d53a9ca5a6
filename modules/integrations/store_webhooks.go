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

// ListSubscriptions returns a page of a client's active subscriptions,
// oldest first.
func (s *Store) ListSubscriptions(ctx context.Context, clientID string, p page.Request) (page.Page[Subscription], error) {
	q := s.db.Conn(ctx).Model(&subscriptionRow{}).Where("client_id = ? AND status = 'active'", clientID)
	var after []any
	if len(p.After) == 2 {
		t, err := page.ParseTimeKey(p.After[0])
		if err != nil {
			return page.Page[Subscription]{}, err
		}
		after = []any{t, p.After[1]}
	}
	var rows []subscriptionRow
	if err := page.Seek(q, p, []string{"created_at", "id"}, after...).Find(&rows).Error; err != nil {
		return page.Page[Subscription]{}, db.Translate(err, "")
	}
	out := make([]Subscription, len(rows))
	for i, r := range rows {
		out[i] = subscription(r)
	}
	return page.Build(out, p.Limit, func(sub Subscription) []string { return []string{page.TimeKey(sub.CreatedAt), sub.ID} }), nil
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

// ListDeliveries returns a page of a subscription's deliveries, newest
// first.
func (s *Store) ListDeliveries(ctx context.Context, subscriptionID string, p page.Request) (page.Page[Delivery], error) {
	q := s.db.Conn(ctx).Model(&deliveryRow{}).Where("subscription_id = ?", subscriptionID)
	if len(p.After) == 2 {
		t, err := page.ParseTimeKey(p.After[0])
		if err != nil {
			return page.Page[Delivery]{}, err
		}
		q = q.Where("(created_at < ?) OR (created_at = ? AND id < ?)", t, t, p.After[1])
	}
	var rows []deliveryRow
	if err := q.Order("created_at DESC, id DESC").Limit(p.Limit + 1).Find(&rows).Error; err != nil {
		return page.Page[Delivery]{}, db.Translate(err, "")
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = delivery(r)
	}
	return page.Build(out, p.Limit, func(d Delivery) []string { return []string{page.TimeKey(d.CreatedAt), d.ID} }), nil
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
