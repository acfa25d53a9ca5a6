package traffic

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type sectorRow struct {
	ID        string
	Code      string
	Name      string
	NameUr    string
	CreatedAt time.Time
}

func (sectorRow) TableName() string { return "traffic_sectors" }

func (r sectorRow) sector() Sector {
	return Sector{ID: r.ID, Code: r.Code, Name: r.Name, NameUr: r.NameUr}
}

type offenceRow struct {
	Code        string `gorm:"primaryKey"`
	Title       string
	TitleUr     string
	FinePKR     int64 `gorm:"column:fine_pkr"`
	LateFinePKR int64 `gorm:"column:late_fine_pkr"`
	DueDays     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (offenceRow) TableName() string { return "traffic_offences" }

func (r offenceRow) offence() Offence {
	return Offence{Code: r.Code, Title: r.Title, TitleUr: r.TitleUr, FinePKR: r.FinePKR, LateFinePKR: r.LateFinePKR, DueDays: r.DueDays}
}

type challanRow struct {
	ID                string
	Number            string
	Plate             string
	VehicleID         *string
	AccountID         *string
	OffenceCode       string
	FinePKR           int64 `gorm:"column:fine_pkr"`
	LateFinePKR       int64 `gorm:"column:late_fine_pkr"`
	SectorID          string
	Place             string
	OccurredAt        time.Time
	IssuedAt          time.Time
	DueDate           time.Time
	ContestUntil      time.Time
	Status            string
	IssuerID          string
	DeviceRef         *string
	EvidenceURL       string `gorm:"column:evidence_url"`
	Statement         string
	DecisionNote      string
	PaidPKR           *int64 `gorm:"column:paid_pkr"`
	PaidAt            *time.Time
	DueRemindedAt     *time.Time
	OverdueRemindedAt *time.Time
	UpdatedAt         time.Time
}

func (challanRow) TableName() string { return "traffic_challans" }

// holder is the account the challan belongs to, or "" when nobody held
// its plate.
func (r challanRow) holder() string {
	if r.AccountID == nil {
		return ""
	}
	return *r.AccountID
}

type eventRow struct {
	ID        string
	ChallanID string
	At        time.Time
	Action    string
	ActorKind string
	ActorID   string
	Note      string
}

func (eventRow) TableName() string { return "traffic_challan_events" }

type paymentRow struct {
	ID          string
	ChallanID   string
	AccountID   string
	Provider    string
	ProviderRef string
	AmountPKR   int64 `gorm:"column:amount_pkr"`
	Status      string
	CreatedAt   time.Time
}

func (paymentRow) TableName() string { return "traffic_payments" }

// Store is the traffic module's persistence.
type Store struct {
	db *db.DB
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// sectorOrder reads sectors by code.
var sectorOrder = page.Ascending(page.Text("code"))

// ListSectors returns a page of sectors by code.
func (s *Store) ListSectors(ctx context.Context, p page.Request) (page.Page[Sector], error) {
	q, err := sectorOrder.Seek(s.db.Conn(ctx).Model(&sectorRow{}), p)
	if err != nil {
		return page.Page[Sector]{}, err
	}
	var rows []sectorRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Sector]{}, db.Translate(err, "")
	}
	out := make([]Sector, len(rows))
	for i, r := range rows {
		out[i] = r.sector()
	}
	return page.Build(sectorOrder, out, p, func(v Sector) []any { return []any{v.Code} }), nil
}

// SectorByCode returns the sector with code. Errors: NotFound.
func (s *Store) SectorByCode(ctx context.Context, code string) (sectorRow, error) {
	var r sectorRow
	err := s.db.Conn(ctx).Where("code = ?", code).Take(&r).Error
	return r, db.Translate(err, "sector not found")
}

// Sector returns the sector with id. Errors: NotFound.
func (s *Store) Sector(ctx context.Context, id string) (sectorRow, error) {
	var r sectorRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "sector not found")
}

// catalogue is the offence schedule and the sectors' codes by ID: the
// small tables every challan answer names.
type catalogue struct {
	offences map[string]offenceRow
	sectors  map[string]string
}

