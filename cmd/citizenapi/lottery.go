package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/modules/education"
)

const lotteryUsage = "usage: citizenapi lottery verify [-url URL] <lottery ID, or a file holding GET /api/v1/education/lotteries/{id}>"

// lotteryCommand runs "lottery verify": it recomputes a drawn lottery's
// ranking from what its public page shows, and nothing else, and fails
// unless the published ranking is that one.
func lotteryCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(lotteryUsage)
	}
	flags := flag.NewFlagSet("lottery verify", flag.ContinueOnError)
	base := flags.String("url", "http://localhost:8080", "the API's address, to fetch a lottery given by ID")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return errors.New(lotteryUsage)
	}
	l, err := readLottery(ctx, *base, flags.Arg(0))
	if err != nil {
		return err
	}
	if problems := verifyLottery(l); len(problems) > 0 {
		fmt.Fprintf(stdout, "Lottery %s does NOT verify:\n", l.ID)
		for _, p := range problems {
			fmt.Fprintln(stdout, "  -", p)
		}
		return fmt.Errorf("lottery %s does not verify", l.ID)
	}
	fmt.Fprintf(stdout, "Lottery %s (school %s, grade %d, %s) verifies:\n", l.ID, l.SchoolID, l.Grade, l.AcademicYear)
	fmt.Fprintln(stdout, "  - the seed's SHA-256 is the commitment published before the draw")
	fmt.Fprintf(stdout, "  - the ranking of %d applications is the one the seed gives by %s\n", len(l.Ranking), l.Algorithm)
	fmt.Fprintf(stdout, "  - the free seats (%d) went in rank order\n", *l.SeatsOffered)
	return nil
}

// readLottery reads a lottery from the file arg names, or else fetches
// the lottery whose ID arg is from the API at base.
func readLottery(ctx context.Context, base, arg string) (education.Lottery, error) {
	var l education.Lottery
	if info, err := os.Stat(arg); err == nil && info.Mode().IsRegular() {
		raw, err := os.ReadFile(arg) // #nosec G304 -- the file the operator named
		if err != nil {
			return l, err
		}
		if err := json.Unmarshal(raw, &l); err != nil {
			return l, fmt.Errorf("%s does not hold a lottery: %w", arg, err)
		}
		return l, nil
	}
	if uuid.Validate(arg) != nil {
		return l, fmt.Errorf("%s is neither a file nor a lottery ID", arg)
	}
	return fetchLottery(ctx, base, arg)
}

// fetchLottery gets a lottery's public page from the API at base.
func fetchLottery(ctx context.Context, base, id string) (education.Lottery, error) {
	var l education.Lottery
	u, err := url.JoinPath(base, "/api/v1/education/lotteries", url.PathEscape(id))
	if err != nil {
		return l, fmt.Errorf("-url %s: %w", base, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return l, err
	}
	res, err := http.DefaultClient.Do(req) // #nosec G107 -- the API the operator named
	if err != nil {
		return l, fmt.Errorf("fetch the lottery: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
		return l, fmt.Errorf("GET %s: %s %s", u, res.Status, strings.TrimSpace(string(body)))
	}
	if err := json.NewDecoder(res.Body).Decode(&l); err != nil {
		return l, fmt.Errorf("GET %s: not a lottery: %w", u, err)
	}
	return l, nil
}

// verifyLottery checks a drawn lottery against its rule and returns what
// is wrong: the seed against the commitment, the ranking against the one
// the seed gives the eligible list, and the outcomes against the seats.
func verifyLottery(l education.Lottery) []string {
	if l.Status != education.LotteryDrawn || l.Seed == "" || l.SeatsOffered == nil {
		return []string{"the lottery is not drawn: its seed is not revealed yet"}
	}
	if l.Algorithm != education.LotteryAlgorithm {
		return []string{fmt.Sprintf("the algorithm %q is not %q, the one this command knows", l.Algorithm, education.LotteryAlgorithm)}
	}
	var problems []string
	if got := education.Commitment(l.Seed); got != strings.ToLower(l.Commitment) {
		problems = append(problems, fmt.Sprintf("the seed's SHA-256 is %s, not the commitment %s", got, l.Commitment))
	}
	seen := map[string]bool{}
	for _, e := range l.Eligible {
		if seen[strings.ToLower(e.ApplicationID)] {
			problems = append(problems, "application "+e.ApplicationID+" is eligible twice")
		}
		seen[strings.ToLower(e.ApplicationID)] = true
	}
	problems = append(problems, compareRanking(education.Rank(l.ID, l.Seed, l.Eligible), l.Ranking)...)
	return append(problems, checkSeats(l.Ranking, *l.SeatsOffered)...)
}

// compareRanking lists where the published ranking differs from the
// recomputed one.
func compareRanking(want, got []education.LotteryRank) []string {
	var problems []string
	if len(got) != len(want) {
		problems = append(problems, fmt.Sprintf("the ranking has %d applications; the eligible list has %d", len(got), len(want)))
	}
	for i := range min(len(got), len(want)) {
		w, g := want[i], got[i]
		if g.Rank != w.Rank || !strings.EqualFold(g.ApplicationID, w.ApplicationID) || g.PriorityGroup != w.PriorityGroup {
			problems = append(problems, fmt.Sprintf("place %d is rank %d, %s in group %d; the seed gives rank %d, %s in group %d",
				i+1, g.Rank, g.ApplicationID, g.PriorityGroup, w.Rank, w.ApplicationID, w.PriorityGroup))
		}
	}
	return problems
}

// checkSeats checks that the seats went in rank order: among the
// applications not skipped, the first ones won (accepted or offered), as
// many as there were free seats, and the rest were waitlisted.
func checkSeats(ranking []education.LotteryRank, seats int) []string {
	won, waitlisted := 0, 0
	var problems []string
	for _, r := range ranking {
		switch r.Outcome {
		case education.OutcomeAccepted, education.OutcomeOffered:
			if waitlisted > 0 {
				problems = append(problems, fmt.Sprintf("rank %d won a seat after a better rank was waitlisted", r.Rank))
			}
			won++
		case education.OutcomeWaitlisted:
			waitlisted++
		case education.OutcomeSkipped:
		default:
			problems = append(problems, fmt.Sprintf("rank %d has the unknown outcome %q", r.Rank, r.Outcome))
		}
	}
	if won > seats || (waitlisted > 0 && won < seats) {
		problems = append(problems, fmt.Sprintf("%d applications won a seat, with %d seats free and %d waitlisted", won, seats, waitlisted))
	}
	return problems
}
