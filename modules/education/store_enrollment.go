package education

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type applicationRow struct {
	ID           string
	Number       string
	SchoolID     string
	AcademicYear string
	Grade        int
	AccountID    string
	ChildID      string
	// ChildPersonID is the person the child is: the rules about a child's
	// applications and seats are kept by it.
	ChildPersonID string
	ChildName     string
	ChildDOB      time.Time `gorm:"column:child_dob"`
	HomeSector    string
	Status        string
	WaitlistedAt  *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (applicationRow) TableName() string { return "education_applications" }

func (r applicationRow) application() Application {
	a := Application{
		ID: r.ID, Number: r.Number, SchoolID: r.SchoolID, AcademicYear: r.AcademicYear, Grade: r.Grade, Status: r.Status, HomeSector: r.HomeSector,
		Child:     Child{ID: r.ChildID, FullName: r.ChildName, DateOfBirth: r.ChildDOB.UTC().Format(time.DateOnly)},
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), accountID: r.AccountID,
	}
	if r.WaitlistedAt != nil {
		t := r.WaitlistedAt.UTC()
		a.WaitlistedAt = &t
	}
	return a
}

type eventRow struct {
	ID            string
	ApplicationID string
	FromStatus    string
	ToStatus      string
	ActorID       string
	ActorRole     string
	Note          string
	At            time.Time
}

func (eventRow) TableName() string { return "education_application_events" }

type openCountRow struct {
	PersonID     string
	AcademicYear string
	OpenCount    int
}

func (openCountRow) TableName() string { return "education_open_applications" }

// Window returns the admission window of an academic year with its age
// rules. Errors: NotFound.
func (s *Store) Window(ctx context.Context, academicYear string) (AdmissionWindow, error) {
	var w windowRow
	if err := s.db.Conn(ctx).Where("academic_year = ?", academicYear).Take(&w).Error; err != nil {
		return AdmissionWindow{}, db.Translate(err, "no admission window for "+academicYear)
	}
	var rules []ageRuleRow
	if err := s.db.Conn(ctx).Where("window_id = ?", w.ID).Order("grade").Find(&rules).Error; err != nil {
		return AdmissionWindow{}, db.Translate(err, "")
	}
	return w.window(rules), nil
}

func (w windowRow) window(rules []ageRuleRow) AdmissionWindow {
	out := AdmissionWindow{ID: w.ID, AcademicYear: w.AcademicYear, OpensAt: w.OpensAt.UTC(), ClosesAt: w.ClosesAt.UTC(),
		AgeCutoff: domain.Date{Time: w.AgeCutoff.UTC()}, AgeRules: []AgeRule{}}
	for _, r := range rules {
		out.AgeRules = append(out.AgeRules, AgeRule{Grade: r.Grade, MinAge: r.MinAge, MaxAge: r.MaxAge})
	}
	return out
}

// windowOrder reads admission windows newest academic year first.
var windowOrder = page.Descending(page.Text("academic_year"))

// ListWindows returns a page of admission windows, newest year first.
func (s *Store) ListWindows(ctx context.Context, p page.Request) (page.Page[AdmissionWindow], error) {
	q := s.db.Conn(ctx).Model(&windowRow{})
	q, err := windowOrder.Seek(q, p)
	if err != nil {
		return page.Page[AdmissionWindow]{}, err
	}
	var rows []windowRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[AdmissionWindow]{}, db.Translate(err, "")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var rules []ageRuleRow
	if len(ids) > 0 {
		if err := s.db.Conn(ctx).Where("window_id IN ?", ids).Order("grade").Find(&rules).Error; err != nil {
			return page.Page[AdmissionWindow]{}, db.Translate(err, "")
		}
	}
	byWindow := map[string][]ageRuleRow{}
	for _, r := range rules {
		byWindow[r.WindowID] = append(byWindow[r.WindowID], r)
	}
	out := make([]AdmissionWindow, len(rows))
	for i, r := range rows {
		out[i] = r.window(byWindow[r.ID])
	}
	return page.Build(windowOrder, out, p, func(w AdmissionWindow) []any { return []any{w.AcademicYear} }), nil
}

