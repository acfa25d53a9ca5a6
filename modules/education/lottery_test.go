package education

import (
	"slices"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/domain"
)

// The orders below were computed apart from this code, from the rule's
// words (Python's hmac and hashlib), so that the rule and the code agree.
func TestRank(t *testing.T) {
	const lottery = "6f1c2a9e-4b7d-4e3a-9c5f-0d8e7b6a5f41"
	const seed = "correct horse battery staple"
	a, b, c, d, e, f := "0a4e7c2d-1b3f-4a59-8e6d-7c2b9f0a1e35", "1d9b3e5f-7a2c-4d81-b6e0-3f5a8c1d9e27", "2c7f1a8d-9e4b-4c36-a2d5-8b0e6f3c7a19",
		"3e5a9c1f-2d7b-4e84-9f60-1a3c5e7b9d42", "4b2d8f6a-3c9e-4a17-8d5b-6e0f2a4c8b53", "5f8a1c3e-6b2d-4f95-a7e1-9c4b6d8f0a64"
	eligible := []LotteryEntry{{a, GroupOthers}, {b, GroupOthers}, {c, GroupSector}, {d, GroupSibling}, {e, GroupOthers}, {f, GroupSector}}
	reversed := slices.Clone(eligible)
	slices.Reverse(reversed)
	upper := make([]LotteryEntry, len(eligible))
	for i, en := range eligible {
		upper[i] = LotteryEntry{strings.ToUpper(en.ApplicationID), en.PriorityGroup}
	}
	cases := []struct {
		name, lottery, seed string
		eligible            []LotteryEntry
		want                []string
	}{
		{"groups first, then the seed's order", lottery, seed, eligible, []string{d, c, f, e, a, b}},
		{"the order given does not matter", lottery, seed, reversed, []string{d, c, f, e, a, b}},
		{"another seed, another order within groups", lottery, "another seed", eligible, []string{d, c, f, b, a, e}},
		{"another lottery, another order", "9d3b7f1e-5c2a-4e68-b4d0-2a6c8e0f4b17", seed, eligible, []string{d, f, c, b, a, e}},
		{"IDs in capitals are read in lower case", strings.ToUpper(lottery), seed, upper, []string{d, c, f, e, a, b}},
		{"nobody", lottery, seed, nil, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Rank(tc.lottery, tc.seed, tc.eligible)
			ids := make([]string, len(got))
			for i, r := range got {
				if r.Rank != i+1 {
					t.Errorf("place %d has rank %d", i, r.Rank)
				}
				ids[i] = strings.ToLower(r.ApplicationID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("Rank = %v, want %v", ids, tc.want)
			}
		})
	}
	t.Run("the same seed gives the same ranking", func(t *testing.T) {
		first := Rank(lottery, seed, eligible)
		for range 20 {
			if again := Rank(lottery, seed, eligible); !slices.Equal(again, first) {
				t.Fatalf("Rank = %v, then %v", first, again)
			}
		}
	})
}

func TestCommitment(t *testing.T) {
	if got, want := Commitment("correct horse battery staple"), "c4bbcb1fbec99d65bf59d85c8cb62ee2db963f0fe106f483d9afa73bd4e39a8a"; got != want {
		t.Errorf("Commitment = %s, want %s", got, want)
	}
}

func TestLotteryInputCheck(t *testing.T) {
	hex64 := strings.Repeat("ab", 32)
	cases := []struct {
		name, commitment string
		ok               bool
	}{
		{"64 lowercase hex digits", hex64, true},
		{"in capitals", strings.ToUpper(hex64), true},
		{"63 digits", hex64[1:], false},
		{"65 digits", hex64 + "a", false},
		{"not hex", strings.Repeat("zz", 32), false},
		{"with spaces", " " + hex64[1:], false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := LotteryInput{SchoolID: "x", AcademicYear: "2027-28", Grade: 1, Commitment: tc.commitment}
			err := in.Check()
			if (err == nil) != tc.ok {
				t.Fatalf("Check(%q) = %v, want ok %v", tc.commitment, err, tc.ok)
			}
			if err != nil && fieldsOf(err) != "commitment" {
				t.Errorf("Check(%q) names %q, want commitment", tc.commitment, fieldsOf(err))
			}
			if tc.ok && in.Commitment != hex64 {
				t.Errorf("commitment kept as %q, want %q", in.Commitment, hex64)
			}
		})
	}
}

func TestPriorityGroup(t *testing.T) {
	cases := []struct {
		name   string
		c      candidate
		school string
		want   int
	}{
		{"a sibling at the school", candidate{Sibling: true, HomeSector: "G-9/4"}, "G-9/4", GroupSibling},
		{"the school's sector", candidate{HomeSector: "G-9/4"}, "G-9/4", GroupSector},
		{"the sector in other case and spacing", candidate{HomeSector: "g-9/4"}, " G-9/4 ", GroupSector},
		{"another sub-sector", candidate{HomeSector: "G-9/3"}, "G-9/4", GroupOthers},
		{"no sector given", candidate{}, "G-9/4", GroupOthers},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := priorityGroup(tc.c, tc.school); got != tc.want {
				t.Errorf("priorityGroup = %d, want %d", got, tc.want)
			}
		})
	}
}

// fieldsOf lists the fields a field error names.
func fieldsOf(err error) string {
	var names []string
	if de, ok := err.(*domain.Error); ok {
		for _, f := range de.Fields {
			names = append(names, f.Field)
		}
	}
	return strings.Join(names, " ")
}
