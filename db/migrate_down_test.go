package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"stepwise"
	"stepwise/db"
)

// schemaOf is the database's schema as SQLite keeps it, object by object.
func schemaOf(t *testing.T, d *db.DB) map[string]string {
	t.Helper()
	var rows []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	if err := d.W.Select(&rows, `SELECT name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != 'goose_db_version'`); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Name] = r.SQL
	}
	return out
}

// Every migration's Down undoes its Up: rolled back one by one to an
// empty database and applied again, the schema is what it was, and the
// status says so at each end.
func TestEveryMigrationRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	migrations := stepwise.SQLiteMigrations()
	d, err := db.Open(filepath.Join(t.TempDir(), "stepwise.db"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	n, err := d.Migrate(ctx, migrations)
	if err != nil {
		t.Fatal(err)
	}
	before := schemaOf(t, d)
	for i := n; i > 0; i-- {
		m, err := d.MigrateDown(ctx, migrations)
		if err != nil {
			t.Fatalf("rolling back the newest of %d: %v", i, err)
		}
		if m.Version != int64(i) {
			t.Fatalf("rolled back %d (%s), want %d", m.Version, m.Name, i)
		}
	}
	if left := schemaOf(t, d); len(left) != 0 {
		t.Errorf("after rolling everything back, left: %v", keys(left))
	}
	status, err := d.MigrationStatus(ctx, migrations)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range status {
		if m.Applied {
			t.Errorf("migration %d still applied after rolling back", m.Version)
		}
	}
	if _, err := d.Migrate(ctx, migrations); err != nil {
		t.Fatal(err)
	}
	after := schemaOf(t, d)
	for name, sql := range before {
		if after[name] != sql {
			t.Errorf("%s after down and up:\n%s\nwant:\n%s", name, after[name], sql)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s exists only after down and up", name)
		}
	}
	status, err = d.MigrationStatus(ctx, migrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) != n || !status[len(status)-1].Applied || status[0].AppliedAt.IsZero() {
		t.Errorf("status after up: %+v", status)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
