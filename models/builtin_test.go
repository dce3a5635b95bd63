package models_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"stepwise"
	"stepwise/models"
)

func TestLoadBuiltinGuidesIsIdempotent(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	n, err := m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides())
	if err != nil || n != 1 {
		t.Fatalf("first load: got %d, %v; want 1 guide", n, err)
	}
	g, err := m.Guides.BySlug(ctx, "backend-web-development")
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := m.Steps.List(ctx, g.ID)
	if len(steps) != 10 {
		t.Fatalf("steps: got %d, want 10", len(steps))
	}
	for i, s := range steps {
		if s.Position != i+1 || s.Title == "" {
			t.Errorf("step %d: got position %d title %q", i+1, s.Position, s.Title)
		}
		st, err := m.Steps.At(ctx, g.ID, s.Position)
		if err != nil || !strings.Contains(st.BodyHTML, "<h2") || !strings.Contains(st.BodyHTML, `class="chroma"`) {
			t.Errorf("step %d body: want rendered headings and a highlighted code block (err %v)", s.Position, err)
		}
	}

	// An author's edit survives a restart, and nothing is duplicated.
	if _, err := testDB(m).Exec(ctx, `UPDATE steps SET title = 'Edited' WHERE guide_id = ? AND position = 1`, g.ID); err != nil {
		t.Fatal(err)
	}
	n, err = m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides())
	if err != nil || n != 0 {
		t.Fatalf("second load: got %d, %v; want 0", n, err)
	}
	steps, _ = m.Steps.List(ctx, g.ID)
	if len(steps) != 10 || steps[0].Title != "Edited" {
		t.Errorf("after reload: got %d steps, first %q; want 10, Edited", len(steps), steps[0].Title)
	}
}

func TestParseFrontMatter(t *testing.T) {
	t.Parallel()
	var meta models.StepFile
	body, err := models.ParseFrontMatter([]byte("---\r\ntitle: \"Hello: world\"\r\n---\r\nBody\r\n"), &meta)
	if err != nil || meta.Title != "Hello: world" || body != "Body\n" {
		t.Errorf("got %q %q %v", meta.Title, body, err)
	}
	for _, bad := range []string{"no front matter", "---\ntitle: x\n", "---\ntitle: [unclosed\n---\n"} {
		if _, err := models.ParseFrontMatter([]byte(bad), &meta); err == nil {
			t.Errorf("%q: got no error, want one", bad)
		}
	}
}

func testDB(m *models.Models) interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
} {
	return m.DB()
}
