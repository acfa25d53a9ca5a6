package offers

import (
	"context"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// sweepBatch bounds the offers one sweep claims.
const sweepBatch = 100

// Sweep lapses the offers past their expiry, passing each place to the
// next in line, reminds holders of offers half way to their expiry, and
// lets services whose places free up unheard (Refiller) hand them out. It
// is safe on many instances at once: each offer is claimed with FOR
// UPDATE SKIP LOCKED and changed by a conditional update. It returns how
// many offers it lapsed, reminded or made.
func (e *Engine) Sweep(ctx context.Context) (int, error) {
	lapsed, err := e.lapseDue(ctx)
	if err != nil {
		return lapsed, err
	}
	reminded, err := e.remind(ctx)
	if err != nil {
		return lapsed + reminded, err
	}
	refilled, err := e.refill(ctx)
	return lapsed + reminded + refilled, err
}

// lapseDue lapses due offers, one transaction each.
func (e *Engine) lapseDue(ctx context.Context) (int, error) {
	var due []string
	err := e.db.Conn(ctx).Model(&offerRow{}).Where("status = ? AND expires_at <= ?", Offered, e.clock.Now()).
		Order("expires_at").Limit(sweepBatch).Pluck("id", &due).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	n := 0
	for _, id := range due {
		err := e.db.WithinTx(ctx, func(ctx context.Context) error {
			q := e.db.Conn(ctx).Where("id = ? AND status = ?", id, Offered)
			if e.db.Dialect == db.Postgres {
				q = q.Clauses(skipLocked)
			}
			var claimed []offerRow
			if err := q.Find(&claimed).Error; err != nil || len(claimed) == 0 {
				return db.Translate(err, "")
			}
			o, err := e.offerOf(ctx, id, "")
			if err != nil {
				return err
			}
			if err := e.drop(ctx, o, Lapsed); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// remind tells the holder of each live offer past half its time, once.
func (e *Engine) remind(ctx context.Context) (int, error) {
	now := e.clock.Now()
	var due []offerRow
	err := e.db.Conn(ctx).Where("status = ? AND reminded_at IS NULL AND expires_at > ?", Offered, now).
		Order("expires_at").Limit(sweepBatch).Find(&due).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	n := 0
	for _, r := range due {
		if now.Before(r.CreatedAt.Add(r.ExpiresAt.Sub(r.CreatedAt) / 2)) {
			continue
		}
		err := e.db.WithinTx(ctx, func(ctx context.Context) error {
			res := e.db.Conn(ctx).Model(&offerRow{}).Where("id = ? AND status = ? AND reminded_at IS NULL", r.ID, Offered).Update("reminded_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return db.Translate(res.Error, "")
			}
			o, err := e.offerOf(ctx, r.ID, "")
			if err != nil {
				return err
			}
			n++
			return e.tell(ctx, "offer.reminder", o)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// refill asks each Refiller to hand its free places to the pools that
// have someone waiting.
func (e *Engine) refill(ctx context.Context) (int, error) {
	n := 0
	for name, svc := range e.services {
		r, ok := svc.(Refiller)
		if !ok {
			continue
		}
		var pools []string
		err := e.db.Conn(ctx).Model(&entryRow{}).Distinct("pool").Where("service = ? AND status = ?", name, Waiting).
			Order("pool").Limit(sweepBatch).Pluck("pool", &pools).Error
		if err != nil {
			return n, db.Translate(err, "")
		}
		for _, pool := range pools {
			made, err := r.Refill(ctx, pool)
			n += made
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// lineOrder reads lines by pool.
var lineOrder = page.Ascending(page.Text("pool"))

// Lines lists a service's lines that have someone waiting or a live
// offer, with their length and live offers, for staff; units, when not
// empty, keeps the lines of those units only (a desk's facility, a
// school).
func (e *Engine) Lines(ctx context.Context, service string, units []string, pg page.Request) (page.Page[LineView], error) {
	q := e.db.Conn(ctx).Model(&entryRow{}).Select(`pool, MIN(unit_id) AS unit_id, MIN(label) AS label,
		SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END) AS waiting`).
		Where("service = ? AND status IN ?", service, []string{Waiting, Offered}).Group("pool")
	if len(units) > 0 {
		q = q.Where("unit_id IN ?", units)
	}
	q, err := lineOrder.Seek(q, pg)
	if err != nil {
		return page.Page[LineView]{}, err
	}
	var rows []struct {
		Pool, UnitID, Label string
		Waiting             int
	}
	if err := q.Scan(&rows).Error; err != nil {
		return page.Page[LineView]{}, db.Translate(err, "")
	}
	lines := make([]LineView, len(rows))
	for i, r := range rows {
		lines[i] = LineView{Service: service, Pool: r.Pool, UnitID: r.UnitID, Label: r.Label, Waiting: r.Waiting, Offers: []StaffOffer{}}
	}
	out := page.Build(lineOrder, lines, pg, func(l LineView) []any { return []any{l.Pool} })
	pools := make([]string, len(out.Items))
	for i := range out.Items {
		pools[i] = out.Items[i].Pool
	}
	var live []offerRow
	if len(pools) > 0 {
		err = e.db.Conn(ctx).Where("pool IN ? AND status = ?", pools, Offered).Order("expires_at").Find(&live).Error
	}
	for _, o := range live {
		for i := range out.Items {
			if out.Items[i].Pool == o.Pool {
				out.Items[i].Offers = append(out.Items[i].Offers, StaffOffer{ID: o.ID, Place: o.Place, ExpiresAt: o.ExpiresAt.UTC()})
			}
		}
	}
	return out, db.Translate(err, "")
}
