package education

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/page"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

var (
	// errLotteryDrawn answers a second draw.
	errLotteryDrawn = i18n.Err(domain.Conflict, "error.lottery.drawn", nil)
	// errLotteryPending answers a staff decision the lottery makes.
	errLotteryPending = i18n.Err(domain.Conflict, "error.lottery.pending", nil)
)

// priorityGroup is an application's group in a lottery: a sibling at the
// school first, then a family in the school's sector, then the others.
func priorityGroup(c candidate, schoolSector string) int {
	switch {
	case c.Sibling:
		return GroupSibling
	case sameSector(c.HomeSector, schoolSector):
		return GroupSector
	}
	return GroupOthers
}

// sameSector says whether a family's sector is the school's.
func sameSector(home, school string) bool {
	home = strings.TrimSpace(home)
	return home != "" && strings.EqualFold(home, strings.TrimSpace(school))
}

// CommitLottery publishes a lottery for an oversubscribed grade: its
// commitment and its eligible applications (the grade's submitted and
// under-review ones now), frozen with their priority groups. Errors:
// Invalid naming the field (a malformed commitment or year, an unknown
// school, a grade without seats that year or not oversubscribed),
// Conflict for the grade's second lottery.
func (s *Service) CommitLottery(ctx context.Context, p domain.Principal, in LotteryInput) (Lottery, error) {
	if err := in.Check(); err != nil {
		return Lottery{}, err
	}
	school, err := s.store.School(ctx, in.SchoolID)
	if domain.IsKind(err, domain.NotFound) {
		return Lottery{}, domain.FieldInvalid("school_id", "validation.school.unknown", nil)
	} else if err != nil {
		return Lottery{}, err
	}
	row := lotteryRow{ID: uuid.NewString(), SchoolID: in.SchoolID, AcademicYear: in.AcademicYear, Grade: in.Grade, Commitment: in.Commitment,
		Status: LotteryCommitted, CommittedBy: p.Subject, CommittedAt: s.clock.Now()}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		entries, err := s.eligible(ctx, row, school.Sector)
		if err != nil {
			return err
		}
		if err := s.store.CreateLottery(ctx, row, entries); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "education.lottery.commit", TargetType: "lottery", TargetID: row.ID})
	})
	if err != nil {
		return Lottery{}, err
	}
	return s.Lottery(ctx, row.ID)
}

// eligible returns the entries a new lottery freezes, with their priority
// groups. Errors: Conflict when the grade has a lottery; Invalid naming
// grade when it has no seats or enough for every applicant.
func (s *Service) eligible(ctx context.Context, l lotteryRow, schoolSector string) ([]lotteryEntryRow, error) {
	exists, _, err := s.store.GradeLottery(ctx, l.SchoolID, l.AcademicYear, l.Grade)
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, errLotteryExists
	}
	seats, err := s.store.SeatsOf(ctx, l.SchoolID, l.AcademicYear, l.Grade)
	if domain.IsKind(err, domain.NotFound) {
		return nil, domain.FieldInvalid("grade", "validation.seats.none", map[string]string{"grade": strconv.Itoa(l.Grade), "year": l.AcademicYear})
	} else if err != nil {
		return nil, err
	}
	candidates, err := s.store.Candidates(ctx, l.SchoolID, l.AcademicYear, l.Grade)
	if err != nil {
		return nil, err
	}
	if free := max(seats.Seats-seats.Filled, 0); len(candidates) <= free {
		return nil, domain.FieldInvalid("grade", "validation.lottery.not_oversubscribed",
			map[string]string{"n": strconv.Itoa(len(candidates)), "free": strconv.Itoa(free)})
	}
	out := make([]lotteryEntryRow, len(candidates))
	for i, c := range candidates {
		out[i] = lotteryEntryRow{LotteryID: l.ID, ApplicationID: c.ID, PriorityGroup: priorityGroup(c, schoolSector)}
	}
	return out, nil
}

// DrawLottery reveals a lottery's seed and draws it in one transaction:
// the ranking (Rank), a seat for each application still open in rank
// order while the grade's free seats last, the rest waitlisted in rank
// order. Errors: NotFound; Invalid naming seed when it does not hash to
// the commitment (nothing changes); Conflict when it was drawn already.
func (s *Service) DrawLottery(ctx context.Context, p domain.Principal, id string, in DrawInput) (Lottery, error) {
	l, err := s.store.Lottery(ctx, id)
	if err != nil {
		return Lottery{}, err
	}
	if l.Status != LotteryCommitted {
		return Lottery{}, errLotteryDrawn
	}
	if Commitment(in.Seed) != l.Commitment {
		return Lottery{}, domain.FieldInvalid("seed", "validation.lottery.seed", nil)
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		return s.draw(ctx, actorOf(p), l, in.Seed)
	})
	if err != nil {
		return Lottery{}, err
	}
	return s.Lottery(ctx, id)
}

