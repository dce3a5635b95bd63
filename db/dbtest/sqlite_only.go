package dbtest

import (
	"os"
	"testing"
)

// OnPostgres reports whether the tests run on PostgreSQL (make
// test-postgres sets STEPWISE_TEST_DATABASE=postgres).
func OnPostgres() bool { return os.Getenv("STEPWISE_TEST_DATABASE") == "postgres" }

// SQLiteOnly skips t when the tests run on PostgreSQL: what t checks is
// SQLite's own (why says what), and the PostgreSQL side is tested
// elsewhere or does not exist.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if OnPostgres() {
		t.Skip("SQLite only: " + why)
	}
}
