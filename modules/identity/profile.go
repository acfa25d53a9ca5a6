package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// ProfileChange holds the profile fields an account holder may change;
// absent fields stay as they are. CNIC, phone, role and status are not here
// and cannot be changed through it.
type ProfileChange struct {
	FullName          *string `json:"full_name,omitempty" example:"Amina Bibi" extensions:"x-nullable"`
	Email             *string `json:"email,omitempty" validate:"omitempty,email,max=254" extensions:"x-nullable"`
	PreferredLanguage *string `json:"preferred_language,omitempty" validate:"omitempty,oneof=en ur" enums:"en,ur" extensions:"x-nullable"`
} // @name ProfileChange

// Check normalises the name and e-mail given, in place, and names every
// field that breaks a rule.
func (c *ProfileChange) Check() error {
	var errs domain.FieldErrors
	if c.FullName != nil {
		name, err := NormalizeName("full_name", *c.FullName)
		errs.Add(err)
		c.FullName = &name
	}
	if c.Email != nil {
		email := NormalizeEmail(*c.Email)
		c.Email = &email
	}
	return errs.Err()
}

// UpdateProfile changes the caller's own profile. Errors: Invalid naming
// every field at fault, Conflict when the e-mail belongs to another account.
func (s *Service) UpdateProfile(ctx context.Context, p domain.Principal, in ProfileChange) (Account, error) {
	var errs domain.FieldErrors
	errs.Add(in.Check())
	if in.Email != nil && p.Kind == KindStaff {
		errs.Add(domain.FieldInvalid("email", "validation.email.staff", nil))
	}
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	fields := map[string]any{"updated_at": s.clock.Now()}
	if in.FullName != nil {
		fields["full_name"] = *in.FullName
	}
	if in.Email != nil {
		fields["email"] = ptr(*in.Email)
	}
	if in.PreferredLanguage != nil {
		fields["preferred_language"] = *in.PreferredLanguage
	}
	if err := s.store.UpdateAccount(ctx, p.Subject, fields); err != nil {
		return Account{}, err
	}
	s.people.forget(p.Subject)
	return s.Account(ctx, p.Subject)
}

// PasswordChange replaces the caller's password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password" validate:"required,max=1024"`
	NewPassword     string `json:"new_password" validate:"required"`
} // @name PasswordChange

// Check applies the password policy that holds for every account; the
// service adds what depends on the account (a staff password's greater
// length, the account's CNIC and phone).
func (c *PasswordChange) Check() error {
	return CheckPassword("new_password", c.NewPassword, KindCitizen)
}

// ChangePassword replaces the caller's password and closes every session.
// A wrong current password is a failed guess, counted with the sign-in
// failures of the account and the client address: a stolen access token is
// no password oracle. Errors: Invalid when the current password is wrong or
// the new one breaks the policy; RateLimited after too many wrong guesses
// or when clientIP's share of hashing is taken; Unavailable when all of it
// is.
func (s *Service) ChangePassword(ctx context.Context, p domain.Principal, in PasswordChange, clientIP string) error {
	if err := in.Check(); err != nil {
		return err
	}
	acc, err := s.store.Account(ctx, p.Subject)
	if err != nil {
		return err
	}
	try, err := s.recordAttempt(ctx, []string{addressGuesses(clientIP), accountGuesses(acc.ID)})
	if err != nil {
		return err
	}
	if try.over >= 0 {
		return pausedError(try.wait)
	}
	ok, err := s.hasher.Verify(ctx, clientIP, in.CurrentPassword, acc.PasswordHash)
	if err != nil {
		_ = s.store.DeleteLoginFailures(context.WithoutCancel(ctx), try.ids)
		return err
	}
	if !ok {
		return s.guessFailed(ctx, acc.ID, "account.password_change", try)
	}
	if err := s.forgetAttempt(ctx, try.ids, nil); err != nil {
		return err
	}
	if err := CheckPassword("new_password", in.NewPassword, acc.Kind, acc.CNIC, deref(acc.Phone)); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, clientIP, in.NewPassword)
	if err != nil {
		return err
	}
	var closed []string
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateAccount(ctx, acc.ID, map[string]any{"password_hash": hash, "updated_at": s.clock.Now()}); err != nil {
			return err
		}
		if closed, err = s.store.RevokeAccountTokens(ctx, acc.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "account.password_change", TargetType: "account", TargetID: acc.ID, SubjectID: subjectOf(acc)})
	})
	s.people.endSessions(closed...)
	return err
}

