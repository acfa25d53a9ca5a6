package health

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type facilityRow struct {
	ID        string
	Name      string
	Kind      string
	Sector    string
	Address   string
	Lat       float64
	Lng       float64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (facilityRow) TableName() string { return "health_facilities" }

type specialtyRow struct {
	FacilityID string
	Specialty  string
}

func (specialtyRow) TableName() string { return "health_facility_specialties" }

type practitionerRow struct {
	ID         string
	FacilityID string
	FullName   string
	Specialty  string
	PMDCNumber string `gorm:"column:pmdc_number"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (practitionerRow) TableName() string { return "health_practitioners" }

type slotRow struct {
	ID             string
	PractitionerID string
	FacilityID     string
	Specialty      string
	StartsAt       time.Time
	EndsAt         time.Time
	Capacity       int
	Booked         int
	NextQueue      int
	Status         string
	CancelReason   string
	CreatedAt      time.Time
	// The facility's and the doctor's names, read with the slot (namedSlots).
	FacilityName     string `gorm:"->"`
	PractitionerName string `gorm:"->"`
}

func (slotRow) TableName() string { return "health_slots" }

func (r slotRow) slot() Slot {
	return Slot{
		ID: r.ID, PractitionerID: r.PractitionerID, FacilityID: r.FacilityID, FacilityName: r.FacilityName,
		PractitionerName: r.PractitionerName, Specialty: r.Specialty,
		StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), Capacity: r.Capacity, Remaining: r.Capacity - r.Booked,
	}
}

// namedSlots reads slots (as s) with their facility's and doctor's names,
// joined by primary key: one query however many slots.
func namedSlots(conn *gorm.DB) *gorm.DB {
	return conn.Table("health_slots s").Select("s.*, f.name AS facility_name, p.full_name AS practitioner_name").
		Joins("JOIN health_facilities f ON f.id = s.facility_id").
		Joins("JOIN health_practitioners p ON p.id = s.practitioner_id")
}

// slotNames are the names TakeSeat returns with the updated slot.
var slotNames = []clause.Column{
	{Raw: true, Name: "*"},
	{Raw: true, Name: "(SELECT f.name FROM health_facilities f WHERE f.id = health_slots.facility_id) AS facility_name"},
	{Raw: true, Name: "(SELECT p.full_name FROM health_practitioners p WHERE p.id = health_slots.practitioner_id) AS practitioner_name"},
}

// Store persists the health catalog.
type Store struct {
	db *db.DB
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// likePattern escapes LIKE wildcards in q and wraps it for a substring match.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(q)) + "%"
}

// facilityOrder reads facilities by name.
var facilityOrder = page.Ascending(page.Text("name"), page.ID("id"))

// ListFacilities returns a page of facilities ordered by name.
func (s *Store) ListFacilities(ctx context.Context, f FacilityFilter, p page.Request) (page.Page[Facility], error) {
	q := s.db.Conn(ctx).Model(&facilityRow{})
	if f.Sector != "" {
		q = q.Where("sector = ?", f.Sector)
	}
	if f.Q != "" {
		q = q.Where(`LOWER(name) LIKE ? ESCAPE '\'`, likePattern(f.Q))
	}
	if f.Specialty != "" {
		q = q.Where("EXISTS (SELECT 1 FROM health_facility_specialties s WHERE s.facility_id = health_facilities.id AND s.specialty = ?)", f.Specialty)
	}
	q, err := facilityOrder.Seek(q, p)
	if err != nil {
		return page.Page[Facility]{}, err
	}
	var rows []facilityRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Facility]{}, db.Translate(err, "")
	}
	facilities, err := s.withSpecialties(ctx, rows)
	if err != nil {
		return page.Page[Facility]{}, err
	}
	return page.Build(facilityOrder, facilities, p, func(f Facility) []any { return []any{f.Name, f.ID} }), nil
}

