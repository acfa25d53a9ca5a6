package pii_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/platform/pii"
)

func keys(t *testing.T, sealing string, lookup string) *pii.Keys {
	t.Helper()
	k, err := pii.Parse(sealing, lookup)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenAndRotate(t *testing.T) {
	lookup := pii.NewKey()
	old := "k1:" + pii.NewKey()
	before := keys(t, old, lookup)
	sealed := before.Seal("accounts.cnic", "6110112345671")
	if strings.Contains(sealed, "6110112345671") || !strings.HasPrefix(sealed, "k1.") {
		t.Fatalf("sealed = %q: want the key ID in front and no plain number", sealed)
	}
	if again := before.Seal("accounts.cnic", "6110112345671"); again == sealed {
		t.Error("sealing twice gave the same text: the nonce is not fresh")
	}
	after := keys(t, old+",k2:"+pii.NewKey(), lookup)
	if after.Current() != "k2" {
		t.Fatalf("current key = %s, want the newest, k2", after.Current())
	}
	tests := []struct {
		name   string
		keys   *pii.Keys
		field  string
		sealed string
		want   string
		err    bool
	}{
		{"same keys", before, "accounts.cnic", sealed, "6110112345671", false},
		{"after rotation, old key still opens", after, "accounts.cnic", sealed, "6110112345671", false},
		{"new key seals", after, "accounts.cnic", after.Seal("accounts.cnic", "1"), "1", false},
		{"another column", before, "dependants.b_form", sealed, "", true},
		{"retired key", keys(t, "k3:"+pii.NewKey(), lookup), "accounts.cnic", sealed, "", true},
		{"tampered", before, "accounts.cnic", sealed[:len(sealed)-2] + "AA", "", true},
		{"not sealed", before, "accounts.cnic", "6110112345671", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.keys.Open(tt.field, tt.sealed)
			if tt.err {
				if !errors.Is(err, pii.ErrCannotOpen) {
					t.Fatalf("Open = %q, %v; want ErrCannotOpen", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Open = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestHashIsKeyed(t *testing.T) {
	lookup := pii.NewKey()
	a := keys(t, "k1:"+pii.NewKey(), lookup)
	b := keys(t, "k2:"+pii.NewKey(), lookup)
	if a.Hash("6110112345671") != b.Hash("6110112345671") {
		t.Error("the hash changed with the sealing key: look-ups would break on rotation")
	}
	if a.Hash("6110112345671") == a.Hash("6110112345672") {
		t.Error("two numbers hash the same")
	}
	other := keys(t, "k1:"+pii.NewKey(), pii.NewKey())
	if other.Hash("6110112345671") == a.Hash("6110112345671") {
		t.Error("the hash does not depend on the look-up key")
	}
}

func TestParseRefusesBadKeys(t *testing.T) {
	good := pii.NewKey()
	for _, c := range []struct{ sealing, lookup string }{
		{"", good},
		{"k1:" + good, ""},
		{"k1:short", good},
		{"k.1:" + good, good},
		{":" + good, good},
		{"k1:" + good, "c2hvcnQ="},
	} {
		if _, err := pii.Parse(c.sealing, c.lookup); err == nil {
			t.Errorf("Parse(%q, %q) accepted bad keys", c.sealing, c.lookup)
		}
	}
}
