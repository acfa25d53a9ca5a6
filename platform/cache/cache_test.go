package cache_test

import (
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/cache"
)

func TestTTL(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	c := cache.NewTTL[string, int](3)
	c.Put("a", 1, now.Add(time.Second), now)
	tests := []struct {
		name string
		key  string
		at   time.Time
		want int
		ok   bool
	}{
		{"fresh", "a", now, 1, true},
		{"just before expiry", "a", now.Add(time.Second - time.Nanosecond), 1, true},
		{"at expiry", "a", now.Add(time.Second), 0, false},
		{"unknown", "b", now, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := c.Get(tt.key, tt.at)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Get(%q) = %d, %v; want %d, %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
	c.Delete("a")
	if _, ok := c.Get("a", now); ok {
		t.Error("a deleted entry is still served")
	}
}

func TestTTLStaysBounded(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	c := cache.NewTTL[int, int](100)
	for i := range 10_000 {
		c.Put(i, i, now.Add(time.Hour), now)
		if c.Len() > 100 {
			t.Fatalf("after %d puts the cache holds %d entries, more than 100", i+1, c.Len())
		}
	}
	// Expired entries make room before live ones are dropped.
	c = cache.NewTTL[int, int](2)
	c.Put(1, 1, now.Add(time.Second), now)
	c.Put(2, 2, now.Add(time.Hour), now)
	later := now.Add(2 * time.Second)
	c.Put(3, 3, later.Add(time.Hour), later)
	if _, ok := c.Get(2, later); !ok {
		t.Error("a live entry was dropped while an expired one could make room")
	}
}

func TestRecent(t *testing.T) {
	r := cache.NewRecent[string, int](10, time.Hour)
	before := time.Now()
	r.Put("page", 1, before)
	if v, ok := r.Get("page"); !ok || v != 1 {
		t.Fatalf("Get after Put = %d, %v; want 1, true", v, ok)
	}
	r.Changed()
	if _, ok := r.Get("page"); ok {
		t.Fatal("an answer read before a change is still served")
	}
	// A read that began after the change is fresh.
	r.Put("page", 2, time.Now())
	if v, ok := r.Get("page"); !ok || v != 2 {
		t.Fatalf("Get of an answer read after the change = %d, %v; want 2, true", v, ok)
	}
	// A read that began before the change but finished after it is stale.
	r.Changed()
	r.Put("page", 3, before)
	if _, ok := r.Get("page"); ok {
		t.Fatal("an answer whose read began before the change is served")
	}

	short := cache.NewRecent[string, int](10, time.Millisecond)
	short.Put("page", 1, time.Now())
	time.Sleep(2 * time.Millisecond)
	if _, ok := short.Get("page"); ok {
		t.Fatal("an answer older than the ttl is served")
	}
}
