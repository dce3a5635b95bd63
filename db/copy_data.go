package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CopyOptions tune CopyData.
type CopyOptions struct {
	// Skip names tables left behind (sessions: their expiry is stored
	// differently by the two official stores; people sign in again).
	Skip []string
	// Progress, when set, is told how far each table has got.
	Progress func(table string, done, total int)
}

// TableCopy is what CopyData did with one table.
type TableCopy struct {
	Table    string
	Rows     int
	Checksum string // sha256 of the rows, the same on both sides
	Skipped  bool   // already copied by an earlier run
}

// ErrTargetHasOtherData refuses to copy into a table that holds rows
// other than the source's.
var ErrTargetHasOtherData = errors.New("the target table holds other rows")

// CopyData copies every table of the SQLite database src into the
// PostgreSQL database dst, both migrated to the same version, in foreign
// key order, one transaction per table. A table whose rows are already
// dst's (same count and checksum: an earlier run got that far) is skipped,
// so a run that stopped can be started again; a table holding anything
// else is refused. Each copied table is read back and its checksum
// compared with the source's.
func CopyData(ctx context.Context, src, dst *DB, opts CopyOptions) ([]TableCopy, error) {
	if src.Dialect() != SQLite || dst.Dialect() != Postgres {
		return nil, errors.New("copy data: from SQLite to PostgreSQL only")
	}
	tables, err := dst.tablesInKeyOrder(ctx)
	if err != nil {
		return nil, err
	}
	var out []TableCopy
	for _, t := range tables {
		if slices.Contains(opts.Skip, t) {
			continue
		}
		tc, err := copyTable(ctx, src, dst, t, opts.Progress)
		if err != nil {
			return out, fmt.Errorf("copy data: %s: %w", t, err)
		}
		out = append(out, tc)
	}
	// Once all are in, every table is checked again: a later table's
	// writes must not have changed an earlier one.
	for _, tc := range out {
		if err := verifyTable(ctx, dst, tc); err != nil {
			return out, fmt.Errorf("copy data: %s: %w", tc.Table, err)
		}
	}
	return out, nil
}

// pgColumn is a column of a PostgreSQL table as the copy needs it.
type pgColumn struct {
	Name string `db:"column_name"`
	Type string `db:"data_type"`
}

