package dbtest

import (
	"context"
	"fmt"
	"testing"

	"stepwise/db"
)

// Full makes d's storage full without filling a disk: every write that
// needs a new page of the database file then fails with SQLITE_FULL, as
// it would on a full disk, while reads keep working. Free pages would
// take such writes without growing the file, so they are vacuumed away
// first; the page limit is set on the writer, d's only writing
// connection, so it holds for every later write.
func Full(t testing.TB, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.W.ExecContext(ctx, `VACUUM`); err != nil {
		t.Fatalf("vacuum: %v", err)
	}
	var pages, free int
	if err := d.W.GetContext(ctx, &pages, `PRAGMA page_count`); err != nil {
		t.Fatalf("page count: %v", err)
	}
	if _, err := d.W.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatalf("limit pages: %v", err)
	}
	if err := d.W.GetContext(ctx, &free, `PRAGMA freelist_count`); err != nil || free != 0 {
		t.Fatalf("free pages after vacuum: %d, %v; want 0", free, err)
	}
}
