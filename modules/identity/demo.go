package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
)

// DemoLogin is one account the demo data creates.
type DemoLogin struct {
	Role     string
	Username string
	Password string
	Note     string
}

// Demo credentials. They exist only where the demo data was loaded, which
// production never does on its own, and are printed at start-up.
const ( // #nosec G101 -- published demo logins, not secrets
	demoCitizenPassword = "Islamabad-demo-2026"
	demoStaffPassword   = "Demo-staff-password-2026"
)

// DemoLogins lists the demo accounts; facility and school name the units of
// the unit-scoped ones.
func DemoLogins(facility, school string) []DemoLogin {
	return []DemoLogin{
		{RoleCitizen, "61101-1234567-1 (or 0300-1234567)", demoCitizenPassword, "Amina Bibi, with two children"},
		{RoleAdmin, "admin@demo.citizen.gov.pk", demoStaffPassword, "platform administrator"},
		{RoleHealthAdmin, "health.admin@demo.citizen.gov.pk", demoStaffPassword, "all facilities"},
		{RoleHealthStaff, "pims.desk@demo.citizen.gov.pk", demoStaffPassword, facility},
		{RoleEducationAdmin, "education.admin@demo.citizen.gov.pk", demoStaffPassword, "all schools"},
		{RoleEducationStaff, "school.office@demo.citizen.gov.pk", demoStaffPassword, school},
		{RoleParkingAdmin, "parking.admin@demo.citizen.gov.pk", demoStaffPassword, "parking authority"},
		{RoleParkingOfficer, "warden@demo.citizen.gov.pk", demoStaffPassword, "enforcement"},
	}
}

// LoadDemo creates the demo citizen, with two children, and one staff
// account per role, unless the demo citizen exists already. facilityID and
// schoolID are the units of the health and education staff. It reports
// whether it created them.
func (s *Service) LoadDemo(ctx context.Context, facilityID, schoolID string) (bool, error) {
	cnic := "6110112345671"
	_, err := s.store.AccountByUsername(ctx, cnic, "", "")
	if err == nil || !domain.IsKind(err, domain.NotFound) {
		return false, err
	}
	hash, err := s.hasher.Hash(ctx, demoCitizenPassword)
	if err != nil {
		return false, err
	}
	now := s.clock.Now()
	phone := "+923001234567"
	citizen := accountRow{ID: uuid.NewString(), Kind: KindCitizen, CNIC: cnic, Phone: &phone, FullName: "Amina Bibi", PasswordHash: hash,
		Status: StatusActive, PreferredLanguage: "en", VerifiedAt: &now, CreatedAt: now, UpdatedAt: now}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateAccount(ctx, citizen); err != nil {
			return err
		}
		for _, child := range []struct{ name, dob, gender string }{{"Zainab Khan", "2020-06-10", "female"}, {"Ahmed Khan", "2016-02-20", "male"}} {
			dob, _ := time.Parse(time.DateOnly, child.dob)
			if err := s.store.CreateDependant(ctx, dependantRow{ID: uuid.NewString(), OwnerID: citizen.ID, FullName: child.name, Relation: RelationChild,
				DateOfBirth: dob, Gender: child.gender, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	units := map[string]string{RoleHealthStaff: facilityID, RoleEducationStaff: schoolID}
	for _, l := range DemoLogins("", "")[1:] {
		in := NewStaff{Email: l.Username, FullName: "Demo " + l.Role, Password: l.Password, Role: l.Role,
			Department: roleDepartments[l.Role].department, UnitID: units[l.Role]}
		if _, err := s.CreateStaff(ctx, in); err != nil {
			return false, err
		}
	}
	return true, nil
}
