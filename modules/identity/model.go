package identity

import (
	"strings"
	"time"
	"unicode"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Account kinds, as domain names a principal's.
const (
	KindCitizen = domain.KindCitizen
	KindStaff   = domain.KindStaff
)

// Account statuses.
const (
	StatusPending     = "pending_verification"
	StatusActive      = "active"
	StatusLocked      = "locked"
	StatusDeactivated = "deactivated"
)

// Roles, as domain names them for the modules that check them.
const (
	RoleCitizen        = domain.RoleCitizen
	RoleAdmin          = domain.RoleAdmin
	RoleHealthAdmin    = domain.RoleHealthAdmin
	RoleHealthStaff    = domain.RoleHealthStaff
	RoleEducationAdmin = domain.RoleEducationAdmin
	RoleEducationStaff = domain.RoleEducationStaff
	RoleParkingAdmin   = domain.RoleParkingAdmin
	RoleParkingOfficer = domain.RoleParkingOfficer
	RoleTrafficAdmin   = domain.RoleTrafficAdmin
	RoleTrafficOfficer = domain.RoleTrafficOfficer
)

// roleDepartments says which department each staff role belongs to and
// whether it is bound to one unit (a facility, a school or a traffic
// sector).
var roleDepartments = map[string]struct {
	department string
	unitKind   string
}{
	RoleAdmin:          {"platform", ""},
	RoleHealthAdmin:    {"health", ""},
	RoleHealthStaff:    {"health", UnitFacility},
	RoleEducationAdmin: {"education", ""},
	RoleEducationStaff: {"education", UnitSchool},
	RoleParkingAdmin:   {"parking", ""},
	RoleParkingOfficer: {"parking", ""},
	RoleTrafficAdmin:   {"traffic", ""},
	RoleTrafficOfficer: {"traffic", UnitSector},
}

// Unit kinds.
const (
	UnitFacility = "facility"
	UnitSchool   = "school"
	UnitSector   = "sector"
)

// Account is a citizen's or staff member's account as its owner sees it.
type Account struct {
	ID       string `json:"id" format:"uuid"`
	Kind     string `json:"kind" enums:"citizen,staff"`
	CNIC     string `json:"cnic,omitempty" example:"3520212345671"`
	Phone    string `json:"phone,omitempty" example:"+923001234567"`
	Email    string `json:"email,omitempty" example:"amina@example.pk"`
	FullName string `json:"full_name" example:"Amina Bibi"`
	Status   string `json:"status" enums:"pending_verification,active,locked,deactivated"`
	// PreferredLanguage decides the language of SMS and e-mail.
	PreferredLanguage string     `json:"preferred_language" enums:"en,ur"`
	Department        string     `json:"department,omitempty" enums:"platform,health,education,parking,traffic"`
	Roles             []HeldRole `json:"roles"`
	CreatedAt         time.Time  `json:"created_at" format:"date-time"`
	UpdatedAt         time.Time  `json:"updated_at" format:"date-time"`
	// PersonID is the person the account holder is (see Dependant); never shown.
	PersonID string `json:"-"`
} // @name Account

// HeldRole is a role an account holds, as shown on the account: a staff
// role with its department (and unit), or the citizen role, which has
// neither.
type HeldRole struct {
	Role       string `json:"role" enums:"admin,health_admin,health_staff,education_admin,education_staff,parking_admin,parking_officer,traffic_admin,traffic_officer,citizen"`
	Department string `json:"department,omitempty" enums:"platform,health,education,parking,traffic"`
	UnitID     string `json:"unit_id,omitempty" format:"uuid"`
} // @name HeldRole

// RoleAssignment gives an account a role, in a unit for unit-scoped roles.
type RoleAssignment struct {
	Role string `json:"role" validate:"required,oneof=admin health_admin health_staff education_admin education_staff parking_admin parking_officer traffic_admin traffic_officer" enums:"admin,health_admin,health_staff,education_admin,education_staff,parking_admin,parking_officer,traffic_admin,traffic_officer,citizen"`
	// Department is empty for the citizen role.
	Department string `json:"department,omitempty" validate:"required,oneof=platform health education parking traffic" enums:"platform,health,education,parking,traffic"`
	UnitID     string `json:"unit_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
} // @name RoleAssignment

// Validate checks that the role belongs to the department and that a unit
// is given exactly when the role is unit-scoped, naming every field at
// fault. field prefixes field names.
func (r RoleAssignment) Validate(field string) error {
	def, ok := roleDepartments[r.Role]
	if !ok {
		// The other fields are judged by the role.
		return domain.FieldInvalid(field+"role", "validation.role.staff", nil)
	}
	var errs domain.FieldErrors
	if def.department != r.Department {
		errs.Add(domain.FieldInvalid(field+"department", "validation.role.department", map[string]string{"department": def.department, "role": r.Role}))
	}
	switch {
	case def.unitKind == UnitFacility && r.UnitID == "":
		errs.Add(domain.FieldInvalid(field+"unit_id", "validation.role.facility_required", map[string]string{"role": r.Role}))
	case def.unitKind == UnitSchool && r.UnitID == "":
		errs.Add(domain.FieldInvalid(field+"unit_id", "validation.role.school_required", map[string]string{"role": r.Role}))
	case def.unitKind == UnitSector && r.UnitID == "":
		errs.Add(domain.FieldInvalid(field+"unit_id", "validation.role.sector_required", map[string]string{"role": r.Role}))
	case def.unitKind == "" && r.UnitID != "":
		errs.Add(domain.FieldInvalid(field+"unit_id", "validation.role.no_unit", map[string]string{"role": r.Role}))
	}
	return errs.Err()
}

// RelationChild is the relation of a dependant who is the citizen's child:
// the one relation a school application may be made for.
const RelationChild = "child"

// Dependant is a citizen's family member.
type Dependant struct {
	ID          string    `json:"id" format:"uuid"`
	FullName    string    `json:"full_name" example:"Zainab Khan"`
	Relation    string    `json:"relation" enums:"child,spouse,parent,other"`
	DateOfBirth string    `json:"date_of_birth" format:"date" example:"2020-05-14"`
	Gender      string    `json:"gender" enums:"male,female,other"`
	BFormOrCNIC string    `json:"b_form_or_cnic,omitempty" example:"6110112345672"`
	CreatedAt   time.Time `json:"created_at" format:"date-time"`
	UpdatedAt   time.Time `json:"updated_at" format:"date-time"`
	// PersonID is the person the dependant is: the same for every record of
	// one CNIC or B-form, in any account. The rules about a person are kept
	// by it; it is never shown.
	PersonID string `json:"-"`
} // @name Dependant

// NormalizeCNIC returns the canonical 13-digit form of a CNIC or B-form
// number written "12345-1234567-1" or as 13 digits. The first digit, the
// province code, is 1 to 7.
func NormalizeCNIC(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	digits := v
	if len(v) == 15 && v[5] == '-' && v[13] == '-' {
		digits = v[:5] + v[6:13] + v[14:]
	}
	if len(digits) != 13 || !allDigits(digits) {
		return "", domain.FieldInvalid(field, "validation.cnic", nil)
	}
	if digits[0] < '1' || digits[0] > '7' {
		return "", domain.FieldInvalid(field, "validation.cnic.province", nil)
	}
	return digits, nil
}

// NormalizePhone returns the E.164 form (+923XXXXXXXXX) of a Pakistani
// mobile number written +923001234567, 923001234567, 03001234567 or
// 0300-1234567 (spaces and dashes are ignored). Landlines and short numbers
// are refused.
func NormalizePhone(field, v string) (string, error) {
	cleaned := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(v))
	var national string
	switch {
	case strings.HasPrefix(cleaned, "+92"):
		national = cleaned[3:]
	case strings.HasPrefix(cleaned, "0092"):
		national = cleaned[4:]
	case strings.HasPrefix(cleaned, "92") && len(cleaned) == 12:
		national = cleaned[2:]
	case strings.HasPrefix(cleaned, "0"):
		national = cleaned[1:]
	default:
		national = cleaned
	}
	if len(national) != 10 || !allDigits(national) || national[0] != '3' {
		return "", domain.FieldInvalid(field, "validation.phone", nil)
	}
	return "+92" + national, nil
}

// NormalizeEmail lower-cases and trims an e-mail address.
func NormalizeEmail(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// NormalizeName trims a full name and collapses inner runs of space. Names
// may be in any script, Urdu included.
func NormalizeName(field, v string) (string, error) {
	name := strings.Join(strings.Fields(v), " ")
	n := len([]rune(name))
	if n < 2 || n > 100 {
		return "", domain.FieldInvalid(field, "validation.length", map[string]string{"min": "2", "max": "100"})
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", domain.FieldInvalid(field, "validation.control_chars", nil)
		}
	}
	return name, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// MaskCNIC shows only the last four digits, for logs and other people's views.
func MaskCNIC(cnic string) string {
	if len(cnic) < 4 {
		return "****"
	}
	return strings.Repeat("*", len(cnic)-4) + cnic[len(cnic)-4:]
}

// MaskPhone shows only the last three digits.
func MaskPhone(phone string) string {
	if len(phone) < 3 {
		return "***"
	}
	return strings.Repeat("*", len(phone)-3) + phone[len(phone)-3:]
}
