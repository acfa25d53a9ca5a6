package offers

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// Default times an offer holds its place, by service.
var DefaultHolds = map[string]time.Duration{
	"health":    30 * time.Minute,
	"education": 72 * time.Hour,
	"parking":   24 * time.Hour,
}

// minHold is the least time worth offering: a place of use for less (a
// slot about to start) goes back to its service instead.
const minHold = 5 * time.Minute

var skipLocked = clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}

// Engine keeps the lines and offers of every service.
type Engine struct {
	db       *db.DB
	clock    domain.Clock
	inbox    *notify.Inbox
	events   *webhook.Outbox
	holds    map[string]time.Duration
	services map[string]Service
}

// New returns an engine on d. holds overrides DefaultHolds per service.
func New(d *db.DB, clock domain.Clock, holds map[string]time.Duration) *Engine {
	all := map[string]time.Duration{}
	for s, h := range DefaultHolds {
		all[s] = h
	}
	for s, h := range holds {
		all[s] = h
	}
	return &Engine{db: d, clock: clock, inbox: notify.NewInbox(d, clock), events: webhook.NewOutbox(d, clock), holds: all, services: map[string]Service{}}
}

// Register names the service that keeps the places of its pools. Modules
// register when they are built, before any request is served.
func (e *Engine) Register(name string, s Service) { e.services[name] = s }

func (e *Engine) service(name string) (Service, error) {
	s, ok := e.services[name]
	if !ok {
		return nil, fmt.Errorf("no service %q registered with the offer engine", name)
	}
	return s, nil
}

// errAlreadyWaiting is the answer to joining a pool twice.
var errAlreadyWaiting = i18n.Err(domain.Conflict, "error.waitlist.already", nil)

// Join puts en at the end of its pool's line in the caller's transaction
// and returns it with its position. Errors: Conflict when its subject
// waits there already.
func (e *Engine) Join(ctx context.Context, en Entry) (Entry, int, error) {
	details, err := json.Marshal(en.Details)
	if err != nil {
		return Entry{}, 0, err
	}
	now := e.clock.Now()
	en.ID, en.Status = uuid.NewString(), Waiting
	if en.JoinedAt.IsZero() {
		en.JoinedAt = now
	}
	row := entryRow{ID: en.ID, Service: en.Service, Pool: en.Pool, Line: en.Line, UnitID: en.UnitID, AccountID: en.AccountID,
		Subject: en.Subject, Label: en.Label, Details: string(details), Status: Waiting, JoinedAt: en.JoinedAt, Seq: en.Seq, UpdatedAt: now}
	err = e.db.Conn(ctx).Create(&row).Error
	if db.IsUniqueViolation(err) {
		return Entry{}, 0, errAlreadyWaiting
	} else if err != nil {
		return Entry{}, 0, db.Translate(err, "")
	}
	var ahead int64
	err = e.db.Conn(ctx).Model(&entryRow{}).Where("pool = ? AND status = ?", en.Pool, Waiting).
		Where(aheadOf, en.JoinedAt, en.JoinedAt, en.Seq, en.Seq, en.ID).Count(&ahead).Error
	return en, int(ahead) + 1, db.Translate(err, "")
}

// Waiting says how many entries wait in pool.
func (e *Engine) Waiting(ctx context.Context, pool string) (int, error) {
	var n int64
	err := e.db.Conn(ctx).Model(&entryRow{}).Where("pool = ? AND status = ?", pool, Waiting).Count(&n).Error
	return int(n), db.Translate(err, "")
}

// First returns the entry that Hand would offer pool's next place to, in
// the caller's transaction, without offering it anything, so that a
// service can first see whether the place suits what it waits for; found
// is false when nobody waits.
func (e *Engine) First(ctx context.Context, pool string) (Entry, bool, error) {
	r, found, err := e.next(ctx, pool)
	return r.entry(), found, err
}

