package identity

import "testing"

func TestClientNetwork(t *testing.T) {
	cases := []struct{ in, want string }{
		{"203.0.113.9", "203.0.113.9"},
		{"::ffff:203.0.113.9", "203.0.113.9"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"staff administration", "staff administration"},
	}
	for _, tc := range cases {
		if got := clientNetwork(tc.in); got != tc.want {
			t.Errorf("clientNetwork(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
