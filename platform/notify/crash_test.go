package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
	"github.com/islamabad-digital/citizenapi/platform/notify"
)

// crashingSender sends like dpSender and then, before the dispatcher can
// record the send, "kills the process": it closes the dispatcher's
// database handle. Every send returns only after the handle is closed, so
// no outcome of the batch can be recorded.
type crashingSender struct {
	dpSender
	handle *db.DB
	crash  sync.Once
}

func (s *crashingSender) Send(ctx context.Context, m notify.Message) error {
	if err := s.dpSender.Send(ctx, m); err != nil {
		return err
	}
	s.crash.Do(func() { s.handle.Close() })
	return nil
}

// TestFaultCrashAfterSend shows what happens to a message whose instance
// dies after the gateway took it but before the delivery was marked sent:
// a new instance sends it again once the dead one's claim lease runs out,
// with the same Message.ID so that the receiver can drop the duplicate. It
// is never lost, and never sent a third time.
func TestFaultCrashAfterSend(t *testing.T) {
	e := newDpEnv(t)
	_, id := e.notice(dpBoth)

	var logs bytes.Buffer
	crashed := dbtest.Reopen(t, e.db)
	first := &crashingSender{handle: crashed}
	d := notify.NewDispatcher(crashed, e.clock, first, e.to, slog.New(slog.NewTextHandler(&logs, nil)))
	if n, err := d.RunOnce(context.Background()); n != 2 || err != nil {
		t.Fatalf("RunOnce before the crash = %d, %v; want 2 deliveries handled", n, err)
	}
	if got := len(first.messages()); got != 2 {
		t.Fatalf("the gateway took %d messages before the crash, want the SMS and the e-mail", got)
	}
	if !strings.Contains(logs.String(), "record delivery") {
		t.Errorf("the dispatcher recorded its sends although its database was gone; logs:\n%s", logs.String())
	}
	lease := e.clock.Now().Add(2 * time.Minute)
	for _, ch := range []string{notify.SMS, notify.Email} {
		if got := e.delivery(id, ch); got.Status != "pending" || got.Attempts != 1 || got.SentAt != nil || !got.LockedUntil.Equal(lease) {
			t.Fatalf("%s after the crash: %+v; want pending, claimed once, leased until %s", ch, got, lease)
		}
	}

	// A new process: its own database handle and dispatcher.
	second := &dpSender{}
	restarted := notify.NewDispatcher(dbtest.Reopen(t, e.db), e.clock, second, e.to, slog.New(slog.NewTextHandler(&logs, nil)))
	e.clock.Set(lease.Add(-time.Second))
	if n := e.runOnce(restarted); n != 0 {
		t.Fatalf("a delivery was taken %d times while the dead instance's lease held", n)
	}
	e.clock.Set(lease)
	if n := e.runOnce(restarted); n != 2 {
		t.Fatalf("after the lease RunOnce handled %d, want 2", n)
	}
	before, after := first.messages(), second.messages()
	if len(after) != 2 {
		t.Fatalf("after the lease the gateway got %d messages, want both again", len(after))
	}
	byKey := map[string]notify.Message{}
	for _, m := range before {
		byKey[m.ID+"/"+m.Channel] = m
	}
	for _, m := range after {
		was, ok := byKey[m.ID+"/"+m.Channel]
		if !ok || m.ID != id || m != was {
			t.Errorf("resent %+v, want exactly the message sent before the crash (ID %s): %+v", m, id, was)
		}
	}
	for _, ch := range []string{notify.SMS, notify.Email} {
		if got := e.delivery(id, ch); got.Status != "sent" || got.Attempts != 2 || got.SentAt == nil {
			t.Errorf("%s after the resend: %+v; want sent on attempt 2", ch, got)
		}
	}
	e.clock.Advance(24 * time.Hour)
	if n := e.runOnce(restarted); n != 0 || len(second.messages()) != 2 {
		t.Errorf("a day later RunOnce handled %d, the gateway got %d; want no third copy", n, len(second.messages()))
	}
}
