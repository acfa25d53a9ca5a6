package identity

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

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

// TestRegisterRefusesTakenNumbersBeforeHashing registers with a Hasher
// whose every turn is taken, so that any hash answers Unavailable at once:
// a CNIC, phone or e-mail already held is still refused with the Conflict
// naming it, so the refusal never asked for a hash.
func TestRegisterRefusesTakenNumbersBeforeHashing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	clock := dbtest.NewClock(time.Now())
	keys, err := pii.Parse("t1:"+pii.NewKey(), pii.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	busy := newHasher(1, 1, 0)
	busy.wait = 0
	busy.slots <- struct{}{}
	svc := NewService(Deps{DB: d, Clock: clock, Hasher: busy, Sender: notify.NewDevSender(d, clock), Audit: audit.NewLog(d, clock), PII: keys})

	fresh := func() Registration {
		return Registration{CNIC: fmt.Sprintf("%d%012d", 1+rand.IntN(7), rand.Int64N(1_000_000_000_000)),
			Phone: fmt.Sprintf("+923%09d", rand.IntN(1_000_000_000)), FullName: "Held Citizen", Password: "correct horse battery staple"}
	}
	held := fresh()
	held.Email = fmt.Sprintf("held.%d@example.pk", rand.Int64())
	now, id := clock.Now(), uuid.NewString()
	err = svc.store.CreateAccount(ctx, accountRow{ID: id, Kind: KindCitizen, CNIC: held.CNIC, Phone: &held.Phone, Email: &held.Email,
		FullName: held.FullName, PasswordHash: dummyHash, Status: StatusActive, PreferredLanguage: "en", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL the package's tests share the schema, and the others
	// could not open a CNIC sealed with this test's keys.
	t.Cleanup(func() {
		if err := d.Exec("DELETE FROM accounts WHERE id = ?", id).Error; err != nil {
			t.Error(err)
		}
		if err := d.Exec("DELETE FROM people WHERE person_id = ?", id).Error; err != nil {
			t.Error(err)
		}
	})

	withCNIC, withPhone, withEmail := fresh(), fresh(), fresh()
	withCNIC.CNIC = held.CNIC[:5] + "-" + held.CNIC[5:12] + "-" + held.CNIC[12:]
	withPhone.Phone = "0" + strings.TrimPrefix(held.Phone, "+92")
	withEmail.Email = strings.ToUpper(held.Email)
	cases := []struct {
		name  string
		in    Registration
		kind  domain.Kind
		field string
	}{
		{"CNIC held", withCNIC, domain.Conflict, "cnic"},
		{"phone held", withPhone, domain.Conflict, "phone"},
		{"e-mail held", withEmail, domain.Conflict, "email"},
		{"nothing held, so the password is hashed", fresh(), domain.Unavailable, ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Register(ctx, tc.in, fmt.Sprintf("192.0.2.%d", 10+i))
			var derr *domain.Error
			if !errors.As(err, &derr) || derr.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %v", err, tc.kind)
			}
			if tc.field != "" && (len(derr.Fields) != 1 || derr.Fields[0].Field != tc.field) {
				t.Fatalf("fields %+v, want %s", derr.Fields, tc.field)
			}
		})
	}
}
