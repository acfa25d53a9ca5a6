package identity

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Password length rules (NIST SP 800-63B): no composition rules, nothing
// truncated, long passphrases welcome.
const (
	minCitizenPassword = 8
	minStaffPassword   = 12
	maxPassword        = 128
)

// commonPasswordList is Mark Burnett's list of the 10,000 most common
// passwords, one a line.
//
//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	set := make(map[string]bool, 10000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			set[strings.ToLower(w)] = true
		}
	}
	return set
}()

// CheckPassword applies the password policy for an account of the given
// kind; identifiers are the account's CNIC and phone, which a password may
// not be in any written form.
func CheckPassword(field, password, kind string, identifiers ...string) error {
	minLen := minCitizenPassword
	if kind == KindStaff {
		minLen = minStaffPassword
	}
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return domain.FieldInvalid(field, "validation.utf8", nil)
	case n < minLen:
		return domain.FieldInvalid(field, "validation.min.string", map[string]string{"n": strconv.Itoa(minLen)})
	case n > maxPassword:
		return domain.FieldInvalid(field, "validation.max.string", map[string]string{"n": strconv.Itoa(maxPassword)})
	case commonPasswords[strings.ToLower(password)]:
		return domain.FieldInvalid(field, "validation.password.common", nil)
	}
	// The CNIC may be typed with dashes and the phone with +92, 92 or 0.
	typed := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '+' {
			return -1
		}
		return r
	}, password)
	for _, id := range identifiers {
		digits := onlyDigits(id)
		if digits == "" {
			continue
		}
		national := strings.TrimPrefix(digits, "92")
		if typed == digits || typed == national || typed == "0"+national {
			return domain.FieldInvalid(field, "validation.password.identifier", nil)
		}
	}
	return nil
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// argonParams are the argon2id cost parameters. They are stored in each
// hash, so raising them later applies to new hashes while old ones verify.
type argonParams struct {
	memoryKiB uint32
	time      uint32
	threads   uint8
}

// defaultArgon is OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
var defaultArgon = argonParams{memoryKiB: 19 * 1024, time: 2, threads: 1}

// Hasher hashes and checks passwords with argon2id. At most one hash per
// CPU runs at once, so that a burst of sign-ins cannot exhaust memory; a
// caller that waits too long for its turn gets Unavailable. One client
// address may hold, running or waiting, at most its share of the turns, so
// that a flood from one address cannot queue ahead of everyone else; past
// its share it gets RateLimited at once.
type Hasher struct {
	params argonParams
	slots  chan struct{}
	wait   time.Duration
	share  int

	mu   sync.Mutex
	busy map[string]int // hashes running or waiting, by client network
}

// NewHasher returns a Hasher with OWASP's parameters that lets one client
// address hold half of its turns.
func NewHasher() *Hasher { return newHasher(runtime.NumCPU(), 0, 0) }

// newHasher returns a Hasher with slots turns, share of which one client
// address may hold (zero means half of them, at least one), where a caller
// waits at most wait for its turn (zero means two seconds).
func newHasher(slots, share int, wait time.Duration) *Hasher {
	if share == 0 {
		share = max(1, slots/2)
	}
	if wait == 0 {
		wait = 2 * time.Second
	}
	return &Hasher{params: defaultArgon, slots: make(chan struct{}, slots), wait: wait, share: share, busy: map[string]int{}}
}

// acquire waits for a turn for clientIP and returns the network it is
// counted under, for release.
func (h *Hasher) acquire(ctx context.Context, clientIP string) (string, error) {
	network := clientNetwork(clientIP)
	h.mu.Lock()
	if h.busy[network] >= h.share {
		h.mu.Unlock()
		return "", domain.RetryLater(domain.RateLimited, time.Second, "too many passwords from your address are being checked at once; try again in a moment")
	}
	h.busy[network]++
	h.mu.Unlock()
	timer := time.NewTimer(h.wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return network, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	h.leave(network)
	return "", domain.RetryLater(domain.Unavailable, time.Second, "too many sign-ins at once; try again in a moment")
}

func (h *Hasher) release(network string) {
	<-h.slots
	h.leave(network)
}

func (h *Hasher) leave(network string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.busy[network]--; h.busy[network] == 0 {
		delete(h.busy, network)
	}
}

// Hash returns the PHC-format argon2id hash of password, taking a turn for
// clientIP, the address of the client that asked (or a label for tools).
func (h *Hasher) Hash(ctx context.Context, clientIP, password string) (string, error) {
	network, err := h.acquire(ctx, clientIP)
	if err != nil {
		return "", err
	}
	defer h.release(network)
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.time, p.memoryKiB, p.threads, hashLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memoryKiB, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, using the parameters
// stored in encoded, taking a turn for clientIP as Hash does.
func (h *Hasher) Verify(ctx context.Context, clientIP, password, encoded string) (bool, error) {
	var version int
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("unknown password hash format")
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("unknown argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.time, &p.threads); err != nil {
		return false, fmt.Errorf("bad argon2 parameters: %w", err)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) != hashLen {
		return false, fmt.Errorf("bad argon2 encoding")
	}
	network, err := h.acquire(ctx, clientIP)
	if err != nil {
		return false, err
	}
	defer h.release(network)
	got := argon2.IDKey([]byte(password), salt, p.time, p.memoryKiB, p.threads, hashLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashLen is the length in bytes of every password hash.
const hashLen = 32

// dummyHash is verified against when the user is unknown, so that an
// unknown user and a wrong password take the same time.
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2TqQ9CSJmLBNN4J3Q2ZC0e3RmkqB1E3Fv0Mt0YiR8aE"
