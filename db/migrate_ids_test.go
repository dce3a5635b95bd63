package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"stepwise"
	"stepwise/db"
	"stepwise/models"
)

// rebuiltTables are the tables 00012 gives AUTOINCREMENT ids.
var rebuiltTables = []string{
	"users", "guides", "steps", "account_tokens", "recovery_codes", "audit_log", "quiz_questions",
	"quiz_attempts", "certificates", "step_revisions", "images", "api_tokens", "webhooks", "webhook_deliveries",
}

// beforeNeverReuseIDs is a database at migration 11 (the last before ids
// became AUTOINCREMENT) with a row in every table, children included.
const beforeNeverReuseIDs = `
INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at) VALUES
  (1, 'ada@example.com', 'Ada', 'x', 'admin', '2025-01-01 09:00:00+00:00', '2025-01-01 09:00:00+00:00'),
  (2, 'bob@example.com', 'Bob', 'x', 'author', '2025-03-01 09:00:00+00:00', '2025-03-01 09:00:00+00:00'),
  (3, 'cy@example.com', 'Cy', 'x', 'learner', '2025-03-02 09:00:00+00:00', '2025-03-02 09:00:00+00:00');
INSERT INTO guides (id, slug, title, summary, author_id, published_at, created_at, updated_at) VALUES
  (1, 'go-basics', 'Go basics', 'Start with Go', 2, '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00'),
  (2, 'sql-joins', 'SQL joins', 'Tables together', 2, '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00');
INSERT INTO steps (id, guide_id, position, title, body_md, created_at, updated_at) VALUES
  (10, 1, 1, 'Install the toolchain', 'Meet the gopher.', '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00'),
  (11, 1, 2, 'Hello world', 'Print a line.', '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00'),
  (20, 2, 1, 'Inner joins', 'Rows that match.', '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00');
INSERT INTO progress (user_id, step_id, guide_id, completed_at) VALUES (3, 10, 1, '2025-03-06 09:00:00+00:00');
INSERT INTO guide_authors (guide_id, user_id, added_at) VALUES (1, 3, '2025-03-06 09:00:00+00:00');
INSERT INTO quiz_questions (id, step_id, position, kind, prompt, choices, created_at, updated_at) VALUES
  (5, 10, 1, 'truefalse', 'Is Go compiled?', '[{"text":"yes","correct":true}]', '2025-03-05 09:00:00+00:00', '2025-03-05 09:00:00+00:00');
INSERT INTO quiz_attempts (id, user_id, step_id, passed, created_at) VALUES (3, 3, 10, 1, '2025-03-06 09:00:00+00:00');
INSERT INTO quiz_answers (attempt_id, question_id, chosen, correct) VALUES (3, 5, '[0]', 1);
INSERT INTO notes (user_id, step_id, guide_id, body, updated_at) VALUES (3, 10, 1, 'remember', '2025-03-06 09:00:00+00:00');
INSERT INTO certificates (id, code, user_id, guide_id, name, guide_title, issued_at) VALUES
  (4, 'c0de', 3, 1, 'Cy', 'Go basics', '2025-03-06 09:00:00+00:00');
INSERT INTO tags (name) VALUES ('go');
INSERT INTO guide_tags (guide_id, tag) VALUES (1, 'go');
INSERT INTO guide_slugs (old_slug, guide_id, created_at) VALUES ('go-basic', 1, '2025-03-05 09:00:00+00:00');
INSERT INTO step_revisions (id, step_id, version, title, body_md, author_id, created_at) VALUES
  (6, 10, 1, 'Install', 'Old body.', 2, '2025-03-05 09:00:00+00:00');
INSERT INTO images (id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at) VALUES
  (2, 1, 'gopher.png', 'image/png', '.png', 10, 1, 1, 'abc', 2, '2025-03-05 09:00:00+00:00');
INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, ip, user_agent) VALUES
  ('s1', 3, '2025-03-06 09:00:00+00:00', '2025-03-06 09:00:00+00:00', '192.0.2.3', 'Cy''s browser');
INSERT INTO account_tokens (id, user_id, purpose, token_hash, expires_at, created_at) VALUES
  (7, 3, 'verify', x'01', '2025-03-07 09:00:00+00:00', '2025-03-06 09:00:00+00:00');
INSERT INTO recovery_codes (id, user_id, code_hash) VALUES (8, 1, x'02');
INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, scopes, created_at) VALUES
  (4, 1, 'ci', x'03', 'swp_abc', 'read', '2025-03-06 09:00:00+00:00');
INSERT INTO api_rate_windows (token_id, window_start, requests) VALUES (4, 100, 1);
INSERT INTO webhooks (id, user_id, url, secret, events, created_at) VALUES
  (2, 1, 'https://hooks.example.com/in', x'04', 'user.created', '2025-03-06 09:00:00+00:00');
INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status, next_attempt_at, created_at) VALUES
  (8, 2, 'user.created', '{}', 'pending', '2025-03-06 09:00:00+00:00', '2025-03-06 09:00:00+00:00');
INSERT INTO settings (key, value, updated_at) VALUES ('private_webhooks', 'off', '2025-03-06 09:00:00+00:00');
INSERT INTO throttle (key, failures, window_start, next_allowed_at) VALUES
  ('login:ip:192.0.2.9', 1, '2025-03-06 09:00:00+00:00', '2025-03-06 09:00:00+00:00');
INSERT INTO sessions (token, data, expiry) VALUES ('tok', x'05', 1e10);
-- The log: an event of an account deleted before Bob took its id 2, Ada's
-- own event, an account (7) and a webhook (9) and a token (12) deleted
-- with the largest ids their tables ever had.
INSERT INTO audit_log (id, at, event, actor_id, target_id, ip, user_agent, detail) VALUES
  (1, '2025-02-01 09:00:00+00:00', 'login.success', 2, 2, '198.51.100.2', 'Old browser', ''),
  (2, '2025-04-01 09:00:00+00:00', 'login.success', 1, 1, '192.0.2.1', 'Ada''s browser', ''),
  (3, '2025-04-02 09:00:00+00:00', 'account.deleted', 7, 7, '192.0.2.7', '', ''),
  (4, '2025-04-03 09:00:00+00:00', 'webhook.deleted', 1, 1, '192.0.2.1', '', 'webhook 9 to hooks.example.com'),
  (5, '2025-04-04 09:00:00+00:00', 'api_token.revoked', 1, 1, '192.0.2.1', '', 'token 12 “old” (read)');
`