// SeatsOf returns a school's seats in one grade and year. Errors: NotFound.
func (s *Store) SeatsOf(ctx context.Context, schoolID, academicYear string, grade int) (Seats, error) {
	var r seatsRow
	err := s.db.Conn(ctx).Where("school_id = ? AND academic_year = ? AND grade = ?", schoolID, academicYear, grade).Take(&r).Error
	return Seats{AcademicYear: r.AcademicYear, Grade: r.Grade, Seats: r.Seats, Filled: r.Filled}, db.Translate(err, "no seats defined")
}

// SetSeats creates or changes a grade's seats. Lowering them below the seats
// already filled is refused by the database. Errors: Conflict.
func (s *Store) SetSeats(ctx context.Context, schoolID string, st Seats) error {
	row := seatsRow{SchoolID: schoolID, AcademicYear: st.AcademicYear, Grade: st.Grade, Seats: st.Seats}
	err := s.db.Conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "school_id"}, {Name: "academic_year"}, {Name: "grade"}},
		DoUpdates: clause.AssignmentColumns([]string{"seats"}),
	}).Create(&row).Error
	if db.IsCheckViolation(err) {
		return domain.Errorf(domain.Conflict, "more seats are filled than that; seats can be lowered only to the number filled")
	}
	return db.Translate(err, "")
}

// TakeSeat fills one seat if one is free, and reports whether it did. The
// conditional update makes concurrent acceptances safe.
func (s *Store) TakeSeat(ctx context.Context, schoolID, academicYear string, grade int) (bool, error) {
	res := s.db.Conn(ctx).Model(&seatsRow{}).
		Where("school_id = ? AND academic_year = ? AND grade = ? AND filled < seats", schoolID, academicYear, grade).
		Update("filled", gorm.Expr("filled + 1"))
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// ReleaseSeat frees one filled seat.
func (s *Store) ReleaseSeat(ctx context.Context, schoolID, academicYear string, grade int) error {
	err := s.db.Conn(ctx).Model(&seatsRow{}).
		Where("school_id = ? AND academic_year = ? AND grade = ? AND filled > 0", schoolID, academicYear, grade).
		Update("filled", gorm.Expr("filled - 1")).Error
	return db.Translate(err, "")
}

// OpenOne counts one more open application for a child (a person) and
// year, and reports false when the child already has the maximum.
func (s *Store) OpenOne(ctx context.Context, personID, academicYear string) (bool, error) {
	res := s.db.Conn(ctx).Exec(`INSERT INTO education_open_applications (person_id, academic_year, open_count) VALUES (?, ?, 1)
		ON CONFLICT (person_id, academic_year) DO UPDATE SET open_count = education_open_applications.open_count + 1
		WHERE education_open_applications.open_count < ?`, personID, academicYear, maxOpenApplications)
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// CloseOne counts one open application of a child (a person) and year as
// closed.
func (s *Store) CloseOne(ctx context.Context, personID, academicYear string) error {
	err := s.db.Conn(ctx).Model(&openCountRow{}).Where("person_id = ? AND academic_year = ? AND open_count > 0", personID, academicYear).
		Update("open_count", gorm.Expr("open_count - 1")).Error
	return db.Translate(err, "")
}

// CreateApplication inserts an application. Errors: Conflict when the child
// already applied to the school for the year.
func (s *Store) CreateApplication(ctx context.Context, r applicationRow) error {
	err := s.db.Conn(ctx).Create(&r).Error
	if db.IsUniqueViolation(err) {
		return domain.Errorf(domain.Conflict, "this child has already applied to this school for %s", r.AcademicYear)
	}
	return db.Translate(err, "")
}

// Application returns any parent's application, for a school's staff.
// Errors: NotFound.
func (s *Store) Application(ctx context.Context, id string) (applicationRow, error) {
	var r applicationRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "application not found")
}

// OwnApplication returns one of accountID's applications. Errors:
// NotFound, also for another parent's.
func (s *Store) OwnApplication(ctx context.Context, accountID, id string) (applicationRow, error) {
	var r applicationRow
	err := s.db.Conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&r).Error
	return r, db.Translate(err, "application not found")
}

