package parking

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/cache"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type zoneRow struct {
	ID          string
	Name        string
	Sector      string
	PermitQuota int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (zoneRow) TableName() string { return "parking_zones" }

type tariffRow struct {
	ZoneID     string
	PermitType string
	Months     int
	AmountPKR  int64 `gorm:"column:amount_pkr"`
}

func (tariffRow) TableName() string { return "parking_tariffs" }

// zonePagesTTL is how long this instance answers the zone list from
// memory. Counting the places held reads every live permit of the page's
// zones (tens of thousands in the city), and the list is public and busy;
// a permit itself is always decided on the database.
const zonePagesTTL = time.Second

// Store persists zones, tariffs and permits.
type Store struct {
	db *db.DB
	// zonePages remembers recent pages of the zone list; every write of a
	// zone, a permit or a parking offer through this Store drops them.
	zonePages *cache.Recent[page.Page[Zone]]
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store {
	return &Store{db: d, zonePages: cache.NewRecent[page.Page[Zone]](1000, zonePagesTTL)}
}

// placesChanged drops the remembered zone pages once the transaction on
// ctx commits: the zones, or the places their permits and offers hold,
// have changed.
func (s *Store) placesChanged(ctx context.Context) { db.AfterCommit(ctx, s.zonePages.Changed) }

// zoneOrder reads zones by name.
var zoneOrder = page.Ascending(page.Text("name"), page.ID("id"))

// ListZones returns a page of zones ordered by name, with their tariffs
// and the places held at now, from this instance's memory when the same
// page was read for the same second of now less than zonePagesTTL ago and
// nothing has changed through this Store since.
func (s *Store) ListZones(ctx context.Context, p page.Request, now time.Time) (page.Page[Zone], error) {
	key := fmt.Sprintf("%d|%s|%d", p.Limit, p.Cursor, now.Unix())
	// The read serves every request waiting for it, so the first one's
	// going away must not end it; the statement timeout bounds it.
	shared := context.WithoutCancel(ctx)
	return s.zonePages.Load(key, func() (page.Page[Zone], error) { return s.readZones(shared, p, now) })
}

// readZones is ListZones read from the database.
func (s *Store) readZones(ctx context.Context, p page.Request, now time.Time) (page.Page[Zone], error) {
	q := s.db.Conn(ctx).Model(&zoneRow{})
	q, err := zoneOrder.Seek(q, p)
	if err != nil {
		return page.Page[Zone]{}, err
	}
	var rows []zoneRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Zone]{}, db.Translate(err, "")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var tariffs []tariffRow
	if len(ids) > 0 {
		if err := s.db.Conn(ctx).Where("zone_id IN ?", ids).Order("permit_type, months").Find(&tariffs).Error; err != nil {
			return page.Page[Zone]{}, db.Translate(err, "")
		}
	}
	byZone := map[string][]Tariff{}
	for _, t := range tariffs {
		byZone[t.ZoneID] = append(byZone[t.ZoneID], Tariff{PermitType: t.PermitType, Months: t.Months, AmountPKR: &t.AmountPKR})
	}
	held, err := s.placesHeld(ctx, ids, now)
	if err != nil {
		return page.Page[Zone]{}, err
	}
	zones := make([]Zone, len(rows))
	for i, r := range rows {
		list := byZone[r.ID]
		if list == nil {
			list = []Tariff{}
		}
		zones[i] = Zone{ID: r.ID, Name: r.Name, Sector: r.Sector, PermitQuota: r.PermitQuota, ActivePermits: held[r.ID], Tariffs: list}
	}
	return page.Build(zoneOrder, zones, p, func(z Zone) []any { return []any{z.Name, z.ID} }), nil
}

// CreateZone inserts a zone with its tariffs. Errors: Conflict for a name
// in use.
func (s *Store) CreateZone(ctx context.Context, z Zone, now time.Time) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		row := zoneRow{ID: z.ID, Name: z.Name, Sector: z.Sector, PermitQuota: z.PermitQuota, CreatedAt: now, UpdatedAt: now}
		s.placesChanged(ctx)
		if err := conn.Create(&row).Error; db.IsUniqueViolation(err) {
			return zoneNameConflict(err)
		} else if err != nil {
			return db.Translate(err, "")
		}
		for _, t := range z.Tariffs {
			if err := conn.Create(&tariffRow{ZoneID: z.ID, PermitType: t.PermitType, Months: t.Months, AmountPKR: *t.AmountPKR}).Error; err != nil {
				return db.Translate(err, "")
			}
		}
		return nil
	})
}

// countZones tells whether there are zones.
func (s *Store) countZones(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&zoneRow{}).Count(&n).Error
	return n, db.Translate(err, "")
}

// Zone returns one zone with its tariffs and places held. Errors: NotFound.
func (s *Store) Zone(ctx context.Context, id string, now time.Time) (Zone, error) {
	var row zoneRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Zone{}, db.Translate(err, "zone not found")
	}
	var tariffs []tariffRow
	if err := s.db.Conn(ctx).Where("zone_id = ?", id).Order("permit_type, months").Find(&tariffs).Error; err != nil {
		return Zone{}, db.Translate(err, "")
	}
	held, err := s.placesHeld(ctx, []string{id}, now)
	if err != nil {
		return Zone{}, err
	}
	z := Zone{ID: row.ID, Name: row.Name, Sector: row.Sector, PermitQuota: row.PermitQuota, ActivePermits: held[id], Tariffs: []Tariff{}}
	for _, t := range tariffs {
		z.Tariffs = append(z.Tariffs, Tariff{PermitType: t.PermitType, Months: t.Months, AmountPKR: &t.AmountPKR})
	}
	return z, nil
}

// UpdateZone sets columns of a zone and upserts tariffs. Errors: NotFound,
// Conflict for a name in use.
func (s *Store) UpdateZone(ctx context.Context, id string, fields map[string]any, tariffs []Tariff) error {
	s.placesChanged(ctx)
	conn := s.db.Conn(ctx)
	res := conn.Model(&zoneRow{}).Where("id = ?", id).Updates(fields)
	if db.IsUniqueViolation(res.Error) {
		return zoneNameConflict(res.Error)
	}
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "zone not found")
	}
	for _, t := range tariffs {
		row := tariffRow{ZoneID: id, PermitType: t.PermitType, Months: t.Months, AmountPKR: *t.AmountPKR}
		err := conn.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "zone_id"}, {Name: "permit_type"}, {Name: "months"}},
			DoUpdates: clause.AssignmentColumns([]string{"amount_pkr"}),
		}).Create(&row).Error
		if err != nil {
			return db.Translate(err, "")
		}
	}
	return nil
}

func zoneNameConflict(err error) error {
	return &domain.Error{Kind: domain.Conflict, Message: "a zone with this name exists already",
		Fields: []domain.FieldError{{Field: "name", Key: "validation.in_use"}}, Err: err}
}
