package api

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
	"github.com/islamabad-digital/citizenapi/platform/worker"
)

// background is the work each instance does besides serving requests. All
// of it is safe with several instances running: rows are claimed in the
// database, never by one process's memory.
type background struct {
	jobs       []worker.Job
	authorizer *authorizer
}

// newBackground lists the jobs: notifications and webhooks every second
// (at once again after a full batch), waitlist offers every 15 seconds
// (lapsing, reminding, refilling), reminders every minute, and every
// hour the purge of expired keys and counters and of personal data past
// its retention (unverified accounts, registration and SMS counts, plates).
func (s *Server) newBackground(m *Modules) background {
	d, clock, log := s.deps.DB, s.deps.Clock, s.deps.Log
	hourly := func(name string, purge func(context.Context) (int64, error)) worker.Job {
		return worker.Job{Name: name, Every: time.Hour, Do: func(ctx context.Context) (int, error) {
			n, err := purge(ctx)
			return int(n), err
		}}
	}
	return background{authorizer: m.authorizer, jobs: []worker.Job{
		notify.NewDispatcher(d, clock, m.sender, recipients{m.people}, log).Job(time.Second),
		webhook.NewDispatcher(d, clock, s.cfg.webhookTargets().Client(10*time.Second), s.deps.PII, log).Job(time.Second),
		{Name: "send reminders", Every: time.Minute, Do: m.Health.SendReminders},
		{Name: "send reminders", Every: time.Minute, Do: m.Parking.SendReminders},
		{Name: "send reminders", Every: time.Minute, Do: m.Traffic.SendReminders},
		{Name: "notify advisory followers", Every: time.Minute, Do: m.Traffic.NotifyFollowers},
		{Name: "sweep waitlist offers", Every: 15 * time.Second, Do: m.Offers.Sweep},
		hourly("purge idempotency keys", m.idempotency.Purge),
		hourly("purge client rate windows", func(ctx context.Context) (int64, error) {
			return 0, m.Integrations.PurgeRateWindows(ctx)
		}),
		hourly("retention", m.Identity.PurgeUnverified),
		hourly("retention", m.Identity.PurgeLoginFailures),
		hourly("retention", m.Identity.PurgeThrottles),
		hourly("retention", m.Parking.AnonymisePlates),
		hourly("retention", m.vehicles.AnonymisePlates),
	}}
}

// RunBackground runs the background jobs, each in its own goroutine, and
// reloads the authorization policy when it changes, until ctx ends.
func (s *Server) RunBackground(ctx context.Context) {
	// A policy change made anywhere reloads this instance's copy at once.
	go s.deps.DB.Listen(ctx, policyChannel, func() {
		if err := s.background.authorizer.LoadPolicy(); err != nil {
			s.deps.Log.Warn("reload the authorization policy", "error", err)
		}
	}, s.deps.Log)
	for _, job := range s.background.jobs {
		go worker.Run(ctx, s.deps.Log, job)
	}
}
