package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
)

// The tests in this file run the delivery worker against a real, migrated
// database (SQLite, or PostgreSQL with TEST_DATABASE_URL). On PostgreSQL the
// package's tests share one schema and a Dispatcher claims every due
// delivery in it, so the tests do not run in parallel and each empties the
// notification tables first.

func TestMain(m *testing.M) { dbtest.Main(m) }

// dpStart is the clock of every test: 09:00 on 10 March 2027 in Karachi.
var dpStart = time.Date(2027, 3, 10, 4, 0, 0, 0, time.UTC)

// dpSender records what it is asked to send and fails the first failFirst
// calls (every call when failAlways is set).
type dpSender struct {
	mu         sync.Mutex
	failFirst  int
	failAlways bool
	delay      time.Duration
	calls      int
	sent       []notify.Message
}

var errGatewayDown = errors.New("gateway down")

func (s *dpSender) Send(_ context.Context, m notify.Message) error {
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.failAlways || s.calls <= s.failFirst {
		return errGatewayDown
	}
	s.sent = append(s.sent, m)
	return nil
}

func (s *dpSender) messages() []notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notify.Message(nil), s.sent...)
}

func (s *dpSender) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// dpRecipients answers from a map; an unknown account is an error.
type dpRecipients struct {
	mu sync.Mutex
	by map[string]notify.Recipient
}

func (r *dpRecipients) Recipients(_ context.Context, accountIDs []string) (map[string]notify.Recipient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]notify.Recipient{}
	for _, id := range accountIDs {
		if to, ok := r.by[id]; ok {
			out[id] = to
		}
	}
	return out, nil
}

// dpEnv is one test's database, clock, inbox and recipients.
type dpEnv struct {
	t     *testing.T
	db    *db.DB
	clock *dbtest.Clock
	inbox *notify.Inbox
	to    *dpRecipients
}