// has reports whether the catalogue names every offence and sector of rows.
func (c catalogue) has(rows []challanRow) bool {
	for _, r := range rows {
		if _, ok := c.offences[r.OffenceCode]; !ok {
			return false
		}
		if _, ok := c.sectors[r.SectorID]; !ok {
			return false
		}
	}
	return true
}

// catalogue reads the whole schedule and every sector.
func (s *Store) catalogue(ctx context.Context) (catalogue, error) {
	var offences []offenceRow
	if err := s.db.Conn(ctx).Find(&offences).Error; err != nil {
		return catalogue{}, db.Translate(err, "")
	}
	var sectors []sectorRow
	if err := s.db.Conn(ctx).Find(&sectors).Error; err != nil {
		return catalogue{}, db.Translate(err, "")
	}
	c := catalogue{offences: make(map[string]offenceRow, len(offences)), sectors: make(map[string]string, len(sectors))}
	for _, o := range offences {
		c.offences[o.Code] = o
	}
	for _, r := range sectors {
		c.sectors[r.ID] = r.Code
	}
	return c, nil
}

// offenceOrder reads the schedule by code.
var offenceOrder = page.Ascending(page.Text("code"))

// ListOffences returns a page of the schedule by code.
func (s *Store) ListOffences(ctx context.Context, p page.Request) (page.Page[Offence], error) {
	q, err := offenceOrder.Seek(s.db.Conn(ctx).Model(&offenceRow{}), p)
	if err != nil {
		return page.Page[Offence]{}, err
	}
	var rows []offenceRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Offence]{}, db.Translate(err, "")
	}
	out := make([]Offence, len(rows))
	for i, r := range rows {
		out[i] = r.offence()
	}
	return page.Build(offenceOrder, out, p, func(v Offence) []any { return []any{v.Code} }), nil
}

// Offence returns the offence with code. Errors: NotFound.
func (s *Store) Offence(ctx context.Context, code string) (offenceRow, error) {
	var r offenceRow
	err := s.db.Conn(ctx).Where("code = ?", code).Take(&r).Error
	return r, db.Translate(err, "offence not found")
}

// CreateOffence adds an offence. Errors: Conflict naming code when the
// code is in the schedule.
func (s *Store) CreateOffence(ctx context.Context, r offenceRow) error {
	err := s.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) {
		return &domain.Error{Kind: domain.Conflict, Message: "this offence code is in the schedule already",
			Fields: []domain.FieldError{{Field: "code", Key: "validation.taken"}}, Err: err}
	}
	return db.Translate(err, "")
}

// UpdateOffence changes an offence. Errors: NotFound.
func (s *Store) UpdateOffence(ctx context.Context, code string, fields map[string]any) error {
	res := s.db.Conn(ctx).Model(&offenceRow{}).Where("code = ?", code).Updates(fields)
	if res.Error != nil {
		return db.Translate(res.Error, "")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "offence not found")
	}
	return nil
}

// errDuplicateDevice is returned by CreateChallan when the issuer has
// issued a challan with the same device reference.
var errDuplicateDevice = domain.Errorf(domain.Conflict, "a challan with this device_ref exists")

// CreateChallan inserts a challan. Errors: errDuplicateDevice.
func (s *Store) CreateChallan(ctx context.Context, r challanRow) error {
	err := s.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) && r.DeviceRef != nil {
		return errDuplicateDevice
	}
	return db.Translate(err, "")
}

// ChallanByDevice returns the challan an issuer issued with a device
// reference. Errors: NotFound.
func (s *Store) ChallanByDevice(ctx context.Context, issuerID, deviceRef string) (challanRow, error) {
	var r challanRow
	err := s.db.Conn(ctx).Where("issuer_id = ? AND device_ref = ?", issuerID, deviceRef).Take(&r).Error
	return r, db.Translate(err, "challan not found")
}

// Challan returns any challan, for staff. Errors: NotFound.
func (s *Store) Challan(ctx context.Context, id string) (challanRow, error) {
	var r challanRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "challan not found")
}

