package traffic

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type advisoryRow struct {
	ID          string
	Kind        string
	Title       string
	TitleUr     string
	Body        string
	BodyUr      string
	StartsAt    time.Time
	EndsAt      time.Time
	PublishedBy string
	NotifiedAt  *time.Time
	CreatedAt   time.Time
}

func (advisoryRow) TableName() string { return "traffic_advisories" }

func (r advisoryRow) advisory(sectors []string) Advisory {
	if sectors == nil {
		sectors = []string{}
	}
	return Advisory{ID: r.ID, Kind: r.Kind, Title: r.Title, TitleUr: r.TitleUr, Body: r.Body, BodyUr: r.BodyUr, Sectors: sectors,
		StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), CreatedAt: r.CreatedAt.UTC()}
}

type advisorySectorRow struct {
	AdvisoryID string
	Sector     string
}

func (advisorySectorRow) TableName() string { return "traffic_advisory_sectors" }

type followedRow struct {
	AccountID string
	Sector    string
	CreatedAt time.Time
}

func (followedRow) TableName() string { return "followed_sectors" }

// unknownSectors returns those of codes that are not traffic sectors.
func (s *Store) unknownSectors(ctx context.Context, codes []string) ([]string, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	var known []string
	if err := s.db.Conn(ctx).Model(&sectorRow{}).Where("code IN ?", codes).Pluck("code", &known).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	var unknown []string
	for _, c := range codes {
		if !slices.Contains(known, c) {
			unknown = append(unknown, c)
		}
	}
	return unknown, nil
}

// CreateAdvisory inserts an advisory touching the sectors with codes.
func (s *Store) CreateAdvisory(ctx context.Context, r advisoryRow, codes []string) error {
	if err := s.db.Conn(ctx).Create(&r).Error; err != nil {
		return db.Translate(err, "")
	}
	rows := make([]advisorySectorRow, len(codes))
	for i, c := range codes {
		rows[i] = advisorySectorRow{AdvisoryID: r.ID, Sector: c}
	}
	return db.Translate(s.db.Conn(ctx).Create(&rows).Error, "")
}

// AdvisoryFilter narrows the list of advisories. Sector is a sector code,
// or empty for every sector. Active nil lists those not yet over, true
// those in force, false every one.
type AdvisoryFilter struct {
	Sector string
	Active *bool
}

// advisoryOrder reads advisories by start.
var advisoryOrder = page.Ascending(page.Time("starts_at"), page.ID("id"))

// ListAdvisories returns a page of the advisories f selects on now, by
// start.
func (s *Store) ListAdvisories(ctx context.Context, f AdvisoryFilter, p page.Request, now time.Time) (page.Page[advisoryRow], error) {
	q := s.db.Conn(ctx).Model(&advisoryRow{})
	if f.Sector != "" {
		q = q.Where("id IN (SELECT advisory_id FROM traffic_advisory_sectors WHERE sector = ?)", f.Sector)
	}
	switch {
	case f.Active == nil:
		q = q.Where("ends_at > ?", now)
	case *f.Active:
		q = q.Where("starts_at <= ? AND ends_at > ?", now, now)
	}
	q, err := advisoryOrder.Seek(q, p)
	if err != nil {
		return page.Page[advisoryRow]{}, err
	}
	var rows []advisoryRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[advisoryRow]{}, db.Translate(err, "")
	}
	return page.Build(advisoryOrder, rows, p, func(r advisoryRow) []any { return []any{r.StartsAt, r.ID} }), nil
}

// advisorySectors returns the sector codes of each advisory, sorted, in
// one query. Codes are sorted here, not by the database's collation, so
// that every answer lists them alike.
func (s *Store) advisorySectors(ctx context.Context, ids []string) (map[string][]string, error) {
	out := make(map[string][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []advisorySectorRow
	err := s.db.Conn(ctx).Where("advisory_id IN ?", ids).Find(&rows).Error
	for _, r := range rows {
		out[r.AdvisoryID] = append(out[r.AdvisoryID], r.Sector)
	}
	for _, codes := range out {
		slices.Sort(codes)
	}
	return out, db.Translate(err, "")
}

// Followed returns the codes of the sectors accountID follows, sorted.
func (s *Store) Followed(ctx context.Context, accountID string) ([]string, error) {
	codes := []string{}
	err := s.db.Conn(ctx).Model(&followedRow{}).Where("account_id = ?", accountID).Pluck("sector", &codes).Error
	slices.Sort(codes)
	return codes, db.Translate(err, "")
}

// ReplaceFollowed makes codes the sectors accountID follows, in the
// caller's transaction. Sectors followed before and still wanted keep
// their created_at.
func (s *Store) ReplaceFollowed(ctx context.Context, accountID string, codes []string, now time.Time) error {
	if s.db.Dialect == db.Postgres {
		// Two replacements at once would each keep the other's new rows,
		// leaving their union: the second waits for the first to commit.
		// (SQLite has one writer at a time already.)
		if err := s.db.Conn(ctx).Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "followed_sectors:"+accountID).Error; err != nil {
			return db.Translate(err, "")
		}
	}
	q := s.db.Conn(ctx).Where("account_id = ?", accountID)
	if len(codes) > 0 {
		q = q.Where("sector NOT IN ?", codes)
	}
	if err := q.Delete(&followedRow{}).Error; err != nil || len(codes) == 0 {
		return db.Translate(err, "")
	}
	rows := make([]followedRow, len(codes))
	for i, c := range codes {
		rows[i] = followedRow{AccountID: accountID, Sector: c, CreatedAt: now}
	}
	return db.Translate(s.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error, "")
}

// unnotified returns up to limit advisories whose followers have not been
// told yet, oldest first.
func (s *Store) unnotified(ctx context.Context, limit int) ([]advisoryRow, error) {
	var rows []advisoryRow
	err := s.db.Conn(ctx).Where("notified_at IS NULL").Order("created_at, id").Limit(limit).Find(&rows).Error
	return rows, db.Translate(err, "")
}

// claimNotice marks an advisory's followers told at now unless they were,
// and reports whether it did: the one claim among concurrent runs.
func (s *Store) claimNotice(ctx context.Context, id string, now time.Time) (bool, error) {
	res := s.db.Conn(ctx).Model(&advisoryRow{}).Where("id = ? AND notified_at IS NULL", id).Update("notified_at", now)
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// followers returns the accounts following any sector an advisory
// touches, each once.
func (s *Store) followers(ctx context.Context, advisoryID string) ([]string, error) {
	var ids []string
	err := s.db.Conn(ctx).Raw(`SELECT DISTINCT f.account_id FROM followed_sectors f
		JOIN traffic_advisory_sectors a ON a.sector = f.sector WHERE a.advisory_id = ? ORDER BY f.account_id`, advisoryID).Scan(&ids).Error
	return ids, db.Translate(err, "")
}
