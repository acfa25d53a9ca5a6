package db

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/islamabad-digital/citizenapi/migrations"
)

// TestFreeTariffsMigrationRebuildsSQLiteTables migrates a SQLite database
// holding a paid permit to the version that lets amounts be 0: SQLite
// rebuilds the tariff and permit tables, and the rows, the indexes and the
// payments that refer to the permit must come through. (PostgreSQL alters
// the checks in place, which every test on it runs.)
func TestFreeTariffsMigrationRebuildsSQLiteTables(t *testing.T) {
	ctx := context.Background()
	d, provider := sqliteMigrations(t)
	if _, err := provider.UpTo(ctx, 13); err != nil {
		t.Fatalf("migrate to 13: %v", err)
	}
	const zone, vehicle, permit = "a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000003"
	exec := func(sql string, args ...any) error { return d.Exec(sql, args...).Error }
	for _, stmt := range []string{
		`INSERT INTO parking_zones (id, name, sector, permit_quota, created_at, updated_at) VALUES ('` + zone + `', 'F-7', 'F-7', 10, '2027-03-10 04:00:00+00:00', '2027-03-10 04:00:00+00:00')`,
		`INSERT INTO parking_tariffs (zone_id, permit_type, months, amount_pkr) VALUES ('` + zone + `', 'resident', 1, 1000)`,
		`INSERT INTO parking_vehicles (id, account_id, plate, created_at) VALUES ('` + vehicle + `', '` + zone + `', 'ABC-123', '2027-03-10 04:00:00+00:00')`,
		`INSERT INTO parking_permits (id, account_id, vehicle_id, zone_id, plate, permit_type, months, start_date, end_date, amount_pkr, status, hold_until, created_at, updated_at)
			VALUES ('` + permit + `', '` + zone + `', '` + vehicle + `', '` + zone + `', 'ABC-123', 'resident', 1, '2027-03-10', '2027-04-09', 1000, 'active',
			'2027-03-10 04:30:00+00:00', '2027-03-10 04:00:00+00:00', '2027-03-10 04:00:00+00:00')`,
		`INSERT INTO parking_payments (id, permit_id, account_id, kind, provider, amount_pkr, status, created_at)
			VALUES ('a0000000-0000-4000-8000-000000000004', '` + permit + `', '` + zone + `', 'charge', 'sandbox', 1000, 'succeeded', '2027-03-10 04:00:00+00:00')`,
	} {
		if err := exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := exec(`INSERT INTO parking_tariffs (zone_id, permit_type, months, amount_pkr) VALUES (?, 'disabled', 1, 0)`, zone); err == nil {
		t.Fatal("a 0 PKR tariff was stored before the migration; the test does not test the change")
	}

	if _, err := provider.UpTo(ctx, 14); err != nil {
		t.Fatalf("migrate to 14: %v", err)
	}
	var amount int64
	var status string
	if err := d.Raw(`SELECT amount_pkr, status FROM parking_permits WHERE id = ?`, permit).Row().Scan(&amount, &status); err != nil || amount != 1000 || status != "active" {
		t.Errorf("permit after the migration = %d %q, %v; want 1000 active", amount, status, err)
	}
	var n int64
	if err := d.Raw(`SELECT count(*) FROM parking_payments p JOIN parking_permits r ON r.id = p.permit_id`).Row().Scan(&n); err != nil || n != 1 {
		t.Errorf("payments joined to their permit = %d, %v; want 1", n, err)
	}
	if err := d.Raw(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'parking_permits' AND sql IS NOT NULL`).Row().Scan(&n); err != nil || n != 5 {
		t.Errorf("indexes on parking_permits = %d, %v; want 5", n, err)
	}
	if err := d.Raw(`SELECT count(*) FROM pragma_foreign_key_check`).Row().Scan(&n); err != nil || n != 0 {
		t.Errorf("foreign key violations = %d, %v; want none", n, err)
	}
	if err := exec(`INSERT INTO parking_tariffs (zone_id, permit_type, months, amount_pkr) VALUES (?, 'disabled', 1, 0)`, zone); err != nil {
		t.Errorf("a 0 PKR tariff after the migration: %v", err)
	}
	if err := exec(`UPDATE parking_permits SET amount_pkr = 0 WHERE id = ?`, permit); err != nil {
		t.Errorf("a 0 PKR permit after the migration: %v", err)
	}
	for _, bad := range []string{
		`INSERT INTO parking_tariffs (zone_id, permit_type, months, amount_pkr) VALUES ('` + zone + `', 'business', 1, -1)`,
		`INSERT INTO parking_payments (id, permit_id, account_id, kind, provider, amount_pkr, status, created_at)
			VALUES ('a0000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-00000000ffff', '` + zone + `', 'charge', 'sandbox', 0, 'succeeded', '2027-03-10 04:00:00+00:00')`,
	} {
		if err := exec(bad); err == nil {
			t.Errorf("%s succeeded; the rebuilt tables lost a constraint", bad)
		}
	}
}

// TestWebhookFailureMigrationCategorisesOldErrors migrates SQLite
// deliveries that recorded the network's own error to the version where
// last_error holds a category: each becomes the category its text shows,
// and none keeps a host, address or certificate detail.
func TestWebhookFailureMigrationCategorisesOldErrors(t *testing.T) {
	ctx := context.Background()
	d, provider := sqliteMigrations(t)
	if _, err := provider.UpTo(ctx, 17); err != nil {
		t.Fatalf("migrate to 17: %v", err)
	}
	const client, sub, at = "b0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000002", "2027-03-10 04:00:00+00:00"
	for _, stmt := range []string{
		`INSERT INTO oauth_clients (id, name, owner_contact, secret_hash, scopes, rate_per_minute, status, created_at, updated_at)
			VALUES ('` + client + `', 'Old', 'ops@client.test', 'x', 'parking.permits:verify', 60, 'active', '` + at + `', '` + at + `')`,
		`INSERT INTO webhook_subscriptions (id, client_id, url, events, secret_sealed, status, created_at)
			VALUES ('` + sub + `', '` + client + `', 'https://hooks.example.pk/', 'permit.activated', 'k.x', 'active', '` + at + `')`,
	} {
		if err := d.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	tests := []struct {
		lastStatus int
		lastError  string
		want       string
	}{
		{0, "", ""},
		{204, "", ""},
		{500, "500 Internal Server Error", "http_status"},
		{404, "404 Not Found", "http_status"},
		{302, "302 Found", "redirect"},
		{0, `Post "https://10.1.2.3:8443/x": dial tcp 10.1.2.3:8443: connect: connection refused`, "refused"},
		{0, `Post "https://h.example.pk/x": dial tcp 10.1.2.3:443: connect: no route to host`, "unreachable"},
		{0, `Post "https://h.example.pk/x": dial tcp [2001:db8::1]:443: connect: network is unreachable`, "unreachable"},
		{0, `Post "https://h.example.pk/x": dial tcp: lookup h.example.pk on 10.255.255.53:53: no such host`, "dns"},
		{0, `Post "https://h.example.pk/x": dial tcp: lookup h.example.pk: i/o timeout`, "dns"},
		{0, `Post "https://h.example.pk/x": tls: failed to verify certificate: x509: certificate is valid for intranet.local, not h.example.pk`, "tls"},
		{0, `Post "https://h.example.pk/x": http: server gave HTTP response to HTTPS client`, "tls"},
		{0, `Post "https://h.example.pk/x": net/http: TLS handshake timeout`, "timeout"},
		{0, `Post "https://h.example.pk/x": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, "timeout"},
		{0, `Post "https://h.example.pk/x": dial tcp 10.0.0.5:443: webhook target 10.0.0.5 is not allowed`, "not_allowed"},
		{0, "subscription deleted", "subscription_ended"},
		{502, "subscription deleted", "subscription_ended"},
		{0, "client revoked", "subscription_ended"},
		{0, "subscription no longer active", "subscription_ended"},
		{0, `Post "https://h.example.pk/x": EOF`, "other"},
	}
	for i, tt := range tests {
		err := d.Exec(`INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, status, next_attempt_at, locked_until, give_up_at, last_status, last_error, created_at)
			VALUES (?, ?, ?, 'permit.activated', '{}', 'failed', ?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("c0000000-0000-4000-8000-%012d", i), sub, fmt.Sprintf("d0000000-0000-4000-8000-%012d", i), at, at, at, tt.lastStatus, tt.lastError, at).Error
		if err != nil {
			t.Fatal(err)
		}
	}

	if _, err := provider.UpTo(ctx, 18); err != nil {
		t.Fatalf("migrate to 18: %v", err)
	}
	for i, tt := range tests {
		var got string
		if err := d.Raw(`SELECT last_error FROM webhook_deliveries WHERE id = ?`, fmt.Sprintf("c0000000-0000-4000-8000-%012d", i)).Row().Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%d %q became %q, want %q", tt.lastStatus, tt.lastError, got, tt.want)
		}
	}
}

// TestVehicleRegistryMigrationKeepsPermitsForeignKey migrates a SQLite
// database holding a vehicle and its permit to the version where vehicles
// leave parking, and back: the permit's foreign key follows the table each
// way, and the indexes carry the table's name.
func TestVehicleRegistryMigrationKeepsPermitsForeignKey(t *testing.T) {
	ctx := context.Background()
	d, provider := sqliteMigrations(t)
	if _, err := provider.UpTo(ctx, 23); err != nil {
		t.Fatalf("migrate to 23: %v", err)
	}
	const zone, vehicle, at = "e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000002", "2027-03-10 04:00:00+00:00"
	permit := func(id, vehicle string) error {
		return d.Exec(`INSERT INTO parking_permits (id, account_id, vehicle_id, zone_id, plate, permit_type, months, start_date, end_date, amount_pkr, status, hold_until, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'ABC-123', 'resident', 1, '2027-03-10', '2027-04-09', 1000, 'active', ?, ?, ?)`, id, zone, vehicle, zone, at, at, at).Error
	}
	for _, stmt := range []string{
		`INSERT INTO parking_zones (id, name, sector, permit_quota, created_at, updated_at) VALUES ('` + zone + `', 'F-7', 'F-7', 10, '` + at + `', '` + at + `')`,
		`INSERT INTO parking_vehicles (id, account_id, plate, created_at) VALUES ('` + vehicle + `', '` + zone + `', 'ABC-123', '` + at + `')`,
	} {
		if err := d.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := permit("e0000000-0000-4000-8000-000000000003", vehicle); err != nil {
		t.Fatal(err)
	}
	check := func(version int64, table string, indexes []string) {
		t.Helper()
		var n int64
		if err := d.Raw(`SELECT count(*) FROM parking_permits p JOIN ` + table + ` v ON v.id = p.vehicle_id`).Row().Scan(&n); err != nil || n != 1 {
			t.Errorf("at %d, permits joined to %s = %d, %v; want 1", version, table, n, err)
		}
		if err := d.Raw(`SELECT count(*) FROM pragma_foreign_key_list('parking_permits') WHERE "table" = ?`, table).Row().Scan(&n); err != nil || n != 1 {
			t.Errorf("at %d, parking_permits' foreign keys to %s = %d, %v; want 1", version, table, n, err)
		}
		if err := permit(fmt.Sprintf("e0000000-0000-4000-8000-%012d", version), "e0000000-0000-4000-8000-00000000ffff"); err == nil {
			t.Errorf("at %d, a permit for no vehicle was stored", version)
		}
		var got []string
		if err := d.Raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, table).Scan(&got).Error; err != nil || !slices.Equal(got, indexes) {
			t.Errorf("at %d, indexes on %s = %v, %v; want %v", version, table, got, err, indexes)
		}
	}
	if _, err := provider.UpTo(ctx, 24); err != nil {
		t.Fatalf("migrate to 24: %v", err)
	}
	check(24, "vehicles", []string{"vehicles_account", "vehicles_plate", "vehicles_plate_history"})
	if _, err := provider.DownTo(ctx, 23); err != nil {
		t.Fatalf("migrate down to 23: %v", err)
	}
	check(23, "parking_vehicles", []string{"parking_vehicles_account", "parking_vehicles_plate"})
}

// sqliteMigrations opens a new SQLite database with no migrations applied
// and the provider that applies them one version at a time.
func sqliteMigrations(t *testing.T) (*DB, *goose.Provider) {
	t.Helper()
	d, err := Open(context.Background(), Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "migrate.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	fsys, err := dialectMigrations(migrations.FS, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, d.SQL(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	return d, provider
}
