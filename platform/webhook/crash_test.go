package webhook_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// TestMain drops the package's PostgreSQL schema after the tests.
func TestMain(m *testing.M) { dbtest.Main(m) }

// crashAfterSend passes requests to next and, once a receiver has accepted
// one, "kills the process" before the dispatcher can record the delivery:
// it closes the dispatcher's database handle.
type crashAfterSend struct {
	next  http.RoundTripper
	crash func()
}

func (c crashAfterSend) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := c.next.RoundTrip(req)
	if err == nil && res.StatusCode/100 == 2 {
		c.crash()
	}
	return res, err
}

// hit is one request the receiver got.
type hit struct {
	header http.Header
	body   []byte
}

// TestFaultCrashAfterSend shows what happens to a webhook whose instance
// dies after the receiver accepted it but before the delivery was marked
// delivered: a new instance sends it again once the dead one's claim lease
// runs out, with the same webhook-id (the event ID) and body, so that the
// receiver can drop the duplicate. It is never lost, and never sent a third
// time.
func TestFaultCrashAfterSend(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	for _, stmt := range []string{"DELETE FROM webhook_deliveries", "DELETE FROM webhook_subscriptions"} {
		if err := d.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	clock := dbtest.NewClock(time.Date(2027, 3, 10, 4, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var hits []hit
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		hits = append(hits, hit{r.Header.Clone(), body})
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)
	received := func() []hit {
		mu.Lock()
		defer mu.Unlock()
		return append([]hit(nil), hits...)
	}

	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pii.Parse("crash:"+pii.NewKey(), pii.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	subID := subscribe(t, d, clock.Now(), receiver.URL, webhook.SealSecret(keys, secret))
	ev := webhook.New("permit.activated", "", webhook.PermitEventData{PermitID: uuid.NewString()}, clock.Now())
	if err := d.WithinTx(ctx, func(ctx context.Context) error { return webhook.NewOutbox(d, clock).Publish(ctx, ev) }); err != nil {
		t.Fatalf("publish: %v", err)
	}

	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	targets := webhook.Targets{AllowPrivate: true}
	crashed := dbtest.Reopen(t, d)
	client := targets.Client(5 * time.Second)
	client.Transport = crashAfterSend{next: client.Transport, crash: func() { crashed.Close() }}
	if n, err := webhook.NewDispatcher(crashed, clock, client, keys, log).RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("RunOnce before the crash = %d, %v; want 1 delivery handled", n, err)
	}
	if got := len(received()); got != 1 {
		t.Fatalf("the receiver got %d requests before the crash, want 1", got)
	}
	if !strings.Contains(logs.String(), "record webhook delivery") {
		t.Errorf("the dispatcher recorded the delivery although its database was gone; logs:\n%s", logs.String())
	}
	lease := clock.Now().Add(2 * time.Minute)
	if got := delivery(t, d, subID); got.Status != "pending" || got.Attempts != 1 || got.DeliveredAt != nil || !got.LockedUntil.Equal(lease) {
		t.Fatalf("after the crash: %+v; want pending, claimed once, leased until %s", got, lease)
	}

	// A new process: its own database handle and dispatcher.
	restarted := webhook.NewDispatcher(dbtest.Reopen(t, d), clock, targets.Client(5*time.Second), keys, log)
	clock.Set(lease.Add(-time.Second))
	if n, err := restarted.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("while the dead instance's lease held RunOnce = %d, %v; want 0", n, err)
	}
	clock.Set(lease)
	if n, err := restarted.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("after the lease RunOnce = %d, %v; want 1", n, err)
	}
	got := received()
	if len(got) != 2 {
		t.Fatalf("the receiver got %d requests, want the event twice", len(got))
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range got {
		if id := h.header.Get("webhook-id"); id != ev.ID || !bytes.Equal(h.body, got[0].body) {
			t.Errorf("request %d: webhook-id %q, body %s; want event %s with the first body %s", i+1, id, h.body, ev.ID, got[0].body)
		}
		// The test's clock is not the wall clock the library reads, so
		// only the signature is checked here.
		if err := wh.VerifyIgnoringTimestamp(h.body, h.header); err != nil {
			t.Errorf("request %d: signature %q: %v", i+1, h.header.Get("webhook-signature"), err)
		}
	}
	if got := delivery(t, d, subID); got.Status != "delivered" || got.Attempts != 2 || got.DeliveredAt == nil {
		t.Errorf("after the resend: %+v; want delivered on attempt 2", got)
	}
	clock.Advance(24 * time.Hour)
	if n, err := restarted.RunOnce(ctx); n != 0 || err != nil || len(received()) != 2 {
		t.Errorf("a day later RunOnce = %d, %v with %d requests received; want no third copy", n, err, len(received()))
	}
}

// subscribe stores an active client entitled to permit events and its
// subscription to permit.activated at rawURL with a sealed secret, and
// returns the subscription's ID.
func subscribe(t *testing.T, d *db.DB, now time.Time, rawURL, sealedSecret string) string {
	t.Helper()
	clientID, subID := uuid.NewString(), uuid.NewString()
	if err := d.Exec(`INSERT INTO oauth_clients (id, name, owner_contact, secret_hash, scopes, unit_id, rate_per_minute, status, created_at, updated_at)
		VALUES (?, 'Crash test', 'ops@client.test', 'x', 'parking.permits:verify', '', 60, 'active', ?, ?)`, clientID, now, now).Error; err != nil {
		t.Fatalf("insert client: %v", err)
	}
	if err := d.Exec(`INSERT INTO webhook_subscriptions (id, client_id, url, events, secret_sealed, status, created_at)
		VALUES (?, ?, ?, 'permit.activated', ?, 'active', ?)`, subID, clientID, rawURL, sealedSecret, now).Error; err != nil {
		t.Fatalf("insert subscription: %v", err)
	}
	return subID
}

// delivery returns the subscription's one delivery.
func delivery(t *testing.T, d *db.DB, subscriptionID string) webhook.DeliveryRow {
	t.Helper()
	var rows []webhook.DeliveryRow
	if err := d.Where("subscription_id = ?", subscriptionID).Find(&rows).Error; err != nil || len(rows) != 1 {
		t.Fatalf("deliveries of %s: %d (err %v), want 1", subscriptionID, len(rows), err)
	}
	return rows[0]
}
