package token

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// subject is the subject of test tokens: an ID, as every subject is.
const subject = "0b6a4d1e-6f0c-4a57-9d2c-3f1f8f0c2a11"

// A token remembered as verified is still refused for another type or
// audience, and once it expires.
func TestVerifyCacheKeepsEveryCheck(t *testing.T) {
	line, _ := NewKey("k1")
	keys, _ := ParseKeys(line)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	signer := NewSigner(keys, "citizenapi", func() time.Time { return now })
	raw, _, err := signer.Issue(TypeAccess, subject, "aud", time.Minute, Claims{Kind: "citizen"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if c, err := signer.Verify(raw, TypeAccess, "aud"); err != nil || c.Subject != subject {
			t.Fatalf("Verify = %+v, %v; want the subject's claims", c, err)
		}
	}
	tests := []struct {
		name          string
		typ, audience string
		after         time.Duration
	}{
		{"another type", TypePermit, "aud", 0},
		{"another audience", TypeAccess, "other", 0},
		{"expired", TypeAccess, "aud", time.Minute + 6*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Add(tt.after)
			if _, err := signer.Verify(raw, tt.typ, tt.audience); err == nil {
				t.Error("Verify accepted the token")
			}
		})
	}
}

// Verify refuses what golang-jwt alone lets through: numeric dates written
// as strings, a missing or malformed subject, and base64url that is not
// canonical. Every token here is signed with the signer's own key, so only
// the property named is wrong.
func TestVerifyIsStrict(t *testing.T) {
	line, _ := NewKey("k1")
	keys, _ := ParseKeys(line)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	signer := NewSigner(keys, "citizenapi", func() time.Time { return now })
	claims := func(change func(jwt.MapClaims)) string {
		c := jwt.MapClaims{
			"iss": "citizenapi", "sub": subject, "aud": []string{"aud"}, "kind": "citizen", "jti": "0f3c0b7e-0d7a-4d54-8f0e-1c2b3a4d5e6f",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		}
		change(c)
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
		tok.Header["kid"], tok.Header["typ"] = "k1", TypeAccess
		raw, err := tok.SignedString(keys.signing().Private)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	set := func(name string, v any) func(jwt.MapClaims) { return func(c jwt.MapClaims) { c[name] = v } }
	valid := claims(func(jwt.MapClaims) {})
	tests := []struct {
		name   string
		raw    string
		accept bool
	}{
		{"as issued", valid, true},
		{"exp a fraction", claims(set("exp", float64(now.Add(time.Hour).Unix())+0.5)), true},
		{"exp a string", claims(set("exp", "1999999999")), false},
		{"iat a string", claims(set("iat", strconv.FormatInt(now.Unix(), 10))), false},
		{"nbf a string", claims(set("nbf", strconv.FormatInt(now.Unix(), 10))), false},
		{"exp null", claims(set("exp", nil)), false},
		{"iat null", claims(set("iat", nil)), false},
		{"EXP a string instead of exp", claims(func(c jwt.MapClaims) { c["EXP"] = "1999999999"; delete(c, "exp") }), false},
		{"no sub", claims(func(c jwt.MapClaims) { delete(c, "sub") }), false},
		{"empty sub", claims(set("sub", "")), false},
		{"sub not a UUID", claims(set("sub", "subject")), false},
		{"sub a UUID in capitals", claims(set("sub", strings.ToUpper(subject))), false},
		{"sub a UUID in braces", claims(set("sub", "{"+subject+"}")), false},
		{"sub a UUID URN", claims(set("sub", "urn:uuid:"+subject)), false},
		{"sub a UUID without hyphens", claims(set("sub", strings.ReplaceAll(subject, "-", ""))), false},
		{"signature with non-canonical trailing bits", nonCanonical(valid), false},
		{"padded signature", valid + "==", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := signer.Verify(tt.raw, TypeAccess, "aud")
			if tt.accept && err != nil {
				t.Fatalf("Verify refused the token: %v", err)
			}
			if !tt.accept && !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify = %v, want ErrInvalid", err)
			}
		})
	}
}

// nonCanonical sets a padding bit of a token's last base64url character: a
// lenient decoder reads the same signature, a strict one refuses it.
func nonCanonical(raw string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, raw[len(raw)-1])
	return raw[:len(raw)-1] + string(alphabet[last|1])
}
