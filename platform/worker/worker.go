// Package worker runs the background jobs every instance runs beside
// serving: a job polls for work that is due, handles a batch, and polls
// again. Jobs claim their rows in the database (conditional updates, FOR
// UPDATE SKIP LOCKED), so several instances run the same jobs safely; the
// loop itself holds nothing but its timer.
package worker

import (
	"context"
	"log/slog"
	"time"
)

// Job is work that is polled for.
type Job struct {
	// Name says in the log which job failed: "deliver notifications".
	Name string
	// Every is the time between polls.
	Every time.Duration
	// Batch is the most Do handles in one call. A call that handles that
	// many is followed at once by another, as there is probably a backlog;
	// zero waits for the next poll whatever Do handled.
	Batch int
	// Do handles what is due and returns how many items it handled.
	Do func(ctx context.Context) (int, error)
}

// Run runs job now and then every job.Every until ctx ends. Errors are
// logged, unless ctx has ended, and the job runs again at the next poll.
func Run(ctx context.Context, log *slog.Logger, job Job) {
	ticker := time.NewTicker(job.Every)
	defer ticker.Stop()
	for {
		n, err := job.Do(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn(job.Name, "error", err)
		}
		if job.Batch > 0 && n >= job.Batch && err == nil && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// maxBackoff is the longest wait Backoff gives.
const maxBackoff = time.Hour

// Backoff is the wait before trying again after attempts failed tries:
// first after one, twice as long after each more, at most an hour. Any
// count gives a wait in (0, an hour], however far the doubling overflows.
func Backoff(first time.Duration, attempts int) time.Duration {
	d := first << max(attempts-1, 0)
	if d > maxBackoff || d <= 0 {
		return maxBackoff
	}
	return d
}
