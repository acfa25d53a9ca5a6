package api

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/platform/idempotency"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// reminder sends the reminders that are due; health and parking have one.
type reminder interface {
	SendReminders(ctx context.Context) (int, error)
}

// background is the work each instance does besides serving requests. All
// of it is safe with several instances running: rows are claimed in the
// database, never by one process's memory.
type background struct {
	dispatcher   *notify.Dispatcher
	webhooks     *webhook.Dispatcher
	reminders    []reminder
	idempotency  *idempotency.Store
	integrations *integrations.Service
	retention    []retention
	authorizer   *authorizer
}

// retention removes personal data that is no longer needed; identity and
// parking have one each.
type retention func(ctx context.Context) (int64, error)

// RunBackground delivers notifications and webhooks, sends reminders, and
// every hour purges expired keys and counters and personal data past its
// retention, until ctx ends.
func (s *Server) RunBackground(ctx context.Context) {
	// A policy change made anywhere reloads this instance's copy at once.
	go s.deps.DB.Listen(ctx, policyChannel, func() {
		if err := s.background.authorizer.LoadPolicy(); err != nil {
			s.deps.Log.Warn("reload the authorization policy", "error", err)
		}
	}, s.deps.Log)
	go s.background.dispatcher.Run(ctx, time.Second)
	go s.background.webhooks.Run(ctx, time.Second)
	go every(ctx, time.Minute, func(ctx context.Context) {
		for _, r := range s.background.reminders {
			if _, err := r.SendReminders(ctx); err != nil && ctx.Err() == nil {
				s.deps.Log.Warn("send reminders", "error", err)
			}
		}
	})
	go every(ctx, time.Hour, func(ctx context.Context) {
		if _, err := s.background.idempotency.Purge(ctx); err != nil && ctx.Err() == nil {
			s.deps.Log.Warn("purge idempotency keys", "error", err)
		}
		if err := s.background.integrations.PurgeRateWindows(ctx); err != nil && ctx.Err() == nil {
			s.deps.Log.Warn("purge client rate windows", "error", err)
		}
		for _, purge := range s.background.retention {
			if _, err := purge(ctx); err != nil && ctx.Err() == nil {
				s.deps.Log.Warn("retention", "error", err)
			}
		}
	})
}

// every runs fn now and then every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		fn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
