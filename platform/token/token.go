package token

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/platform/cache"
)

// Token types, carried in the JOSE "typ" header so that one kind of token can
// never be accepted as another.
const (
	TypeAccess = "at+jwt"
	TypePermit = "permit+jwt"
	// TypePermitStatus is the signed list of withdrawn permits.
	TypePermitStatus = "permit-status+jwt"
)

// Claims are the registered claims the platform uses plus its own.
type Claims struct {
	jwt.RegisteredClaims
	// Kind of subject: citizen, staff or client.
	Kind string `json:"kind,omitempty"`
	// Scope lists a client's granted scopes, space-separated (RFC 8693).
	Scope string `json:"scope,omitempty"`
	// Session is the sign-in session (refresh token family) an access token
	// belongs to; the token ends when its session does.
	Session string `json:"sid,omitempty"`
	// Data carries a token type's own fields (a permit's details).
	Data map[string]any `json:"data,omitempty"`
}

// Signer issues and verifies tokens for one issuer.
type Signer struct {
	keys   *KeySet
	issuer string
	now    func() time.Time
	// verified remembers tokens that passed Verify until they expire: a
	// mobile client sends the same token hundreds of times, and checking an
	// Ed25519 signature costs far more than a map look-up.
	verified *cache.TTL[[sha256.Size]byte, Claims]
}

// verifiedTokens bounds the cache of verified tokens (about 300 bytes each).
const verifiedTokens = 50_000

// NewSigner returns a Signer issuing as issuer with keys. now is the clock.
func NewSigner(keys *KeySet, issuer string, now func() time.Time) *Signer {
	return &Signer{keys: keys, issuer: issuer, now: now, verified: cache.NewTTL[[sha256.Size]byte, Claims](verifiedTokens)}
}

// Keys returns the key set.
func (s *Signer) Keys() *KeySet { return s.keys }

// Issue signs a token of type typ for subject and audience, valid for ttl,
// with a fresh ID. It returns the token and its claims.
func (s *Signer) Issue(typ, subject, audience string, ttl time.Duration, c Claims) (string, Claims, error) {
	now := s.now().Truncate(time.Second)
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer: s.issuer, Subject: subject, Audience: jwt.ClaimStrings{audience},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)), ID: uuid.NewString(),
	}
	key := s.keys.signing()
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = key.ID
	t.Header["typ"] = typ
	signed, err := t.SignedString(key.Private)
	if err != nil {
		return "", Claims{}, fmt.Errorf("sign token: %w", err)
	}
	return signed, c, nil
}

// ErrInvalid is returned for every token that must not be accepted; the
// wrapped error says why, for logs only.
var ErrInvalid = errors.New("invalid token")

// Verify checks a token of type typ for audience: EdDSA only (no "none",
// no HMAC with the public key), canonical base64url, a known key ID, our
// issuer, the audience, an expiry in the future, no issue time in the
// future, numeric dates that are JSON numbers and a subject that is a UUID.
func (s *Signer) Verify(raw, typ, audience string) (Claims, error) {
	// Type and audience are part of the key: a token verified as one kind is
	// never thereby accepted as another.
	key := sha256.Sum256([]byte(typ + "\x00" + audience + "\x00" + raw))
	now := s.now()
	if c, ok := s.verified.Get(key, now); ok {
		return c, nil
	}
	c, err := s.verify(raw, typ, audience)
	if err == nil {
		s.verified.Put(key, c, c.ExpiresAt.Time, now)
	}
	return c, err
}

func (s *Signer) verify(raw, typ, audience string) (Claims, error) {
	var c Claims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(s.issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(5*time.Second),
		// One token has one spelling: no second signature from spare bits.
		jwt.WithStrictDecoding(),
	)
	_, err := parser.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if got, _ := t.Header["typ"].(string); got != typ {
			return nil, fmt.Errorf("token type %q, want %q", got, typ)
		}
		kid, _ := t.Header["kid"].(string)
		pub, ok := s.keys.public(kid)
		if !ok {
			return nil, fmt.Errorf("unknown key ID %q", kid)
		}
		return pub, nil
	})
	if err == nil {
		err = strictClaims(raw, c)
	}
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// strictClaims refuses what the parser lets through: golang-jwt reads a
// numeric date written as a JSON string ("1999999999") as the number, and
// takes any subject, where every subject we sign for is a UUID (an empty
// one would reach the database as an ID). raw has been parsed, so its
// payload decodes.
func strictClaims(raw string, c Claims) error {
	payload := strings.Split(raw, ".")[1]
	b, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return err
	}
	// The same field names and decoder as jwt.RegisteredClaims, so these
	// are the values it read.
	var dates struct {
		Exp json.RawMessage `json:"exp"`
		Iat json.RawMessage `json:"iat"`
		Nbf json.RawMessage `json:"nbf"`
	}
	if err := json.Unmarshal(b, &dates); err != nil {
		return err
	}
	for name, v := range map[string]json.RawMessage{"exp": dates.Exp, "iat": dates.Iat, "nbf": dates.Nbf} {
		if v != nil && !isNumber(v) {
			return fmt.Errorf("%s is %s, not a JSON number", name, v)
		}
	}
	if id, err := uuid.Parse(c.Subject); err != nil || id.String() != c.Subject {
		return fmt.Errorf("subject %q is not a UUID", c.Subject)
	}
	return nil
}

// isNumber reports whether a JSON value is a number.
func isNumber(v json.RawMessage) bool {
	return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9')
}

// Peek reads a token's claims without verifying them, to choose how to
// verify it. Nothing it returns may be trusted until Verify agrees.
func Peek(raw string) Claims {
	var c Claims
	_, _, _ = jwt.NewParser().ParseUnverified(raw, &c)
	return c
}
