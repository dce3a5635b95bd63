package db_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"stepwise"
	"stepwise/db"
	"stepwise/db/dbtest"
)

// openPostgres opens a DB on a throwaway schema of the test's PostgreSQL.
func openPostgres(t *testing.T) (*db.DB, string) {
	t.Helper()
	url := dbtest.PostgresURL(t)
	d, err := db.Open(url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if d.Dialect() != db.Postgres {
		t.Fatalf("dialect %q, want postgres", d.Dialect())
	}
	return d, url
}

// twoPoolsWithCounters opens two pools (two instances) on one fresh
// schema holding a table counter (k, n) with a row (k, 0) for each key.
func twoPoolsWithCounters(t *testing.T, keys ...int) (a, b *db.DB) {
	t.Helper()
	a, url := openPostgres(t)
	b, err := db.Open(url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	ctx := context.Background()
	if _, err := a.Exec(ctx, `CREATE TABLE counter (k INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := a.Exec(ctx, `INSERT INTO counter (k, n) VALUES (?, 0)`, k); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

// incrementer is a transaction that reads counter key and writes it back
// one higher, pausing in between so that others read the same value.
func incrementer(d *db.DB, key int) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		var v int
		if err := d.Get(ctx, &v, `SELECT n FROM counter WHERE k = ?`, key); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
		_, err := d.Exec(ctx, `UPDATE counter SET n = ? WHERE k = ?`, v+1, key)
		return err
	}
}

// atOnce runs run n times at once, on pools a and b in turn, and fails t
// when one fails.
func atOnce(t *testing.T, a, b *db.DB, n int, run func(d *db.DB) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Go(func() { errs <- run(d) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
}

// counter is the value of counter key.
func counter(t *testing.T, d *db.DB, key int) int {
	t.Helper()
	var n int
	if err := d.Get(context.Background(), &n, `SELECT n FROM counter WHERE k = ?`, key); err != nil {
		t.Fatal(err)
	}
	return n
}

// Instances that start together on one PostgreSQL apply each migration
// once: the advisory lock makes the others wait and find nothing to do.
func TestPostgresMigrationsRunOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := openPostgres(t)
	const instances = 8
	applied := make([]int, instances)
	errs := make([]error, instances)
	// Every instance is connected before any starts, so they all start
	// at once.
	dbs := make([]*db.DB, instances)
	for i := range dbs {
		d, err := db.Open(url, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		dbs[i] = d
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			applied[i], errs[i] = d.Migrate(ctx, stepwise.PostgresMigrations())
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range instances {
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	latest, err := db.LatestVersion(stepwise.PostgresMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if total != int(latest) {
		t.Errorf("the instances applied %v migrations, %d in all; want %d in all", applied, total, latest)
	}
}

// The models' queries run unchanged on PostgreSQL: ? placeholders are
// rebound, transactions commit and roll back, and a duplicate key is
// recognised as one.
func TestPostgresQueriesTransactionsAndErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := openPostgres(t)
	if _, err := d.Migrate(ctx, stepwise.PostgresMigrations()); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO tags (name) VALUES (?)`
	if _, err := d.Exec(ctx, insert, "go"); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := d.Get(ctx, &name, `SELECT name FROM tags WHERE name = ? AND name <> ?`, "go", "rust"); err != nil || name != "go" {
		t.Fatalf("read back: %q, %v", name, err)
	}
	_, err := d.Exec(ctx, insert, "go")
	if !db.IsUniqueViolation(err) {
		t.Errorf("a duplicate key: %v, not recognised as a unique violation", err)
	}

	boom := errors.New("boom")
	err = d.WithTx(ctx, func(ctx context.Context) error {
		if _, err := d.Exec(ctx, insert, "rolled-back"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx: %v", err)
	}
	if err := d.WithTx(ctx, func(ctx context.Context) error {
		_, err := d.Exec(ctx, insert, "committed")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := d.Select(ctx, &names, `SELECT name FROM tags ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "committed,go" {
		t.Errorf("tags: %s, want committed,go", got)
	}
	if err := d.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
}

// A wrong address fails at Open with the password hidden.
func TestPostgresOpenHidesThePassword(t *testing.T) {
	t.Parallel()
	_, err := db.Open("postgres://stepwise:s3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", db.Options{})
	if err == nil {
		t.Fatal("no error for a server that is not there")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "stepwise:") {
		t.Errorf("error: %v", err)
	}
}

// Sessions on PostgreSQL go through scs's PostgreSQL store: a committed
// session is found until it expires, and not after it is deleted.
func TestPostgresSessionStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := openPostgres(t)
	if _, err := d.Migrate(ctx, stepwise.PostgresMigrations()); err != nil {
		t.Fatal(err)
	}
	s := d.SessionStore()
	defer s.Close()
	if err := s.Commit("live", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("gone", []byte("old"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := s.FindCtx(ctx, "live"); err != nil || !ok || string(b) != "data" {
		t.Errorf("live session: %q %v %v", b, ok, err)
	}
	if _, ok, err := s.FindCtx(ctx, "gone"); err != nil || ok {
		t.Errorf("expired session found: %v %v", ok, err)
	}
	if _, ok, err := s.FindCtx(ctx, "li\x00ve"); err != nil || ok {
		t.Errorf("a forged token holding a NUL: %v %v, want no session and no error", ok, err)
	}
	if err := s.DeleteCtx(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.FindCtx(ctx, "live"); err != nil || ok {
		t.Errorf("deleted session found: %v %v", ok, err)
	}
}

// TestPostgresTransactionsAreSerializable: twenty transactions that each
// read a counter and write it back one higher, all at once, on two
// separate pools (two instances). SQLite's single writer would run them one
// after another; on PostgreSQL WithTx's SERIALIZABLE isolation and retries
// must give the same result, where READ COMMITTED loses updates.
func TestPostgresTransactionsAreSerializable(t *testing.T) {
	t.Parallel()
	a, b := twoPoolsWithCounters(t, 0)
	const n = 20
	atOnce(t, a, b, n, func(d *db.DB) error { return d.WithTx(context.Background(), incrementer(d, 0)) })
	if got := counter(t, a, 0); got != n {
		t.Errorf("counter after %d increments: %d (updates were lost)", n, got)
	}
	if a.TxRetries()+b.TxRetries() == 0 {
		t.Error("no transaction was retried: the test did not make them collide")
	}
}

// TestPostgresCheckWriteRefusesAReadOnlyServer: readiness fails on a
// PostgreSQL that takes no writes (a standby, or one set read-only),
// where beginning a transaction still works.
func TestPostgresCheckWriteRefusesAReadOnlyServer(t *testing.T) {
	t.Parallel()
	_, url := openPostgres(t)
	ro, err := db.Open(url+"&default_transaction_read_only=on", db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ro.Close() })
	ctx := context.Background()
	if err := ro.CheckWrite(ctx); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("CheckWrite on a read-only server: %v, want a read-only error", err)
	}
	rw, _ := openPostgres(t)
	if err := rw.CheckWrite(ctx); err != nil {
		t.Errorf("CheckWrite on a writable server: %v", err)
	}
}