// TestMigrationNeverReuseIDsKeepsEverything migrates a database with data
// in every table from 11 to 12 and checks that only AUTOINCREMENT changed:
// every row (children and the search index too), every index, trigger,
// foreign key and constraint; that foreign keys are on again; that the
// sequences start past every id the data and the audit log know; then,
// at the latest version, that the triggers and cascades work and the
// audit log's emails were filled in without crediting a reused id.
func TestMigrationNeverReuseIDsKeepsEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := db.Open(filepath.Join(t.TempDir(), "old.db"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	p, err := goose.NewProvider(goose.DialectSQLite3, d.W.DB, stepwise.SQLiteMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 11); err != nil {
		t.Fatalf("migrate to 11: %v", err)
	}
	if _, err := d.W.ExecContext(ctx, beforeNeverReuseIDs); err != nil {
		t.Fatalf("fill version 11: %v", err)
	}
	before := schema(t, d.W)
	rowsBefore := map[string][]string{}
	for name, o := range before {
		// goose's own bookkeeping changes with every migration.
		if o.typ == "table" && name != "goose_db_version" && name != "sqlite_sequence" {
			rowsBefore[name] = dump(t, d.W, name)
		}
	}

	if _, err := p.UpTo(ctx, 12); err != nil {
		t.Fatalf("migrate to 12: %v", err)
	}

	after := schema(t, d.W)
	for name, o := range before {
		a, ok := after[name]
		if !ok {
			t.Errorf("%s %s: gone after the migration", o.typ, name)
			continue
		}
		rebuilt := o.typ == "table" && slices.Contains(rebuiltTables, name)
		if rebuilt && !strings.Contains(a.sql, "AUTOINCREMENT") {
			t.Errorf("table %s: no AUTOINCREMENT in %s", name, a.sql)
		}
		if got, want := normSQL(a.sql), normSQL(o.sql); got != want || a.typ != o.typ || a.table != o.table {
			t.Errorf("%s %s on %s changed:\n got %s\nwant %s", a.typ, name, a.table, got, want)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: new after the migration", name)
		}
	}
	for name, want := range rowsBefore {
		if got := dump(t, d.W, name); !slices.Equal(got, want) {
			t.Errorf("rows of %s:\n got %q\nwant %q", name, got, want)
		}
	}
	for _, table := range []string{"progress", "guide_authors", "quiz_answers", "notes", "api_rate_windows", "webhook_deliveries", "user_sessions", "search_index"} {
		if len(rowsBefore[table]) == 0 {
			t.Errorf("the fixture has no %s rows: the survival check proves nothing", table)
		}
	}

	var fkOn int
	if err := d.W.GetContext(ctx, &fkOn, `PRAGMA foreign_keys`); err != nil || fkOn != 1 {
		t.Errorf("foreign_keys after the migration = %d (%v), want 1", fkOn, err)
	}
	var violations []string
	if err := d.W.SelectContext(ctx, &violations, `SELECT "table" FROM pragma_foreign_key_check`); err != nil || len(violations) > 0 {
		t.Errorf("foreign key violations: %v (%v)", violations, err)
	}

	seq := map[string]int64{}
	rows, err := d.W.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		seq[name] = n
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"users": 7, "webhooks": 9, "api_tokens": 12, // past the ids the audit log names
		"guides": 2, "steps": 20, "account_tokens": 7, "recovery_codes": 8, "audit_log": 5, "quiz_questions": 5,
		"quiz_attempts": 3, "certificates": 4, "step_revisions": 6, "images": 2, "webhook_deliveries": 8,
	}
	for name, n := range want {
		if seq[name] != n {
			t.Errorf("sqlite_sequence[%s] = %d, want %d", name, seq[name], n)
		}
	}

	if _, err := d.Migrate(ctx, stepwise.SQLiteMigrations()); err != nil {
		t.Fatalf("migrate to the latest: %v", err)
	}
	checkAuditEmailsBackfilled(t, d)
	checkTriggersAndCascades(t, d, models.New(d))
}

