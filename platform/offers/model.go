package offers

import (
	"context"
	"time"
)

// Entry statuses.
const (
	Waiting = "waiting"
	Offered = "offered"
	Served  = "served"
	Left    = "left"
)

// Offer statuses; an offer is Offered while it is live.
const (
	Accepted = "accepted"
	Declined = "declined"
	Lapsed   = "lapsed"
)

// Service is what one service does with the places its pools hold. The
// engine calls it inside the transaction that changes the offer, so what
// the service does commits or rolls back with it.
type Service interface {
	// Offered says that o's place is now held for its entry.
	Offered(ctx context.Context, o Offer) error
	// Take books, enrolls or reserves o's place for its entry with the
	// service's rules, and returns the ID of what it made. Its errors
	// (a rule the entry now breaks) roll the acceptance back.
	Take(ctx context.Context, o Offer) (string, error)
	// Left says that e left its line without being served: it declined,
	// let an offer lapse or withdrew.
	Left(ctx context.Context, e Entry) error
	// Release gives o's place back to the service when nobody else waits.
	Release(ctx context.Context, o Offer) error
}

// Refiller is a Service whose places free up without an event the engine
// hears of (a permit's unpaid hold running out, a permit ending): the
// sweep asks it to hand its free places to a pool's waiting entries, and
// so does the engine when an offer is declined or lapses, instead of
// passing that offer's place on itself (Release is then never called).
// Refill runs in the caller's transaction when there is one.
type Refiller interface {
	Refill(ctx context.Context, pool string) (int, error)
}

// Entry is a place in a line.
type Entry struct {
	ID      string
	Service string
	// Pool names the places the entry waits for; Line is what the citizen
	// chose within it, as the service names it.
	Pool, Line string
	// UnitID is the facility, school or zone, for staff.
	UnitID    string
	AccountID string
	// Subject is who or what waits (a patient, an application, a vehicle):
	// once in a pool at a time.
	Subject string
	// Label is what the citizen sees, such as "Dr Ayesha Siddiqui, PIMS, 10 Dec".
	Label string
	// Details are what the service needs to take the place for the entry.
	Details  map[string]string
	Status   string
	JoinedAt time.Time
	// Seq orders entries that joined at the same moment.
	Seq int
}

// Place is a place a service frees, to be handed to a pool.
type Place struct {
	Service, Pool, UnitID string
	// Ref is the place as the service knows it: a slot, a grade, a zone.
	Ref string
	// Until is when the place is of no use any more (a slot's start): an
	// offer never outlives it.
	Until time.Time
}

// Offer is a place held for an entry until ExpiresAt.
type Offer struct {
	ID        string
	Entry     Entry
	Place     Place
	Status    string
	ExpiresAt time.Time
	ResultID  string
	CreatedAt time.Time
}

// OfferView is an offer as its citizen sees it.
type OfferView struct {
	ID      string `json:"id" format:"uuid"`
	Service string `json:"service" enums:"health,education,parking"`
	// Label says what is offered.
	Label     string    `json:"label" example:"Dr Ayesha Siddiqui, Pakistan Institute of Medical Sciences, 2027-03-10"`
	Status    string    `json:"status" enums:"offered,accepted,declined,lapsed"`
	ExpiresAt time.Time `json:"expires_at" format:"date-time"`
	// ResultID is the appointment, application or permit an accepted offer made.
	ResultID  string    `json:"result_id,omitempty" format:"uuid"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} // @name Offer

// EntryView is a citizen's place in a line, as they see it.
type EntryView struct {
	ID      string `json:"id" format:"uuid"`
	Service string `json:"service" enums:"health,education,parking"`
	// Label says what the line is for.
	Label  string `json:"label" example:"Dr Ayesha Siddiqui, Pakistan Institute of Medical Sciences, 2027-03-10"`
	Status string `json:"status" enums:"waiting,offered,served,left"`
	// Position is 1 for the next to be offered a place; it is there while
	// the entry waits.
	Position *int `json:"position,omitempty" example:"3"`
	// Offer is the live offer, or the last one.
	Offer    *OfferView `json:"offer,omitempty"`
	JoinedAt time.Time  `json:"joined_at" format:"date-time"`
} // @name WaitlistEntry

// LineView is one pool's line as staff see it.
type LineView struct {
	Service string `json:"service" enums:"health,education,parking"`
	// Pool names the places the line waits for, as the service keys them.
	Pool    string `json:"pool" example:"health:2e5c9a8d-7b14-4f2e-9d36-5a8b1c0e7f94:2027-03-10"`
	UnitID  string `json:"unit_id"`
	Label   string `json:"label"`
	Waiting int    `json:"waiting" example:"12"`
	// Offers are the live offers, soonest to expire first.
	Offers []StaffOffer `json:"offers"`
} // @name WaitlistLine

// LineList is a page of lines, as every service's staff list answers it.
type LineList struct {
	Items      []LineView `json:"items"`
	NextCursor *string    `json:"next_cursor"`
} // @name WaitlistLineList

// StaffOffer is a live offer as staff see it: when it expires, not who holds it.
type StaffOffer struct {
	ID        string    `json:"id" format:"uuid"`
	Place     string    `json:"place"`
	ExpiresAt time.Time `json:"expires_at" format:"date-time"`
} // @name StaffOffer
