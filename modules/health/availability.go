package health

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/cache"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// availabilityTTL is how long this instance answers a public slot search
// from memory: the busiest read of the platform, whose answers may be a
// second old because booking always reads the database.
const availabilityTTL = time.Second

// AvailablePage is one page of a public slot search as sent: the JSON of a
// SlotList, compressed once for all who are sent it, and its entity tag.
type AvailablePage struct {
	web.Compressed
	ETag string
	// at is when it was read; slots are the IDs it lists.
	at    time.Time
	slots []string
}

// availability is this instance's memory of recent public slot searches.
// A page that lists a slot this instance has since booked or freed is not
// used again, so a citizen sees their own booking at once; a change made
// through another instance shows within availabilityTTL. The wall clock
// times it, as it bounds staleness rather than meaning anything to the
// business.
type availability struct {
	pages *cache.TTL[string, AvailablePage]

	mu sync.Mutex
	// changed holds when this instance last changed a slot's seats;
	// clearedAt when it last changed slots wholesale (schedules,
	// cancellations).
	changed   map[string]time.Time
	clearedAt time.Time
}

func newAvailability() *availability {
	return &availability{pages: cache.NewTTL[string, AvailablePage](10_000), changed: map[string]time.Time{}}
}

func (a *availability) get(key string) (AvailablePage, bool) {
	p, ok := a.pages.Get(key, time.Now())
	if !ok {
		return p, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !p.at.After(a.clearedAt) {
		return p, false
	}
	for _, id := range p.slots {
		if t, ok := a.changed[id]; ok && !t.Before(p.at) {
			return p, false
		}
	}
	return p, true
}

func (a *availability) put(key string, p AvailablePage) {
	a.pages.Put(key, p, p.at.Add(availabilityTTL), time.Now())
}

// touched records that this instance changed the seats of slots.
func (a *availability) touched(slotIDs ...string) {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.changed) > 10_000 {
		for id, t := range a.changed {
			if now.Sub(t) > availabilityTTL {
				delete(a.changed, id)
			}
		}
	}
	for _, id := range slotIDs {
		a.changed[id] = now
	}
}

// clear forgets every page read until now.
func (a *availability) clear() {
	a.mu.Lock()
	a.clearedAt = time.Now()
	a.mu.Unlock()
}

// AvailableSlots is Slots for the public search, as the JSON of a
// SlotList, answered from this instance's memory of the same search when it
// is at most a second old. Errors: as Slots.
func (s *Service) AvailableSlots(ctx context.Context, f SlotFilter, p page.Request) (AvailablePage, error) {
	f, err := f.Normalize(s.clock.Now())
	if err != nil {
		return AvailablePage{}, err
	}
	key := fmt.Sprintf("%s|%s|%s|%d|%d|%t|%d|%s", f.FacilityID, f.PractitionerID, f.Specialty,
		f.From.UnixNano(), f.To.UnixNano(), f.IncludeFull, p.Limit, p.Cursor)
	if page, ok := s.available.get(key); ok {
		return page, nil
	}
	at := time.Now()
	res, err := s.store.SearchSlots(ctx, f, p)
	if err != nil {
		return AvailablePage{}, err
	}
	body, err := json.Marshal(SlotList{Items: res.Items, NextCursor: res.NextCursor})
	if err != nil {
		return AvailablePage{}, err
	}
	compressed, err := web.Compress(body)
	if err != nil {
		return AvailablePage{}, err
	}
	sum := sha256.Sum256(body)
	page := AvailablePage{Compressed: compressed, ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, at: at}
	for _, slot := range res.Items {
		page.slots = append(page.slots, slot.ID)
	}
	s.available.put(key, page)
	return page, nil
}