// DependantInput is a family member as the citizen describes them.
type DependantInput struct {
	FullName    string `json:"full_name" validate:"required" example:"Zainab Khan"`
	Relation    string `json:"relation" validate:"required,oneof=child spouse parent other" enums:"child,spouse,parent,other"`
	DateOfBirth string `json:"date_of_birth" validate:"required" format:"date" example:"2020-05-14"`
	Gender      string `json:"gender" validate:"required,oneof=male female other" enums:"male,female,other"`
	BFormOrCNIC string `json:"b_form_or_cnic,omitempty" example:"61101-1234567-2"`
} // @name DependantInput

// DependantChange holds the dependant fields to change; absent fields stay.
type DependantChange struct {
	FullName    *string `json:"full_name,omitempty" extensions:"x-nullable"`
	Relation    *string `json:"relation,omitempty" validate:"omitempty,oneof=child spouse parent other" enums:"child,spouse,parent,other" extensions:"x-nullable"`
	DateOfBirth *string `json:"date_of_birth,omitempty" format:"date" extensions:"x-nullable"`
	Gender      *string `json:"gender,omitempty" validate:"omitempty,oneof=male female other" enums:"male,female,other" extensions:"x-nullable"`
	BFormOrCNIC *string `json:"b_form_or_cnic,omitempty" extensions:"x-nullable"`
} // @name DependantChange

// Check normalises the name and B-form or CNIC in place and names every
// field that breaks a rule; a birth date in the future is the service's
// to find, as it needs the clock.
func (d *DependantInput) Check() error {
	var errs domain.FieldErrors
	var err error
	d.FullName, err = NormalizeName("full_name", d.FullName)
	errs.Add(err)
	_, err = birthDate(d.DateOfBirth)
	errs.Add(err)
	if d.BFormOrCNIC != "" {
		d.BFormOrCNIC, err = NormalizeCNIC("b_form_or_cnic", d.BFormOrCNIC)
		errs.Add(err)
	}
	return errs.Err()
}

// Check normalises and checks the fields given, as DependantInput's Check
// does for all of them.
func (c *DependantChange) Check() error {
	var errs domain.FieldErrors
	if c.FullName != nil {
		name, err := NormalizeName("full_name", *c.FullName)
		errs.Add(err)
		c.FullName = &name
	}
	if c.DateOfBirth != nil {
		_, err := birthDate(*c.DateOfBirth)
		errs.Add(err)
	}
	if c.BFormOrCNIC != nil && *c.BFormOrCNIC != "" {
		n, err := NormalizeCNIC("b_form_or_cnic", *c.BFormOrCNIC)
		errs.Add(err)
		c.BFormOrCNIC = &n
	}
	return errs.Err()
}

// birthDate reads a date of birth, which is after 1900.
func birthDate(v string) (time.Time, error) {
	dob, err := domain.ParseDate("date_of_birth", v)
	if err == nil && dob.Year() < 1900 {
		err = domain.FieldInvalid("date_of_birth", "validation.date_of_birth", nil)
	}
	return dob, err
}

// pastBirthDate reads a date of birth that is also not after today.
func (s *Service) pastBirthDate(v string) (time.Time, error) {
	dob, err := birthDate(v)
	if err == nil && dob.After(domain.LocalDate(s.clock.Now())) {
		err = domain.FieldInvalid("date_of_birth", "validation.date_of_birth", nil)
	}
	return dob, err
}

