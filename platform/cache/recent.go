package cache

import (
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Recent remembers answers read from the database for at most ttl, and
// drops at once every answer read before this instance's last change, so
// that whoever made a change through this instance sees it; a change made
// through another instance shows within ttl. Concurrent misses of one
// answer wait for a single read. The wall clock times it, as it bounds
// staleness rather than meaning anything to the business.
type Recent[V any] struct {
	ttl     time.Duration
	answers *TTL[string, recentAnswer[V]]
	reads   singleflight.Group
	// generation counts the changes; an answer is fresh while it was read
	// in the current one.
	generation atomic.Uint64
}

type recentAnswer[V any] struct {
	value      V
	generation uint64
}

// NewRecent returns an empty Recent of at most max answers.
func NewRecent[V any](max int, ttl time.Duration) *Recent[V] {
	return &Recent[V]{ttl: ttl, answers: NewTTL[string, recentAnswer[V]](max)}
}

// Load returns the fresh answer for key, or reads it with read and
// remembers it. A read only joins one that began after the last change.
func (r *Recent[V]) Load(key string, read func() (V, error)) (V, error) {
	generation := r.generation.Load()
	if a, ok := r.answers.Get(key, time.Now()); ok && a.generation == generation {
		return a.value, nil
	}
	v, err, _ := r.reads.Do(strconv.FormatUint(generation, 10)+"|"+key, func() (any, error) {
		began := time.Now()
		v, err := read()
		if err == nil {
			r.answers.Put(key, recentAnswer[V]{value: v, generation: generation}, began.Add(r.ttl), time.Now())
		}
		return v, err
	})
	value, _ := v.(V)
	return value, err
}

// Changed drops every answer read until now. Call it once the change has
// committed (see db.AfterCommit).
func (r *Recent[V]) Changed() { r.generation.Add(1) }
