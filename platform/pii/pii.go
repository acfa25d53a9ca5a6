// Package pii seals national identity numbers (CNICs and B-forms), and
// the webhook signing secrets the service must keep to sign with, for
// storage: AES-256-GCM with the sealing key's ID stored in front of the
// value, so that keys can rotate, and a keyed hash (HMAC-SHA256) for the
// columns that must stay unique and searchable. A database dump without
// the keys holds neither the numbers nor a way to test a guess.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Keys seal and open values and hash them for look-up.
type Keys struct {
	aeads   map[string]cipher.AEAD
	current string
	lookup  []byte
}

// Parse reads the sealing keys, written "kid:base64key" (32-byte keys)
// separated by commas or newlines with the newest last, and the look-up
// key (base64, 32 bytes). The newest key seals; every listed key opens. The
// look-up key never rotates: the hashes in the database depend on it.
func Parse(sealing, lookup string) (*Keys, error) {
	k := &Keys{aeads: map[string]cipher.AEAD{}}
	for _, field := range strings.FieldsFunc(sealing, func(r rune) bool { return r == ',' || r == '\n' }) {
		kid, enc, ok := strings.Cut(strings.TrimSpace(field), ":")
		if !ok || kid == "" || strings.ContainsAny(kid, ".:") {
			return nil, errors.New(`a sealing key must be written "kid:base64key" with no "." or ":" in kid`)
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("sealing key %q: want 32 bytes in standard base64", kid)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		if k.aeads[kid], err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
		k.current = kid
	}
	if k.current == "" {
		return nil, errors.New("no sealing keys given")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(lookup))
	if err != nil || len(raw) != 32 {
		return nil, errors.New("the look-up key must be 32 bytes in standard base64")
	}
	k.lookup = raw
	return k, nil
}

// NewKey returns a fresh 32-byte key in standard base64.
func NewKey() string {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	return base64.StdEncoding.EncodeToString(raw)
}

// LoadOrCreateFile reads keys from path ("kid:base64key" lines, then a
// "lookup:base64key" line), creating the file with fresh keys when it does
// not exist. Development keeps its keys this way across restarts.
func LoadOrCreateFile(path string) (*Keys, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the operator's DATA_DIR
	if errors.Is(err, os.ErrNotExist) {
		// A random key ID: values sealed under another installation's keys
		// then fail with "unknown key" rather than as tampered data.
		id := make([]byte, 4)
		_, _ = rand.Read(id)
		raw = []byte("dev-" + hex.EncodeToString(id) + ":" + NewKey() + "\nlookup:" + NewKey() + "\n")
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	var sealing []string
	lookup := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "lookup:"); ok {
			lookup = v
		} else if strings.TrimSpace(line) != "" {
			sealing = append(sealing, line)
		}
	}
	return Parse(strings.Join(sealing, ","), lookup)
}

// Current is the ID of the key that seals.
func (k *Keys) Current() string { return k.current }

// Seal encrypts v for the column named by field ("accounts.cnic"): the
// field is authenticated with it, so a value copied into another column
// does not open. The result is "kid.base64(nonce|ciphertext)".
func (k *Keys) Seal(field, v string) string {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := aead.Seal(nonce, nonce, []byte(v), []byte(field))
	return k.current + "." + base64.RawStdEncoding.EncodeToString(out)
}

// ErrCannotOpen is returned for a sealed value no listed key opens.
var ErrCannotOpen = errors.New("sealed value cannot be opened")

// Open decrypts a value Seal made for field.
func (k *Keys) Open(field, sealed string) (string, error) {
	kid, enc, ok := strings.Cut(sealed, ".")
	aead, known := k.aeads[kid]
	if !ok || !known {
		return "", fmt.Errorf("%w: unknown key %q", ErrCannotOpen, kid)
	}
	raw, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", ErrCannotOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(field))
	if err != nil {
		return "", ErrCannotOpen
	}
	return string(plain), nil
}

// SealedWith reports the ID of the key that sealed a value.
func SealedWith(sealed string) string {
	kid, _, _ := strings.Cut(sealed, ".")
	return kid
}

// Hash is the keyed hash of v for unique indexes and look-ups: equal values
// hash equally, and without the look-up key nobody can compute one.
func (k *Keys) Hash(v string) string {
	mac := hmac.New(sha256.New, k.lookup)
	mac.Write([]byte(v))
	return hex.EncodeToString(mac.Sum(nil))
}
