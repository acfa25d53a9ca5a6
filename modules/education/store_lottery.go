package education

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

type lotteryRow struct {
	ID           string
	SchoolID     string
	AcademicYear string
	Grade        int
	Commitment   string
	Seed         *string
	Status       string
	SeatsOffered *int
	CommittedBy  string
	CommittedAt  time.Time
	DrawnBy      *string
	DrawnAt      *time.Time
}

func (lotteryRow) TableName() string { return "education_lotteries" }

type lotteryEntryRow struct {
	LotteryID     string
	ApplicationID string
	PriorityGroup int
	Rank          *int
	Outcome       *string
}

func (lotteryEntryRow) TableName() string { return "education_lottery_entries" }

// lottery makes the public lottery of a row and its entries.
func (r lotteryRow) lottery(entries []lotteryEntryRow) Lottery {
	l := Lottery{ID: r.ID, SchoolID: r.SchoolID, AcademicYear: r.AcademicYear, Grade: r.Grade, Status: r.Status, Commitment: r.Commitment,
		Algorithm: LotteryAlgorithm, Rule: LotteryRule, SeatsOffered: r.SeatsOffered, Eligible: make([]LotteryEntry, len(entries)),
		CommittedAt: r.CommittedAt.UTC()}
	if r.Seed != nil {
		l.Seed = *r.Seed
	}
	if r.DrawnAt != nil {
		t := r.DrawnAt.UTC()
		l.DrawnAt = &t
	}
	for i, e := range entries {
		l.Eligible[i] = LotteryEntry{ApplicationID: e.ApplicationID, PriorityGroup: e.PriorityGroup}
		if e.Rank != nil && e.Outcome != nil {
			l.Ranking = append(l.Ranking, LotteryRank{Rank: *e.Rank, ApplicationID: e.ApplicationID, PriorityGroup: e.PriorityGroup, Outcome: *e.Outcome})
		}
	}
	slices.SortFunc(l.Eligible, func(a, b LotteryEntry) int { return strings.Compare(a.ApplicationID, b.ApplicationID) })
	slices.SortFunc(l.Ranking, func(a, b LotteryRank) int { return a.Rank - b.Rank })
	return l
}

// errLotteryExists answers a second lottery for a grade.
var errLotteryExists = i18n.Err(domain.Conflict, "error.lottery.exists", nil)

// candidate is an application eligible for a lottery, with what its
// priority group is made of.
type candidate struct {
	ID         string
	HomeSector string
	Sibling    bool
}

// Candidates returns a grade's applications that a lottery would rank
// now (submitted or under review), each with whether a sibling (another
// child of the same account) holds a seat at, or is enrolled in, the
// school in any year.
func (s *Store) Candidates(ctx context.Context, schoolID, academicYear string, grade int) ([]candidate, error) {
	var out []candidate
	err := s.db.Conn(ctx).Raw(`SELECT a.id, a.home_sector, EXISTS (SELECT 1 FROM education_applications s
			WHERE s.account_id = a.account_id AND s.school_id = a.school_id AND s.child_person_id <> a.child_person_id
			AND s.status IN ?) AS sibling
		FROM education_applications a
		WHERE a.school_id = ? AND a.academic_year = ? AND a.grade = ? AND a.status IN ?
		ORDER BY a.id`, []string{StatusAccepted, StatusEnrolled}, schoolID, academicYear, grade, []string{StatusSubmitted, StatusUnderReview}).
		Scan(&out).Error
	return out, db.Translate(err, "")
}

// GradeLottery says whether a grade has a lottery, and whether it waits
// for its draw.
func (s *Store) GradeLottery(ctx context.Context, schoolID, academicYear string, grade int) (exists, committed bool, err error) {
	var statuses []string
	err = s.db.Conn(ctx).Model(&lotteryRow{}).Where("school_id = ? AND academic_year = ? AND grade = ?", schoolID, academicYear, grade).
		Pluck("status", &statuses).Error
	return len(statuses) > 0, slices.Contains(statuses, LotteryCommitted), db.Translate(err, "")
}

// CreateLottery inserts a committed lottery with its eligible
// applications. Errors: Conflict when the grade has a lottery already.
func (s *Store) CreateLottery(ctx context.Context, r lotteryRow, entries []lotteryEntryRow) error {
	if err := s.db.Conn(ctx).Create(&r).Error; db.IsUniqueViolation(err) {
		return errLotteryExists
	} else if err != nil {
		return db.Translate(err, "")
	}
	return db.Translate(s.db.Conn(ctx).CreateInBatches(entries, 500).Error, "")
}

// Lottery returns a lottery. Errors: NotFound.
func (s *Store) Lottery(ctx context.Context, id string) (lotteryRow, error) {
	var r lotteryRow
	err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error
	return r, db.Translate(err, "lottery not found")
}

