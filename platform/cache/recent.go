package cache

import (
	"sync"
	"time"
)

// Recent remembers answers read from the database for at most ttl, and
// drops at once every answer read before this instance's last change, so
// that whoever made a change through this instance sees it; a change made
// through another instance shows within ttl. The wall clock times it, as
// it bounds staleness rather than meaning anything to the business.
type Recent[K comparable, V any] struct {
	ttl     time.Duration
	answers *TTL[K, recentAnswer[V]]

	mu      sync.Mutex
	changed time.Time
}

type recentAnswer[V any] struct {
	value  V
	readAt time.Time
}

// NewRecent returns an empty Recent of at most max answers.
func NewRecent[K comparable, V any](max int, ttl time.Duration) *Recent[K, V] {
	return &Recent[K, V]{ttl: ttl, answers: NewTTL[K, recentAnswer[V]](max)}
}

// Get returns the answer for k if it is fresh.
func (r *Recent[K, V]) Get(k K) (V, bool) {
	a, ok := r.answers.Get(k, time.Now())
	if ok {
		r.mu.Lock()
		ok = a.readAt.After(r.changed)
		r.mu.Unlock()
	}
	if !ok {
		var zero V
		return zero, false
	}
	return a.value, true
}

// Put remembers v for k, read by a query that began at readAt: a change
// recorded after readAt makes it stale.
func (r *Recent[K, V]) Put(k K, v V, readAt time.Time) {
	r.answers.Put(k, recentAnswer[V]{value: v, readAt: readAt}, readAt.Add(r.ttl), time.Now())
}

// Changed drops every answer read until now. Call it once the change has
// committed (see db.AfterCommit).
func (r *Recent[K, V]) Changed() {
	r.mu.Lock()
	r.changed = time.Now()
	r.mu.Unlock()
}
