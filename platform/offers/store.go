package offers

import (
	"context"
	"encoding/json"
	"time"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type entryRow struct {
	ID        string
	Service   string
	Pool      string
	Line      string
	UnitID    string
	AccountID string
	Subject   string
	Label     string
	Details   string
	Status    string
	JoinedAt  time.Time
	Seq       int
	UpdatedAt time.Time
}

func (entryRow) TableName() string { return "waitlist_entries" }

func (r entryRow) entry() Entry {
	var details map[string]string
	_ = json.Unmarshal([]byte(r.Details), &details)
	return Entry{ID: r.ID, Service: r.Service, Pool: r.Pool, Line: r.Line, UnitID: r.UnitID, AccountID: r.AccountID,
		Subject: r.Subject, Label: r.Label, Details: details, Status: r.Status, JoinedAt: r.JoinedAt.UTC(), Seq: r.Seq}
}

type offerRow struct {
	ID         string
	EntryID    string
	Service    string
	Pool       string
	UnitID     string
	AccountID  string
	Place      string
	PlaceUntil *time.Time
	Status     string
	ExpiresAt  time.Time
	RemindedAt *time.Time
	DecidedAt  *time.Time
	ResultID   string
	CreatedAt  time.Time
}

func (offerRow) TableName() string { return "offers" }

func (r offerRow) offer(e Entry) Offer {
	o := Offer{ID: r.ID, Entry: e, Status: r.Status, ExpiresAt: r.ExpiresAt.UTC(), ResultID: r.ResultID, CreatedAt: r.CreatedAt.UTC(),
		Place: Place{Service: r.Service, Pool: r.Pool, UnitID: r.UnitID, Ref: r.Place}}
	if r.PlaceUntil != nil {
		o.Place.Until = r.PlaceUntil.UTC()
	}
	return o
}

func (r offerRow) view(label string, now time.Time) OfferView {
	return OfferView{ID: r.ID, Service: r.Service, Label: label, Status: statusAt(r.Status, r.ExpiresAt, now),
		ExpiresAt: r.ExpiresAt.UTC(), ResultID: r.ResultID, CreatedAt: r.CreatedAt.UTC()}
}

// statusAt reads an offer's status from the clock: a live offer past its
// expiry is lapsed, whether or not the sweep has recorded it yet.
func statusAt(status string, expiresAt, now time.Time) string {
	if status == Offered && !now.Before(expiresAt) {
		return Lapsed
	}
	return status
}

// aheadOf keeps the entries before one at (joined_at, seq, id) in line
// order, the order next hands out places in.
const aheadOf = "(joined_at < ? OR (joined_at = ? AND (seq < ? OR (seq = ? AND id < ?))))"

// next returns the first entry waiting in pool and locks it. On PostgreSQL
// an entry another transaction is offering a place to right now is passed
// over (SKIP LOCKED): it is getting that place.
func (e *Engine) next(ctx context.Context, pool string) (entryRow, bool, error) {
	q := e.db.Conn(ctx).Where("pool = ? AND status = ?", pool, Waiting).Order("joined_at, seq, id").Limit(1)
	if e.db.Dialect == db.Postgres {
		q = q.Clauses(skipLocked)
	}
	var rows []entryRow
	if err := q.Find(&rows).Error; err != nil {
		return entryRow{}, false, db.Translate(err, "")
	}
	if len(rows) == 0 {
		return entryRow{}, false, nil
	}
	return rows[0], true, nil
}

// moveEntry changes an entry's status if it is still from; it reports
// whether it did.
func (e *Engine) moveEntry(ctx context.Context, id, from, to string) (bool, error) {
	res := e.db.Conn(ctx).Model(&entryRow{}).Where("id = ? AND status = ?", id, from).
		Updates(map[string]any{"status": to, "updated_at": e.clock.Now()})
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// decide moves a live offer to status if it is still live (and, for an
// acceptance, not expired); it reports whether it did.
func (e *Engine) decide(ctx context.Context, id, accountID, status string) (bool, error) {
	now := e.clock.Now()
	q := e.db.Conn(ctx).Model(&offerRow{}).Where("id = ? AND status = ?", id, Offered)
	if accountID != "" {
		q = q.Where("account_id = ?", accountID)
	}
	switch status {
	case Accepted:
		q = q.Where("expires_at > ?", now)
	case Lapsed:
		q = q.Where("expires_at <= ?", now)
	}
	res := q.Updates(map[string]any{"status": status, "decided_at": now})
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// offerOf returns an offer with its entry. Errors: NotFound, also for
// another citizen's when accountID is set.
func (e *Engine) offerOf(ctx context.Context, id, accountID string) (Offer, error) {
	var r offerRow
	q := e.db.Conn(ctx).Where("id = ?", id)
	if accountID != "" {
		q = q.Where("account_id = ?", accountID)
	}
	if err := q.Take(&r).Error; err != nil {
		return Offer{}, db.Translate(err, "offer not found")
	}
	var en entryRow
	if err := e.db.Conn(ctx).Where("id = ?", r.EntryID).Take(&en).Error; err != nil {
		return Offer{}, db.Translate(err, "")
	}
	return r.offer(en.entry()), nil
}

// entryOrder reads a citizen's entries newest first.
var entryOrder = page.Descending(page.Time("e.joined_at"), page.ID("e.id"))

// positioned is an entry with its place in its pool's line.
type positioned struct {
	Entry entryRow `gorm:"embedded"`
	Ahead int
}

// mine reads a page of accountID's entries, each with the number of
// entries waiting ahead of it (in aheadOf's order), in one query.
func (e *Engine) mine(ctx context.Context, accountID string, p page.Request) (page.Page[positioned], error) {
	q := e.db.Conn(ctx).Table("waitlist_entries AS e").Select(`e.*, (SELECT COUNT(*) FROM waitlist_entries w
		WHERE w.pool = e.pool AND w.status = 'waiting' AND (w.joined_at < e.joined_at OR (w.joined_at = e.joined_at AND
		(w.seq < e.seq OR (w.seq = e.seq AND w.id < e.id))))) AS ahead`).Where("e.account_id = ?", accountID)
	q, err := entryOrder.Seek(q, p)
	if err != nil {
		return page.Page[positioned]{}, err
	}
	var rows []positioned
	if err := q.Scan(&rows).Error; err != nil {
		return page.Page[positioned]{}, db.Translate(err, "")
	}
	return page.Build(entryOrder, rows, p, func(r positioned) []any { return []any{r.Entry.JoinedAt, r.Entry.ID} }), nil
}

// lastOffers returns the newest offer of each entry.
func (e *Engine) lastOffers(ctx context.Context, entryIDs []string) (map[string]offerRow, error) {
	out := map[string]offerRow{}
	if len(entryIDs) == 0 {
		return out, nil
	}
	var rows []offerRow
	if err := e.db.Conn(ctx).Where("entry_id IN ?", entryIDs).Order("created_at").Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	for _, r := range rows {
		out[r.EntryID] = r
	}
	return out, nil
}
