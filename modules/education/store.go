package education

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type schoolRow struct {
	ID        string
	Name      string
	Level     string
	Gender    string
	Sector    string
	EMISCode  string `gorm:"column:emis_code"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (schoolRow) TableName() string { return "education_schools" }

type seatsRow struct {
	SchoolID     string
	AcademicYear string
	Grade        int
	Seats        int
	Filled       int
}

func (seatsRow) TableName() string { return "education_seats" }

type windowRow struct {
	ID           string
	AcademicYear string
	OpensAt      time.Time
	ClosesAt     time.Time
	AgeCutoff    time.Time
	CreatedAt    time.Time
}

func (windowRow) TableName() string { return "education_admission_windows" }

type ageRuleRow struct {
	WindowID string
	Grade    int
	MinAge   int
	MaxAge   int
}

func (ageRuleRow) TableName() string { return "education_age_rules" }

// Store persists schools, seats and admission windows.
type Store struct {
	db *db.DB
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// schoolOrder reads schools by name.
var schoolOrder = page.Ascending(page.Text("name"), page.ID("id"))

// ListSchools returns a page of schools ordered by name.
func (s *Store) ListSchools(ctx context.Context, f SchoolFilter, p page.Request) (page.Page[School], error) {
	q := s.db.Conn(ctx).Model(&schoolRow{})
	if f.Sector != "" {
		q = q.Where("sector = ?", f.Sector)
	}
	if f.Level != "" {
		q = q.Where("level = ?", f.Level)
	}
	if f.Gender != "" {
		q = q.Where("gender = ?", f.Gender)
	}
	if f.Grade != nil {
		q = q.Where(`EXISTS (SELECT 1 FROM education_seats st WHERE st.school_id = education_schools.id
			AND st.academic_year = ? AND st.grade = ? AND st.filled < st.seats)`, f.AcademicYear, *f.Grade)
	}
	q, err := schoolOrder.Seek(q, p)
	if err != nil {
		return page.Page[School]{}, err
	}
	var rows []schoolRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[School]{}, db.Translate(err, "")
	}
	schools, err := s.withSeats(ctx, rows)
	if err != nil {
		return page.Page[School]{}, err
	}
	return page.Build(schoolOrder, schools, p, func(sc School) []any { return []any{sc.Name, sc.ID} }), nil
}

// School returns one school with its seats; NotFound when there is none.
func (s *Store) School(ctx context.Context, id string) (School, error) {
	var row schoolRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return School{}, db.Translate(err, "school not found")
	}
	out, err := s.withSeats(ctx, []schoolRow{row})
	if err != nil {
		return School{}, err
	}
	return out[0], nil
}

// withSeats loads the seats of all rows in one query.
func (s *Store) withSeats(ctx context.Context, rows []schoolRow) ([]School, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var seats []seatsRow
	if len(ids) > 0 {
		if err := s.db.Conn(ctx).Where("school_id IN ?", ids).Order("academic_year, grade").Find(&seats).Error; err != nil {
			return nil, db.Translate(err, "")
		}
	}
	bySchool := map[string][]Seats{}
	for _, st := range seats {
		bySchool[st.SchoolID] = append(bySchool[st.SchoolID], Seats{AcademicYear: st.AcademicYear, Grade: st.Grade, Seats: st.Seats, Filled: st.Filled})
	}
	out := make([]School, len(rows))
	for i, r := range rows {
		list := bySchool[r.ID]
		if list == nil {
			list = []Seats{}
		}
		out[i] = School{
			ID: r.ID, Name: r.Name, Level: r.Level, Gender: r.Gender, Sector: r.Sector, EMISCode: r.EMISCode,
			Seats: list, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		}
	}
	return out, nil
}

// CreateSchool inserts a school with its seats. Errors: Conflict naming
// emis_code when the code is taken.
func (s *Store) CreateSchool(ctx context.Context, sc School) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		row := schoolRow{ID: sc.ID, Name: sc.Name, Level: sc.Level, Gender: sc.Gender, Sector: sc.Sector, EMISCode: sc.EMISCode, CreatedAt: sc.CreatedAt, UpdatedAt: sc.UpdatedAt}
		if err := conn.Create(&row).Error; err != nil {
			return emisConflict(err)
		}
		for _, st := range sc.Seats {
			if err := conn.Create(&seatsRow{SchoolID: sc.ID, AcademicYear: st.AcademicYear, Grade: st.Grade, Seats: st.Seats, Filled: st.Filled}).Error; err != nil {
				return db.Translate(err, "")
			}
		}
		return nil
	})
}

// CreateWindow inserts an admission window with its age rules. Errors:
// Conflict when the academic year has one.
func (s *Store) CreateWindow(ctx context.Context, w AdmissionWindow, now time.Time) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		row := windowRow{ID: w.ID, AcademicYear: w.AcademicYear, OpensAt: w.OpensAt, ClosesAt: w.ClosesAt, AgeCutoff: w.AgeCutoff.Time, CreatedAt: now}
		if err := conn.Create(&row).Error; db.IsUniqueViolation(err) {
			return &domain.Error{Kind: domain.Conflict, Message: "this academic year has an admission window already",
				Fields: []domain.FieldError{{Field: "academic_year", Key: "validation.window.exists"}}, Err: err}
		} else if err != nil {
			return db.Translate(err, "")
		}
		for _, r := range w.AgeRules {
			if err := conn.Create(&ageRuleRow{WindowID: w.ID, Grade: r.Grade, MinAge: r.MinAge, MaxAge: r.MaxAge}).Error; err != nil {
				return db.Translate(err, "")
			}
		}
		return nil
	})
}

// countSchools tells whether the catalog is empty.
func (s *Store) countSchools(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&schoolRow{}).Count(&n).Error
	return n, db.Translate(err, "")
}

// hasWindow tells whether academicYear has an admission window.
func (s *Store) hasWindow(ctx context.Context, academicYear string) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&windowRow{}).Where("academic_year = ?", academicYear).Count(&n).Error
	return n > 0, db.Translate(err, "")
}

// ensureSeats creates seats for a school, year and grade unless they exist.
func (s *Store) ensureSeats(ctx context.Context, schoolID, academicYear string, grade, seats int) error {
	row := seatsRow{SchoolID: schoolID, AcademicYear: academicYear, Grade: grade, Seats: seats}
	err := s.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
	return db.Translate(err, "")
}

// schoolIDsByEMIS maps EMIS codes to school IDs.
func (s *Store) schoolIDsByEMIS(ctx context.Context) (map[string]string, error) {
	var rows []schoolRow
	if err := s.db.Conn(ctx).Select("id, emis_code").Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.EMISCode] = r.ID
	}
	return out, nil
}

// UpdateSchool sets columns of a school. Errors: NotFound, Conflict.
func (s *Store) UpdateSchool(ctx context.Context, id string, fields map[string]any) error {
	res := s.db.Conn(ctx).Model(&schoolRow{}).Where("id = ?", id).Updates(fields)
	if res.Error != nil {
		return emisConflict(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "school not found")
	}
	return nil
}

// emisConflict names the EMIS code in a unique violation.
func emisConflict(err error) error {
	if db.IsUniqueViolation(err) {
		return &domain.Error{Kind: domain.Conflict, Message: "a school with this EMIS code exists already",
			Fields: []domain.FieldError{{Field: "emis_code", Key: "validation.taken"}}, Err: err}
	}
	return db.Translate(err, "")
}
