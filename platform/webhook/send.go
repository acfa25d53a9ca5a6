package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/worker"
)

// Targets decides which addresses webhooks may be sent to. Production
// allows https to public addresses only; development and tests may allow
// private ones (and plain http) to reach a receiver on their own machine.
type Targets struct {
	AllowPrivate bool
}

// blocked are the ranges a webhook must never reach: the platform's own
// network, the host itself and cloud metadata services. IPv4-mapped
// addresses (::ffff:a.b.c.d) are checked as the IPv4 address they are.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/4"), netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/96"), netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fe80::/10"), netip.MustParsePrefix("ff00::/8"),
	// IPv6 addresses that carry an IPv4 address, which a relay or
	// translator, not this check, turns into the place a packet goes:
	// IPv4-translated, NAT64 (well-known and local-use prefixes), Teredo and
	// 6to4. No receiver needs one, so they are refused whatever they embed.
	netip.MustParsePrefix("::ffff:0:0:0/96"), netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001::/32"), netip.MustParsePrefix("2002::/16"),
}

func (t Targets) allowed(ip netip.Addr) bool {
	if t.AllowPrivate {
		return true
	}
	ip = ip.WithZone("").Unmap()
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// CheckURL checks the form of a subscription URL: absolute, without
// credentials, at most 2000 characters long, http or https. It needs
// nothing but the URL, so a request checks it with its other fields.
// Errors: Invalid naming field.
func CheckURL(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || len(raw) > 2000 {
		return domain.FieldInvalid(field, "validation.url.form", nil)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return domain.FieldInvalid(field, "validation.url.https", nil)
	}
	return nil
}

// Check validates a subscription URL: its form (CheckURL), https (http
// only where private targets are allowed), and a host that resolves only
// to allowed addresses. Errors: Invalid naming field.
func (t Targets) Check(ctx context.Context, field, raw string) error {
	if err := CheckURL(field, raw); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if u.Scheme != "https" && !t.AllowPrivate {
		return domain.FieldInvalid(field, "validation.url.https", nil)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil || len(addrs) == 0 {
		return domain.FieldInvalid(field, "validation.url.unresolved", nil)
	}
	for _, a := range addrs {
		if !t.allowed(a) {
			return domain.FieldInvalid(field, "validation.url.private", nil)
		}
	}
	return nil
}

// Client returns an HTTP client that refuses to connect to a blocked
// address whatever the name resolved to at subscription time.
func (t Targets) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: t.control}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second, MaxIdleConnsPerHost: 4}
	return &http.Client{Timeout: timeout, Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// control runs before each connection, on the address actually dialled,
// and refuses a blocked one.
func (t Targets) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !t.allowed(ip) {
		return fmt.Errorf("webhook target %s is %w", host, errNotAllowed)
	}
	return nil
}

// Dispatcher sends pending webhook deliveries. Like the notification
// dispatcher it claims rows in the database, so several instances never
// send one delivery at once; receivers recognise a repeat by the event ID.
type Dispatcher struct {
	db     *db.DB
	clock  domain.Clock
	client *http.Client
	keys   *pii.Keys
	log    *slog.Logger
}

// NewDispatcher returns a Dispatcher sending with client and opening the
// subscriptions' signing secrets with keys.
func NewDispatcher(d *db.DB, clock domain.Clock, client *http.Client, keys *pii.Keys, log *slog.Logger) *Dispatcher {
	return &Dispatcher{db: d, clock: clock, client: client, keys: keys, log: log}
}

// Backoff is the wait before the next try after attempts failed ones:
// 30 s, 1 min, 2 min … at most an hour.
func Backoff(attempts int) time.Duration { return worker.Backoff(30*time.Second, attempts) }

// Job sends due deliveries every interval, and again at once after a full
// batch.
func (d *Dispatcher) Job(interval time.Duration) worker.Job {
	return worker.Job{Name: "deliver webhooks", Every: interval, Batch: batchSize, Do: d.RunOnce}
}

// Run runs Job until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	worker.Run(ctx, d.log, d.Job(interval))
}

// batchSize is how many deliveries one claim takes.
const batchSize = 20

// RunOnce claims and sends one batch of due deliveries and returns how many
// it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	now := d.clock.Now()
	pick := `SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND locked_until <= ?
		ORDER BY next_attempt_at LIMIT ` + strconv.Itoa(batchSize)
	if d.db.Dialect == db.Postgres {
		pick += " FOR UPDATE SKIP LOCKED"
	}
	var rows []DeliveryRow
	err := d.db.Conn(ctx).Raw(`UPDATE webhook_deliveries SET locked_until = ?, attempts = attempts + 1 WHERE id IN (`+pick+`)
		RETURNING id, subscription_id, event_id, event_type, payload, attempts, give_up_at`, now.Add(2*time.Minute), now, now).Scan(&rows).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	if len(rows) == 0 {
		return 0, nil
	}
	// One query for the batch's live subscriptions, not one per delivery.
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.SubscriptionID
	}
	var subs []SubscriptionRow
	err = d.db.Conn(ctx).Table("webhook_subscriptions s").Select("s.*").Joins("JOIN oauth_clients c ON c.id = s.client_id").
		Where("s.id IN ? AND s.status = 'active' AND c.status = 'active'", ids).Find(&subs).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	live := make(map[string]SubscriptionRow, len(subs))
	for _, sub := range subs {
		live[sub.ID] = sub
	}
	for _, r := range rows {
		sub, ok := live[r.SubscriptionID]
		if !ok {
			// A deleted subscription or revoked client gets nothing more.
			r.GiveUpAt = d.clock.Now()
			d.record(ctx, r, 0, errEnded)
			continue
		}
		status, err := d.send(ctx, sub, r)
		d.record(ctx, r, status, err)
	}
	return len(rows), nil
}

// send posts one delivery and returns the receiver's status.
func (d *Dispatcher) send(ctx context.Context, sub SubscriptionRow, r DeliveryRow) (int, error) {
	body := []byte(r.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	secret, err := openSecret(d.keys, sub)
	if err != nil {
		d.log.Warn("sign webhook delivery", "delivery", r.ID, "error", err)
		return 0, err
	}
	now := d.clock.Now()
	sig, err := Sign(secret, r.EventID, now, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "citizenapi-webhooks/1")
	// The Standard Webhooks headers. The ID is the event's, the same on
	// every try and redelivery, so that receivers can drop repeats.
	req.Header.Set("webhook-id", r.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	res, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return res.StatusCode, errors.New(res.Status)
	}
	return res.StatusCode, nil
}

// record stores a delivery's outcome: delivered, retried later, or failed
// once its day of retries is over. A failure is stored as a word of
// Failures; the error itself is only logged.
func (d *Dispatcher) record(ctx context.Context, r DeliveryRow, status int, err error) {
	now := d.clock.Now()
	fields := map[string]any{"locked_until": now, "last_status": status}
	if err != nil {
		fields["last_error"] = failure(status, err)
		d.log.Debug("webhook delivery failed", "delivery", r.ID, "failure", fields["last_error"], "error", err)
	}
	switch next := now.Add(Backoff(r.Attempts)); {
	case err == nil:
		fields["status"], fields["delivered_at"], fields["last_error"] = "delivered", now, ""
	case next.After(r.GiveUpAt):
		fields["status"] = "failed"
	default:
		fields["next_attempt_at"] = next
	}
	if uerr := d.db.Conn(context.WithoutCancel(ctx)).Model(&DeliveryRow{}).Where("id = ?", r.ID).Updates(fields).Error; uerr != nil {
		d.log.Warn("record webhook delivery", "delivery", r.ID, "error", uerr)
	}
}
