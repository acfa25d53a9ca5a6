package cache_test

import (
	"errors"
	"sync"
	"sync/atomic"
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
	r := cache.NewRecent[int](10, time.Hour)
	reads := 0
	load := func(v int) int {
		t.Helper()
		got, err := r.Load("page", func() (int, error) { reads++; return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := load(1); got != 1 || reads != 1 {
		t.Fatalf("first Load = %d after %d reads, want 1 after 1", got, reads)
	}
	if got := load(2); got != 1 || reads != 1 {
		t.Fatalf("second Load = %d after %d reads, want the remembered 1", got, reads)
	}
	r.Changed()
	if got := load(3); got != 3 || reads != 2 {
		t.Fatalf("Load after a change = %d after %d reads, want a new read of 3", got, reads)
	}
	if _, err := r.Load("page", func() (int, error) { return 0, errors.New("down") }); err != nil {
		t.Fatalf("a fresh answer was read again: %v", err)
	}
	r.Changed()
	if _, err := r.Load("page", func() (int, error) { return 0, errors.New("down") }); err == nil {
		t.Fatal("a failed read was not returned")
	}
	if got := load(4); got != 4 {
		t.Fatalf("Load after a failed read = %d, want 4: failures are not remembered", got)
	}

	// A read that a change overtakes is not remembered.
	r.Changed()
	if got, _ := r.Load("page", func() (int, error) { r.Changed(); return 5, nil }); got != 5 {
		t.Fatalf("overtaken read = %d, want its own 5", got)
	}
	if got := load(6); got != 6 {
		t.Fatalf("Load after an overtaken read = %d, want a new read of 6", got)
	}

	short := cache.NewRecent[int](10, time.Millisecond)
	short.Load("page", func() (int, error) { return 1, nil })
	time.Sleep(2 * time.Millisecond)
	if got, _ := short.Load("page", func() (int, error) { return 2, nil }); got != 2 {
		t.Fatal("an answer older than the ttl is served")
	}
}

// Concurrent misses of one key make one read.
func TestRecentReadsOnce(t *testing.T) {
	r := cache.NewRecent[int](10, time.Hour)
	var reads atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			v, err := r.Load("page", func() (int, error) { reads.Add(1); <-release; return 7, nil })
			if err != nil || v != 7 {
				t.Errorf("Load = %d, %v; want 7", v, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("20 concurrent misses made %d reads, want 1", n)
	}
}