// Hand offers a freed place to the first entry waiting in its pool, in the
// caller's transaction, and reports whether anyone took it. When nobody
// waits, or the place is of use for too short a time, the caller keeps
// the place.
func (e *Engine) Hand(ctx context.Context, p Place) (bool, error) {
	now := e.clock.Now()
	expires := now.Add(e.holds[p.Service])
	if !p.Until.IsZero() && p.Until.Before(expires) {
		expires = p.Until
	}
	if expires.Sub(now) < minHold {
		return false, nil
	}
	for {
		en, found, err := e.next(ctx, p.Pool)
		if err != nil || !found {
			return false, err
		}
		moved, err := e.moveEntry(ctx, en.ID, Waiting, Offered)
		if err != nil {
			return false, err
		}
		if !moved {
			continue // it left meanwhile (SQLite reads without locking)
		}
		return true, e.offer(ctx, en.entry(), p, expires)
	}
}

// offer records the offer of p to en and tells the citizen, the service
// and the integrators.
func (e *Engine) offer(ctx context.Context, en Entry, p Place, expires time.Time) error {
	now := e.clock.Now()
	row := offerRow{ID: uuid.NewString(), EntryID: en.ID, Service: en.Service, Pool: en.Pool, UnitID: en.UnitID, AccountID: en.AccountID,
		Place: p.Ref, Status: Offered, ExpiresAt: expires, CreatedAt: now}
	if !p.Until.IsZero() {
		row.PlaceUntil = &p.Until
	}
	if err := e.db.Conn(ctx).Create(&row).Error; err != nil {
		return db.Translate(err, "")
	}
	o := row.offer(en)
	svc, err := e.service(en.Service)
	if err != nil {
		return err
	}
	if err := svc.Offered(ctx, o); err != nil {
		return err
	}
	return e.tell(ctx, "offer.made", o)
}

// tell writes the citizen's notice and the integrators' event about o.
func (e *Engine) tell(ctx context.Context, kind string, o Offer) error {
	if kind != "offer.reminder" {
		status := map[string]string{"offer.made": Offered, "offer.accepted": Accepted, "offer.lapsed": Lapsed}[kind]
		err := e.events.Publish(ctx, webhook.New(kind, o.Place.UnitID, webhook.OfferEventData{
			OfferID: o.ID, Service: o.Entry.Service, UnitID: o.Place.UnitID, Status: status, ExpiresAt: o.ExpiresAt.UTC(), ResultID: o.ResultID,
		}, e.clock.Now()))
		if err != nil || kind == "offer.accepted" {
			return err
		}
	}
	return e.inbox.Add(ctx, notify.Notice{AccountID: o.Entry.AccountID, Kind: kind, Params: map[string]string{
		"what": o.Entry.Label, "until": o.ExpiresAt.In(domain.Karachi).Format("2006-01-02 15:04"), "offer_id": o.ID, "entry_id": o.Entry.ID,
	}})
}

// Accept takes an offered place for the citizen with its service's rules,
// in one transaction: the offer is accepted only if it is still live and
// unexpired, so two acceptances, or an acceptance racing the expiry, take
// it once at most. Errors: NotFound, also for another citizen's offer;
// Conflict when it is no longer live; the service's own refusals, which
// leave the offer live.
func (e *Engine) Accept(ctx context.Context, p domain.Principal, id string) (OfferView, error) {
	err := e.db.WithinTx(ctx, func(ctx context.Context) error {
		o, err := e.offerOf(ctx, id, p.Subject)
		if err != nil {
			return err
		}
		accepted, err := e.decide(ctx, id, p.Subject, Accepted)
		if err != nil {
			return err
		}
		if !accepted {
			return notLive(o, e.clock.Now())
		}
		if _, err := e.moveEntry(ctx, o.Entry.ID, Offered, Served); err != nil {
			return err
		}
		svc, err := e.service(o.Entry.Service)
		if err != nil {
			return err
		}
		if o.ResultID, err = svc.Take(ctx, o); err != nil {
			return err
		}
		if err := e.db.Conn(ctx).Model(&offerRow{}).Where("id = ?", id).Update("result_id", o.ResultID).Error; err != nil {
			return db.Translate(err, "")
		}
		return e.tell(ctx, "offer.accepted", o)
	})
	if err != nil {
		return OfferView{}, err
	}
	return e.View(ctx, p, id)
}

