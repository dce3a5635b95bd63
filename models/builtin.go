package models

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"stepwise/db"
	"stepwise/models/markdown"
)

// GuideFile is a guide's front matter (guide.md in a guide's folder).
type GuideFile struct {
	Slug       string   `yaml:"slug"`
	Title      string   `yaml:"title"`
	Summary    string   `yaml:"summary"`
	Difficulty string   `yaml:"difficulty"`
	Minutes    int      `yaml:"minutes"`
	Tags       []string `yaml:"tags"`
	Body       string   `yaml:"-"`
}

// StepFile is a step's front matter (NN-name.md in a guide's folder).
type StepFile struct {
	Title string `yaml:"title"`
	// Quiz is the step's checkpoint quiz (quizzes_builtin.go).
	Quiz []QuizFile `yaml:"quiz"`
	Body string     `yaml:"-"`
}

// ParseFrontMatter splits a Markdown file into its YAML front matter
// (between --- lines at the top), decoded into meta, and its body.
func ParseFrontMatter(src []byte, meta any) (string, error) {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return "", errors.New("missing front matter (a --- line at the top)")
	}
	rest := src[4:]
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		if bytes.HasSuffix(rest, []byte("\n---")) {
			end = len(rest) - 4
		} else {
			return "", errors.New("front matter is not closed by a --- line")
		}
	}
	if err := yaml.Unmarshal(rest[:end], meta); err != nil {
		return "", fmt.Errorf("front matter: %w", err)
	}
	body := ""
	if end+5 <= len(rest) {
		body = string(rest[end+5:])
	}
	return strings.TrimSpace(body) + "\n", nil
}

// LoadBuiltinGuides stores each guide folder in fsys that is not in the
// database yet. A guide whose slug exists is left alone, so a restart
// neither duplicates it nor overwrites an author's edits.
func (g *Guides) LoadBuiltinGuides(ctx context.Context, fsys fs.FS) (loaded int, err error) {
	dirs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return 0, fmt.Errorf("builtin guides: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		guide, steps, err := ReadGuideFolder(fsys, d.Name())
		if err != nil {
			return loaded, fmt.Errorf("builtin guide %s: %w", d.Name(), err)
		}
		created, err := g.createIfAbsent(ctx, guide, steps)
		if err != nil {
			return loaded, fmt.Errorf("builtin guide %s: %w", d.Name(), err)
		}
		if created {
			loaded++
		}
		if err := g.tagIfUntagged(ctx, guide.Slug, guide.Tags); err != nil {
			return loaded, fmt.Errorf("builtin guide %s: %w", d.Name(), err)
		}
	}
	return loaded, nil
}

// ReadGuideFolder reads the guide in folder dir of fsys: guide.md and its
// NN-name.md steps, in name order. The built-in guides and uploaded
// archives (package guidezip) are read by it alike.
func ReadGuideFolder(fsys fs.FS, dir string) (GuideFile, []StepFile, error) {
	var guide GuideFile
	src, err := fs.ReadFile(fsys, path.Join(dir, "guide.md"))
	if err != nil {
		return guide, nil, err
	}
	if guide.Body, err = ParseFrontMatter(src, &guide); err != nil {
		return guide, nil, fmt.Errorf("guide.md: %w", err)
	}
	if guide.Slug == "" || guide.Title == "" {
		return guide, nil, errors.New("guide.md: slug and title are required")
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return guide, nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && n != "guide.md" && strings.HasSuffix(n, ".md") {
			names = append(names, n)
		}
	}
	sort.Strings(names) // NN- prefixes give the order
	steps := make([]StepFile, 0, len(names))
	for _, n := range names {
		src, err := fs.ReadFile(fsys, path.Join(dir, n))
		if err != nil {
			return guide, nil, err
		}
		var st StepFile
		if st.Body, err = ParseFrontMatter(src, &st); err != nil {
			return guide, nil, fmt.Errorf("%s: %w", n, err)
		}
		if st.Title == "" {
			return guide, nil, fmt.Errorf("%s: title is required", n)
		}
		steps = append(steps, st)
	}
	return guide, steps, nil
}

// createIfAbsent inserts a published guide and its steps in one transaction
// unless a guide with the slug exists.
func (g *Guides) createIfAbsent(ctx context.Context, guide GuideFile, steps []StepFile) (bool, error) {
	intro, err := markdown.Render(guide.Body)
	if err != nil {
		return false, err
	}
	bodies := make([]string, len(steps))
	for i, st := range steps {
		if bodies[i], err = markdown.Render(st.Body); err != nil {
			return false, err
		}
	}
	created := false
	err = g.db.WithTx(ctx, func(ctx context.Context) error {
		var exists bool
		if err := g.db.GetWrite(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM guides WHERE slug = ?)`, guide.Slug); err != nil {
			return err
		}
		if exists {
			// Already there: leave it as it is, but give its steps the
			// quizzes they have never had.
			return addBuiltinQuizzes(ctx, g.db, guide.Slug, steps)
		}
		t := now()
		id, err := insertGuide(ctx, g.db, NewGuide{Slug: guide.Slug, Title: guide.Title, Summary: guide.Summary,
			Difficulty: guide.Difficulty, Minutes: guide.Minutes, IntroMD: guide.Body, IntroHTML: intro, PublishedAt: &t})
		if err != nil {
			return err
		}
		created = true
		if err := insertSteps(ctx, g.db, id, steps, bodies); err != nil {
			return err
		}
		return addBuiltinQuizzes(ctx, g.db, guide.Slug, steps)
	})
	return created, err
}

func insertSteps(ctx context.Context, d *db.DB, guideID int64, steps []StepFile, bodies []string) error {
	t := now()
	for i, st := range steps {
		_, err := d.Exec(ctx, `
			INSERT INTO steps (guide_id, position, title, body_md, body_html, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, guideID, i+1, st.Title, st.Body, bodies[i], t, t)
		if err != nil {
			return fmt.Errorf("insert step %d: %w", i+1, err)
		}
	}
	return nil
}
