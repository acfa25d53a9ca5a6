package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
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
		{RoleTrafficAdmin, "traffic.admin@demo.citizen.gov.pk", demoStaffPassword, "traffic authority"},
		{RoleTrafficOfficer, "blue-area.officer@demo.citizen.gov.pk", demoStaffPassword, "traffic sector Blue Area"},
	}
}

// DemoPlate is the demo citizen's car, registered the day before the demo
// is loaded.
const DemoPlate = "ICT-LEA-786"

// demoCNIC is the demo citizen's.
const demoCNIC = "6110112345671"

// DemoPlaces are where the demo accounts work and study.
type DemoPlaces struct {
	// FacilityID, SchoolID and SectorID are the units of the health,
	// education and traffic staff.
	FacilityID, SchoolID, SectorID string
	// AgeCutoff is the cut-off date of the academic year the demo opens: the
	// children are of an age for grades 1 and 6 on it.
	AgeCutoff time.Time
}

// DemoLoaded reports whether the demo accounts exist.
func (s *Service) DemoLoaded(ctx context.Context) (bool, error) {
	_, err := s.store.AccountByUsername(ctx, demoCNIC, "", "")
	if domain.IsKind(err, domain.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// LoadDemo creates the demo citizen, with two children, and one staff
// account per role, unless the demo citizen exists already. It reports
// whether it created them.
func (s *Service) LoadDemo(ctx context.Context, at DemoPlaces) (bool, error) {
	cnic := demoCNIC
	if loaded, err := s.DemoLoaded(ctx); err != nil || loaded {
		return false, err
	}
	hash, err := s.hasher.Hash(ctx, "seed demo", demoCitizenPassword)
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
		car := vehicleRow{ID: uuid.NewString(), AccountID: citizen.ID, Plate: DemoPlate, Make: "Suzuki", Model: "Cultus", Colour: "silver",
			CreatedAt: now.Add(-24 * time.Hour)}
		if err := s.db.Conn(ctx).Create(&car).Error; err != nil {
			return db.Translate(err, "")
		}
		// Zainab is 6 on the cut-off (grade 1), Ahmed 11 (grade 6), whatever
		// year the demo opens.
		year := at.AgeCutoff.Year()
		for _, child := range []struct {
			name   string
			dob    time.Time
			gender string
		}{
			{"Zainab Khan", time.Date(year-7, time.June, 10, 0, 0, 0, 0, time.UTC), "female"},
			{"Ahmed Khan", time.Date(year-11, time.February, 20, 0, 0, 0, 0, time.UTC), "male"},
		} {
			if err := s.store.TakeDependantPlace(ctx, citizen.ID, s.maxDependants); err != nil {
				return err
			}
			if err := s.store.CreateDependant(ctx, dependantRow{ID: uuid.NewString(), OwnerID: citizen.ID, FullName: child.name, Relation: RelationChild,
				DateOfBirth: child.dob, Gender: child.gender, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	units := map[string]string{RoleHealthStaff: at.FacilityID, RoleEducationStaff: at.SchoolID, RoleTrafficOfficer: at.SectorID}
	for _, l := range DemoLogins("", "")[1:] {
		in := NewStaff{Email: l.Username, FullName: "Demo " + l.Role, Password: l.Password, Role: l.Role,
			Department: roleDepartments[l.Role].department, UnitID: units[l.Role]}
		if _, err := s.CreateStaff(ctx, in); err != nil {
			return false, err
		}
	}
	return true, nil
}
