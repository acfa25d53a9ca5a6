package api

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/migrations"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// BenchmarkAllowed measures the authorization decision alone: the guard's
// call to authenticator.allowed with the policy the migrations seed. The
// enforcer keeps the policy in memory once loaded, so the database behind it
// does not matter, and this benchmark always loads it from SQLite (apitest
// cannot be used here: it imports this package).
func BenchmarkAllowed(b *testing.B) {
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{URL: "sqlite:" + filepath.Join(b.TempDir(), "bench.db"), MaxOpenConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, migrations.FS, nil); err != nil {
		b.Fatal(err)
	}
	authz, err := newAuthorizer(d)
	if err != nil {
		b.Fatal(err)
	}
	a := &authenticator{authorizer: authz}
	cases := []struct {
		name     string
		p        domain.Principal
		obj, act string
		want     bool
	}{
		{"citizen", domain.Principal{Kind: "citizen", Roles: []string{"citizen"}}, "identity.profile", "read", true},
		{"admin", domain.Principal{Kind: "staff", Roles: []string{"admin"}}, "identity.staff", "manage", true},
		{"unit-staff", domain.Principal{Kind: "staff", Roles: []string{"health_staff"}, UnitID: "5d0c1f9e-3a0b-4c1e-8f7a-2b6d9e4c1a30"},
			"health.appointments", "read", true},
		{"denied", domain.Principal{Kind: "citizen", Roles: []string{"citizen"}}, "identity.staff", "manage", false},
	}
	for _, c := range cases {
		if got, err := a.allowed(c.p, c.obj, c.act); err != nil || got != c.want {
			b.Fatalf("%s: allowed = %v, %v; want %v", c.name, got, err, c.want)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.allowed(c.p, c.obj, c.act); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.allowed(c.p, c.obj, c.act); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
