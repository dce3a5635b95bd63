package imagestore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models/imagestore"
)

// TestTable: the database store keeps, returns and forgets files on both
// databases, refuses keys that are not content addresses, and takes the
// same file twice (two uploads of one picture) without error.
func TestTable(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(testing.TB) *db.DB{"sqlite": dbtest.New, "postgres": dbtest.NewPostgres} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var a imagestore.Store = imagestore.NewTable(open(t))
			data := testPNG(t, 3, 2)
			info, _ := imagestore.Check(data)
			for range 2 {
				if err := a.Put(ctx, info.Key(), data); err != nil {
					t.Fatal(err)
				}
			}
			got, err := a.Get(ctx, info.Key())
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("get: %v", err)
			}
			for _, bad := range []string{"../secret.key", "x.png", info.SHA256 + ".svg"} {
				if _, err := a.Get(ctx, bad); !errors.Is(err, imagestore.ErrNotFound) {
					t.Errorf("get %q: got %v, want ErrNotFound", bad, err)
				}
				if err := a.Put(ctx, bad, data); err == nil {
					t.Errorf("put %q: got no error", bad)
				}
			}
			if err := a.Delete(ctx, info.Key()); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Get(ctx, info.Key()); !errors.Is(err, imagestore.ErrNotFound) {
				t.Errorf("after delete: got %v", err)
			}
			if err := a.Delete(ctx, info.Key()); err != nil {
				t.Errorf("delete of a missing key: %v", err)
			}
		})
	}
}
