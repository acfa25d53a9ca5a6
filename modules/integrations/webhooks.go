package integrations

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

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
	errs.Add(s.targets.Check(ctx, "url", in.URL))
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
		SecretSealed: webhook.SealSecret(s.pii, secret), Status: "active", CreatedAt: s.clock.Now()}
	if err := s.store.CreateSubscription(ctx, row); err != nil {
		return SubscriptionWithSecret{}, err
	}
	return SubscriptionWithSecret{Subscription: subscription(row), Secret: secret}, nil
}

// Subscriptions lists the calling client's subscriptions, oldest first.
func (s *Service) Subscriptions(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Subscription], error) {
	return s.store.ListSubscriptions(ctx, p.Subject, pg)
}

// Unsubscribe deletes one of the calling client's subscriptions; pending
// deliveries to it stop. Errors: NotFound.
func (s *Service) Unsubscribe(ctx context.Context, p domain.Principal, id string) error {
	if _, err := s.store.Subscription(ctx, p.Subject, id); err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		return s.store.DeleteSubscription(ctx, id)
	})
}

// Deliveries lists a subscription's deliveries, newest first. Errors: NotFound.
func (s *Service) Deliveries(ctx context.Context, p domain.Principal, id string, pg page.Request) (page.Page[Delivery], error) {
	if _, err := s.store.Subscription(ctx, p.Subject, id); err != nil {
		return page.Page[Delivery]{}, err
	}
	return s.store.ListDeliveries(ctx, id, pg)
}

// Redeliver sends a past delivery's event again as a new delivery, with the
// same event ID so the receiver can tell. Errors: NotFound.
func (s *Service) Redeliver(ctx context.Context, p domain.Principal, id, deliveryID string) (Delivery, error) {
	if _, err := s.store.Subscription(ctx, p.Subject, id); err != nil {
		return Delivery{}, err
	}
	old, err := s.store.Delivery(ctx, id, deliveryID)
	if err != nil {
		return Delivery{}, err
	}
	now := s.clock.Now()
	row := deliveryRow{ID: uuid.NewString(), SubscriptionID: id, EventID: old.EventID, EventType: old.EventType, Payload: old.Payload,
		Status: "pending", NextAttemptAt: now, LockedUntil: now, GiveUpAt: now.Add(24 * time.Hour), CreatedAt: now}
	if err := s.store.CreateDelivery(ctx, row); err != nil {
		return Delivery{}, err
	}
	return delivery(row), nil
}
