package integrations_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// storedSubscription reads a subscription's row as the database holds it,
// every column as text.
func storedSubscription(t *testing.T, app *apitest.App, id string) map[string]string {
	t.Helper()
	rows, err := app.DB.Raw("SELECT * FROM webhook_subscriptions WHERE id = ?", id).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || !rows.Next() {
		t.Fatalf("subscription %s: no row (%v)", id, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(cols))
	for i, col := range cols {
		switch v := vals[i].(type) {
		case []byte:
			out[col] = string(v)
		case nil:
		default:
			out[col] = fmt.Sprint(v)
		}
	}
	return out
}

// A subscription's signing secret is stored sealed: no column of its row
// holds the secret or the key it encodes, yet deliveries are signed with
// it and verify with the Standard Webhooks library.
func TestWebhookSecretsAreSealedAtRest(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusNoContent))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")

	row := storedSubscription(t, w.app, sub.ID)
	key := strings.TrimPrefix(sub.Secret, "whsec_")
	for col, v := range row {
		if strings.Contains(v, key) {
			t.Errorf("column %s holds the signing secret: %q", col, v)
		}
	}
	if sealed := row["secret_sealed"]; pii.SealedWith(sealed) != apitest.PII.Current() {
		t.Errorf("secret_sealed = %q, want the secret sealed under key %s", sealed, apitest.PII.Current())
	}

	w.permit()
	if n := w.dispatch(); n != 1 {
		t.Fatalf("dispatch handled %d deliveries, want 1", n)
	}
	hits := rc.received()
	if len(hits) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(hits))
	}
	if err := signed(t, sub.Secret, hits[0]); err != nil {
		t.Errorf("the delivery does not verify with the secret shown at subscription: %v", err)
	}
}

// Secrets stored in the clear before sealing are sealed when the server
// starts, and keep signing deliveries that verify; a new key reseals what
// an old one sealed, and a second pass finds nothing to do.
func TestSealWebhookSecretsSealsPlainRowsAndRotates(t *testing.T) {
	w := newWebhookEnv(t)
	rc := newReceiver(t, always(http.StatusNoContent))
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	sub := w.subscribe(c, rc.URL, "permit.activated")
	ctx := context.Background()
	// As before sealing: the secret in the clear in the renamed column.
	if err := w.app.DB.Exec("UPDATE webhook_subscriptions SET secret_sealed = ? WHERE id = ?", sub.Secret, sub.ID).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := webhook.SealSecrets(ctx, w.app.DB, apitest.PII); err != nil || n < 1 {
		t.Fatalf("SealSecrets = %d, %v; want the plain row sealed", n, err)
	}
	sealed := storedSubscription(t, w.app, sub.ID)["secret_sealed"]
	if pii.SealedWith(sealed) != apitest.PII.Current() || strings.Contains(sealed, strings.TrimPrefix(sub.Secret, "whsec_")) {
		t.Fatalf("after sealing: secret_sealed = %q", sealed)
	}
	w.permit()
	w.dispatch()
	if hits := rc.received(); len(hits) != 1 || signed(t, sub.Secret, hits[0]) != nil {
		t.Fatalf("after sealing the receiver got %d requests, want 1 signed with the secret", len(hits))
	}

	newKey := "test-2:" + pii.NewKey()
	rotated, err := pii.Parse(apitest.PIISealingKeys+","+newKey, apitest.PIILookupKey)
	if err != nil {
		t.Fatal(err)
	}
	// The other tests' servers share this database and know only test-1.
	t.Cleanup(func() {
		back, _ := pii.Parse(newKey+","+apitest.PIISealingKeys, apitest.PIILookupKey)
		if _, err := webhook.SealSecrets(ctx, w.app.DB, back); err != nil {
			t.Errorf("seal back under test-1: %v", err)
		}
	})
	if _, err := webhook.SealSecrets(ctx, w.app.DB, rotated); err != nil {
		t.Fatal(err)
	}
	resealed := storedSubscription(t, w.app, sub.ID)["secret_sealed"]
	if pii.SealedWith(resealed) != "test-2" || resealed == sealed {
		t.Fatalf("after rotation: secret_sealed = %q, want it sealed under test-2", resealed)
	}
	if n, err := webhook.SealSecrets(ctx, w.app.DB, rotated); err != nil || n != 0 {
		t.Errorf("a second pass rewrote %d rows (%v), want none", n, err)
	}
	w.permit()
	w.dispatchWith((webhook.Targets{AllowPrivate: true}).Client(5*time.Second), rotated)
	if hits := rc.received(); len(hits) != 2 || signed(t, sub.Secret, hits[1]) != nil {
		t.Errorf("after rotation the receiver got %d requests, want a second one signed with the secret", len(hits))
	}
}
