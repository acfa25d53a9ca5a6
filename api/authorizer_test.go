package api

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/islamabad-digital/citizenapi/migrations"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Remembered decisions never outlive the policy they were made under.
func TestAuthorizerForgetsDecisionsOnReload(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "authz.db"), MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, migrations.FS, nil); err != nil {
		t.Fatal(err)
	}
	a, err := newAuthorizer(d)
	if err != nil {
		t.Fatal(err)
	}
	ask := func() bool {
		t.Helper()
		ok, err := a.Enforce("citizen", "*", "identity.staff", "manage")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// The second answer comes from memory.
	if first, remembered := ask(), ask(); first || remembered {
		t.Fatal("a citizen may manage staff before any policy says so")
	}
	if err := d.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES ('p', 'citizen', '*', 'identity.staff', 'manage')`).Error; err != nil {
		t.Fatal(err)
	}
	if ask() {
		t.Fatal("the remembered answer changed without a reload")
	}
	if err := a.LoadPolicy(); err != nil {
		t.Fatal(err)
	}
	if !ask() {
		t.Fatal("after a reload the old denial is still remembered")
	}
}