// LotteryEntries returns the entries of the given lotteries, by lottery.
func (s *Store) LotteryEntries(ctx context.Context, ids []string) (map[string][]lotteryEntryRow, error) {
	out := map[string][]lotteryEntryRow{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []lotteryEntryRow
	if err := s.db.Conn(ctx).Where("lottery_id IN ?", ids).Order("lottery_id, application_id").Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	for _, r := range rows {
		out[r.LotteryID] = append(out[r.LotteryID], r)
	}
	return out, nil
}

// lotteryOrder reads lotteries newest first.
var lotteryOrder = page.Descending(page.Time("committed_at"), page.ID("id"))

// ListLotteries returns a page of lotteries, of one school when schoolID
// is not empty, newest first.
func (s *Store) ListLotteries(ctx context.Context, schoolID string, p page.Request) (page.Page[Lottery], error) {
	q := s.db.Conn(ctx).Model(&lotteryRow{})
	if schoolID != "" {
		q = q.Where("school_id = ?", schoolID)
	}
	q, err := lotteryOrder.Seek(q, p)
	if err != nil {
		return page.Page[Lottery]{}, err
	}
	var rows []lotteryRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[Lottery]{}, db.Translate(err, "")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	entries, err := s.LotteryEntries(ctx, ids)
	if err != nil {
		return page.Page[Lottery]{}, err
	}
	out := make([]Lottery, len(rows))
	for i, r := range rows {
		out[i] = r.lottery(entries[r.ID])
	}
	return page.Build(lotteryOrder, out, p, func(l Lottery) []any { return []any{l.CommittedAt, l.ID} }), nil
}

// MarkDrawn records a committed lottery's draw and reports whether it
// was still committed.
func (s *Store) MarkDrawn(ctx context.Context, id, seed string, seatsOffered int, by string, at time.Time) (bool, error) {
	res := s.db.Conn(ctx).Model(&lotteryRow{}).Where("id = ? AND status = ?", id, LotteryCommitted).
		Updates(map[string]any{"status": LotteryDrawn, "seed": seed, "seats_offered": seatsOffered, "drawn_by": by, "drawn_at": at})
	return res.RowsAffected == 1, db.Translate(res.Error, "")
}

// SetOutcome records a ranked application's rank and outcome.
func (s *Store) SetOutcome(ctx context.Context, lotteryID string, r LotteryRank) error {
	err := s.db.Conn(ctx).Model(&lotteryEntryRow{}).Where("lottery_id = ? AND application_id = ?", lotteryID, r.ApplicationID).
		Updates(map[string]any{"rank": r.Rank, "outcome": r.Outcome}).Error
	return db.Translate(err, "")
}

// LockSeats returns a grade's seats and, on PostgreSQL, locks them until
// the transaction ends. Errors: NotFound.
func (s *Store) LockSeats(ctx context.Context, schoolID, academicYear string, grade int) (Seats, error) {
	var r seatsRow
	err := s.db.ForUpdate(s.db.Conn(ctx).Where("school_id = ? AND academic_year = ? AND grade = ?", schoolID, academicYear, grade)).Take(&r).Error
	return Seats{AcademicYear: r.AcademicYear, Grade: r.Grade, Seats: r.Seats, Filled: r.Filled}, db.Translate(err, "no seats defined")
}

// ApplicationsByID returns the given applications by ID.
func (s *Store) ApplicationsByID(ctx context.Context, ids []string) (map[string]applicationRow, error) {
	var rows []applicationRow
	if err := s.db.Conn(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, db.Translate(err, "")
	}
	out := make(map[string]applicationRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// HoldsSeat says whether a child (a person) holds an accepted or enrolled
// seat in an academic year.
func (s *Store) HoldsSeat(ctx context.Context, personID, academicYear string) (bool, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&applicationRow{}).
		Where("child_person_id = ? AND academic_year = ? AND status IN ?", personID, academicYear, []string{StatusAccepted, StatusEnrolled}).
		Count(&n).Error
	return n > 0, db.Translate(err, "")
}

// withLotteries sets the lottery of each application that is in one, in
// one query.
func (s *Store) withLotteries(ctx context.Context, apps []Application) error {
	if len(apps) == 0 {
		return nil
	}
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	var rows []lotteryEntryRow
	if err := s.db.Conn(ctx).Where("application_id IN ?", ids).Find(&rows).Error; err != nil {
		return db.Translate(err, "")
	}
	byApp := make(map[string]lotteryEntryRow, len(rows))
	for _, r := range rows {
		byApp[r.ApplicationID] = r
	}
	for i, a := range apps {
		if r, ok := byApp[a.ID]; ok {
			apps[i].Lottery = &ApplicationLottery{ID: r.LotteryID, Rank: r.Rank}
			if r.Outcome != nil {
				apps[i].Lottery.Outcome = *r.Outcome
			}
		}
	}
	return nil
}