// Facility returns one facility; NotFound when there is none.
func (s *Store) Facility(ctx context.Context, id string) (Facility, error) {
	var row facilityRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Facility{}, db.Translate(err, "facility not found")
	}
	out, err := s.withSpecialties(ctx, []facilityRow{row})
	if err != nil {
		return Facility{}, err
	}
	return out[0], nil
}

// withSpecialties loads the specialties of all rows in one query.
func (s *Store) withSpecialties(ctx context.Context, rows []facilityRow) ([]Facility, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var specs []specialtyRow
	if len(ids) > 0 {
		if err := s.db.Conn(ctx).Where("facility_id IN ?", ids).Order("specialty").Find(&specs).Error; err != nil {
			return nil, db.Translate(err, "")
		}
	}
	byFacility := map[string][]string{}
	for _, sp := range specs {
		byFacility[sp.FacilityID] = append(byFacility[sp.FacilityID], sp.Specialty)
	}
	out := make([]Facility, len(rows))
	for i, r := range rows {
		specialties := byFacility[r.ID]
		if specialties == nil {
			specialties = []string{}
		}
		out[i] = Facility{
			ID: r.ID, Name: r.Name, Kind: r.Kind, Sector: r.Sector, Address: r.Address,
			Location: Location{Lat: r.Lat, Lng: r.Lng}, Specialties: specialties,
			CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		}
	}
	return out, nil
}

// practitionerOrder reads practitioners by name.
var practitionerOrder = page.Ascending(page.Text("full_name"), page.ID("id"))

// ListPractitioners returns a page of practitioners ordered by name.
func (s *Store) ListPractitioners(ctx context.Context, facilityID, specialty string, p page.Request) (page.Page[Practitioner], error) {
	q := s.db.Conn(ctx).Model(&practitionerRow{})
	if facilityID != "" {
		q = q.Where("facility_id = ?", facilityID)
	}
	if specialty != "" {
		q = q.Where("specialty = ?", specialty)
	}
	q, err := practitionerOrder.Seek(q, p)
	if err != nil {
		return page.Page[Practitioner]{}, err
	}
	var rows []practitionerRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Practitioner]{}, db.Translate(err, "")
	}
	out := make([]Practitioner, len(rows))
	for i, r := range rows {
		out[i] = Practitioner{ID: r.ID, FacilityID: r.FacilityID, FullName: r.FullName, Specialty: r.Specialty, PMDCNumber: r.PMDCNumber}
	}
	return page.Build(practitionerOrder, out, p, func(pr Practitioner) []any { return []any{pr.FullName, pr.ID} }), nil
}

// slotOrder reads slots by start.
var slotOrder = page.Ascending(page.Time("s.starts_at"), page.ID("s.id"))

// SearchSlots returns a page of open slots in f's range ordered by start.
func (s *Store) SearchSlots(ctx context.Context, f SlotFilter, p page.Request) (page.Page[Slot], error) {
	q := namedSlots(s.db.Conn(ctx)).
		Where("s.status = 'open' AND s.starts_at >= ? AND s.starts_at < ?", f.From, f.To)
	if !f.IncludeFull {
		q = q.Where("s.booked < s.capacity")
	}
	if f.FacilityID != "" {
		q = q.Where("s.facility_id = ?", f.FacilityID)
	}
	if f.PractitionerID != "" {
		q = q.Where("s.practitioner_id = ?", f.PractitionerID)
	}
	if f.Specialty != "" {
		q = q.Where("s.specialty = ?", f.Specialty)
	}
	q, err := slotOrder.Seek(q, p)
	if err != nil {
		return page.Page[Slot]{}, err
	}
	var rows []slotRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Slot]{}, db.Translate(err, "")
	}
	out := make([]Slot, len(rows))
	for i, r := range rows {
		out[i] = r.slot()
	}
	return page.Build(slotOrder, out, p, func(sl Slot) []any { return []any{sl.StartsAt, sl.ID} }), nil
}

