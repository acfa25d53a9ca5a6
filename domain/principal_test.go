package domain

import "testing"

func TestUnitRolesManages(t *testing.T) {
	roles := UnitRoles{Admin: RoleHealthAdmin, Staff: RoleHealthStaff}
	const unit, other = "f1", "f2"
	cases := []struct {
		name string
		p    Principal
		want bool
	}{
		{"admin, any unit", Principal{Kind: KindStaff, Roles: []string{RoleHealthAdmin}}, true},
		{"staff of the unit", Principal{Kind: KindStaff, Roles: []string{RoleHealthStaff}, UnitID: unit}, true},
		{"staff of another unit", Principal{Kind: KindStaff, Roles: []string{RoleHealthStaff}, UnitID: other}, false},
		{"another department's staff of the unit", Principal{Kind: KindStaff, Roles: []string{RoleEducationStaff}, UnitID: unit}, false},
		{"client bound to the unit", Principal{Kind: KindClient, UnitID: unit}, false},
		{"citizen", Principal{Kind: KindCitizen, Roles: []string{RoleCitizen}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := roles.Manages(tc.p, unit); got != tc.want {
				t.Errorf("Manages(%+v, %q) = %t, want %t", tc.p, unit, got, tc.want)
			}
		})
	}
}
