package domain

import "context"

// Kinds of principal: who is calling.
const (
	KindCitizen = "citizen"
	KindStaff   = "staff"
	KindClient  = "client"
)

// Roles a principal may hold. The identity module assigns them, the
// authorization policy grants them permissions, and a module that acts
// for one unit at a time checks the unit-scoped ones (UnitRoles).
const (
	RoleCitizen        = "citizen"
	RoleAdmin          = "admin"
	RoleHealthAdmin    = "health_admin"
	RoleHealthStaff    = "health_staff"
	RoleEducationAdmin = "education_admin"
	RoleEducationStaff = "education_staff"
	RoleParkingAdmin   = "parking_admin"
	RoleParkingOfficer = "parking_officer"
	RoleTrafficAdmin   = "traffic_admin"
	RoleTrafficOfficer = "traffic_officer"
)

// Principal is the authenticated caller of a request: a citizen, a staff
// member or a third-party client. It is set by the HTTP layer from a verified
// token; modules read it and never parse tokens themselves.
type Principal struct {
	// Subject is the account or client ID.
	Subject string
	// Kind is KindCitizen, KindStaff or KindClient.
	Kind string
	// Roles held by the subject; citizens hold RoleCitizen.
	Roles []string
	// Department of a staff account: platform, health, education, parking or traffic.
	Department string
	// UnitID is the facility, school or traffic sector a unit-scoped staff
	// account serves.
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

// UnitRoles are a department's two roles over its units (facilities,
// schools): Admin acts for every unit, Staff only for the unit its
// account is bound to.
type UnitRoles struct {
	Admin, Staff string
}

// Manages reports whether p may act for unitID under these roles.
func (r UnitRoles) Manages(p Principal, unitID string) bool {
	return p.HasRole(r.Admin) || (p.HasRole(r.Staff) && p.UnitID == unitID)
}

// Filter says which units a list p asked for may show: unitID's when p
// manages it, p's own unit when unitID is empty, and every unit (nil) for
// an admin asking for none. Errors: Forbidden for a unit p does not manage.
func (r UnitRoles) Filter(p Principal, unitID string) ([]string, error) {
	if unitID == "" && p.HasRole(r.Admin) {
		return nil, nil
	}
	if unitID == "" {
		unitID = p.UnitID
	}
	if unitID == "" || !r.Manages(p, unitID) {
		return nil, Errorf(Forbidden, "you may see only your own unit's lists")
	}
	return []string{unitID}, nil
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
