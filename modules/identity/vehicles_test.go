package identity

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db/dbtest"
)

// randomPlate is a plate no other test holds: tests on PostgreSQL share a
// schema.
func randomPlate() string {
	letters := make([]byte, 3)
	for i := range letters {
		letters[i] = byte('A' + rand.IntN(26))
	}
	return fmt.Sprintf("ICT-%s-%d", letters, 1+rand.IntN(9999))
}

// TestHolderAt registers a plate to A, removes it, and registers it to B:
// at each time the plate is answered for by whoever held it then, and
// before A and between the two by nobody.
func TestHolderAt(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock(time.Now())
	vehicles := NewVehicles(dbtest.Open(t), clock)
	a, b, plate := uuid.NewString(), uuid.NewString(), randomPlate()

	registered := clock.Now()
	va, err := vehicles.Register(ctx, a, Vehicle{Plate: plate, Make: "Suzuki"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Minute)
	if _, err := vehicles.Register(ctx, b, Vehicle{Plate: plate}); domain.KindOf(err) != domain.Conflict || !namesField(err, "plate") {
		t.Fatalf("B registers A's plate: %v; want Conflict naming plate", err)
	}
	clock.Advance(30 * time.Minute)
	removed := clock.Now()
	if err := vehicles.Remove(ctx, a, va.ID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	taken := clock.Now()
	// B writes the plate another way; the registry keeps one form.
	vb, err := vehicles.Register(ctx, b, Vehicle{Plate: fmt.Sprintf(" %s ", plate)})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		at   time.Time
		want string // account ID; "" for nobody
	}{
		{"before anyone", registered.Add(-time.Second), ""},
		{"as A registers it", registered, a},
		{"in the second A registers it, written to the second", registered.Truncate(time.Second), a},
		{"while A holds it", registered.Add(time.Minute), a},
		{"while A holds it, in Karachi time", registered.Add(time.Minute).In(domain.Karachi), a},
		{"just before A removes it", removed.Add(-time.Microsecond), a},
		{"as A removes it", removed, ""},
		{"between A and B", removed.Add(30 * time.Minute), ""},
		{"as B registers it", taken, b},
		{"after B registers it", taken.Add(24 * time.Hour), b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vehicles.HolderAt(ctx, plate, tt.at)
			switch {
			case tt.want == "" && domain.KindOf(err) != domain.NotFound:
				t.Errorf("HolderAt(%s) = %+v, %v; want NotFound", tt.at, got, err)
			case tt.want != "" && (err != nil || got.AccountID != tt.want):
				t.Errorf("HolderAt(%s) = account %q, %v; want %q", tt.at, got.AccountID, err, tt.want)
			}
		})
	}
	if got, err := vehicles.HolderAt(ctx, plate, taken); err != nil || got.ID != vb.ID || got.Plate != plate {
		t.Errorf("HolderAt gave vehicle %+v, %v; want B's %s with plate %s", got, err, vb.ID, plate)
	}
}

// TestRemovedPlatesAreAnonymised removes a vehicle: its plate is known for
// 92 days, as long as a challan for an offence while it was held may be
// issued, then gone, while a vehicle still registered keeps its plate.
func TestRemovedPlatesAreAnonymised(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock(time.Now())
	vehicles := NewVehicles(dbtest.Open(t), clock)
	owner := uuid.NewString()
	gone, err := vehicles.Register(ctx, owner, Vehicle{Plate: randomPlate()})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := vehicles.Register(ctx, owner, Vehicle{Plate: randomPlate()})
	if err != nil {
		t.Fatal(err)
	}
	held := clock.Now()
	clock.Advance(time.Minute)
	if err := vehicles.Remove(ctx, owner, gone.ID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(92*24*time.Hour - time.Hour)
	if _, err := vehicles.AnonymisePlates(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := vehicles.HolderAt(ctx, gone.Plate, held); err != nil {
		t.Errorf("a plate removed 91 days and 23 hours ago: %v; want it still known", err)
	}
	clock.Advance(2 * time.Hour)
	if _, err := vehicles.AnonymisePlates(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := vehicles.HolderAt(ctx, gone.Plate, held); domain.KindOf(err) != domain.NotFound {
		t.Errorf("a plate removed 92 days and an hour ago: %v; want NotFound", err)
	}
	if got, err := vehicles.Owned(ctx, owner, kept.ID); err != nil || got.Plate != kept.Plate {
		t.Errorf("the vehicle still registered = %+v, %v; want plate %s", got, err, kept.Plate)
	}
}

// namesField reports whether err names field.
func namesField(err error, field string) bool {
	var de *domain.Error
	if !errors.As(err, &de) {
		return false
	}
	for _, f := range de.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
