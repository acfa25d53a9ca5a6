package token

import (
	"testing"
	"time"
)

// A token remembered as verified is still refused for another type or
// audience, and once it expires.
func TestVerifyCacheKeepsEveryCheck(t *testing.T) {
	line, _ := NewKey("k1")
	keys, _ := ParseKeys(line)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	signer := NewSigner(keys, "citizenapi", func() time.Time { return now })
	raw, _, err := signer.Issue(TypeAccess, "subject", "aud", time.Minute, Claims{Kind: "citizen"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if c, err := signer.Verify(raw, TypeAccess, "aud"); err != nil || c.Subject != "subject" {
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
