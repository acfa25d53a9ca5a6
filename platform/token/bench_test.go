package token

import (
	"testing"
	"time"
)

// Benchmarks of signing and verifying access tokens, the work every
// authenticated request does. Compare runs with benchstat:
//
//	go test -run '^$' -bench . -count 10 ./platform/token > old.txt

// benchSigner returns a signer with one fresh key and a fixed clock, and an
// access token it issued, as the server issues them.
func benchSigner(b *testing.B) (*Signer, string) {
	b.Helper()
	line, err := NewKey("bench-1")
	if err != nil {
		b.Fatal(err)
	}
	keys, err := ParseKeys(line)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	signer := NewSigner(keys, "citizenapi", func() time.Time { return now })
	raw, _, err := signer.Issue(TypeAccess, "0b6a4d1e-6f0c-4a57-9d2c-3f1f8f0c2a11", "citizenapi", 15*time.Minute, Claims{Kind: "citizen"})
	if err != nil {
		b.Fatal(err)
	}
	return signer, raw
}

// BenchmarkVerify verifies a valid access token. same-token presents one
// token again and again, as a client does within a token's lifetime;
// distinct-tokens presents a token never seen before every time.
func BenchmarkVerify(b *testing.B) {
	signer, raw := benchSigner(b)
	b.Run("same-token", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := signer.Verify(raw, TypeAccess, "citizenapi"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("same-token-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := signer.Verify(raw, TypeAccess, "citizenapi"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("distinct-tokens", func(b *testing.B) {
		// Tokens are issued in batches with the timer stopped, and none
		// is presented twice, so no cache of verified tokens can answer.
		tokens := make([]string, 1024)
		issue := func() {
			for i := range tokens {
				t, _, err := signer.Issue(TypeAccess, "0b6a4d1e-6f0c-4a57-9d2c-3f1f8f0c2a11", "citizenapi", 15*time.Minute, Claims{Kind: "citizen"})
				if err != nil {
					b.Fatal(err)
				}
				tokens[i] = t
			}
		}
		issue()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i == len(tokens) {
				b.StopTimer()
				issue()
				i = 0
				b.StartTimer()
			}
			if _, err := signer.Verify(tokens[i], TypeAccess, "citizenapi"); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkIssue signs an access token, as login and refresh do.
func BenchmarkIssue(b *testing.B) {
	signer, _ := benchSigner(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := signer.Issue(TypeAccess, "0b6a4d1e-6f0c-4a57-9d2c-3f1f8f0c2a11", "citizenapi", 15*time.Minute, Claims{Kind: "citizen"}); err != nil {
			b.Fatal(err)
		}
	}
}