func newDpEnv(t *testing.T) *dpEnv {
	t.Helper()
	d := dbtest.Open(t)
	for _, stmt := range []string{"DELETE FROM notification_deliveries", "DELETE FROM notifications"} {
		if err := d.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	clock := dbtest.NewClock(dpStart)
	return &dpEnv{t: t, db: d, clock: clock, inbox: notify.NewInbox(d, clock), to: &dpRecipients{by: map[string]notify.Recipient{}}}
}

func (e *dpEnv) dispatcher(s notify.Sender) *notify.Dispatcher {
	return notify.NewDispatcher(e.db, e.clock, s, e.to, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// dpParams are the placeholders of a booked appointment's texts.
var dpParams = map[string]string{"patient": "Ayesha Khan", "when": "Thu 11 Mar 2027 at 09:00", "queue": "3", "appointment_id": "a1"}

// notice adds an appointment.booked notice for a new account reachable at
// to, in its own transaction as a service would, and returns the account
// and notification IDs.
func (e *dpEnv) notice(to notify.Recipient) (accountID, notificationID string) {
	e.t.Helper()
	accountID = uuid.NewString()
	e.to.mu.Lock()
	e.to.by[accountID] = to
	e.to.mu.Unlock()
	err := e.db.WithinTx(context.Background(), func(ctx context.Context) error {
		return e.inbox.Add(ctx, notify.Notice{AccountID: accountID, Kind: "appointment.booked", Params: dpParams})
	})
	if err != nil {
		e.t.Fatalf("add notice: %v", err)
	}
	var ids []string
	if err := e.db.Raw("SELECT id FROM notifications WHERE account_id = ?", accountID).Scan(&ids).Error; err != nil || len(ids) != 1 {
		e.t.Fatalf("notifications of %s: %v (err %v), want one", accountID, ids, err)
	}
	return accountID, ids[0]
}

// dpDelivery is a notification_deliveries row as the tests read it.
type dpDelivery struct {
	ID             string
	NotificationID string
	Channel        string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LockedUntil    time.Time
	LastError      string
	SentAt         *time.Time
}

func (e *dpEnv) delivery(notificationID, channel string) dpDelivery {
	e.t.Helper()
	var rows []dpDelivery
	err := e.db.Table("notification_deliveries").Where("notification_id = ? AND channel = ?", notificationID, channel).Find(&rows).Error
	if err != nil || len(rows) != 1 {
		e.t.Fatalf("%s delivery of %s: %d rows (err %v), want one", channel, notificationID, len(rows), err)
	}
	return rows[0]
}

func (e *dpEnv) runOnce(d *notify.Dispatcher) int {
	e.t.Helper()
	n, err := d.RunOnce(context.Background())
	if err != nil {
		e.t.Fatalf("RunOnce: %v", err)
	}
	return n
}

var dpBoth = notify.Recipient{Phone: "+923001234567", Email: "ayesha@example.pk", Language: i18n.English}

func TestDispatcherSendsPendingDeliveries(t *testing.T) {
	e := newDpEnv(t)
	_, id := e.notice(dpBoth)
	for _, ch := range []string{notify.SMS, notify.Email} {
		if d := e.delivery(id, ch); d.Status != "pending" || d.Attempts != 0 {
			t.Fatalf("%s before dispatch: status %s, attempts %d; want pending, 0", ch, d.Status, d.Attempts)
		}
	}
	sender := &dpSender{}
	d := e.dispatcher(sender)
	if n := e.runOnce(d); n != 2 {
		t.Fatalf("RunOnce handled %d, want 2", n)
	}
	for _, ch := range []string{notify.SMS, notify.Email} {
		got := e.delivery(id, ch)
		if got.Status != "sent" || got.Attempts != 1 || got.SentAt == nil || !got.SentAt.Equal(e.clock.Now()) || got.LastError != "" {
			t.Errorf("%s after dispatch: %+v; want sent once at %s", ch, got, e.clock.Now())
		}
	}
	title := i18n.T(i18n.English, "notification.appointment.booked.title", dpParams)
	body := i18n.T(i18n.English, "notification.appointment.booked.body", dpParams)
	msgs := sender.messages()
	if len(msgs) != 2 {
		t.Fatalf("sender got %d messages, want 2: %+v", len(msgs), msgs)
	}
	for _, m := range msgs {
		switch m.Channel {
		case notify.SMS:
			if m.To != dpBoth.Phone || m.Body != title+": "+body || m.ID != id {
				t.Errorf("SMS = %+v, want to %s with %q", m, dpBoth.Phone, title+": "+body)
			}
		case notify.Email:
			if m.To != dpBoth.Email || m.Subject != title || m.Body != body || m.ID != id {
				t.Errorf("e-mail = %+v, want to %s with subject %q", m, dpBoth.Email, title)
			}
		default:
			t.Errorf("unknown channel in %+v", m)
		}
	}
	if n := e.runOnce(d); n != 0 {
		t.Fatalf("a second RunOnce handled %d, want 0 (nothing is sent twice)", n)
	}
	e.clock.Advance(24 * time.Hour)
	if n := e.runOnce(d); n != 0 || len(sender.messages()) != 2 {
		t.Fatalf("a day later RunOnce handled %d and %d messages went out, want 0 and 2", n, len(sender.messages()))
	}
}

func TestDispatcherRetriesWithBackoff(t *testing.T) {
	e := newDpEnv(t)
	// Only a phone: the e-mail delivery is skipped and never reaches the
	// sender, so the sender's failures are all the SMS's.
	_, id := e.notice(notify.Recipient{Phone: "+923001112223", Language: i18n.English})
	sender := &dpSender{failFirst: 3}
	d := e.dispatcher(sender)

	if n := e.runOnce(d); n != 2 {
		t.Fatalf("first RunOnce handled %d, want 2", n)
	}
	if got := e.delivery(id, notify.Email); got.Status != "skipped" {
		t.Fatalf("e-mail without an address: status %s, want skipped", got.Status)
	}
	for attempt := 1; attempt <= 3; attempt++ {
		got := e.delivery(id, notify.SMS)
		want := e.clock.Now().Add(notify.Backoff(attempt))
		if got.Status != "pending" || got.Attempts != attempt || !got.NextAttemptAt.Equal(want) || got.LastError == "" || got.SentAt != nil {
			t.Fatalf("after failure %d: %+v; want pending, attempts %d, next attempt at %s, an error", attempt, got, attempt, want)
		}
		// Not due a second early.
		e.clock.Set(want.Add(-time.Second))
		if n := e.runOnce(d); n != 0 {
			t.Fatalf("after failure %d, one second before the backoff ends, RunOnce handled %d", attempt, n)
		}
		e.clock.Set(want)
		if n := e.runOnce(d); n != 1 {
			t.Fatalf("after failure %d, when the backoff ends, RunOnce handled %d, want 1", attempt, n)
		}
	}
	got := e.delivery(id, notify.SMS)
	if got.Status != "sent" || got.Attempts != 4 || got.SentAt == nil || !got.SentAt.Equal(e.clock.Now()) || got.LastError != "" {
		t.Fatalf("after recovery: %+v; want sent on attempt 4", got)
	}
	if msgs := sender.messages(); len(msgs) != 1 || msgs[0].Channel != notify.SMS || sender.callCount() != 4 {
		t.Fatalf("sender: %d calls, messages %+v; want 4 calls and one SMS", sender.callCount(), msgs)
	}
}

func TestDispatcherGivesUpAfterMaxAttempts(t *testing.T) {
	const maxAttempts = 8
	e := newDpEnv(t)
	_, id := e.notice(notify.Recipient{Phone: "+923004445556", Language: i18n.English})
	sender := &dpSender{failAlways: true}
	d := e.dispatcher(sender)
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if n := e.runOnce(d); n < 1 {
			t.Fatalf("attempt %d: RunOnce handled nothing", attempt)
		}
		got := e.delivery(id, notify.SMS)
		if got.Attempts != attempt {
			t.Fatalf("attempt %d: attempts = %d", attempt, got.Attempts)
		}
		if attempt < maxAttempts {
			if got.Status != "pending" || !got.NextAttemptAt.Equal(e.clock.Now().Add(notify.Backoff(attempt))) {
				t.Fatalf("after failure %d: %+v; want pending until %s", attempt, got, e.clock.Now().Add(notify.Backoff(attempt)))
			}
			e.clock.Set(got.NextAttemptAt)
			continue
		}
		if got.Status != "failed" || got.LastError == "" || got.SentAt != nil {
			t.Fatalf("after failure %d: %+v; want failed with the last error", attempt, got)
		}
	}
	e.clock.Advance(48 * time.Hour)
	if n := e.runOnce(d); n != 0 {
		t.Fatalf("a failed delivery was claimed again (%d)", n)
	}
	if sender.callCount() != maxAttempts {
		t.Fatalf("sender called %d times, want %d", sender.callCount(), maxAttempts)
	}
}

func TestDispatcherSkipsChannelsWithoutAddress(t *testing.T) {
	e := newDpEnv(t)
	_, noEmail := e.notice(notify.Recipient{Phone: "+923007778889", Language: i18n.English})
	_, noPhone := e.notice(notify.Recipient{Email: "only.mail@example.pk", Language: i18n.English})
	sender := &dpSender{}
	d := e.dispatcher(sender)
	if n := e.runOnce(d); n != 4 {
		t.Fatalf("RunOnce handled %d, want 4", n)
	}
	for _, c := range []struct{ id, channel, status string }{
		{noEmail, notify.SMS, "sent"}, {noEmail, notify.Email, "skipped"},
		{noPhone, notify.SMS, "skipped"}, {noPhone, notify.Email, "sent"},
	} {
		got := e.delivery(c.id, c.channel)
		if got.Status != c.status {
			t.Errorf("%s of %s: status %s, want %s", c.channel, c.id, got.Status, c.status)
		}
		if c.status == "skipped" && got.SentAt != nil {
			t.Errorf("skipped %s of %s has sent_at %v", c.channel, c.id, got.SentAt)
		}
	}
	msgs := sender.messages()
	if len(msgs) != 2 {
		t.Fatalf("sender got %+v, want one SMS and one e-mail", msgs)
	}
	for _, m := range msgs {
		if m.To == "" {
			t.Errorf("a message went out without an address: %+v", m)
		}
	}
	e.clock.Advance(2 * time.Hour)
	if n := e.runOnce(d); n != 0 {
		t.Fatalf("skipped deliveries were claimed again (%d)", n)
	}
}

func TestDispatcherLeaseOfACrashedInstance(t *testing.T) {
	e := newDpEnv(t)
	_, id := e.notice(notify.Recipient{Phone: "+923005556667", Language: i18n.English})
	// Another instance claimed the SMS and died before recording the outcome.
	if err := e.db.Exec("UPDATE notification_deliveries SET locked_until = ?, attempts = 1 WHERE notification_id = ? AND channel = ?",
		e.clock.Now().Add(2*time.Minute), id, notify.SMS).Error; err != nil {
		t.Fatal(err)
	}
	sender := &dpSender{}
	d := e.dispatcher(sender)
	if n := e.runOnce(d); n != 1 {
		t.Fatalf("RunOnce handled %d, want only the unclaimed e-mail (1)", n)
	}
	if got := e.delivery(id, notify.SMS); got.Status != "pending" {
		t.Fatalf("SMS under another instance's lease: %+v", got)
	}
	e.clock.Advance(2 * time.Minute)
	if n := e.runOnce(d); n != 1 {
		t.Fatalf("after the lease RunOnce handled %d, want 1", n)
	}
	if got := e.delivery(id, notify.SMS); got.Status != "sent" || got.Attempts != 2 {
		t.Fatalf("SMS after the lease ran out: %+v; want sent on attempt 2", got)
	}
}

func TestDispatchersRunningConcurrentlySendEachOnce(t *testing.T) {
	e := newDpEnv(t)
	// A few rounds, so that the two dispatchers meet in more than one order.
	for round := range 10 {
		t.Run(fmt.Sprintf("round %d", round+1), func(t *testing.T) { e.t = t; dispatchConcurrently(t, e) })
	}
}

// dispatchConcurrently adds 30 deliveries and has two dispatchers send them
// at once.
func dispatchConcurrently(t *testing.T, e *dpEnv) {
	for _, stmt := range []string{"DELETE FROM notification_deliveries", "DELETE FROM notifications"} {
		if err := e.db.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	const notices = 15 // 30 deliveries
	want := map[string]bool{}
	for i := range notices {
		_, id := e.notice(notify.Recipient{Phone: fmt.Sprintf("+9230012300%02d", i), Email: fmt.Sprintf("c%d@example.pk", i), Language: i18n.English})
		want[id+"/"+notify.SMS], want[id+"/"+notify.Email] = true, true
	}
	sender := &dpSender{delay: time.Millisecond}
	dispatchers := []*notify.Dispatcher{e.dispatcher(sender), e.dispatcher(sender)}
	handled := make([]int, len(dispatchers))
	errs := make([]error, len(dispatchers))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range dispatchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// Loop until a few runs in a row find nothing to do.
			for idle := 0; idle < 3; {
				n, err := d.RunOnce(context.Background())
				if err != nil {
					errs[i] = err
					return
				}
				handled[i] += n
				if n == 0 {
					idle++
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("dispatcher %d: %v", i, err)
		}
	}
	t.Logf("the dispatchers handled %v deliveries", handled)
	if handled[0]+handled[1] != 2*notices {
		t.Errorf("dispatchers handled %v deliveries, want %d in all", handled, 2*notices)
	}
	count := map[string]int{}
	for _, m := range sender.messages() {
		count[m.ID+"/"+m.Channel]++
	}
	for key := range want {
		if count[key] != 1 {
			t.Errorf("%s was sent %d times, want once", key, count[key])
		}
	}
	if len(count) != len(want) || sender.callCount() != 2*notices {
		t.Errorf("sender got %d calls for %d deliveries, want %d", sender.callCount(), len(count), 2*notices)
	}
	var pending int64
	if err := e.db.Table("notification_deliveries").Where("status <> 'sent' OR attempts <> 1").Count(&pending).Error; err != nil || pending != 0 {
		t.Errorf("%d deliveries are not sent on their first attempt (err %v)", pending, err)
	}
}

func TestDispatcherWritesInTheRecipientsLanguage(t *testing.T) {
	e := newDpEnv(t)
	_, urdu := e.notice(notify.Recipient{Phone: "+923009990001", Email: "urdu@example.pk", Language: i18n.Urdu})
	_, french := e.notice(notify.Recipient{Phone: "+923009990002", Email: "fr@example.pk", Language: "fr"})
	sender := &dpSender{}
	if n := e.runOnce(e.dispatcher(sender)); n != 4 {
		t.Fatalf("RunOnce handled %d, want 4", n)
	}
	text := func(lang string) (string, string) {
		return i18n.T(lang, "notification.appointment.booked.title", dpParams), i18n.T(lang, "notification.appointment.booked.body", dpParams)
	}
	urTitle, urBody := text(i18n.Urdu)
	enTitle, enBody := text(i18n.English)
	if urTitle == enTitle || urBody == enBody {
		t.Fatalf("the Urdu catalog has the English texts: %q / %q", urTitle, urBody)
	}
	by := map[string]notify.Message{}
	for _, m := range sender.messages() {
		by[m.ID+"/"+m.Channel] = m
	}
	if m := by[urdu+"/"+notify.SMS]; m.Body != urTitle+": "+urBody {
		t.Errorf("Urdu reader's SMS = %q, want %q", m.Body, urTitle+": "+urBody)
	}
	if m := by[urdu+"/"+notify.Email]; m.Subject != urTitle || m.Body != urBody {
		t.Errorf("Urdu reader's e-mail = %q / %q, want %q / %q", m.Subject, m.Body, urTitle, urBody)
	}
	if m := by[french+"/"+notify.SMS]; m.Body != enTitle+": "+enBody {
		t.Errorf("unsupported language's SMS = %q, want the English %q", m.Body, enTitle+": "+enBody)
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 10 * time.Second},
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{3, 40 * time.Second},
		{4, 80 * time.Second},
		{5, 160 * time.Second},
		{6, 320 * time.Second},
		{7, 640 * time.Second},
		{8, 1280 * time.Second},
		{9, 2560 * time.Second},
		{10, time.Hour},
		{11, time.Hour},
		{40, time.Hour},
		{63, time.Hour},
		{64, time.Hour},
		{65, time.Hour},
		{1000, time.Hour},
	}
	for _, c := range cases {
		if got := notify.Backoff(c.attempts); got != c.want {
			t.Errorf("Backoff(%d) = %s, want %s", c.attempts, got, c.want)
		}
	}
	// Never shorter than the last wait and never past an hour, whatever the
	// count (no overflow into short or negative waits).
	prev := time.Duration(0)
	for a := 1; a <= 10_000; a++ {
		got := notify.Backoff(a)
		if got < prev || got <= 0 || got > time.Hour {
			t.Fatalf("Backoff(%d) = %s after %s", a, got, prev)
		}
		prev = got
	}
}

// A backlog larger than one batch drains without waiting an interval per
// batch: after a rush, notices must not trickle out at one batch a tick.
func TestDispatcherDrainsABacklog(t *testing.T) {
	e := newDpEnv(t)
	for range 35 {
		e.notice(dpBoth)
	}
	sender := &dpSender{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.dispatcher(sender).Run(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for sender.callCount() < 70 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if got := sender.callCount(); got != 70 {
		t.Fatalf("the dispatcher sent %d of 70 messages before its next tick, want all", got)
	}
}
