package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/migrations"
)

// A renamed table would silently move its reads back to the primary, so
// every table routed to replicas must exist after the migrations.
func TestReplicaTablesExist(t *testing.T) {
	d := openFile(t, filepath.Join(t.TempDir(), "x.db"))
	if err := d.Migrate(context.Background(), migrations.FS, nil); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for _, table := range replicaTables {
		if !d.Migrator().HasTable(table) {
			t.Errorf("replicaTables names %s, which the migrations do not create", table)
		}
	}
}

func TestReplicaURLsConfig(t *testing.T) {
	devEnv(t)
	t.Setenv("DATABASE_REPLICA_URLS", "postgres://r1/citizen,postgres://r2/citizen")
	cfg, err := loadConfig()
	if err != nil {
		t.Fatalf("loadConfig: %v", err)
	}
	want := []string{"postgres://r1/citizen", "postgres://r2/citizen"}
	if got := cfg.db().ReplicaURLs; !slices.Equal(got, want) {
		t.Errorf("ReplicaURLs = %q, want %q", got, want)
	}
	// The SQLite file of development has no replicas: say so instead of
	// ignoring the setting.
	err = runCmd(context.Background(), &bytes.Buffer{}, "migrate")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_REPLICA_URLS") {
		t.Errorf("migrate on SQLite with replicas = %v, want an error naming DATABASE_REPLICA_URLS", err)
	}
}