// AddDependant adds a family member to the caller's account. Errors:
// Invalid naming every field at fault.
func (s *Service) AddDependant(ctx context.Context, p domain.Principal, in DependantInput) (Dependant, error) {
	if err := in.Check(); err != nil {
		return Dependant{}, err
	}
	dob, err := s.pastBirthDate(in.DateOfBirth)
	if err != nil {
		return Dependant{}, err
	}
	now := s.clock.Now()
	row := dependantRow{ID: uuid.NewString(), OwnerID: p.Subject, FullName: in.FullName, Relation: in.Relation, DateOfBirth: dob,
		Gender: in.Gender, BFormOrCNIC: in.BFormOrCNIC, CreatedAt: now, UpdatedAt: now}
	row.PersonID = row.ID
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.TakeDependantPlace(ctx, p.Subject, s.maxDependants); err != nil {
			return err
		}
		if row.BFormOrCNIC != "" {
			if row.NumberHash, row.PersonID, err = s.person(ctx, p.Subject, row.BFormOrCNIC, row.ID); err != nil {
				return err
			}
		}
		return s.store.CreateDependant(ctx, row)
	})
	if err != nil {
		return Dependant{}, err
	}
	return row.dependant(), nil
}

// person returns the hash of a dependant's B-form or CNIC and the person it
// names: an account holder's own number is not their dependant (Invalid),
// and a number another record gave (in this account, refused by the
// database as a duplicate, or in another) is that record's person.
func (s *Service) person(ctx context.Context, ownerID, number, dependantID string) (*string, string, error) {
	owner, err := s.store.Account(ctx, ownerID)
	if err != nil {
		return nil, "", err
	}
	hash := *s.store.cnicHash(number)
	if owner.CNICHash != nil && *owner.CNICHash == hash {
		return nil, "", domain.FieldInvalid("b_form_or_cnic", "validation.dependant.own_cnic", nil)
	}
	person, err := s.store.Person(ctx, hash, dependantID)
	return &hash, person, err
}

// Dependants lists the caller's family members.
func (s *Service) Dependants(ctx context.Context, p domain.Principal, pg page.Request) (page.Page[Dependant], error) {
	return s.store.ListDependants(ctx, p.Subject, pg)
}

// Dependant returns one of the caller's family members. Errors: NotFound,
// also for another citizen's dependant.
func (s *Service) Dependant(ctx context.Context, p domain.Principal, id string) (Dependant, error) {
	return s.people.Dependant(ctx, p.Subject, id)
}

// UpdateDependant changes one of the caller's family members. Errors:
// Invalid, NotFound.
func (s *Service) UpdateDependant(ctx context.Context, p domain.Principal, id string, in DependantChange) (Dependant, error) {
	if err := in.Check(); err != nil {
		return Dependant{}, err
	}
	fields := map[string]any{"updated_at": s.clock.Now()}
	if in.FullName != nil {
		fields["full_name"] = *in.FullName
	}
	if in.Relation != nil {
		fields["relation"] = *in.Relation
	}
	if in.Gender != nil {
		fields["gender"] = *in.Gender
	}
	if in.DateOfBirth != nil {
		dob, err := s.pastBirthDate(*in.DateOfBirth)
		if err != nil {
			return Dependant{}, err
		}
		fields["date_of_birth"] = dob
	}
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if in.BFormOrCNIC != nil {
			// Without a number, the record is a person of its own again.
			var hash *string
			person := id
			if *in.BFormOrCNIC != "" {
				var err error
				if hash, person, err = s.person(ctx, p.Subject, *in.BFormOrCNIC, id); err != nil {
					return err
				}
			}
			fields["b_form_or_cnic"], fields["number_hash"], fields["person_id"] = *in.BFormOrCNIC, hash, person
		}
		return s.store.UpdateDependant(ctx, p.Subject, id, fields)
	})
	if err != nil {
		return Dependant{}, err
	}
	return s.Dependant(ctx, p, id)
}

// RemoveDependant deletes one of the caller's family members. Errors: NotFound.
func (s *Service) RemoveDependant(ctx context.Context, p domain.Principal, id string) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error { return s.store.DeleteDependant(ctx, p.Subject, id) })
}