// MoveApplication changes an application in status from to status to (and
// the other columns in fields), and reports whether it was still in from.
// Errors: Conflict when the move would give a child a second seat.
func (s *Store) MoveApplication(ctx context.Context, id, from string, fields map[string]any) (bool, error) {
	res := s.db.Conn(ctx).Model(&applicationRow{}).Where("id = ? AND status = ?", id, from).Updates(fields)
	if db.IsUniqueViolation(res.Error) {
		return false, domain.Errorf(domain.Conflict, "this child already holds a seat this academic year")
	}
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// AddEvent records a status change.
func (s *Store) AddEvent(ctx context.Context, e eventRow) error {
	return db.Translate(s.db.Conn(ctx).Create(&e).Error, "")
}

// Events returns an application's history, oldest first.
func (s *Store) Events(ctx context.Context, applicationID string) ([]ApplicationEvent, error) {
	var rows []eventRow
	if err := s.db.Conn(ctx).Where("application_id = ?", applicationID).Order("at, id").Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	out := make([]ApplicationEvent, len(rows))
	for i, r := range rows {
		out[i] = ApplicationEvent{FromStatus: r.FromStatus, ToStatus: r.ToStatus, ActorRole: r.ActorRole, Note: r.Note, At: r.At.UTC()}
	}
	return out, nil
}

// OtherOpenApplications returns a child's (a person's) other open
// applications in a year, whichever record of the child made them.
func (s *Store) OtherOpenApplications(ctx context.Context, personID, academicYear, exceptID string) ([]applicationRow, error) {
	var rows []applicationRow
	err := s.db.Conn(ctx).Where("child_person_id = ? AND academic_year = ? AND id <> ? AND status IN ?", personID, academicYear, exceptID, openStatuses).
		Find(&rows).Error
	return rows, db.Translate(err, "")
}

// ListApplications returns a page of the applications to f.SchoolID that
// f selects, oldest first, for the school's staff.
func (s *Store) ListApplications(ctx context.Context, f ApplicationFilter, p page.Request) (page.Page[Application], error) {
	q := s.db.Conn(ctx).Model(&applicationRow{}).Where("school_id = ?", f.SchoolID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Grade != nil {
		q = q.Where("grade = ?", *f.Grade)
	}
	return s.applicationPage(ctx, q, p)
}

// ListOwnApplications returns a page of accountID's applications, oldest
// first.
func (s *Store) ListOwnApplications(ctx context.Context, accountID string, p page.Request) (page.Page[Application], error) {
	return s.applicationPage(ctx, s.db.Conn(ctx).Model(&applicationRow{}).Where("account_id = ?", accountID), p)
}

// applicationOrder reads applications oldest first.
var applicationOrder = page.Ascending(page.Time("created_at"), page.ID("id"))

// applicationPage reads a page of the applications q selects, oldest
// first, with their lotteries.
func (s *Store) applicationPage(ctx context.Context, q *gorm.DB, p page.Request) (page.Page[Application], error) {
	q, err := applicationOrder.Seek(q, p)
	if err != nil {
		return page.Page[Application]{}, err
	}
	var rows []applicationRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Application]{}, db.Translate(err, "")
	}
	out := make([]Application, len(rows))
	for i, r := range rows {
		out[i] = r.application()
	}
	if err := s.withLotteries(ctx, out); err != nil {
		return page.Page[Application]{}, err
	}
	return page.Build(applicationOrder, out, p, func(a Application) []any { return []any{a.CreatedAt, a.ID} }), nil
}

// RecentApplications returns accountID's open and decided applications
// (not withdrawn ones), most recently changed first.
func (s *Store) RecentApplications(ctx context.Context, accountID string, limit int) ([]Application, error) {
	var rows []applicationRow
	if err := s.db.Conn(ctx).Where("account_id = ? AND status <> ?", accountID, StatusWithdrawn).Order("updated_at DESC, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	out := make([]Application, len(rows))
	for i, r := range rows {
		out[i] = r.application()
	}
	return out, nil
}
