package imagestore_test

import (
	"testing"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models/imagestore"
)

// TestTable: the database store does what every Store does, on both
// databases.
func TestTable(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(testing.TB) *db.DB{"sqlite": dbtest.New, "postgres": dbtest.NewPostgres} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkStore(t, imagestore.NewTable(open(t)))
		})
	}
}
