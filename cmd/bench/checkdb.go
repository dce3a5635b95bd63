package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // the default bench database
)

// checkDB reads the benchmark's database beside the running server,
// read-only, to check what the requests really wrote.
type checkDB struct {
	db       *sql.DB
	postgres bool
}

func openCheckDB(d *benchDB) (*checkDB, error) {
	driver, dsn := "sqlite3", "file:"+d.url+"?mode=ro&_query_only=true&_busy_timeout=5000"
	if d.postgres {
		driver, dsn = "pgx", d.url
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open the %s database read-only: %w", d.name(), err)
	}
	return &checkDB{db: db, postgres: d.postgres}, nil
}

// queryRow runs a query written with ? placeholders on either database.
func (c *checkDB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if c.postgres {
		query = sqlx.Rebind(sqlx.DOLLAR, query)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// commitMark is a figure that changes whenever another connection
// commits a write: SQLite's data_version (per connection), PostgreSQL's
// next transaction id (assigned to every writing transaction).
func (c *checkDB) commitMark() string {
	if c.postgres {
		return `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint`
	}
	return `PRAGMA data_version`
}

func (c *checkDB) Close() error { return c.db.Close() }

// waitQuiet returns once no other connection has committed for quiet.
// When wrk stops at its deadline it abandons requests the server has
// already accepted; those toggles still run, and a check made while they
// do would count them. PRAGMA data_version changes, for one connection,
// whenever another connection commits (commitMark).
func (c *checkDB) waitQuiet(ctx context.Context, quiet, limit time.Duration) error {
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var last int64 = -1
	since := time.Now()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var v int64
		if err := conn.QueryRowContext(ctx, c.commitMark()).Scan(&v); err != nil {
			return fmt.Errorf("data_version: %w", err)
		}
		if v != last {
			last, since = v, time.Now()
		} else if time.Since(since) >= quiet {
			return nil
		}
	}
	return fmt.Errorf("the database was still being written %s after the run", limit)
}

// displayName is the user's name as pages should show it.
func (c *checkDB) displayName(email string) (string, error) {
	var name string
	if err := c.queryRow(context.Background(), `SELECT display_name FROM users WHERE email = ?`, email).Scan(&name); err != nil {
		return "", fmt.Errorf("display name of %s: %w", email, err)
	}
	return name, nil
}

// toggleTarget names the step a workload toggles.
type toggleTarget struct {
	slug     string
	position int
}

// progressTotals are the progress rows around a toggled step: its own
// (0 or 1), the user's in all, and the whole table's.
type progressTotals struct {
	step, user, all int
}

// progressTotals counts the rows for email around t (zero when t is nil).
func (c *checkDB) progressTotals(email string, t *toggleTarget) (progressTotals, error) {
	var p progressTotals
	if t == nil {
		return p, nil
	}
	err := c.queryRow(context.Background(), `
		SELECT
		  (SELECT count(*) FROM progress p
		     JOIN users u ON u.id = p.user_id
		     JOIN steps s ON s.id = p.step_id
		     JOIN guides g ON g.id = s.guide_id
		   WHERE u.email = ? AND g.slug = ? AND s.position = ?),
		  (SELECT count(*) FROM progress p JOIN users u ON u.id = p.user_id WHERE u.email = ?),
		  (SELECT count(*) FROM progress)`,
		email, t.slug, t.position, email).Scan(&p.step, &p.user, &p.all)
	if err != nil {
		return p, fmt.Errorf("count progress: %w", err)
	}
	return p, nil
}

// compareTotals checks the toggled step has 0 or 1 rows (none doubled) and
// that nothing else changed (none lost), and describes the result.
func compareTotals(before, after progressTotals) (string, error) {
	if after.step > 1 {
		return "", fmt.Errorf("the toggled step has %d progress rows: doubled", after.step)
	}
	d := after.step - before.step
	if after.user-before.user != d || after.all-before.all != d {
		return "", fmt.Errorf("progress rows changed beyond the toggled step: user %d → %d, table %d → %d, step %d → %d",
			before.user, after.user, before.all, after.all, before.step, after.step)
	}
	return fmt.Sprintf("toggled step has %d row; the user's other %d rows and the table's %d unchanged",
		after.step, after.user-after.step, after.all-after.step), nil
}
