package token

import (
	"testing"
	"time"
)

// FuzzVerify: no string is accepted as a token unless this signer signed
// it, and none makes Verify panic.
func FuzzVerify(f *testing.F) {
	line, _ := NewKey("k1")
	keys, _ := ParseKeys(line)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	signer := NewSigner(keys, "citizenapi", func() time.Time { return now })
	valid, _, _ := signer.Issue(TypeAccess, subject, "aud", time.Hour, Claims{Kind: "citizen"})
	for _, seed := range []string{valid, "", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", valid + "x", valid[:len(valid)-2]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		claims, err := signer.Verify(raw, TypeAccess, "aud")
		if err == nil && raw != valid {
			t.Fatalf("accepted a token this signer did not issue: %q (%+v)", raw, claims)
		}
	})
}