// CreateFacility inserts a facility with its specialties.
func (s *Store) CreateFacility(ctx context.Context, f Facility) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		row := facilityRow{
			ID: f.ID, Name: f.Name, Kind: f.Kind, Sector: f.Sector, Address: f.Address,
			Lat: f.Location.Lat, Lng: f.Location.Lng, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
		}
		if err := conn.Create(&row).Error; err != nil {
			return db.Translate(err, "")
		}
		for _, sp := range f.Specialties {
			if err := s.AddSpecialty(ctx, f.ID, sp); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreatePractitioner inserts a practitioner. Errors: Conflict naming
// pmdc_number when the number is registered already.
func (s *Store) CreatePractitioner(ctx context.Context, p Practitioner, now time.Time) error {
	row := practitionerRow{ID: p.ID, FacilityID: p.FacilityID, FullName: p.FullName, Specialty: p.Specialty, PMDCNumber: p.PMDCNumber, CreatedAt: now, UpdatedAt: now}
	err := s.db.Conn(ctx).Create(&row).Error
	if db.IsUniqueViolation(err) {
		return &domain.Error{Kind: domain.Conflict, Message: "a practitioner with this PMDC number is registered already",
			Fields: []domain.FieldError{{Field: "pmdc_number", Key: "validation.taken"}}, Err: err}
	}
	return db.Translate(err, "")
}

// AddSlots inserts the slots of a schedule for practitioner p, skipping
// times the practitioner already has (the unique index on practitioner and
// start decides), and returns how many were created.
func (s *Store) AddSlots(ctx context.Context, p Practitioner, times []SlotTime, capacity int, now time.Time) (int, error) {
	rows := make([]slotRow, len(times))
	for i, t := range times {
		rows[i] = slotRow{
			ID: uuid.NewString(), PractitionerID: p.ID, FacilityID: p.FacilityID, Specialty: p.Specialty,
			StartsAt: t.StartsAt, EndsAt: t.EndsAt, Capacity: capacity, Status: "open", CreatedAt: now,
		}
	}
	if len(rows) == 0 {
		return 0, nil
	}
	res := s.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 500)
	return int(res.RowsAffected), db.Translate(res.Error, "")
}

// allPractitioners returns every practitioner, for seeding.
func (s *Store) allPractitioners(ctx context.Context) ([]Practitioner, error) {
	var rows []practitionerRow
	if err := s.db.Conn(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	out := make([]Practitioner, len(rows))
	for i, r := range rows {
		out[i] = Practitioner{ID: r.ID, FacilityID: r.FacilityID, FullName: r.FullName, Specialty: r.Specialty, PMDCNumber: r.PMDCNumber}
	}
	return out, nil
}

// countFacilities tells whether the catalog is empty.
func (s *Store) countFacilities(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&facilityRow{}).Count(&n).Error
	return n, db.Translate(err, "")
}

// UpdateFacility sets columns of a facility and, when replace is set,
// replaces its specialties. Errors: NotFound.
func (s *Store) UpdateFacility(ctx context.Context, id string, fields map[string]any, specialties []string, replace bool) error {
	conn := s.db.Conn(ctx)
	res := conn.Model(&facilityRow{}).Where("id = ?", id).Updates(fields)
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "facility not found")
	}
	if !replace {
		return nil
	}
	if err := conn.Where("facility_id = ?", id).Delete(&specialtyRow{}).Error; err != nil {
		return db.Translate(err, "")
	}
	for _, sp := range specialties {
		if err := s.AddSpecialty(ctx, id, sp); err != nil {
			return err
		}
	}
	return nil
}

// AddSpecialty lists a specialty at a facility unless it is listed already.
func (s *Store) AddSpecialty(ctx context.Context, facilityID, specialty string) error {
	err := s.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&specialtyRow{FacilityID: facilityID, Specialty: specialty}).Error
	return db.Translate(err, "")
}
