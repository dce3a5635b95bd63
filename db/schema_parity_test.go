package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"

	"stepwise"
	"stepwise/db"
	"stepwise/db/dbtest"
)

// What only one dialect has, on purpose. Anything else that differs fails
// TestSchemaParity.
var (
	// PostgreSQL keeps full-text search in a generated tsvector column on
	// each searched table, indexed with GIN (postgres/00007_search.sql).
	pgOnlyColumns = []string{"guides.search", "steps.search"}
	pgOnlyIndexes = []string{"guides_search_idx", "steps_search_idx"}
	// SQLite keeps it in an FTS5 virtual table (its shadow tables are left
	// out by type) maintained by triggers, which PostgreSQL's generated
	// columns make unnecessary.
	sqliteOnlyVirtualTables = []string{"search_index"}
	sqliteOnlyTriggers      = []string{
		"guides_search_insert", "guides_search_update", "guides_search_delete",
		"steps_search_insert", "steps_search_update", "steps_search_delete",
	}
)

// dbSchema is what TestSchemaParity compares of one migrated database.
type dbSchema struct {
	tables   map[string]*dbTable
	indexes  map[string]dbIndex  // by name; constraint indexes are not here
	triggers map[string]string   // name → table
	extra    map[string][]string // allow-listed names seen, by kind
}

type dbTable struct {
	columns map[string]dbColumn
	pk      string          // key columns, comma-separated in key order
	uniques map[string]bool // each UNIQUE constraint's columns, as pk
	fks     map[string]bool // each foreign key, described by fkString
	checks  int             // how many CHECK constraints
}

type dbColumn struct {
	notNull bool
	def     string // the default, normalized by normDefault; "" for none
	auto    bool   // ids the database hands out and never reuses
}

type dbIndex struct {
	table   string
	columns string // comma-separated in index order, " DESC" marked
	unique  bool
	partial bool
}

func newSchema() *dbSchema {
	return &dbSchema{
		tables:   map[string]*dbTable{},
		indexes:  map[string]dbIndex{},
		triggers: map[string]string{},
		extra:    map[string][]string{},
	}
}

func (s *dbSchema) table(name string) *dbTable {
	t := s.tables[name]
	if t == nil {
		t = &dbTable{columns: map[string]dbColumn{}, uniques: map[string]bool{}, fks: map[string]bool{}}
		s.tables[name] = t
	}
	return t
}

func fkString(cols, parent, parentCols, onDelete, onUpdate string) string {
	return fmt.Sprintf("(%s) REFERENCES %s (%s) ON DELETE %s ON UPDATE %s", cols, parent, parentCols, onDelete, onUpdate)
}

var (
	trailingCast  = regexp.MustCompile(`::[a-z][a-z0-9_ ]*(\[\])?$`)
	autoincrement = regexp.MustCompile(`(?i)\bAUTOINCREMENT\b`)
	checkClause   = regexp.MustCompile(`(?i)\bCHECK\s*\(`)
)

// normDefault writes a column default the same way for both engines:
// PostgreSQL's casts ('learner'::text) go, and booleans read as 0 and 1.
func normDefault(def string) string {
	def = strings.TrimSpace(def)
	for len(def) > 1 && def[0] == '(' && def[len(def)-1] == ')' {
		def = strings.TrimSpace(def[1 : len(def)-1])
	}
	for trailingCast.MatchString(def) {
		def = trailingCast.ReplaceAllString(def, "")
	}
	switch strings.ToLower(def) {
	case "false":
		return "0"
	case "true":
		return "1"
	}
	return def
}

