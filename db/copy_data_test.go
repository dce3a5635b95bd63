package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"stepwise"
	"stepwise/db"
	"stepwise/models"
	"stepwise/models/demo"
)

// TestCopyDataToPostgres copies a SQLite installation (the built-in guide
// with its quizzes and tags, demo users with progress, an image) into a
// fresh PostgreSQL schema: every table's rows arrive and are verified,
// new rows get ids after the copied ones, a second run skips what is done,
// and a target holding other rows is refused.
func TestCopyDataToPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, err := db.Open(filepath.Join(t.TempDir(), "src.db"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.Close() })
	if _, err := src.Migrate(ctx, stepwise.SQLiteMigrations()); err != nil {
		t.Fatal(err)
	}
	if _, err := models.New(src).Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides()); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, src, demo.Options{Users: 5, Guides: 2, Steps: 4, Progress: 0.5, Password: "demo-password"}, nil); err != nil {
		t.Fatal(err)
	}
	// Text keys that SQLite (bytewise) and PostgreSQL (the locale's
	// collation) put in different orders.
	for _, key := range []string{"k.png", "B.png", "_c.png", "a.png"} {
		if _, err := src.Exec(ctx, `INSERT INTO image_blobs (key, data, created_at) VALUES (?, ?, ?)`,
			key, []byte{0x89, 'P', 'N', 'G', 0}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	dst, _ := openPostgres(t)
	if _, err := dst.Migrate(ctx, stepwise.PostgresMigrations()); err != nil {
		t.Fatal(err)
	}
	progressed := map[string]int{}
	copied, err := db.CopyData(ctx, src, dst, db.CopyOptions{Skip: []string{"sessions"},
		Progress: func(table string, done, _ int) { progressed[table] = done }})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, tc := range copied {
		rows[tc.Table] = tc.Rows
		if tc.Skipped != (tc.Rows == 0) || tc.Checksum == "" || progressed[tc.Table] != tc.Rows {
			t.Errorf("%s: %+v, progress %d", tc.Table, tc, progressed[tc.Table])
		}
		var n int
		if err := dst.Get(ctx, &n, `SELECT count(*) FROM `+tc.Table); err != nil || n != tc.Rows {
			t.Errorf("%s on PostgreSQL: %d rows (%v), want %d", tc.Table, n, err, tc.Rows)
		}
	}
	for table, atLeast := range map[string]int{"users": 5, "guides": 3, "steps": 18, "progress": 1, "quiz_questions": 1, "tags": 1, "image_blobs": 4} {
		if rows[table] < atLeast {
			t.Errorf("%s: copied %d rows, want at least %d", table, rows[table], atLeast)
		}
	}
	if _, ok := rows["sessions"]; ok {
		t.Error("sessions were copied though skipped")
	}

	// The copy is a working database: a new user gets the next id.
	var maxID, newID int64
	if err := dst.Get(ctx, &maxID, `SELECT max(id) FROM users`); err != nil {
		t.Fatal(err)
	}
	u, err := models.New(dst).Users.Create(ctx, models.NewUser{Email: "after@example.com", DisplayName: "After", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if newID = u.ID; newID <= maxID {
		t.Errorf("a new user got id %d, not after the copied %d", newID, maxID)
	}

	// Again: users now holds a row the source does not, so it is refused;
	// every table before it is skipped as done.
	again, err := db.CopyData(ctx, src, dst, db.CopyOptions{Skip: []string{"sessions"}})
	if !errors.Is(err, db.ErrTargetHasOtherData) {
		t.Fatalf("second run onto a changed target: %v, want ErrTargetHasOtherData", err)
	}
	for _, tc := range again {
		if !tc.Skipped {
			t.Errorf("second run copied %s again", tc.Table)
		}
	}
}
