package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/islamabad-digital/citizenapi/domain"
)

// testClient is the client address the tests hash for.
const testClient = "192.0.2.1"

func TestHashVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := NewHasher()
	for _, pw := range []string{"correct horse battery staple", "پاکستان زندہ باد", strings.Repeat("x", 128)} {
		encoded, err := h.Hash(ctx, testClient, pw)
		if err != nil {
			t.Fatalf("Hash: %v", err)
		}
		if strings.Contains(encoded, pw) {
			t.Fatalf("the hash contains the password: %s", encoded)
		}
		ok, err := h.Verify(ctx, testClient, pw, encoded)
		if err != nil || !ok {
			t.Fatalf("Verify(right password) = %v, %v; want true", ok, err)
		}
		for _, wrong := range []string{pw + "x", strings.ToUpper(pw), "", pw[:len(pw)-1]} {
			if wrong == pw {
				continue
			}
			ok, err := h.Verify(ctx, testClient, wrong, encoded)
			if err != nil || ok {
				t.Fatalf("Verify(%q) = %v, %v; want false", wrong, ok, err)
			}
		}
	}
}

func TestHashIsSaltedAndStoresItsParameters(t *testing.T) {
	ctx := context.Background()
	h := NewHasher()
	a, err1 := h.Hash(ctx, testClient, "same password")
	b, err2 := h.Hash(ctx, testClient, "same password")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a == b {
		t.Fatalf("two hashes of one password are equal (no salt): %s", a)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(a, prefix) {
		t.Fatalf("hash %q does not start with %q", a, prefix)
	}
	parts := strings.Split(a, "$")
	if len(parts) != 6 {
		t.Fatalf("hash %q has %d parts, want 6", a, len(parts))
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != 16 {
		t.Fatalf("salt %q: %d bytes, %v; want 16", parts[4], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) != 32 {
		t.Fatalf("key %q: %d bytes, %v; want 32", parts[5], len(key), err)
	}
}

// handHash builds an argon2id hash in PHC form with the given parameters.
func handHash(password string, memory, passes uint32, threads uint8) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, passes, memory, threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, passes, threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func TestVerifyReadsParametersFromTheHash(t *testing.T) {
	ctx := context.Background()
	h := NewHasher()
	old := handHash("an older password", 8192, 1, 1)
	if ok, err := h.Verify(ctx, testClient, "an older password", old); err != nil || !ok {
		t.Fatalf("Verify(m=8192,t=1,p=1 hash) = %v, %v; want true", ok, err)
	}
	if ok, err := h.Verify(ctx, testClient, "another password", old); err != nil || ok {
		t.Fatalf("Verify(wrong password, old hash) = %v, %v; want false", ok, err)
	}
	lanes := handHash("two lanes", 8192, 1, 2)
	if ok, err := h.Verify(ctx, testClient, "two lanes", lanes); err != nil || !ok {
		t.Fatalf("Verify(p=2 hash) = %v, %v; want true", ok, err)
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	ctx := context.Background()
	h := NewHasher()
	good := handHash("pw", 8192, 1, 1)
	parts := strings.Split(good, "$")
	cases := map[string]string{
		"empty":           "",
		"garbage":         "not a hash",
		"bcrypt":          "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":         strings.Replace(good, "$argon2id$", "$argon2i$", 1),
		"other version":   strings.Replace(good, "$v=19$", "$v=16$", 1),
		"bad parameters":  strings.Join([]string{"", parts[1], parts[2], "m=x,t=1,p=1", parts[4], parts[5]}, "$"),
		"bad salt base64": strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"bad key base64":  strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "!!!"}, "$"),
		"too many parts":  good + "$extra",
	}
	for name, encoded := range cases {
		t.Run(name, func(t *testing.T) {
			ok, err := h.Verify(ctx, testClient, "pw", encoded)
			if ok || err == nil {
				t.Fatalf("Verify(%q) = %v, %v; want false and an error", encoded, ok, err)
			}
		})
	}
}

func TestDummyHash(t *testing.T) {
	ctx := context.Background()
	h := NewHasher()
	if !strings.HasPrefix(dummyHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("dummyHash %q does not use the default parameters, so an unknown user is faster to refuse", dummyHash)
	}
	for _, pw := range []string{"", "password", "correct horse battery staple", "somesaltsomesalt"} {
		ok, err := h.Verify(ctx, testClient, pw, dummyHash)
		if err != nil {
			t.Fatalf("dummyHash does not parse: %v", err)
		}
		if ok {
			t.Fatalf("dummyHash verifies %q", pw)
		}
	}
}

// cheapHasher returns a Hasher with cheap parameters on the given turns,
// which one client address may all hold.
func cheapHasher(slots chan struct{}, wait time.Duration) *Hasher {
	return &Hasher{params: argonParams{memoryKiB: 8192, time: 1, threads: 1}, slots: slots, wait: wait, share: cap(slots), busy: map[string]int{}}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	h := cheapHasher(make(chan struct{}, 2), 50*time.Millisecond)
	encoded := handHash("pw", 8192, 1, 1)
	for range cap(h.slots) {
		h.slots <- struct{}{}
	}

	checkUnavailable := func(t *testing.T, err error, elapsed time.Duration) {
		t.Helper()
		var derr *domain.Error
		if !errors.As(err, &derr) || derr.Kind != domain.Unavailable {
			t.Fatalf("err = %v, want a domain error of kind Unavailable", err)
		}
		if derr.RetryAfter <= 0 {
			t.Fatalf("RetryAfter = %v, want > 0", derr.RetryAfter)
		}
		if elapsed > 2*time.Second {
			t.Fatalf("waited %v for a slot, want about %v", elapsed, h.wait)
		}
	}
	t.Run("hash", func(t *testing.T) {
		start := time.Now()
		_, err := h.Hash(context.Background(), testClient, "pw")
		checkUnavailable(t, err, time.Since(start))
	})
	t.Run("verify", func(t *testing.T) {
		start := time.Now()
		ok, err := h.Verify(context.Background(), testClient, "pw", encoded)
		if ok {
			t.Fatal("Verify answered true without a slot")
		}
		checkUnavailable(t, err, time.Since(start))
	})
	t.Run("cancelled context", func(t *testing.T) {
		slow := cheapHasher(h.slots, time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		_, err := slow.Hash(ctx, testClient, "pw")
		checkUnavailable(t, err, time.Since(start))
	})
	t.Run("a freed slot is taken", func(t *testing.T) {
		<-h.slots
		done := make(chan error, 1)
		go func() {
			ok, err := cheapHasher(h.slots, 5*time.Second).Verify(context.Background(), testClient, "pw", encoded)
			if err == nil && !ok {
				err = errors.New("verify answered false")
			}
			done <- err
		}()
		if err := <-done; err != nil {
			t.Fatalf("after a slot was freed: %v", err)
		}
		if got := len(h.slots); got != cap(h.slots)-1 {
			t.Fatalf("%d slots held after the hash finished, want %d (the slot was not released)", got, cap(h.slots)-1)
		}
	})
}

// TestHasherSharesTurnsBetweenAddresses: one client address holds at most
// its share of the turns, running or waiting, and past it is refused at
// once with RateLimited, while other addresses still get theirs. The
// addresses of one IPv6 /64 are one address.
func TestHasherSharesTurnsBetweenAddresses(t *testing.T) {
	ctx := context.Background()
	h := newHasher(4, 0, 0)
	h.params, h.wait = argonParams{memoryKiB: 8192, time: 1, threads: 1}, 5*time.Second
	if h.share != 2 {
		t.Fatalf("share of 4 turns = %d, want 2", h.share)
	}
	checkRefused := func(t *testing.T, err error, elapsed time.Duration) {
		t.Helper()
		var derr *domain.Error
		if !errors.As(err, &derr) || derr.Kind != domain.RateLimited || derr.RetryAfter <= 0 {
			t.Fatalf("err = %v, want RateLimited with a wait", err)
		}
		if elapsed > time.Second {
			t.Fatalf("refused after %v, want at once", elapsed)
		}
	}

	t.Run("past its share an address is refused, others are not", func(t *testing.T) {
		var held []string
		for range 2 {
			network, err := h.acquire(ctx, "2001:db8:1:2::1")
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, network)
		}
		start := time.Now()
		_, err := h.Hash(ctx, "2001:db8:1:2:ffff::9", "pw")
		checkRefused(t, err, time.Since(start))
		if _, err := h.Hash(ctx, "198.51.100.7", "pw"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		for _, network := range held {
			h.release(network)
		}
		if _, err := h.Hash(ctx, "2001:db8:1:2::1", "pw"); err != nil {
			t.Fatalf("after its turns were released: %v", err)
		}
	})

	t.Run("waiting counts against the share", func(t *testing.T) {
		small := newHasher(2, 0, 0)
		small.params, small.wait = h.params, 5*time.Second
		a, errA := small.acquire(ctx, "203.0.113.1")
		b, errB := small.acquire(ctx, "203.0.113.2")
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		waited := make(chan error, 1)
		go func() {
			_, err := small.Hash(ctx, "203.0.113.3", "pw")
			waited <- err
		}()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			small.mu.Lock()
			waiting := small.busy["203.0.113.3"]
			small.mu.Unlock()
			if waiting == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the first hash never waited for a turn")
			}
		}
		start := time.Now()
		_, err := small.Hash(ctx, "203.0.113.3", "pw")
		checkRefused(t, err, time.Since(start))
		small.release(b)
		if err := <-waited; err != nil {
			t.Fatalf("the waiting hash, once a turn was freed: %v", err)
		}
		small.release(a)
		if len(small.busy) != 0 || len(small.slots) != 0 {
			t.Fatalf("after every hash: busy %v, %d turns held; want none", small.busy, len(small.slots))
		}
	})
}