// TestSchemaParity migrates a fresh SQLite database and a fresh PostgreSQL
// schema and checks they came out the same: tables, columns (NOT NULL,
// defaults, never-reused ids), keys, UNIQUE and foreign-key constraints,
// the number of CHECKs, indexes and triggers, less the allow-listed
// differences above. A migration written for one dialect only fails here.
func TestSchemaParity(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	sqliteNames := migrationNames(t, stepwise.SQLiteMigrations())
	pgNames := migrationNames(t, stepwise.PostgresMigrations())
	if !slices.Equal(sqliteNames, pgNames) {
		for _, n := range sqliteNames {
			if !slices.Contains(pgNames, n) {
				t.Errorf("migration %s is in db/migrations/sqlite but not in db/migrations/postgres", n)
			}
		}
		for _, n := range pgNames {
			if !slices.Contains(sqliteNames, n) {
				t.Errorf("migration %s is in db/migrations/postgres but not in db/migrations/sqlite", n)
			}
		}
	}

	pg := openParityPostgres(ctx, t)
	p, err := goose.NewProvider(goose.DialectPostgres, pg, stepwise.PostgresMigrations())
	if err != nil {
		t.Fatalf("postgres migrations: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("postgres migrate: %v", err)
	}

	d, err := db.Open(filepath.Join(t.TempDir(), "parity.db"), db.Options{Readers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if _, err := d.Migrate(ctx, stepwise.SQLiteMigrations()); err != nil {
		t.Fatalf("sqlite migrate: %v", err)
	}

	lite := readSQLiteSchema(ctx, t, d.W.DB)
	post := readPostgresSchema(ctx, t, pg)
	for _, diff := range compareSchemas(lite, post) {
		t.Error(diff)
	}
}

func migrationNames(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	return names // sorted by fs.Glob
}

// openParityPostgres creates a schema with a random name, drops it when
// the test ends, and returns a pool whose every connection works in it.
func openParityPostgres(ctx context.Context, t *testing.T) *sql.DB {
	t.Helper()
	pg, err := sql.Open("pgx", dbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	// Registered after the schema's clean-up, so it runs before it: the
	// schema is dropped once nothing holds it.
	t.Cleanup(func() { _ = pg.Close() })
	return pg
}

// readSQLiteSchema reads the catalogue of the SQLite database's main schema.
func readSQLiteSchema(ctx context.Context, t *testing.T, h *sql.DB) *dbSchema {
	t.Helper()
	s := newSchema()

	type tbl struct{ name, kind, sql string }
	var tables []tbl
	query(ctx, t, h, func(r *sql.Rows) error {
		var x tbl
		err := r.Scan(&x.name, &x.kind, &x.sql)
		tables = append(tables, x)
		return err
	}, `
		SELECT l.name, l.type, coalesce(m.sql, '')
		FROM pragma_table_list l LEFT JOIN sqlite_master m ON m.name = l.name
		WHERE l.schema = 'main' AND l.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND l.name <> 'goose_db_version'`)

	for _, tb := range tables {
		switch tb.kind {
		case "table":
		case "virtual":
			s.extra["virtual table"] = append(s.extra["virtual table"], tb.name)
			continue
		default: // views, and the shadow tables of virtual tables
			continue
		}
		table := s.table(tb.name)
		table.checks = len(checkClause.FindAllString(tb.sql, -1))
		hasAutoincrement := autoincrement.MatchString(tb.sql)

		type col struct {
			name, typ string
			notNull   bool
			def       sql.NullString
			pk        int
		}
		var cols []col
		query(ctx, t, h, func(r *sql.Rows) error {
			var c col
			err := r.Scan(&c.name, &c.typ, &c.notNull, &c.def, &c.pk)
			cols = append(cols, c)
			return err
		}, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, tb.name)
		slices.SortStableFunc(cols, func(a, b col) int { return a.pk - b.pk })
		var pk []string
		for _, c := range cols {
			if c.pk > 0 {
				pk = append(pk, c.name)
			}
		}
		table.pk = strings.Join(pk, ",")
		for _, c := range cols {
			table.columns[c.name] = dbColumn{
				// PostgreSQL makes key columns NOT NULL; SQLite only an
				// INTEGER PRIMARY KEY, but a NULL key is a bug either way.
				notNull: c.notNull || c.pk > 0,
				def:     normDefault(c.def.String),
				// AUTOINCREMENT applies to the INTEGER PRIMARY KEY only.
				auto: hasAutoincrement && len(pk) == 1 && c.pk == 1 && strings.EqualFold(c.typ, "INTEGER"),
			}
		}

		type idx struct {
			name, origin    string
			unique, partial bool
		}
		var idxs []idx
		query(ctx, t, h, func(r *sql.Rows) error {
			var x idx
			err := r.Scan(&x.name, &x.origin, &x.unique, &x.partial)
			idxs = append(idxs, x)
			return err
		}, `SELECT name, origin, "unique", partial FROM pragma_index_list(?)`, tb.name)
		for _, x := range idxs {
			var cols []string
			query(ctx, t, h, func(r *sql.Rows) error {
				var name sql.NullString
				var desc bool
				if err := r.Scan(&name, &desc); err != nil {
					return err
				}
				c := name.String
				if !name.Valid {
					c = "<expression>"
				}
				if desc {
					c += " DESC"
				}
				cols = append(cols, c)
				return nil
			}, `SELECT name, "desc" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, x.name)
			switch x.origin {
			case "pk": // the key itself, read above
			case "u":
				table.uniques[strings.Join(cols, ",")] = true
			default:
				s.indexes[x.name] = dbIndex{table: tb.name, columns: strings.Join(cols, ","), unique: x.unique, partial: x.partial}
			}
		}

		type fk struct {
			id                 int
			parent, from       string
			to                 sql.NullString
			onUpdate, onDelete string
		}
		var fks []fk
		query(ctx, t, h, func(r *sql.Rows) error {
			var x fk
			err := r.Scan(&x.id, &x.parent, &x.from, &x.to, &x.onUpdate, &x.onDelete)
			fks = append(fks, x)
			return err
		}, `SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, tb.name)
		for i := 0; i < len(fks); {
			j := i
			var from, to []string
			for ; j < len(fks) && fks[j].id == fks[i].id; j++ {
				from = append(from, fks[j].from)
				to = append(to, fks[j].to.String)
			}
			parentCols := strings.Join(to, ",")
			if !fks[i].to.Valid { // REFERENCES parent: its primary key
				parentCols = parentKey(ctx, t, h, fks[i].parent)
			}
			table.fks[fkString(strings.Join(from, ","), fks[i].parent, parentCols, fks[i].onDelete, fks[i].onUpdate)] = true
			i = j
		}
	}

	query(ctx, t, h, func(r *sql.Rows) error {
		var name, table string
		err := r.Scan(&name, &table)
		s.triggers[name] = table
		return err
	}, `SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'`)
	return s
}

func parentKey(ctx context.Context, t *testing.T, h *sql.DB, table string) string {
	t.Helper()
	var cols []string
	query(ctx, t, h, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		cols = append(cols, c)
		return err
	}, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table)
	return strings.Join(cols, ",")
}

// pgActions names pg_constraint's referential action codes as SQLite does.
var pgActions = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

// readPostgresSchema reads the catalogue of h's current schema (the first
// in its search_path).
func readPostgresSchema(ctx context.Context, t *testing.T, h *sql.DB) *dbSchema {
	t.Helper()
	s := newSchema()

	query(ctx, t, h, func(r *sql.Rows) error {
		var name string
		err := r.Scan(&name)
		s.table(name)
		return err
	}, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)

	query(ctx, t, h, func(r *sql.Rows) error {
		var table, name, nullable, identity, generated string
		var def sql.NullString
		if err := r.Scan(&table, &name, &nullable, &def, &identity, &generated); err != nil {
			return err
		}
		tb, ok := s.tables[table]
		if !ok {
			return nil // goose's table, or a view's column
		}
		if slices.Contains(pgOnlyColumns, table+"."+name) {
			s.extra["column"] = append(s.extra["column"], table+"."+name)
			return nil
		}
		c := dbColumn{notNull: nullable == "NO", def: normDefault(def.String), auto: identity == "YES"}
		if strings.HasPrefix(def.String, "nextval(") { // serial: a sequence, not a default in SQLite's sense
			c.def, c.auto = "", true
		}
		tb.columns[name] = c
		return nil
	}, `
		SELECT table_name, column_name, is_nullable, column_default, is_identity, is_generated
		FROM information_schema.columns WHERE table_schema = current_schema()`)

	// Constraints: keys, foreign keys and checks. NOT NULL is a column's.
	query(ctx, t, h, func(r *sql.Rows) error {
		var table, kind, cols, parent, parentCols, onDelete, onUpdate string
		if err := r.Scan(&table, &kind, &cols, &parent, &parentCols, &onDelete, &onUpdate); err != nil {
			return err
		}
		tb, ok := s.tables[table]
		if !ok {
			return nil
		}
		switch kind {
		case "p":
			tb.pk = cols
		case "u":
			tb.uniques[cols] = true
		case "f":
			tb.fks[fkString(cols, parent, parentCols, pgActions[onDelete], pgActions[onUpdate])] = true
		case "c":
			tb.checks++
		}
		return nil
	}, `
		SELECT t.relname, c.contype::text,
		       coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.ord)
		                 FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
		                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum), ''),
		       coalesce(f.relname, ''),
		       coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.ord)
		                 FROM unnest(c.confkey) WITH ORDINALITY AS k (attnum, ord)
		                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum), ''),
		       c.confdeltype::text, c.confupdtype::text
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		LEFT JOIN pg_class f ON f.oid = c.confrelid
		WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.contype IN ('p', 'u', 'f', 'c')`)

	// Indexes, but those that back a key or UNIQUE constraint: the two
	// engines name those differently, and they are compared as constraints.
	query(ctx, t, h, func(r *sql.Rows) error {
		var table, name, cols string
		var unique, partial bool
		if err := r.Scan(&table, &name, &unique, &partial, &cols); err != nil {
			return err
		}
		if slices.Contains(pgOnlyIndexes, name) {
			s.extra["index"] = append(s.extra["index"], name)
			return nil
		}
		s.indexes[name] = dbIndex{table: table, columns: cols, unique: unique, partial: partial}
		return nil
	}, `
		SELECT t.relname, ic.relname, i.indisunique, i.indpred IS NOT NULL,
		       string_agg(coalesce(a.attname, '<expression>') ||
		                  CASE WHEN i.indoption[k.ord - 1] & 1 = 1 THEN ' DESC' ELSE '' END, ',' ORDER BY k.ord)
		FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_class t ON t.oid = i.indrelid
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
		LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
		WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND t.relname <> 'goose_db_version'
		  AND k.ord <= i.indnkeyatts
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
		GROUP BY t.relname, ic.relname, i.indisunique, i.indpred IS NOT NULL`)

	query(ctx, t, h, func(r *sql.Rows) error {
		var name, table string
		err := r.Scan(&name, &table)
		s.triggers[name] = table
		return err
	}, `
		SELECT tg.tgname, t.relname FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
		WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND NOT tg.tgisinternal`)
	return s
}

func query(ctx context.Context, t *testing.T, h *sql.DB, scan func(*sql.Rows) error, q string, args ...any) {
	t.Helper()
	rows, err := h.QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("catalogue query %q: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			t.Fatalf("catalogue query %q: %v", q, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("catalogue query %q: %v", q, err)
	}
}

// compareSchemas lists every difference between the migrated SQLite (lite)
// and PostgreSQL (post) databases, one sentence each.
func compareSchemas(lite, post *dbSchema) []string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}

	for _, name := range slices.Sorted(maps.Keys(lite.tables)) {
		if _, ok := post.tables[name]; !ok {
			add("table %s: in SQLite, missing in PostgreSQL", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(post.tables)) {
		if _, ok := lite.tables[name]; !ok {
			add("table %s: in PostgreSQL, missing in SQLite", name)
		}
	}

	for _, name := range slices.Sorted(maps.Keys(lite.tables)) {
		l, p := lite.tables[name], post.tables[name]
		if p == nil {
			continue
		}
		for _, c := range slices.Sorted(maps.Keys(l.columns)) {
			lc, ok := l.columns[c]
			pc, ok2 := p.columns[c]
			switch {
			case !ok2:
				add("column %s.%s: in SQLite, missing in PostgreSQL", name, c)
				continue
			case !ok:
				continue
			}
			if lc.notNull != pc.notNull {
				add("column %s.%s: NOT NULL in SQLite %s, in PostgreSQL %s", name, c, yes(lc.notNull), yes(pc.notNull))
			}
			if lc.def != pc.def {
				add("column %s.%s: default in SQLite %q, in PostgreSQL %q", name, c, lc.def, pc.def)
			}
			if lc.auto != pc.auto {
				add("column %s.%s: ids never reused (SQLite AUTOINCREMENT, PostgreSQL identity) in SQLite %s, in PostgreSQL %s", name, c, yes(lc.auto), yes(pc.auto))
			}
		}
		for _, c := range slices.Sorted(maps.Keys(p.columns)) {
			if _, ok := l.columns[c]; !ok {
				add("column %s.%s: in PostgreSQL, missing in SQLite", name, c)
			}
		}
		if l.pk != p.pk {
			add("table %s: primary key in SQLite (%s), in PostgreSQL (%s)", name, l.pk, p.pk)
		}
		for _, u := range slices.Sorted(maps.Keys(l.uniques)) {
			if !p.uniques[u] {
				add("table %s: UNIQUE (%s) in SQLite, missing in PostgreSQL", name, u)
			}
		}
		for _, u := range slices.Sorted(maps.Keys(p.uniques)) {
			if !l.uniques[u] {
				add("table %s: UNIQUE (%s) in PostgreSQL, missing in SQLite", name, u)
			}
		}
		for _, fk := range slices.Sorted(maps.Keys(l.fks)) {
			if !p.fks[fk] {
				add("table %s: foreign key %s in SQLite, missing in PostgreSQL", name, fk)
			}
		}
		for _, fk := range slices.Sorted(maps.Keys(p.fks)) {
			if !l.fks[fk] {
				add("table %s: foreign key %s in PostgreSQL, missing in SQLite", name, fk)
			}
		}
		if l.checks != p.checks {
			add("table %s: %d CHECK constraint(s) in SQLite, %d in PostgreSQL", name, l.checks, p.checks)
		}
	}

	for _, name := range slices.Sorted(maps.Keys(lite.indexes)) {
		l := lite.indexes[name]
		p, ok := post.indexes[name]
		if !ok {
			add("index %s on %s (%s): in SQLite, missing in PostgreSQL", name, l.table, l.columns)
			continue
		}
		if l.table != p.table || l.columns != p.columns {
			add("index %s: on %s (%s) in SQLite, on %s (%s) in PostgreSQL", name, l.table, l.columns, p.table, p.columns)
		}
		if l.unique != p.unique {
			add("index %s: unique in SQLite %s, in PostgreSQL %s", name, yes(l.unique), yes(p.unique))
		}
		if l.partial != p.partial {
			add("index %s: partial (WHERE) in SQLite %s, in PostgreSQL %s", name, yes(l.partial), yes(p.partial))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(post.indexes)) {
		if _, ok := lite.indexes[name]; !ok {
			p := post.indexes[name]
			add("index %s on %s (%s): in PostgreSQL, missing in SQLite", name, p.table, p.columns)
		}
	}

	for _, name := range slices.Sorted(maps.Keys(lite.triggers)) {
		if slices.Contains(sqliteOnlyTriggers, name) {
			continue
		}
		if table, ok := post.triggers[name]; !ok || table != lite.triggers[name] {
			add("trigger %s on %s: in SQLite, missing in PostgreSQL", name, lite.triggers[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(post.triggers)) {
		if table, ok := lite.triggers[name]; !ok || table != post.triggers[name] {
			add("trigger %s on %s: in PostgreSQL, missing in SQLite", name, post.triggers[name])
		}
	}

	// The allow-lists must name what is there, and only that.
	for _, v := range lite.extra["virtual table"] {
		if !slices.Contains(sqliteOnlyVirtualTables, v) {
			add("virtual table %s: in SQLite, which PostgreSQL cannot have; mirror it and add it to sqliteOnlyVirtualTables", v)
		}
	}
	for _, v := range sqliteOnlyVirtualTables {
		if !slices.Contains(lite.extra["virtual table"], v) {
			add("virtual table %s: allow-listed, but not in SQLite", v)
		}
	}
	for _, v := range sqliteOnlyTriggers {
		if _, ok := lite.triggers[v]; !ok {
			add("trigger %s: allow-listed as SQLite-only, but not in SQLite", v)
		}
	}
	for _, v := range pgOnlyColumns {
		if !slices.Contains(post.extra["column"], v) {
			add("column %s: allow-listed as PostgreSQL-only, but not in PostgreSQL", v)
		}
	}
	for _, v := range pgOnlyIndexes {
		if !slices.Contains(post.extra["index"], v) {
			add("index %s: allow-listed as PostgreSQL-only, but not in PostgreSQL", v)
		}
	}
	return diffs
}
