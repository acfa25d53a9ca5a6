package education

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Lottery statuses.
const (
	LotteryCommitted = "committed"
	LotteryDrawn     = "drawn"
)

// Lottery outcomes of a ranked application.
const (
	// OutcomeAccepted won a seat.
	OutcomeAccepted = "accepted"
	// OutcomeOffered won a seat while the child held one at another
	// school: the seat is offered, for the family to choose.
	OutcomeOffered = "offered"
	// OutcomeWaitlisted came after the seats ran out and waits in line
	// at its rank.
	OutcomeWaitlisted = "waitlisted"
	// OutcomeSkipped was no longer open at the draw (withdrawn).
	OutcomeSkipped = "skipped"
)

// Priority groups, ranked before the seed orders each.
const (
	// GroupSibling: a sibling holds a seat at, or is enrolled in, the school.
	GroupSibling = 0
	// GroupSector: the family lives in the school's sector.
	GroupSector = 1
	// GroupOthers: everyone else.
	GroupOthers = 2
)

// LotteryAlgorithm names the ranking rule, so that a verifier knows which
// one a lottery was drawn by. A new rule gets a new name.
const LotteryAlgorithm = "priority-group-then-hmac-sha256/v1"

// LotteryRule says LotteryAlgorithm in words, as the public lottery shows it.
const LotteryRule = "The seed is valid when the lowercase hexadecimal SHA-256 of its UTF-8 bytes equals the commitment published before the draw. " +
	"The eligible applications are ranked by priority group, lowest first (0: a sibling already holds a seat at, or is enrolled in, the school; " +
	"1: the family lives in the school's sector; 2: everyone else), and within a group by the lowercase hexadecimal HMAC-SHA256 whose key is " +
	"the UTF-8 bytes of the seed and whose message is the UTF-8 bytes of the lottery ID, a colon and the application ID " +
	"(both lowercase canonical UUID strings), smallest first; ranks count from 1. " +
	"The grade's free seats at the draw (seats_offered) go in rank order to the applications still open (one whose child holds a seat " +
	"at another school is offered it instead, for the family to accept or decline); the other open applications are waitlisted in rank " +
	"order, and one withdrawn before the draw is skipped."

// Lottery is a school grade's lottery: everything needed to check its
// ranking, and nothing about the families.
type Lottery struct {
	ID           string `json:"id" format:"uuid"`
	SchoolID     string `json:"school_id" format:"uuid"`
	AcademicYear string `json:"academic_year" example:"2027-28"`
	Grade        int    `json:"grade" example:"1"`
	Status       string `json:"status" enums:"committed,drawn"`
	// Commitment is the SHA-256 (lowercase hex) of the secret seed,
	// published before the draw.
	Commitment string `json:"commitment" example:"223ed0482afc6ef298531b7c871ad017602ea252ece7bc6ebd8ff2fa957db91a"`
	// Seed is revealed at the draw.
	Seed      string `json:"seed,omitempty" example:"7f3c9a1e5d2b8c4f6a0e9d7b3c1f5a8e2d4b6c8a0e1f3a5c7e9b1d3f5a7c9e1b"`
	Algorithm string `json:"algorithm" example:"priority-group-then-hmac-sha256/v1"`
	// Rule says the algorithm in words.
	Rule string `json:"rule"`
	// SeatsOffered is the grade's free seats at the draw.
	SeatsOffered *int `json:"seats_offered,omitempty" example:"2"`
	// Eligible are the applications the lottery ranks, frozen at the
	// commitment, by ID.
	Eligible []LotteryEntry `json:"eligible"`
	// Ranking is there once drawn, best first.
	Ranking     []LotteryRank `json:"ranking,omitempty"`
	CommittedAt time.Time     `json:"committed_at" format:"date-time"`
	DrawnAt     *time.Time    `json:"drawn_at,omitempty" format:"date-time"`
} // @name Lottery

