package worker_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/worker"
)

func TestBackoff(t *testing.T) {
	cases := []struct {
		first    time.Duration
		attempts int
		want     time.Duration
	}{
		{10 * time.Second, 0, 10 * time.Second},
		{10 * time.Second, 1, 10 * time.Second},
		{10 * time.Second, 2, 20 * time.Second},
		{10 * time.Second, 9, 2560 * time.Second},
		{10 * time.Second, 10, time.Hour},
		{30 * time.Second, 2, time.Minute},
		{30 * time.Second, 7, 32 * time.Minute},
		{30 * time.Second, 8, time.Hour},
		{time.Second, 64, time.Hour},
		{time.Second, 1000, time.Hour},
	}
	for _, c := range cases {
		if got := worker.Backoff(c.first, c.attempts); got != c.want {
			t.Errorf("Backoff(%s, %d) = %s, want %s", c.first, c.attempts, got, c.want)
		}
	}
	for _, first := range []time.Duration{time.Second, 10 * time.Second, 30 * time.Second, 7 * time.Minute} {
		prev := time.Duration(0)
		for a := 1; a <= 5000; a++ {
			got := worker.Backoff(first, a)
			if got < prev || got <= 0 || got > time.Hour {
				t.Fatalf("Backoff(%s, %d) = %s after %s", first, a, got, prev)
			}
			prev = got
		}
	}
}

// A job that handles a full batch runs again at once; one that handles
// less waits for its next poll.
func TestRunDrainsFullBatches(t *testing.T) {
	var calls atomic.Int32
	backlog := 7 // items; batches of 3 are 3, 3, 1
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		worker.Run(ctx, slog.New(slog.DiscardHandler), worker.Job{Name: "drain", Every: time.Hour, Batch: 3, Do: func(context.Context) (int, error) {
			calls.Add(1)
			n := min(backlog, 3)
			backlog -= n
			return n, nil
		}})
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	if got := calls.Load(); got != 3 {
		t.Fatalf("Do ran %d times before the next poll, want 3 (two full batches, then one short)", got)
	}
}

// A failing job is logged by name, unless the context has ended, and
// polled again.
func TestRunLogsErrorsAndPolls(t *testing.T) {
	var logs bytes.Buffer
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		worker.Run(ctx, slog.New(slog.NewTextHandler(&logs, nil)), worker.Job{Name: "send reminders", Every: 10 * time.Millisecond,
			Do: func(context.Context) (int, error) {
				if calls.Add(1) >= 3 {
					cancel()
				}
				return 500, errors.New("database away")
			}})
		close(done)
	}()
	<-done
	if got := calls.Load(); got < 3 {
		t.Errorf("Do ran %d times, want it polled again after each failure", got)
	}
	if n := strings.Count(logs.String(), `msg="send reminders" error="database away"`); n != 2 {
		t.Errorf("logged %d failures, want the 2 before the context ended:\n%s", n, logs.String())
	}
}