// TestMigrationNeverReuseIDsRollsBackOnForeignKeyViolation: with foreign
// keys off for the rebuild, the migration checks them itself before it
// commits; a row pointing nowhere fails it, and the database is left as it
// was, still at version 11.
func TestMigrationNeverReuseIDsRollsBackOnForeignKeyViolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dangling.db")
	d, err := db.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, d.W.DB, stepwise.SQLiteMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 11); err != nil {
		t.Fatalf("migrate to 11: %v", err)
	}
	if _, err := d.W.ExecContext(ctx, beforeNeverReuseIDs); err != nil {
		t.Fatalf("fill version 11: %v", err)
	}
	// Written with foreign keys off, as an old bug or a hand edit could.
	if _, err := d.W.ExecContext(ctx, `PRAGMA foreign_keys = OFF;
		INSERT INTO recovery_codes (id, user_id, code_hash) VALUES (9, 404, x'09');
		PRAGMA foreign_keys = ON`); err != nil {
		t.Fatal(err)
	}
	before := schema(t, d.W)

	_, err = p.UpTo(ctx, 12)
	if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Fatalf("migrate to 12 with a dangling row: %v, want the foreign key check's CHECK failure", err)
	}
	// Closing the connection ends the failed migration's transaction.
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = db.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	after := schema(t, d.W)
	for name, o := range before {
		if after[name] != o {
			t.Errorf("%s %s after the failed migration:\n got %q\nwant %q", o.typ, name, after[name].sql, o.sql)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: left behind by the failed migration", name)
		}
	}
	var version int64
	if err := d.W.GetContext(ctx, &version, `SELECT max(version_id) FROM goose_db_version`); err != nil || version != 11 {
		t.Errorf("version after the failed migration = %d (%v), want 11", version, err)
	}
	var users int
	if err := d.W.GetContext(ctx, &users, `SELECT count(*) FROM users`); err != nil || users != 3 {
		t.Errorf("users after the failed migration = %d (%v), want 3", users, err)
	}
}