// notLive says why an offer cannot be accepted or declined.
func notLive(o Offer, now time.Time) error {
	return i18n.Err(domain.Conflict, "error.offer.not_live", map[string]string{"status": statusAt(o.Status, o.ExpiresAt, now)})
}

// Decline gives an offered place up; it goes to the next in line at once.
// Errors: NotFound, also for another citizen's offer; Conflict when it is
// no longer live.
func (e *Engine) Decline(ctx context.Context, p domain.Principal, id string) (OfferView, error) {
	err := e.db.WithinTx(ctx, func(ctx context.Context) error {
		o, err := e.offerOf(ctx, id, p.Subject)
		if err != nil {
			return err
		}
		return e.drop(ctx, o, Declined)
	})
	if err != nil {
		return OfferView{}, err
	}
	return e.View(ctx, p, id)
}

// drop ends a live offer as declined or lapsed: its entry leaves the line,
// the service hears of it and the place goes to the next in line, or back
// to the service. Errors: Conflict when the offer is no longer live.
func (e *Engine) drop(ctx context.Context, o Offer, status string) error {
	dropped, err := e.decide(ctx, o.ID, "", status)
	if err != nil {
		return err
	}
	if !dropped {
		return notLive(o, e.clock.Now())
	}
	if _, err := e.moveEntry(ctx, o.Entry.ID, Offered, Left); err != nil {
		return err
	}
	svc, err := e.service(o.Entry.Service)
	if err != nil {
		return err
	}
	if err := svc.Left(ctx, o.Entry); err != nil {
		return err
	}
	if status == Lapsed {
		if err := e.tell(ctx, "offer.lapsed", o); err != nil {
			return err
		}
	}
	return e.pass(ctx, svc, o)
}

// pass hands a dropped offer's place to the next in line, or gives it
// back to its service. A Refiller, which counts its places itself, is
// asked to refill the pool instead: once an offer has expired its place
// may have been taken, and what is free may not suit the next in line.
func (e *Engine) pass(ctx context.Context, svc Service, o Offer) error {
	if r, ok := svc.(Refiller); ok {
		_, err := r.Refill(ctx, o.Place.Pool)
		return err
	}
	handed, err := e.Hand(ctx, o.Place)
	if err != nil || handed {
		return err
	}
	return svc.Release(ctx, o)
}

// Leave takes one of the citizen's entries out of its line; a live offer
// it holds is declined. Errors: NotFound, also for another citizen's;
// Conflict when it was served or left already.
func (e *Engine) Leave(ctx context.Context, p domain.Principal, id string) (EntryView, error) {
	err := e.db.WithinTx(ctx, func(ctx context.Context) error {
		var r entryRow
		if err := e.db.Conn(ctx).Where("id = ? AND account_id = ?", id, p.Subject).Take(&r).Error; err != nil {
			return db.Translate(err, "waitlist entry not found")
		}
		return e.leave(ctx, r, true)
	})
	if err != nil {
		return EntryView{}, err
	}
	return e.entryView(ctx, p.Subject, id)
}

