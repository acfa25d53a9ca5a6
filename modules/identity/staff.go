package identity

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// NewStaff is a staff account as an administrator creates it.
type NewStaff struct {
	Email      string `json:"email" validate:"required,email,max=254" example:"dr.farah@pims.gov.pk"`
	FullName   string `json:"full_name" validate:"required" example:"Farah Naz"`
	Password   string `json:"password" validate:"required"`
	Role       string `json:"role" validate:"required,oneof=admin health_admin health_staff education_admin education_staff parking_admin parking_officer traffic_admin traffic_officer" enums:"admin,health_admin,health_staff,education_admin,education_staff,parking_admin,parking_officer,traffic_admin,traffic_officer"`
	Department string `json:"department" validate:"required,oneof=platform health education parking traffic" enums:"platform,health,education,parking,traffic"`
	UnitID     string `json:"unit_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
} // @name NewStaff

// StaffChange holds the staff fields an administrator may change.
type StaffChange struct {
	FullName *string `json:"full_name,omitempty" extensions:"x-nullable"`
	// Active false deactivates the account at once and closes its sessions.
	Active *bool `json:"active,omitempty" extensions:"x-nullable"`
} // @name StaffChange

// RolesChange replaces an account's role assignments.
type RolesChange struct {
	Roles []RoleAssignment `json:"roles" validate:"required,min=1,max=10,dive"`
} // @name RolesChange

// Check normalises the name and e-mail in place and names every field that
// breaks a rule: the role's department and unit, the name, the password.
func (n *NewStaff) Check() error {
	var errs domain.FieldErrors
	var err error
	errs.Add(n.assignment().Validate(""))
	n.FullName, err = NormalizeName("full_name", n.FullName)
	errs.Add(err)
	errs.Add(CheckPassword("password", n.Password, KindStaff))
	n.Email = NormalizeEmail(n.Email)
	return errs.Err()
}

func (n NewStaff) assignment() RoleAssignment {
	return RoleAssignment{Role: n.Role, Department: n.Department, UnitID: n.UnitID}
}

// Check normalises the name, when given, in place.
func (c *StaffChange) Check() error {
	if c.FullName == nil {
		return nil
	}
	name, err := NormalizeName("full_name", *c.FullName)
	c.FullName = &name
	return err
}

// Check names every role assignment at fault, and a unit role naming
// another unit than the one before: a staff account serves one unit.
func (c RolesChange) Check() error {
	var errs domain.FieldErrors
	unit := ""
	for i, r := range c.Roles {
		field := fmt.Sprintf("roles[%d].", i)
		errs.Add(r.Validate(field))
		if r.UnitID != "" && unit != "" && r.UnitID != unit {
			errs.Add(domain.FieldInvalid(field+"unit_id", "validation.role.one_unit", nil))
		}
		if r.UnitID != "" && unit == "" {
			unit = r.UnitID
		}
	}
	return errs.Err()
}

// checkUnit checks that a unit-scoped assignment's unit exists.
func (s *Service) checkUnit(ctx context.Context, field string, r RoleAssignment) error {
	kind := roleDepartments[r.Role].unitKind
	if kind == "" {
		return nil
	}
	ok, err := s.units.UnitExists(ctx, kind, r.UnitID)
	switch {
	case err != nil:
		return err
	case !ok && kind == UnitSchool:
		return domain.FieldInvalid(field+"unit_id", "validation.unit.school", nil)
	case !ok && kind == UnitSector:
		return domain.FieldInvalid(field+"unit_id", "validation.unit.sector", nil)
	case !ok:
		return domain.FieldInvalid(field+"unit_id", "validation.unit.facility", nil)
	}
	return nil
}

// staffAdministration is what staff passwords are hashed under in place of
// a client address: only administrators create staff, and few of them.
const staffAdministration = "staff administration"

// CreateStaff creates an active staff account with one role. Errors:
// Invalid naming every field at fault, Conflict when the e-mail is taken,
// Unavailable.
func (s *Service) CreateStaff(ctx context.Context, in NewStaff) (Account, error) {
	if err := in.Check(); err != nil {
		return Account{}, err
	}
	assignment := in.assignment()
	if err := s.checkUnit(ctx, "", assignment); err != nil {
		return Account{}, err
	}
	hash, err := s.hasher.Hash(ctx, staffAdministration, in.Password)
	if err != nil {
		return Account{}, err
	}
	now := s.clock.Now()
	row := accountRow{ID: uuid.NewString(), Kind: KindStaff, Email: &in.Email, FullName: in.FullName, PasswordHash: hash, Status: StatusActive,
		Department: &in.Department, PreferredLanguage: "en", CreatedAt: now, UpdatedAt: now}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateAccount(ctx, row); err != nil {
			return err
		}
		if err := s.store.ReplaceRoles(ctx, row.ID, []RoleAssignment{assignment}); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "staff.create", TargetType: "account", TargetID: row.ID})
	})
	if err != nil {
		return Account{}, err
	}
	s.people.forget(row.ID)
	s.reloadPolicy()
	return s.Account(ctx, row.ID)
}

// reloadPolicy refreshes the authorizer's copy of role assignments. The
// database is the record; a failed reload is repaired by the next one.
func (s *Service) reloadPolicy() {
	if s.policy != nil {
		_ = s.policy.LoadPolicy()
	}
}

// StaffList lists staff accounts with their roles, oldest first.
func (s *Service) StaffList(ctx context.Context, p page.Request) (page.Page[Account], error) {
	rows, err := s.store.ListStaff(ctx, p)
	if err != nil {
		return page.Page[Account]{}, err
	}
	ids := make([]string, len(rows.Items))
	for i, r := range rows.Items {
		ids[i] = r.ID
	}
	roles, err := s.store.Roles(ctx, ids)
	if err != nil {
		return page.Page[Account]{}, err
	}
	out := page.Page[Account]{Items: make([]Account, len(rows.Items)), NextCursor: rows.NextCursor}
	for i, r := range rows.Items {
		out.Items[i] = r.account()
		if roles[r.ID] != nil {
			out.Items[i].Roles = roles[r.ID]
		}
	}
	return out, nil
}

// staffAccount returns a staff account. Errors: NotFound, also for citizens.
func (s *Service) staffAccount(ctx context.Context, id string) (accountRow, error) {
	row, err := s.store.Account(ctx, id)
	if err != nil {
		return accountRow{}, err
	}
	if row.Kind != KindStaff {
		return accountRow{}, domain.Errorf(domain.NotFound, "staff account not found")
	}
	return row, nil
}

// UpdateStaff renames, deactivates or reactivates a staff account. A
// deactivated account's sessions close and its next request is refused.
// Errors: Invalid, NotFound, Forbidden when an admin would deactivate itself.
func (s *Service) UpdateStaff(ctx context.Context, actor domain.Principal, id string, in StaffChange) (Account, error) {
	if err := in.Check(); err != nil {
		return Account{}, err
	}
	row, err := s.staffAccount(ctx, id)
	if err != nil {
		return Account{}, err
	}
	fields := map[string]any{"updated_at": s.clock.Now()}
	if in.FullName != nil {
		fields["full_name"] = *in.FullName
	}
	action := "staff.update"
	if in.Active != nil {
		if !*in.Active && id == actor.Subject {
			return Account{}, domain.Errorf(domain.Forbidden, "you cannot deactivate your own account")
		}
		fields["status"], action = StatusActive, "staff.activate"
		if !*in.Active {
			fields["status"], action = StatusDeactivated, "staff.deactivate"
		}
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateAccount(ctx, row.ID, fields); err != nil {
			return err
		}
		if fields["status"] == StatusDeactivated {
			if _, err := s.store.RevokeAccountTokens(ctx, row.ID); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, audit.Entry{Action: action, TargetType: "account", TargetID: row.ID})
	})
	if err != nil {
		return Account{}, err
	}
	s.people.forget(row.ID)
	return s.Account(ctx, row.ID)
}

// SetRoles replaces a staff account's roles; the change applies from its
// next request. Errors: Invalid naming the assignment, NotFound.
func (s *Service) SetRoles(ctx context.Context, id string, in RolesChange) (Account, error) {
	if err := in.Check(); err != nil {
		return Account{}, err
	}
	row, err := s.staffAccount(ctx, id)
	if err != nil {
		return Account{}, err
	}
	var errs domain.FieldErrors
	for i, r := range in.Roles {
		errs.Add(s.checkUnit(ctx, fmt.Sprintf("roles[%d].", i), r))
	}
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.ReplaceRoles(ctx, row.ID, in.Roles); err != nil {
			return err
		}
		// The account belongs to the department of its first role.
		if err := s.store.UpdateAccount(ctx, row.ID, map[string]any{"department": in.Roles[0].Department, "updated_at": s.clock.Now()}); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "staff.roles", TargetType: "account", TargetID: row.ID})
	})
	if err != nil {
		return Account{}, err
	}
	s.people.forget(row.ID)
	s.reloadPolicy()
	return s.Account(ctx, row.ID)
}

// RoleAssignments lists every staff role assignment.
func (s *Service) RoleAssignments(ctx context.Context, p page.Request) (page.Page[AccountRole], error) {
	return s.store.ListRoleAssignments(ctx, p)
}

// CreateAdmin creates a platform administrator; it is how a new install gets
// its first admin. Errors: as CreateStaff.
func (s *Service) CreateAdmin(ctx context.Context, email, fullName, password string) (Account, error) {
	return s.CreateStaff(ctx, NewStaff{Email: email, FullName: fullName, Password: password, Role: RoleAdmin, Department: "platform"})
}
