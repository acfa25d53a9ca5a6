package domain

import (
	"regexp"
	"strings"
	"unicode"
)

// AnonymisedPlate replaces a plate kept no longer than its retention. It
// is never a plate NormalizePlate returns.
const AnonymisedPlate = "ANONYMISED"

// platePattern is the normalised form: letter groups (an optional
// registration area such as ICT), an optional two-digit year, and 1 to 4
// digits, joined by dashes.
var platePattern = regexp.MustCompile(`^[A-Z]{1,3}(-[A-Z]{1,3})?(-[0-9]{2})?-[0-9]{1,4}$`)

// NormalizePlate returns a number plate in its one stored form: upper case,
// letters and digits grouped and joined by "-". "abc 123", "ABC123" and
// "ABC-123" are all ABC-123. Errors: Invalid naming field.
func NormalizePlate(field, v string) (string, error) {
	var groups []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			groups = append(groups, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range strings.TrimSpace(v) {
		if r > unicode.MaxASCII {
			return "", FieldInvalid(field, "validation.plate.chars", nil)
		}
		r = unicode.ToUpper(r)
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '_':
			flush()
		case !(unicode.IsLetter(r) || unicode.IsDigit(r)):
			return "", FieldInvalid(field, "validation.plate.chars", nil)
		case len(cur) > 0 && unicode.IsDigit(cur[len(cur)-1]) != unicode.IsDigit(r):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	plate := strings.Join(splitArea(groups), "-")
	if !platePattern.MatchString(plate) {
		return "", FieldInvalid(field, "validation.plate", nil)
	}
	return plate, nil
}

// splitArea splits a run of 4 to 6 letters written without a separator
// into a three-letter registration area and its series: ICTABC is ICT-ABC.
func splitArea(groups []string) []string {
	out := make([]string, 0, len(groups)+1)
	for _, g := range groups {
		if len(g) >= 4 && len(g) <= 6 && unicode.IsLetter(rune(g[0])) {
			out = append(out, g[:3], g[3:])
			continue
		}
		out = append(out, g)
	}
	return out
}
