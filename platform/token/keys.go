// Package token signs and verifies the platform's JSON Web Tokens (access
// tokens and permit tokens) with Ed25519 keys, and publishes the public keys
// as a JWK Set.
package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Key is one signing key with its key ID.
type Key struct {
	ID      string
	Private ed25519.PrivateKey
}

// KeySet holds the keys that verify tokens; the last one signs new tokens.
// Rotation appends a new key; a retired key is removed once the tokens it
// signed have expired.
type KeySet struct {
	keys []Key
}

// ParseKeys reads keys written as "kid:base64seed" separated by commas or
// newlines, where base64seed is a 32-byte Ed25519 seed in standard base64.
func ParseKeys(s string) (*KeySet, error) {
	var keys []Key
	for _, field := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		kid, enc, ok := strings.Cut(field, ":")
		if !ok || kid == "" {
			return nil, errors.New(`a signing key must be written "kid:base64seed"`)
		}
		seed, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("signing key %q: want a base64 32-byte Ed25519 seed", kid)
		}
		keys = append(keys, Key{ID: kid, Private: ed25519.NewKeyFromSeed(seed)})
	}
	if len(keys) == 0 {
		return nil, errors.New("no signing keys given")
	}
	return &KeySet{keys: keys}, nil
}

// NewKey makes a fresh key written as ParseKeys reads it.
func NewKey(kid string) (string, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return "", err
	}
	return kid + ":" + base64.StdEncoding.EncodeToString(seed), nil
}

// LoadOrCreateKeyFile reads the keys in path, creating the file with one new
// key when it does not exist. Development keeps its keys this way across
// restarts so that issued tokens stay valid.
func LoadOrCreateKeyFile(path string) (*KeySet, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the operator's DATA_DIR
	if errors.Is(err, os.ErrNotExist) {
		line, err := NewKey("dev-1")
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
			return nil, err
		}
		raw = []byte(line)
	} else if err != nil {
		return nil, err
	}
	return ParseKeys(string(raw))
}

// signing returns the key that signs new tokens.
func (s *KeySet) signing() Key { return s.keys[len(s.keys)-1] }

// public returns the public key with the given ID.
func (s *KeySet) public(kid string) (ed25519.PublicKey, bool) {
	for _, k := range s.keys {
		if k.ID == kid {
			return k.Private.Public().(ed25519.PublicKey), true
		}
	}
	return nil, false
}

// JWK is one public key in JWK form (RFC 8037).
type JWK struct {
	Kty string `json:"kty" example:"OKP"`
	Crv string `json:"crv" example:"Ed25519"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg" example:"EdDSA"`
	Use string `json:"use" example:"sig"`
} // @name JWK

// JWKSet is a JSON Web Key Set.
type JWKSet struct {
	Keys []JWK `json:"keys"`
} // @name JWKSet

// JWKS returns the public keys as a JWK Set.
func (s *KeySet) JWKS() JWKSet {
	out := JWKSet{Keys: make([]JWK, 0, len(s.keys))}
	for _, k := range s.keys {
		pub := k.Private.Public().(ed25519.PublicKey)
		out.Keys = append(out.Keys, JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), Kid: k.ID, Alg: "EdDSA", Use: "sig"})
	}
	return out
}
