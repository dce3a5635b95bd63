package demo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/demo"
	"stepwise/models/markdown"
)

var smallDemo = demo.Options{Users: 5, Guides: 2, Steps: 3, Progress: 0.5, Password: "demo-password"}

// demoSnapshot is what must not change between two seedings with the same
// options, as sorted lines.
type demoSnapshot struct {
	users, guides, steps, progress []string
}

func snapshot(t *testing.T, d *db.DB) demoSnapshot {
	t.Helper()
	ctx := context.Background()
	var s demoSnapshot
	queries := []struct {
		dest *[]string
		q    string
	}{
		{&s.users, `SELECT email || '|' || display_name FROM users`},
		{&s.guides, `SELECT slug || '|' || title || '|' || difficulty || '|' || minutes FROM guides`},
		{&s.steps, `SELECT g.slug || '|' || s.position || '|' || s.title FROM steps s JOIN guides g ON g.id = s.guide_id`},
		{&s.progress, `
			SELECT u.email || '|' || g.slug || '|' || s.position
			FROM progress p
			JOIN users u ON u.id = p.user_id
			JOIN steps s ON s.id = p.step_id
			JOIN guides g ON g.id = p.guide_id AND g.id = s.guide_id`},
	}
	for _, q := range queries {
		if err := d.Select(ctx, q.dest, q.q); err != nil {
			t.Fatalf("%s: %v", q.q, err)
		}
		slices.Sort(*q.dest)
	}
	return s
}

func TestSeedCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	var progress bytes.Buffer
	stats, err := demo.Seed(ctx, d, smallDemo, &progress)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	// Each user completes half of the 6 steps.
	want := demo.Stats{Users: 5, Guides: 2, Steps: 6, Progress: 15}
	stats.Elapsed = 0
	if stats != want {
		t.Errorf("stats = %+v, want %+v", stats, want)
	}
	s := snapshot(t, d)
	if len(s.users) != 5 || len(s.guides) != 2 || len(s.steps) != 6 || len(s.progress) != 15 {
		t.Errorf("stored %d users, %d guides, %d steps, %d progress rows; want 5, 2, 6, 15",
			len(s.users), len(s.guides), len(s.steps), len(s.progress))
	}
	for i := 1; i <= 5; i++ {
		if !slices.ContainsFunc(s.users, func(u string) bool { return strings.HasPrefix(u, fmt.Sprintf("user%d@example.com|", i)) }) {
			t.Errorf("user%d@example.com missing from %q", i, s.users)
		}
	}
	for _, line := range []string{"users 5/5", "guides 2/2", "progress 15 rows"} {
		if !strings.Contains(progress.String(), line) {
			t.Errorf("progress output lacks %q:\n%s", line, progress.String())
		}
	}

	// Guides are published and listed; step bodies are the rendered
	// Markdown, with a heading, a list and highlighted code.
	m := models.New(d)
	cards, _, err := m.Guides.Catalogue(ctx, 0, models.CatalogueQuery{}, 1, 10)
	if err != nil || len(cards) != 2 || cards[0].Slug != "demo-guide-1" || cards[0].StepCount != 3 {
		t.Fatalf("Published = %+v, %v; want demo-guide-1 and -2 with 3 steps", cards, err)
	}
	var bodies []struct {
		MD   string `db:"body_md"`
		HTML string `db:"body_html"`
	}
	if err := d.Select(ctx, &bodies, `SELECT body_md, body_html FROM steps`); err != nil {
		t.Fatal(err)
	}
	for _, b := range bodies {
		for _, tag := range []string{"<h2", "<ul>", "<pre", "<code"} {
			if !strings.Contains(b.HTML, tag) {
				t.Errorf("step HTML lacks %s:\n%s", tag, b.HTML)
			}
		}
		// The seeder renders repeated blocks once; the result must be what
		// rendering the whole body gives.
		if whole, err := markdown.Render(b.MD); err != nil || whole != b.HTML {
			t.Errorf("stored HTML differs from markdown.Render(body_md) (err %v)", err)
		}
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := dbtest.New(t), dbtest.New(t)
	for _, d := range []*db.DB{a, b} {
		if _, err := demo.Seed(ctx, d, smallDemo, nil); err != nil {
			t.Fatalf("Seed: %v", err)
		}
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	for _, c := range []struct {
		name string
		a, b []string
	}{
		{"users", sa.users, sb.users},
		{"guides", sa.guides, sb.guides},
		{"steps", sa.steps, sb.steps},
		{"progress", sa.progress, sb.progress},
	} {
		if !slices.Equal(c.a, c.b) {
			t.Errorf("%s differ between two seedings:\n%q\n%q", c.name, c.a, c.b)
		}
	}
}

func TestSeedUsersCanLogIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	if _, err := demo.Seed(ctx, d, smallDemo, nil); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	users := models.New(d).Users
	for _, email := range []string{"user1@example.com", "user5@example.com"} {
		u, err := users.Authenticate(ctx, email, smallDemo.Password)
		if err != nil || u.Email != email || u.DisplayName == "" {
			t.Errorf("Authenticate(%s) = %+v, %v", email, u, err)
		}
	}
	if _, err := users.Authenticate(ctx, "user1@example.com", "wrong-password"); !errors.Is(err, models.ErrInvalidCredentials) {
		t.Errorf("wrong password: err = %v, want ErrInvalidCredentials", err)
	}
}

func TestSeedRefusesNonEmptyDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	if _, err := demo.Seed(ctx, d, smallDemo, nil); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	before := snapshot(t, d)
	if _, err := demo.Seed(ctx, d, smallDemo, nil); !errors.Is(err, demo.ErrNotFresh) {
		t.Fatalf("second Seed: err = %v, want ErrNotFresh", err)
	}
	if after := snapshot(t, d); !slices.Equal(before.progress, after.progress) || !slices.Equal(before.users, after.users) {
		t.Error("refused seeding changed the database")
	}

	// A database with a real account is refused too.
	d2 := dbtest.New(t)
	if _, err := models.New(d2).Users.Create(ctx, models.NewUser{Email: "a@example.com", DisplayName: "A", Password: "password123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, d2, smallDemo, nil); !errors.Is(err, demo.ErrNotFresh) {
		t.Errorf("Seed over a real account: err = %v, want ErrNotFresh", err)
	}
}

func TestSeedValidatesOptions(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	for _, o := range []demo.Options{
		{Users: 0, Guides: 1, Steps: 1, Progress: 0.5, Password: "demo-password"},
		{Users: 1, Guides: 1, Steps: 1, Progress: 1.5, Password: "demo-password"},
		{Users: 1, Guides: 1, Steps: 1, Progress: 0.5, Password: "short"},
	} {
		if _, err := demo.Seed(context.Background(), d, o, nil); err == nil {
			t.Errorf("Seed(%+v) succeeded, want a validation error", o)
		}
	}
}
