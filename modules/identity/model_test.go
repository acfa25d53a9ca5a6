package identity

import (
	"errors"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/domain"
)

// invalidField fails the test unless err is an Invalid domain error naming field.
func invalidField(t *testing.T, err error, field string) {
	t.Helper()
	var derr *domain.Error
	if !errors.As(err, &derr) {
		t.Fatalf("err = %v, want an Invalid error naming %q", err, field)
	}
	if derr.Kind != domain.Invalid {
		t.Fatalf("kind = %v, want Invalid (%v)", derr.Kind, err)
	}
	for _, f := range derr.Fields {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("fields %+v do not name %q", derr.Fields, field)
}

func TestNormalizeCNIC(t *testing.T) {
	cases := []struct {
		name, in, want string // want "" means refused
	}{
		{"dashed", "35202-1234567-1", "3520212345671"},
		{"plain", "3520212345671", "3520212345671"},
		{"surrounding space", "  35202-1234567-1 ", "3520212345671"},
		{"province 1", "1000000000000", "1000000000000"},
		{"province 7", "7999999999999", "7999999999999"},
		{"12 digits", "352021234567", ""},
		{"14 digits", "35202123456712", ""},
		{"dashed, one digit short", "35202-123456-1", ""},
		{"letter", "35202-12345A7-1", ""},
		{"letters only", "abcdefghijklm", ""},
		{"first digit 0", "0520212345671", ""},
		{"first digit 8", "8520212345671", ""},
		{"first digit 9", "95202-1234567-1", ""},
		{"first dash one early", "3520-21234567-1", ""},
		{"first dash one late", "352021-234567-1", ""},
		{"last dash one early", "35202-123456-71", ""},
		{"only the first dash", "35202-12345671", ""},
		{"spaces instead of dashes", "35202 1234567 1", ""},
		{"empty", "", ""},
		{"unicode digits", "٣٥٢٠٢١٢٣٤٥٦٧١", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeCNIC("cnic", tc.in)
			if tc.want == "" {
				invalidField(t, err, "cnic")
				if got != "" {
					t.Errorf("NormalizeCNIC(%q) returned %q with its error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeCNIC(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	t.Run("both forms are equal", func(t *testing.T) {
		a, err1 := NormalizeCNIC("cnic", "61101-1234567-1")
		b, err2 := NormalizeCNIC("cnic", "6110112345671")
		if err1 != nil || err2 != nil || a != b {
			t.Fatalf("dashed %q (%v) and plain %q (%v) differ", a, err1, b, err2)
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	const want = "+923001234567"
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"E.164", "+923001234567", true},
		{"country code without plus", "923001234567", true},
		{"international prefix 00", "00923001234567", true},
		{"national", "03001234567", true},
		{"national with dash", "0300-1234567", true},
		{"national with space", "0300 1234567", true},
		{"E.164 with spaces", "+92 300 1234567", true},
		{"surrounding space", " 03001234567 ", true},
		{"landline national", "0512345678", false},
		{"landline E.164", "+92512345678", false},
		{"landline with 10 digits", "0511234567", false},
		{"short", "0300123", false},
		{"one digit long", "030012345678", false},
		{"letters", "0300-12345ab", false},
		{"all letters", "phone-number", false},
		{"04 prefix", "04001234567", false},
		{"+924 prefix", "+924001234567", false},
		{"foreign number", "+443001234567", false},
		{"empty", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizePhone("phone", tc.in)
			if !tc.ok {
				invalidField(t, err, "phone")
				return
			}
			if err != nil || got != want {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, err, want)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	cases := []struct {
		name, in, want string // want "" means refused
	}{
		{"latin", "Amina Bibi", "Amina Bibi"},
		{"urdu kept as written", "آمنہ بی بی", "آمنہ بی بی"},
		{"inner spaces collapsed", "  Amina    Bibi  ", "Amina Bibi"},
		{"tabs and newlines collapsed", "Amina\t\nBibi", "Amina Bibi"},
		{"urdu spaces collapsed", " آمنہ   بی  بی ", "آمنہ بی بی"},
		{"two characters", "Al", "Al"},
		{"two urdu letters", "عل", "عل"},
		{"100 characters", strings.Repeat("a", 100), strings.Repeat("a", 100)},
		{"100 urdu letters", strings.Repeat("ب", 100), strings.Repeat("ب", 100)},
		{"one character", "A", ""},
		{"one character after trimming", "  A  ", ""},
		{"only spaces", "     ", ""},
		{"empty", "", ""},
		{"101 characters", strings.Repeat("a", 101), ""},
		{"101 urdu letters", strings.Repeat("ب", 101), ""},
		{"NUL", "Amina\x00Bibi", ""},
		{"bell", "Amina\aBibi", ""},
		{"escape", "Amina \x1b[31mBibi", ""},
		{"DEL", "Amina\x7fBibi", ""},
		{"C1 control", "Amina\u0080Bibi", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeName("full_name", tc.in)
			if tc.want == "" {
				invalidField(t, err, "full_name")
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestRoleAssignmentValidate(t *testing.T) {
	const unit = "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"
	cases := []struct {
		name  string
		in    RoleAssignment
		field string // "" means valid
	}{
		{"admin", RoleAssignment{Role: RoleAdmin, Department: "platform"}, ""},
		{"health admin", RoleAssignment{Role: RoleHealthAdmin, Department: "health"}, ""},
		{"health staff with facility", RoleAssignment{Role: RoleHealthStaff, Department: "health", UnitID: unit}, ""},
		{"education admin", RoleAssignment{Role: RoleEducationAdmin, Department: "education"}, ""},
		{"education staff with school", RoleAssignment{Role: RoleEducationStaff, Department: "education", UnitID: unit}, ""},
		{"parking admin", RoleAssignment{Role: RoleParkingAdmin, Department: "parking"}, ""},
		{"parking officer", RoleAssignment{Role: RoleParkingOfficer, Department: "parking"}, ""},

		{"admin in health", RoleAssignment{Role: RoleAdmin, Department: "health"}, "department"},
		{"health staff in education", RoleAssignment{Role: RoleHealthStaff, Department: "education", UnitID: unit}, "department"},
		{"education admin in platform", RoleAssignment{Role: RoleEducationAdmin, Department: "platform"}, "department"},
		{"parking officer in health", RoleAssignment{Role: RoleParkingOfficer, Department: "health"}, "department"},
		{"role without department", RoleAssignment{Role: RoleHealthAdmin}, "department"},

		{"health staff without unit", RoleAssignment{Role: RoleHealthStaff, Department: "health"}, "unit_id"},
		{"education staff without unit", RoleAssignment{Role: RoleEducationStaff, Department: "education"}, "unit_id"},
		{"admin with unit", RoleAssignment{Role: RoleAdmin, Department: "platform", UnitID: unit}, "unit_id"},
		{"health admin with unit", RoleAssignment{Role: RoleHealthAdmin, Department: "health", UnitID: unit}, "unit_id"},
		{"education admin with unit", RoleAssignment{Role: RoleEducationAdmin, Department: "education", UnitID: unit}, "unit_id"},
		{"parking admin with unit", RoleAssignment{Role: RoleParkingAdmin, Department: "parking", UnitID: unit}, "unit_id"},
		{"parking officer with unit", RoleAssignment{Role: RoleParkingOfficer, Department: "parking", UnitID: unit}, "unit_id"},

		{"citizen is not a staff role", RoleAssignment{Role: RoleCitizen}, "role"},
		{"unknown role", RoleAssignment{Role: "superuser", Department: "platform"}, "role"},
		{"empty role", RoleAssignment{}, "role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate("")
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", tc.in, err)
				}
				return
			}
			invalidField(t, err, tc.field)
		})
	}
	t.Run("field prefix", func(t *testing.T) {
		err := RoleAssignment{Role: RoleHealthStaff, Department: "health"}.Validate("roles[2].")
		invalidField(t, err, "roles[2].unit_id")
	})
}

func TestCheckPassword(t *testing.T) {
	const cnic, phone = "3520212345671", "+923001234567"
	cases := []struct {
		name     string
		password string
		kind     string
		ok       bool
	}{
		{"citizen 7 characters", "kq7#zmv", KindCitizen, false},
		{"citizen 8 characters", "kq7#zmv2", KindCitizen, true},
		{"staff 8 characters", "kq7#zmv2", KindStaff, false},
		{"staff 11 characters", "kq7#zmv2pwx", KindStaff, false},
		{"staff 12 characters", "kq7#zmv2pwx9", KindStaff, true},
		{"128 characters", strings.Repeat("kq7#zmv2", 16), KindCitizen, true},
		{"129 characters", strings.Repeat("kq7#zmv2", 16) + "x", KindCitizen, false},
		{"staff 129 characters", strings.Repeat("kq7#zmv2", 16) + "x", KindStaff, false},
		{"8 urdu letters (16 bytes)", "پاکستانی", KindCitizen, true},
		{"7 urdu letters (14 bytes)", "پاکستان", KindCitizen, false},
		{"12 urdu letters for staff", "اسلامآبادشہر", KindStaff, true},
		{"11 urdu letters for staff (22 bytes)", "اسلامآبادشہ", KindStaff, false},
		{"128 urdu letters (256 bytes)", strings.Repeat("پاکستان!", 16), KindCitizen, true},
		{"129 urdu letters", strings.Repeat("پاکستان!", 16) + "ب", KindCitizen, false},
		{"long passphrase with spaces", "correct horse battery staple", KindCitizen, true},
		{"invalid UTF-8", strings.Repeat("\xff", 10), KindCitizen, false},
		{"common: password1", "password1", KindCitizen, false},
		{"common: PASSWORD1", "PASSWORD1", KindCitizen, false},
		{"common: Password1", "Password1", KindCitizen, false},
		{"common: qwertyuiop", "qwertyuiop", KindCitizen, false},
		{"common: QwErTyUiOp", "QwErTyUiOp", KindCitizen, false},
		{"common: 12345678", "12345678", KindCitizen, false},
		{"CNIC dashed", "35202-1234567-1", KindCitizen, false},
		{"CNIC plain", "3520212345671", KindCitizen, false},
		{"phone +92", "+923001234567", KindCitizen, false},
		{"phone 92", "923001234567", KindCitizen, false},
		{"phone 03", "03001234567", KindCitizen, false},
		{"phone 03 with dash", "0300-1234567", KindCitizen, false},
		{"phone 03 with space", "0300 1234567", KindCitizen, false},
		{"phone without prefix", "3001234567", KindCitizen, false},
		{"CNIC with a suffix", "3520212345671x", KindCitizen, true},
		{"another CNIC", "3520212345672", KindCitizen, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword("password", tc.password, tc.kind, cnic, phone)
			if tc.ok {
				if err != nil {
					t.Fatalf("CheckPassword(%q, %s) = %v, want nil", tc.password, tc.kind, err)
				}
				return
			}
			invalidField(t, err, "password")
		})
	}
	t.Run("no identifiers", func(t *testing.T) {
		if err := CheckPassword("password", "3520212345671", KindCitizen); err != nil {
			t.Fatalf("without identifiers a 13-digit password is allowed, got %v", err)
		}
	})
	t.Run("empty identifiers are ignored", func(t *testing.T) {
		if err := CheckPassword("new_password", "kq7#zmv2pwx9", KindStaff, "", ""); err != nil {
			t.Fatalf("got %v", err)
		}
	})
}

func TestMask(t *testing.T) {
	cases := []struct {
		name, got, want string
	}{
		{"CNIC", MaskCNIC("3520212345671"), "*********5671"},
		{"short CNIC", MaskCNIC("123"), "****"},
		{"empty CNIC", MaskCNIC(""), "****"},
		{"four-digit CNIC", MaskCNIC("1234"), "1234"},
		{"phone", MaskPhone("+923001234567"), "**********567"},
		{"short phone", MaskPhone("12"), "***"},
		{"empty phone", MaskPhone(""), "***"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
	if m := MaskCNIC("3520212345671"); strings.Contains(m, "35202") || len(m) != 13 {
		t.Errorf("MaskCNIC leaks or changes length: %q", m)
	}
	if m := MaskPhone("+923001234567"); strings.Contains(m, "300") || strings.Contains(m, "+92") {
		t.Errorf("MaskPhone leaks: %q", m)
	}
}

// fieldNames lists the fields an Invalid error names, in order.
func fieldNames(t *testing.T, err error) []string {
	t.Helper()
	var derr *domain.Error
	if err == nil {
		return nil
	}
	if !errors.As(err, &derr) || (derr.Kind != domain.Invalid && derr.Kind != domain.Malformed) {
		t.Fatalf("err = %v, want field errors (Invalid, or Malformed for an unreadable value)", err)
	}
	var out []string
	for _, f := range derr.Fields {
		out = append(out, f.Field)
	}
	return out
}

// TestRequestChecksNameEveryField: each request's Check names every field
// that breaks a rule at once, and normalises what it accepts.
func TestRequestChecksNameEveryField(t *testing.T) {
	const unit, other = "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e", "0f0c5c3e-2d0b-4d8e-9a51-1d2f3c4b5a69"
	name, badName := " Amina  Bibi ", "A"
	cases := []struct {
		name  string
		check interface{ Check() error }
		want  []string
	}{
		{"registration, valid", &Registration{CNIC: "35202-1234567-1", Phone: "0300-1234567", FullName: name, Password: "a long pass phrase"}, nil},
		{"registration, four fields", &Registration{CNIC: "12345", Phone: "051-1234567", FullName: badName, Password: "password"},
			[]string{"cnic", "phone", "full_name", "password"}},
		{"registration, password is the CNIC", &Registration{CNIC: "35202-1234567-1", Phone: "0300-1234567", FullName: name, Password: "3520212345671"},
			[]string{"password"}},
		{"OTP check", &OTPCheck{Phone: "12", Code: "123456"}, []string{"phone"}},
		{"OTP request", &OTPRequest{Phone: "+923001234567"}, nil},
		{"profile", &ProfileChange{FullName: &badName}, []string{"full_name"}},
		{"password change", &PasswordChange{CurrentPassword: "x", NewPassword: "short"}, []string{"new_password"}},
		{"dependant, three fields", &DependantInput{FullName: badName, DateOfBirth: "1899-12-31", BFormOrCNIC: "9520212345671"},
			[]string{"full_name", "date_of_birth", "b_form_or_cnic"}},
		{"dependant, a date that is not one", &DependantInput{FullName: name, DateOfBirth: "14/05/2020"}, []string{"date_of_birth"}},
		{"dependant change", &DependantChange{FullName: &badName, DateOfBirth: new("2020-13-01")}, []string{"full_name", "date_of_birth"}},
		{"staff, four fields", &NewStaff{Email: "a@b.pk", FullName: badName, Password: "only11chars", Role: RoleHealthStaff, Department: "education"},
			[]string{"department", "unit_id", "full_name", "password"}},
		{"staff change", &StaffChange{FullName: &badName}, []string{"full_name"}},
		{"roles, two assignments and two units", &RolesChange{Roles: []RoleAssignment{
			{Role: RoleHealthStaff, Department: "health", UnitID: unit},
			{Role: "root", Department: "platform"},
			{Role: RoleEducationStaff, Department: "education", UnitID: other},
			{Role: RoleAdmin, Department: "health"},
		}}, []string{"roles[1].role", "roles[2].unit_id", "roles[3].department"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fieldNames(t, tc.check.Check())
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("Check names %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("normalises in place, and again changes nothing", func(t *testing.T) {
		r := Registration{CNIC: "35202-1234567-1", Phone: "0300-1234567", FullName: name, Password: "a long pass phrase", Email: " Amina@Example.PK "}
		for range 2 {
			if err := r.Check(); err != nil {
				t.Fatal(err)
			}
			if r.CNIC != "3520212345671" || r.Phone != "+923001234567" || r.FullName != "Amina Bibi" || r.Email != "amina@example.pk" {
				t.Fatalf("after Check: %+v", r)
			}
		}
	})
}