// LotteryEntry is an eligible application, by ID, with its priority group.
type LotteryEntry struct {
	ApplicationID string `json:"application_id" format:"uuid"`
	PriorityGroup int    `json:"priority_group" enums:"0,1,2"`
} // @name LotteryEntry

// LotteryRank is an application's place in a drawn lottery.
type LotteryRank struct {
	Rank          int    `json:"rank" example:"1"`
	ApplicationID string `json:"application_id" format:"uuid"`
	PriorityGroup int    `json:"priority_group" enums:"0,1,2"`
	Outcome       string `json:"outcome" enums:"accepted,offered,waitlisted,skipped"`
} // @name LotteryRank

// ApplicationLottery is the lottery an application is in: its rank and
// outcome once drawn.
type ApplicationLottery struct {
	ID      string `json:"id" format:"uuid"`
	Rank    *int   `json:"rank,omitempty" example:"3"`
	Outcome string `json:"outcome,omitempty" enums:"accepted,offered,waitlisted,skipped"`
} // @name ApplicationLottery

// LotteryInput commits a lottery for an oversubscribed grade.
type LotteryInput struct {
	SchoolID     string `json:"school_id" validate:"required,uuid" format:"uuid"`
	AcademicYear string `json:"academic_year" validate:"required" example:"2027-28"`
	Grade        int    `json:"grade" validate:"min=1,max=12" example:"1"`
	// Commitment is the SHA-256 of the secret seed, 64 hex digits.
	Commitment string `json:"commitment" validate:"required" example:"223ed0482afc6ef298531b7c871ad017602ea252ece7bc6ebd8ff2fa957db91a"`
} // @name LotteryInput

var commitmentPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Check names an academic year that is not one and a commitment that is
// not 64 hex digits; it writes the commitment in lower case.
func (in *LotteryInput) Check() error {
	var errs domain.FieldErrors
	errs.Add(ValidateAcademicYear("academic_year", in.AcademicYear))
	in.Commitment = strings.ToLower(in.Commitment)
	if in.Commitment != "" && !commitmentPattern.MatchString(in.Commitment) {
		errs.Add(domain.FieldInvalid("commitment", "validation.lottery.commitment", nil))
	}
	return errs.Err()
}

// DrawInput reveals a lottery's seed.
type DrawInput struct {
	Seed string `json:"seed" validate:"required,max=1000" example:"7f3c9a1e5d2b8c4f6a0e9d7b3c1f5a8e2d4b6c8a0e1f3a5c7e9b1d3f5a7c9e1b"`
} // @name LotteryDraw

// Commitment is the lowercase hex SHA-256 of seed's UTF-8 bytes.
func Commitment(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])
}

// Rank orders a lottery's eligible applications by LotteryRule: priority
// group first, then the HMAC-SHA256 of "lotteryID:applicationID" keyed
// with the seed, and numbers them from 1. It is pure: the server draws
// with it and anyone verifies with it.
func Rank(lotteryID, seed string, eligible []LotteryEntry) []LotteryRank {
	type keyed struct {
		LotteryEntry
		key string
	}
	list := make([]keyed, len(eligible))
	for i, e := range eligible {
		mac := hmac.New(sha256.New, []byte(seed))
		mac.Write([]byte(strings.ToLower(lotteryID) + ":" + strings.ToLower(e.ApplicationID)))
		list[i] = keyed{e, hex.EncodeToString(mac.Sum(nil))}
	}
	slices.SortFunc(list, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.PriorityGroup, b.PriorityGroup), strings.Compare(a.key, b.key), strings.Compare(a.ApplicationID, b.ApplicationID))
	})
	out := make([]LotteryRank, len(list))
	for i, k := range list {
		out[i] = LotteryRank{Rank: i + 1, ApplicationID: k.ApplicationID, PriorityGroup: k.PriorityGroup}
	}
	return out
}