// checkAuditEmailsBackfilled: 00013 copies the current emails into old
// events, except where the id now belongs to an account made after the
// event (a reused id), which it clears instead.
func checkAuditEmailsBackfilled(t *testing.T, d *db.DB) {
	t.Helper()
	type row struct {
		ID       int64   `db:"id"`
		Actor    *int64  `db:"actor_id"`
		ActorAt  *string `db:"actor_email"`
		Target   *int64  `db:"target_id"`
		TargetAt *string `db:"target_email"`
	}
	var got []row
	if err := d.W.SelectContext(context.Background(), &got, `
		SELECT id, actor_id, actor_email, target_id, target_email FROM audit_log WHERE id <= 3 ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	show := func(r row) string {
		s := func(p *string) string {
			if p == nil {
				return "NULL"
			}
			return *p
		}
		i := func(p *int64) string {
			if p == nil {
				return "NULL"
			}
			return fmt.Sprint(*p)
		}
		return fmt.Sprintf("%d: %s %s → %s %s", r.ID, i(r.Actor), s(r.ActorAt), i(r.Target), s(r.TargetAt))
	}
	var lines []string
	for _, r := range got {
		lines = append(lines, show(r))
	}
	wantLines := []string{
		"1: NULL NULL → NULL NULL", // Bob's id 2 was someone else's when this happened
		"2: 1 ada@example.com → 1 ada@example.com",
		"3: 7 NULL → 7 NULL", // deleted before the log kept emails
	}
	if !slices.Equal(lines, wantLines) {
		t.Errorf("audit rows after 00013:\n got %q\nwant %q", lines, wantLines)
	}
}

// checkTriggersAndCascades: at the latest version, the search triggers
// index new and changed rows, the old index rows still answer, foreign
// keys cascade, and new rows take ids past everything before.
func checkTriggersAndCascades(t *testing.T, d *db.DB, m *models.Models) {
	t.Helper()
	ctx := context.Background()
	search := func(q string) []string {
		t.Helper()
		hits, _, err := m.Search.Search(ctx, q, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, fmt.Sprintf("%s/%d", h.GuideSlug, h.StepPosition))
		}
		return out
	}
	if got := search("gopher"); !slices.Equal(got, []string{"go-basics/1"}) {
		t.Errorf("search gopher (indexed before the migration) = %v, want [go-basics/1]", got)
	}

	u, err := m.Users.Create(ctx, models.NewUser{Email: "dee@example.com", DisplayName: "Dee", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 8 {
		t.Errorf("new user id = %d, want 8 (past the deleted account 7 the audit log names)", u.ID)
	}
	var guideID int64
	if err := d.W.GetContext(ctx, &guideID, `
		INSERT INTO guides (slug, title, summary, published_at, created_at, updated_at)
		VALUES ('rust-intro', 'Rust intro', 'Ferris awaits', '2025-05-01 09:00:00+00:00', '2025-05-01 09:00:00+00:00', '2025-05-01 09:00:00+00:00')
		RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if guideID != 3 {
		t.Errorf("new guide id = %d, want 3", guideID)
	}
	if _, err := d.W.ExecContext(ctx, `
		INSERT INTO steps (guide_id, position, title, body_md, created_at, updated_at)
		VALUES (?, 1, 'Borrowing', 'The borrow checker.', '2025-05-01 09:00:00+00:00', '2025-05-01 09:00:00+00:00')`, guideID); err != nil {
		t.Fatal(err)
	}
	if got := search("ferris"); !slices.Equal(got, []string{"rust-intro/0"}) {
		t.Errorf("search ferris (a guide inserted after the migration) = %v, want [rust-intro/0]", got)
	}
	if got := search("borrow"); !slices.Equal(got, []string{"rust-intro/1"}) {
		t.Errorf("search borrow (a step inserted after the migration) = %v, want [rust-intro/1]", got)
	}
	if _, err := d.W.ExecContext(ctx, `UPDATE steps SET title = 'Outer joins', body_md = 'Rows that may not match.' WHERE id = 20`); err != nil {
		t.Fatal(err)
	}
	if got := search("outer"); !slices.Equal(got, []string{"sql-joins/1"}) {
		t.Errorf("search outer (a step updated after the migration) = %v, want [sql-joins/1]", got)
	}
	if got := search("inner"); len(got) != 0 {
		t.Errorf("search inner (the step's old title) = %v, want nothing", got)
	}

	if _, err := d.W.ExecContext(ctx, `DELETE FROM guides WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM steps WHERE guide_id = 1`,
		`SELECT count(*) FROM progress WHERE guide_id = 1`,
		`SELECT count(*) FROM quiz_answers`,
		`SELECT count(*) FROM images WHERE guide_id = 1`,
		`SELECT count(*) FROM certificates WHERE guide_id = 1`,
	} {
		var n int
		if err := d.W.GetContext(ctx, &n, q); err != nil || n != 0 {
			t.Errorf("%s after deleting the guide = %d (%v), want 0", q, n, err)
		}
	}
	if got := search("gopher"); len(got) != 0 {
		t.Errorf("search gopher after deleting its guide = %v, want nothing", got)
	}
	var certs int
	if err := d.W.GetContext(ctx, &certs, `SELECT count(*) FROM certificates WHERE guide_id IS NULL AND user_id = 3`); err != nil || certs != 1 {
		t.Errorf("certificates kept with no guide = %d (%v), want 1 (ON DELETE SET NULL)", certs, err)
	}
}

// schemaObject is a row of sqlite_master.
type schemaObject struct{ typ, table, sql string }

func schema(t *testing.T, h *sqlx.DB) map[string]schemaObject {
	t.Helper()
	rows, err := h.Query(`SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]schemaObject{}
	for rows.Next() {
		var o schemaObject
		var name string
		if err := rows.Scan(&o.typ, &name, &o.table, &o.sql); err != nil {
			t.Fatal(err)
		}
		out[name] = o
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// normSQL drops comments, quotes, layout and AUTOINCREMENT from a schema
// statement, so two that differ only in those compare equal.
func normSQL(s string) string {
	s = strings.ReplaceAll(s, " AUTOINCREMENT", "")
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line, _, _ = strings.Cut(line, "--")
		b.WriteString(line)
		b.WriteByte(' ')
	}
	s = strings.Join(strings.Fields(strings.ReplaceAll(b.String(), `"`, "")), " ")
	for _, p := range []string{"(", ")", ","} {
		s = strings.ReplaceAll(s, " "+p, p)
		s = strings.ReplaceAll(s, p+" ", p)
	}
	return s
}

// dump returns table's rows, each formatted as one string, sorted.
func dump(t *testing.T, h *sqlx.DB, table string) []string {
	t.Helper()
	rows, err := h.Queryx(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprintf("%s=%v", cols[i], v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