// draw ranks and places a lottery's applications in the caller's
// transaction, then audits the draw and tells the integrators.
func (s *Service) draw(ctx context.Context, by actor, l lotteryRow, seed string) error {
	// The seat row first, as in every move; locked, the free seats stay
	// what the draw offers.
	seats, err := s.store.LockSeats(ctx, l.SchoolID, l.AcademicYear, l.Grade)
	if err != nil {
		return err
	}
	free := max(seats.Seats-seats.Filled, 0)
	drawn, err := s.store.MarkDrawn(ctx, l.ID, seed, free, by.id, s.clock.Now())
	if err != nil {
		return err
	}
	if !drawn {
		return errLotteryDrawn
	}
	tally, err := s.placeAll(ctx, by, l, seed, free)
	if err != nil {
		return err
	}
	// A seat kept for a winner holding one elsewhere is offered to them:
	// they are first in the grade's line.
	if err := s.offerFreeSeats(ctx, l.SchoolID, l.AcademicYear, l.Grade); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, audit.Entry{Action: "education.lottery.draw", TargetType: "lottery", TargetID: l.ID}); err != nil {
		return err
	}
	return s.events.Publish(ctx, webhook.New("lottery.drawn", l.SchoolID, webhook.LotteryEventData{
		LotteryID: l.ID, SchoolID: l.SchoolID, Grade: l.Grade, AcademicYear: l.AcademicYear,
		Accepted: tally[OutcomeAccepted], Offered: tally[OutcomeOffered], Waitlisted: tally[OutcomeWaitlisted],
	}, s.clock.Now()))
}

// placeAll ranks a lottery's entries and gives each its outcome in rank
// order, and counts the outcomes.
func (s *Service) placeAll(ctx context.Context, by actor, l lotteryRow, seed string, free int) (map[string]int, error) {
	entries, err := s.store.LotteryEntries(ctx, []string{l.ID})
	if err != nil {
		return nil, err
	}
	eligible := l.lottery(entries[l.ID]).Eligible
	ids := make([]string, len(eligible))
	for i, e := range eligible {
		ids[i] = e.ApplicationID
	}
	apps, err := s.store.ApplicationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	tally := map[string]int{}
	for _, r := range Rank(l.ID, seed, eligible) {
		if r.Outcome, err = s.place(ctx, by, apps[r.ApplicationID], r.Rank, &free); err != nil {
			return nil, err
		}
		if err := s.store.SetOutcome(ctx, l.ID, r); err != nil {
			return nil, err
		}
		tally[r.Outcome]++
	}
	return tally, nil
}

// place gives one ranked application its outcome: a seat while free seats
// remain, else a place in the grade's line at its rank. A child holding a
// seat at another school is waitlisted first and offered the seat kept
// for them, for the family to choose; an application no longer open is
// skipped.
func (s *Service) place(ctx context.Context, by actor, row applicationRow, rank int, free *int) (string, error) {
	if row.Status != StatusSubmitted && row.Status != StatusUnderReview {
		return OutcomeSkipped, nil
	}
	at := strconv.Itoa(rank)
	if *free == 0 {
		return OutcomeWaitlisted, s.moveInLine(ctx, row, StatusWaitlisted, by, "Waitlisted by the lottery at rank "+at+".", rank)
	}
	*free--
	holds, err := s.store.HoldsSeat(ctx, row.ChildPersonID, row.AcademicYear)
	if err != nil {
		return "", err
	}
	if holds {
		note := "Won a seat in the lottery at rank " + at + "; it is offered, as the child holds a seat at another school."
		return OutcomeOffered, s.moveInLine(ctx, row, StatusWaitlisted, by, note, rank)
	}
	return OutcomeAccepted, s.move(ctx, row, StatusAccepted, by, "Won a seat in the lottery at rank "+at+".")
}

// Lottery returns a lottery with its eligible applications and, once
// drawn, its seed and ranking. Errors: NotFound.
func (s *Service) Lottery(ctx context.Context, id string) (Lottery, error) {
	row, err := s.store.Lottery(ctx, id)
	if err != nil {
		return Lottery{}, err
	}
	entries, err := s.store.LotteryEntries(ctx, []string{id})
	if err != nil {
		return Lottery{}, err
	}
	return row.lottery(entries[id]), nil
}

// Lotteries lists lotteries, of one school when schoolID is not empty,
// newest first.
func (s *Service) Lotteries(ctx context.Context, schoolID string, pg page.Request) (page.Page[Lottery], error) {
	return s.store.ListLotteries(ctx, schoolID, pg)
}

// checkNotInLottery refuses a staff decision on an application that a
// grade's committed lottery decides: a submitted or under-review one,
// whether the lottery ranks it or it came after the commitment, so that
// no seat is given before the draw. Errors: Conflict.
func (s *Service) checkNotInLottery(ctx context.Context, row applicationRow) error {
	if row.Status != StatusSubmitted && row.Status != StatusUnderReview {
		return nil
	}
	_, committed, err := s.store.GradeLottery(ctx, row.SchoolID, row.AcademicYear, row.Grade)
	if err != nil || !committed {
		return err
	}
	return errLotteryPending
}
