// Package cache holds small in-process caches that only ever save work:
// every entry expires, and the database stays the record. Nothing that must
// be shared between instances lives here.
package cache

import (
	"sync"
	"time"
)

// TTL maps keys to values until each entry's own expiry, holding at most
// max entries.
type TTL[K comparable, V any] struct {
	mu      sync.RWMutex
	max     int
	entries map[K]entry[V]
}

type entry[V any] struct {
	value V
	until time.Time
}

// NewTTL returns an empty cache of at most max entries.
func NewTTL[K comparable, V any](max int) *TTL[K, V] {
	return &TTL[K, V]{max: max, entries: make(map[K]entry[V])}
}

// Get returns the value for k if it has not expired by now.
func (c *TTL[K, V]) Get(k K, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put stores v for k until the given time. A full cache first drops what
// has expired, and everything if that is not enough: a burst of misses
// costs less than unbounded memory.
func (c *TTL[K, V]) Put(k K, v V, until, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for key, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[k] = entry[V]{value: v, until: until}
}

// Delete forgets k.
func (c *TTL[K, V]) Delete(k K) {
	c.mu.Lock()
	delete(c.entries, k)
	c.mu.Unlock()
}

// Len reports how many entries are held, expired or not.
func (c *TTL[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