// leave takes an entry out of its line; tellService says whether its
// service should hear of it (not when the service itself asked). r was
// read without a lock: when the entry changed since (a place was offered
// to it, or its offer was decided), it is left as it is now.
func (e *Engine) leave(ctx context.Context, r entryRow, tellService bool) error {
	switch r.Status {
	case Offered:
		var live []offerRow
		if err := e.db.Conn(ctx).Where("entry_id = ? AND status = ?", r.ID, Offered).Limit(1).Find(&live).Error; err != nil {
			return db.Translate(err, "")
		}
		if len(live) == 0 {
			return e.leaveAsNow(ctx, r, tellService)
		}
		if !tellService {
			return e.dropQuietly(ctx, live[0].offer(r.entry()))
		}
		return e.drop(ctx, live[0].offer(r.entry()), Declined)
	case Waiting:
		left, err := e.moveEntry(ctx, r.ID, Waiting, Left)
		if err != nil {
			return err
		}
		if !left {
			return e.leaveAsNow(ctx, r, tellService)
		}
		if !tellService {
			return nil
		}
		svc, err := e.service(r.Service)
		if err != nil {
			return err
		}
		return svc.Left(ctx, r.entry())
	}
	return domain.Errorf(domain.Conflict, "this place in line is %s", r.Status)
}

// leaveAsNow reads again an entry that changed since r was read, and
// leaves it as it is now. Errors: Conflict when it changed back meanwhile.
func (e *Engine) leaveAsNow(ctx context.Context, r entryRow, tellService bool) error {
	var now entryRow
	if err := e.db.Conn(ctx).Where("id = ?", r.ID).Take(&now).Error; err != nil {
		return db.Translate(err, "")
	}
	if now.Status == r.Status {
		return domain.Errorf(domain.Conflict, "this place in line changed meanwhile; reload it")
	}
	return e.leave(ctx, now, tellService)
}

// dropQuietly declines a live offer that its service withdrew itself.
func (e *Engine) dropQuietly(ctx context.Context, o Offer) error {
	dropped, err := e.decide(ctx, o.ID, "", Declined)
	if err != nil || !dropped {
		return err
	}
	if _, err := e.moveEntry(ctx, o.Entry.ID, Offered, Left); err != nil {
		return err
	}
	svc, err := e.service(o.Entry.Service)
	if err != nil {
		return err
	}
	return e.pass(ctx, svc, o)
}

// Withdraw takes subject's entry in pool out of its line in the caller's
// transaction, when its service ends it (a school application withdrawn
// or decided by staff); a live offer is declined and passed on. It does
// nothing when subject does not wait there.
func (e *Engine) Withdraw(ctx context.Context, pool, subject string) error {
	var rows []entryRow
	err := e.db.Conn(ctx).Where("pool = ? AND subject = ? AND status IN ?", pool, subject, []string{Waiting, Offered}).Find(&rows).Error
	if err != nil {
		return db.Translate(err, "")
	}
	for _, r := range rows {
		if err := e.leave(ctx, r, false); err != nil {
			return err
		}
	}
	return nil
}

// Revoke takes back the live offers of places a service can no longer
// give (slots the facility cancelled), in the caller's transaction: their
// entries wait again where they were, and their holders are told.
func (e *Engine) Revoke(ctx context.Context, service string, places []string) error {
	if len(places) == 0 {
		return nil
	}
	var live []offerRow
	err := e.db.Conn(ctx).Where("service = ? AND place IN ? AND status = ?", service, places, Offered).Find(&live).Error
	if err != nil {
		return db.Translate(err, "")
	}
	for _, r := range live {
		res := e.db.Conn(ctx).Model(&offerRow{}).Where("id = ? AND status = ?", r.ID, Offered).
			Updates(map[string]any{"status": Lapsed, "decided_at": e.clock.Now()})
		if res.Error != nil {
			return db.Translate(res.Error, "")
		}
		if res.RowsAffected == 0 {
			continue
		}
		if _, err := e.moveEntry(ctx, r.EntryID, Offered, Waiting); err != nil {
			return err
		}
		o, err := e.offerOf(ctx, r.ID, "")
		if err != nil {
			return err
		}
		if err := e.tell(ctx, "offer.lapsed", o); err != nil {
			return err
		}
	}
	return nil
}