// tablesInKeyOrder lists dst's tables so that a table comes after every
// table its foreign keys point to (self-references aside).
func (d *DB) tablesInKeyOrder(ctx context.Context) ([]string, error) {
	var names []string
	if err := d.Select(ctx, &names, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'
		ORDER BY table_name`); err != nil {
		return nil, err
	}
	var edges []struct {
		From string `db:"from_table"`
		To   string `db:"to_table"`
	}
	if err := d.Select(ctx, &edges, `
		SELECT c.conrelid::regclass::text AS from_table, c.confrelid::regclass::text AS to_table
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema()`); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for _, e := range edges {
		if e.From != e.To {
			deps[e.From] = append(deps[e.From], e.To)
		}
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(t string) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("copy data: foreign keys form a cycle through %s", t)
		case 2:
			return nil
		}
		state[t] = 1
		for _, dep := range deps[t] {
			if err := visit(dep); err != nil {
				return err
			}
		}
		state[t] = 2
		order = append(order, t)
		return nil
	}
	for _, t := range names {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// verifyTable reads tc's table back from dst and compares it with what
// was copied.
func verifyTable(ctx context.Context, dst *DB, tc TableCopy) error {
	cols, selectAll, err := dst.copyQuery(ctx, tc.Table)
	if err != nil {
		return err
	}
	back, err := readRows(ctx, dst, selectAll, cols)
	if err != nil {
		return fmt.Errorf("read back: %w", err)
	}
	if len(back) != tc.Rows || checksum(back) != tc.Checksum {
		return fmt.Errorf("verify: %d rows with checksum %s, the source has %d with %s", len(back), checksum(back), tc.Rows, tc.Checksum)
	}
	return nil
}

// copyQuery returns the table's copied columns (generated ones are
// computed by PostgreSQL) and the SELECT that reads them in key order.
func (d *DB) copyQuery(ctx context.Context, table string) ([]pgColumn, string, error) {
	var cols []pgColumn
	if err := d.Select(ctx, &cols, `
		SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'
		ORDER BY ordinal_position`, table); err != nil {
		return nil, "", err
	}
	var key []string
	if err := d.Select(ctx, &key, `
		SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = ?::regclass AND i.indisprimary
		ORDER BY array_position(i.indkey, a.attnum)`, table); err != nil {
		return nil, "", err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.Name)
	}
	orderBy := strings.Join(names, ", ")
	if len(key) > 0 {
		orderBy = strings.Join(quoteAll(key), ", ")
	}
	return cols, "SELECT " + strings.Join(names, ", ") + " FROM " + quoteIdent(table) + " ORDER BY " + orderBy, nil
}

func copyTable(ctx context.Context, src, dst *DB, table string, progress func(string, int, int)) (TableCopy, error) {
	tc := TableCopy{Table: table}
	cols, selectAll, err := dst.copyQuery(ctx, table)
	if err != nil {
		return tc, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.Name)
	}
	rows, err := readRows(ctx, src, selectAll, cols)
	if err != nil {
		return tc, fmt.Errorf("read: %w", err)
	}
	tc.Rows, tc.Checksum = len(rows), checksum(rows)

	existing, err := readRows(ctx, dst, selectAll, cols)
	if err != nil {
		return tc, fmt.Errorf("read the target: %w", err)
	}
	switch {
	case len(existing) == len(rows) && checksum(existing) == tc.Checksum:
		// Copied by an earlier run (or empty on both sides).
		tc.Skipped = true
		report(progress, table, len(rows), len(rows))
		return tc, nil
	case len(existing) > 0:
		return tc, fmt.Errorf("%w (%d rows there, %d in the source): copy into an empty database", ErrTargetHasOtherData, len(existing), len(rows))
	}

	err = dst.WithTx(ctx, func(ctx context.Context) error {
		// The rows are copied as they are, derived tables too (guide_stats
		// is kept by triggers on progress): the target's triggers would
		// count them twice.
		if _, err := dst.Exec(ctx, `ALTER TABLE `+quoteIdent(table)+` DISABLE TRIGGER USER`); err != nil {
			return err
		}
		// Large enough to be quick, small enough for PostgreSQL's 65535
		// parameters whatever the table's width.
		batch := max(1, min(500, 60000/len(cols)))
		for start := 0; start < len(rows); start += batch {
			part := rows[start:min(start+batch, len(rows))]
			var sb strings.Builder
			sb.WriteString("INSERT INTO " + quoteIdent(table) + " (" + strings.Join(names, ", ") + ") VALUES ")
			args := make([]any, 0, len(part)*len(cols))
			for i, r := range part {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")")
				args = append(args, r...)
			}
			if _, err := dst.Exec(ctx, sb.String(), args...); err != nil {
				return err
			}
			report(progress, table, start+len(part), len(rows))
		}
		if _, err := dst.Exec(ctx, `ALTER TABLE `+quoteIdent(table)+` ENABLE TRIGGER USER`); err != nil {
			return err
		}
		// Identity columns hand out the next id after the copied ones.
		for _, c := range cols {
			if c.Name != "id" || len(rows) == 0 {
				continue
			}
			var seq sql.NullString
			if err := dst.Get(ctx, &seq, `SELECT pg_get_serial_sequence(?, 'id')`, table); err != nil {
				return err
			}
			if seq.Valid {
				if _, err := dst.Exec(ctx, `SELECT setval(?, (SELECT max(id) FROM `+quoteIdent(table)+`))`, seq.String); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return tc, fmt.Errorf("write: %w", err)
	}
	report(progress, table, len(rows), len(rows))
	return tc, verifyTable(ctx, dst, tc)
}

func report(progress func(string, int, int), table string, done, total int) {
	if progress != nil {
		progress(table, done, total)
	}
}

// readRows reads every row of query, each value turned into what the
// PostgreSQL column of the same place takes (see convert).
func readRows(ctx context.Context, d *DB, query string, cols []pgColumn) ([][]any, error) {
	rs, err := d.R.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]any
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, c := range cols {
			v, err := convert(vals[i], c.Type)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Name, err)
			}
			vals[i] = v
		}
		out = append(out, vals)
	}
	return out, rs.Err()
}

// convert turns a value as either driver scanned it into the Go value of
// the PostgreSQL column type: SQLite keeps booleans as 0/1 and may hand
// back text where PostgreSQL has bytes or times. Times keep microseconds,
// all PostgreSQL stores.
func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "boolean":
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "timestamp with time zone", "timestamp without time zone":
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Truncate(time.Microsecond), nil
		case string:
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
				if t, err := time.Parse(layout, x); err == nil {
					return t.UTC().Truncate(time.Microsecond), nil
				}
			}
			return nil, fmt.Errorf("time %q in no known layout", x)
		}
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	default: // text and the like
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	}
	return nil, fmt.Errorf("a %T for a %s column", v, pgType)
}

// checksum hashes rows of converted values in a form both sides share.
// The rows' order does not count: SQLite and PostgreSQL sort text keys by
// different collations, so each row is hashed and the sorted row hashes
// are hashed.
func checksum(rows [][]any) string {
	sums := make([]string, len(rows))
	for i, r := range rows {
		h := sha256.New()
		for _, v := range r {
			writeValue(h, v)
		}
		sums[i] = string(h.Sum(nil))
	}
	slices.Sort(sums)
	h := sha256.New()
	for _, s := range sums {
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeValue(h hash.Hash, v any) {
	var s string
	switch x := v.(type) {
	case nil:
		s = "N"
	case bool:
		s = "b" + strconv.FormatBool(x)
	case int64:
		s = "i" + strconv.FormatInt(x, 10)
	case float64:
		s = "f" + strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		s = "t" + x.UTC().Format(time.RFC3339Nano)
	case []byte:
		s = "x" + hex.EncodeToString(x)
	case string:
		s = "s" + strconv.Quote(x)
	default:
		s = fmt.Sprintf("?%v", x)
	}
	h.Write([]byte(s))
	h.Write([]byte{0})
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quoteIdent(s)
	}
	return out
}
