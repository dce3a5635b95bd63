package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"stepwise/db"
)

// sqliteMaxVars is SQLite's limit on ? placeholders in one statement.
const sqliteMaxVars = 32766

// batchTx is a transaction on the writer for bulk loading. It works on
// the transaction directly instead of through db.DB's Exec: that caches a
// prepared statement per distinct query string, and multi-row inserts of
// varying sizes would fill the cache with statements used once.
type batchTx struct{ tx *sqlx.Tx }

// withBatchTx runs fn in one transaction on the writer (BEGIN IMMEDIATE,
// see db.Open), committing if fn succeeds and rolling back otherwise.
func withBatchTx(ctx context.Context, d *db.DB, fn func(*batchTx) error) (err error) {
	tx, err := d.W.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(&batchTx{tx: tx}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// inserter collects rows and writes them size at a time with one
// multi-row INSERT, which is what makes loading 180,000 rows take a second
// instead of a minute. The full-size statement is prepared once and reused;
// only the final, shorter batch is a one-off.
type inserter struct {
	tx      *sqlx.Tx
	table   string
	cols    []string
	size    int
	full    *sql.Stmt
	args    []any
	rows    int            // rows written so far
	onFlush func(rows int) // called after each write, if set
}

// inserter returns a batch inserter into table's cols, size rows per
// statement. table and cols are constants in this package, never input.
func (t *batchTx) inserter(table string, cols []string, size int) *inserter {
	if size*len(cols) > sqliteMaxVars {
		panic(fmt.Sprintf("inserter %s: %d rows of %d columns exceed SQLite's variable limit", table, size, len(cols)))
	}
	return &inserter{tx: t.tx, table: table, cols: cols, size: size, args: make([]any, 0, size*len(cols))}
}

// pending is how many rows wait for the next write.
func (b *inserter) pending() int { return len(b.args) / len(b.cols) }

// add queues one row (one value per column) and writes a batch when full.
func (b *inserter) add(ctx context.Context, vals ...any) error {
	if len(vals) != len(b.cols) {
		return fmt.Errorf("insert into %s: %d values for %d columns", b.table, len(vals), len(b.cols))
	}
	b.args = append(b.args, vals...)
	if b.pending() == b.size {
		return b.flush(ctx)
	}
	return nil
}

// flush writes the queued rows.
func (b *inserter) flush(ctx context.Context) error {
	n := b.pending()
	if n == 0 {
		return nil
	}
	var err error
	if n == b.size {
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(ctx, b.tx.Rebind(b.query(n))); err != nil {
				return fmt.Errorf("insert into %s: prepare: %w", b.table, err)
			}
		}
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(ctx, b.tx.Rebind(b.query(n)), b.args...)
	}
	if err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.rows += n
	clear(b.args) // drop references to the values (step bodies are large)
	b.args = b.args[:0]
	if b.onFlush != nil {
		b.onFlush(b.rows)
	}
	return nil
}

// close writes what is left and releases the prepared statement.
func (b *inserter) close(ctx context.Context) error {
	err := b.flush(ctx)
	if b.full != nil {
		if cerr := b.full.Close(); err == nil {
			err = cerr
		}
		b.full = nil
	}
	return err
}

// query is INSERT INTO table (cols) VALUES (?, …), … for n rows.
func (b *inserter) query(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.cols)), ", ") + ")"
	var q strings.Builder
	q.Grow(64 + n*(len(row)+2))
	fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.cols, ", "))
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	return q.String()
}
