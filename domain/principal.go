package domain

import "context"

// Principal is the authenticated caller of a request: a citizen, a staff
// member or a third-party client. It is set by the HTTP layer from a verified
// token; modules read it and never parse tokens themselves.
type Principal struct {
	// Subject is the account or client ID.
	Subject string
	// Kind is "citizen", "staff" or "client".
	Kind string
	// Roles held by the subject; citizens hold "citizen".
	Roles []string
	// Department of a staff account: platform, health, education or parking.
	Department string
	// UnitID is the facility or school a unit-scoped staff account serves.
	UnitID string
	// Scopes granted to a third-party client.
	Scopes []string
}

// HasRole reports whether the principal holds role.
func (p Principal) HasRole(role string) bool {
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal on ctx and whether there is one.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