// OwnChallan returns one of accountID's challans. Errors: NotFound, also
// for anyone else's.
func (s *Store) OwnChallan(ctx context.Context, accountID, id string) (challanRow, error) {
	var r challanRow
	err := s.db.Conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&r).Error
	return r, db.Translate(err, "challan not found")
}

// challanOrder reads challans newest first.
var challanOrder = page.Descending(page.Time("issued_at"), page.ID("id"))

// ChallanFilter narrows a staff list of challans; empty fields do not
// filter.
type ChallanFilter struct {
	SectorID string
	Plate    string
	// Status is a challan status as read (overdue included), or "unpaid"
	// for issued, overdue and contested ones.
	Status string
}

// ListChallans returns a page of the challans accountID holds, or, when
// accountID is empty, of those f selects, newest first.
func (s *Store) ListChallans(ctx context.Context, accountID string, f ChallanFilter, p page.Request, now time.Time) (page.Page[challanRow], error) {
	q := s.db.Conn(ctx).Model(&challanRow{})
	if accountID != "" {
		q = q.Where("account_id = ?", accountID)
	}
	if f.SectorID != "" {
		q = q.Where("sector_id = ?", f.SectorID)
	}
	if f.Plate != "" {
		q = q.Where("plate = ?", f.Plate)
	}
	today := domain.LocalDate(now)
	switch f.Status {
	case "":
	case StatusIssued:
		q = q.Where("status = ? AND due_date >= ?", StatusIssued, today)
	case StatusOverdue:
		q = q.Where("status = ? AND due_date < ?", StatusIssued, today)
	case "unpaid":
		q = q.Where("status IN ?", []string{StatusIssued, StatusContested})
	default:
		q = q.Where("status = ?", f.Status)
	}
	q, err := challanOrder.Seek(q, p)
	if err != nil {
		return page.Page[challanRow]{}, err
	}
	var rows []challanRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[challanRow]{}, db.Translate(err, "")
	}
	return page.Build(challanOrder, rows, p, func(r challanRow) []any { return []any{r.IssuedAt, r.ID} }), nil
}

// MoveChallan applies fields to a challan if it is in one of the statuses
// from and where holds, and reports whether it was.
func (s *Store) MoveChallan(ctx context.Context, id string, from []string, where map[string]any, fields map[string]any) (bool, error) {
	q := s.db.Conn(ctx).Model(&challanRow{}).Where("id = ? AND status IN ?", id, from)
	for cond, v := range where {
		q = q.Where(cond, v)
	}
	res := q.Updates(fields)
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// AddEvent records a change of a challan.
func (s *Store) AddEvent(ctx context.Context, r eventRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}

// events returns the history of each of the challans, oldest first, in
// one query.
func (s *Store) events(ctx context.Context, ids []string) (map[string][]Event, error) {
	var rows []eventRow
	err := s.db.Conn(ctx).Where("challan_id IN ?", ids).Order("at, id").Find(&rows).Error
	out := make(map[string][]Event, len(ids))
	for _, r := range rows {
		out[r.ChallanID] = append(out[r.ChallanID], Event{At: r.At.UTC(), Action: r.Action, By: r.ActorKind, Note: r.Note})
	}
	return out, db.Translate(err, "")
}

// AddPayment records a charge of a challan.
func (s *Store) AddPayment(ctx context.Context, r paymentRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&r).Error, "")
}

// OverdueNumber returns the number of the oldest overdue challan
// accountID holds on plate, or "" when there is none.
func (s *Store) OverdueNumber(ctx context.Context, accountID, plate string, now time.Time) (string, error) {
	var numbers []string
	err := s.db.Conn(ctx).Model(&challanRow{}).Where("account_id = ? AND plate = ? AND status = ? AND due_date < ?", accountID, plate, StatusIssued, domain.LocalDate(now)).
		Order("due_date").Limit(1).Pluck("number", &numbers).Error
	if err != nil || len(numbers) == 0 {
		return "", db.Translate(err, "")
	}
	return numbers[0], nil
}
