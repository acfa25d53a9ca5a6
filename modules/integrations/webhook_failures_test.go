package integrations_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// A failed delivery's last_error is a category, never the network error:
// that named hosts, addresses, ports and certificate details, which let a
// client probe what the platform's network reaches.
func TestWebhookDeliveryErrorsAreCategories(t *testing.T) {
	w := newWebhookEnv(t)
	c := w.client([]string{"parking.permits:verify", "webhooks:manage"}, "", 0)
	private := webhook.Targets{AllowPrivate: true}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusing := "http://" + ln.Addr().String() + "/hooks"
	ln.Close() // nothing listens there any more
	untrusted := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	untrusted.StartTLS()
	t.Cleanup(untrusted.Close)
	slow := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then a closed connection ends r.Context()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	fine := newReceiver(t, always(http.StatusNoContent)).URL

	tests := []struct {
		name       string
		url        string
		client     *http.Client
		moveTo     string // a URL the subscription is moved to after subscribing
		wantError  string
		wantStatus int
	}{
		{"connection refused", refusing, private.Client(5 * time.Second), "", "refused", 0},
		{"500", newReceiver(t, always(http.StatusInternalServerError)).URL, private.Client(5 * time.Second), "", "http_status", 500},
		{"503", newReceiver(t, always(http.StatusServiceUnavailable)).URL, private.Client(5 * time.Second), "", "http_status", 503},
		{"a redirect", newReceiver(t, always(http.StatusFound)).URL, private.Client(5 * time.Second), "", "redirect", 302},
		{"an untrusted certificate", untrusted.URL, private.Client(5 * time.Second), "", "tls", 0},
		{"no TLS at an https address", "https" + strings.TrimPrefix(fine, "http"), private.Client(5 * time.Second), "", "tls", 0},
		{"no answer in time", slow.URL, private.Client(300 * time.Millisecond), "", "timeout", 0},
		{"a name that does not resolve", fine, private.Client(5 * time.Second), "https://receiver.invalid/hooks", "dns", 0},
		{"a blocked address", fine, (webhook.Targets{}).Client(5 * time.Second), "", "not_allowed", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := w.subscribe(c, tt.url, "permit.activated")
			defer func() {
				w.app.Do(apitest.Request{Method: http.MethodDelete, Path: hooksPath + "/" + sub.ID, Token: c.Token}).Want(t, http.StatusNoContent)
			}()
			if tt.moveTo != "" {
				if err := w.app.DB.Exec("UPDATE webhook_subscriptions SET url = ? WHERE id = ?", tt.moveTo, sub.ID).Error; err != nil {
					t.Fatal(err)
				}
			}
			w.permit()
			if n := w.dispatchWith(tt.client, apitest.PII); n != 1 {
				t.Fatalf("dispatch handled %d deliveries, want 1", n)
			}
			r := w.app.Get(hooksPath+"/"+sub.ID+"/deliveries", c.Token)
			r.Want(t, http.StatusOK)
			var list integrations.DeliveryList
			r.JSON(t, &list)
			if len(list.Items) != 1 {
				t.Fatalf("%d deliveries, want 1: %s", len(list.Items), r.Body)
			}
			if d := list.Items[0]; d.LastError != tt.wantError || d.LastStatus != tt.wantStatus || d.Status != "pending" {
				t.Errorf("last_error %q, last_status %d, status %s; want %q, %d, pending", d.LastError, d.LastStatus, d.Status, tt.wantError, tt.wantStatus)
			}
			target, _ := url.Parse(tt.url)
			for _, raw := range []string{target.Host, target.Port(), "127.0.0.1", "receiver.invalid", "dial", "tcp", "connect",
				"lookup", "no such host", "x509", "certificate", "HTTPS", "deadline", "Timeout", "Internal Server Error", "Unavailable", "Found"} {
				if strings.Contains(string(r.Body), raw) {
					t.Errorf("the delivery log shows %q: %s", raw, r.Body)
				}
			}
		})
	}
}

// The API documents last_error as an enumeration of webhook.Failures, the
// one list the dispatcher records from.
func TestWebhookFailuresAreTheDocumentedEnum(t *testing.T) {
	field, _ := reflect.TypeFor[integrations.Delivery]().FieldByName("LastError")
	if got, want := field.Tag.Get("enums"), strings.Join(webhook.Failures, ","); got != want {
		t.Errorf("Delivery.LastError enums = %q, want webhook.Failures, %q", got, want)
	}
}
