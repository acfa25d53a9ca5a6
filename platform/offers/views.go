package offers

import (
	"context"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// Mine lists the citizen's places in every line, newest first, with their
// positions and offers.
func (e *Engine) Mine(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[EntryView], error) {
	rows, err := e.mine(ctx, p.Subject, pg)
	if err != nil {
		return page.Page[EntryView]{}, err
	}
	ids := make([]string, len(rows.Items))
	for i, r := range rows.Items {
		ids[i] = r.Entry.ID
	}
	offers, err := e.lastOffers(ctx, ids)
	if err != nil {
		return page.Page[EntryView]{}, err
	}
	now := e.clock.Now()
	out := page.Page[EntryView]{Items: make([]EntryView, len(rows.Items)), NextCursor: rows.NextCursor}
	for i, p := range rows.Items {
		r := p.Entry
		v := EntryView{ID: r.ID, Service: r.Service, Label: r.Label, Status: r.Status, JoinedAt: r.JoinedAt.UTC()}
		if r.Status == Waiting {
			pos := p.Ahead + 1
			v.Position = &pos
		}
		if o, ok := offers[r.ID]; ok {
			ov := o.view(r.Label, now)
			v.Offer = &ov
			if r.Status == Offered && ov.Status == Lapsed {
				v.Status = Left // read from the clock, before the sweep records it
			}
		}
		out.Items[i] = v
	}
	return out, nil
}

// entryView returns one of the citizen's entries as Mine shows it.
func (e *Engine) entryView(ctx context.Context, accountID, id string) (EntryView, error) {
	var r entryRow
	if err := e.db.Conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&r).Error; err != nil {
		return EntryView{}, db.Translate(err, "waitlist entry not found")
	}
	v := EntryView{ID: r.ID, Service: r.Service, Label: r.Label, Status: r.Status, JoinedAt: r.JoinedAt.UTC()}
	offers, err := e.lastOffers(ctx, []string{id})
	if o, ok := offers[id]; ok {
		ov := o.view(r.Label, e.clock.Now())
		v.Offer = &ov
	}
	return v, err
}

// View returns one of the citizen's offers. Errors: NotFound, also for
// another citizen's.
func (e *Engine) View(ctx context.Context, p domain.Principal, id string) (OfferView, error) {
	o, err := e.offerOf(ctx, id, p.Subject)
	if err != nil {
		return OfferView{}, err
	}
	return OfferView{ID: o.ID, Service: o.Entry.Service, Label: o.Entry.Label, Status: statusAt(o.Status, o.ExpiresAt, e.clock.Now()),
		ExpiresAt: o.ExpiresAt, ResultID: o.ResultID, CreatedAt: o.CreatedAt}, nil
}

// Live returns the citizen's live offers, soonest to expire first, at most
// limit.
func (e *Engine) Live(ctx context.Context, accountID string, limit int) ([]OfferView, error) {
	now := e.clock.Now()
	var rows []struct {
		Offer offerRow `gorm:"embedded"`
		Label string
	}
	err := e.db.Conn(ctx).Table("offers AS o").Select("o.*, e.label").Joins("JOIN waitlist_entries e ON e.id = o.entry_id").
		Where("o.account_id = ? AND o.status = ? AND o.expires_at > ?", accountID, Offered, now).Order("o.expires_at").Limit(limit).Scan(&rows).Error
	out := make([]OfferView, len(rows))
	for i, r := range rows {
		out[i] = r.Offer.view(r.Label, now)
	}
	return out, db.Translate(err, "")
}
