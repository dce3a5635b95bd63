package models

import (
	"context"
	"fmt"
	"strings"
)

// ArchiveError is a guide archive refused for a reason the user can fix;
// its message says what is wrong. Reading the zip (package guidezip) and
// storing what it holds (ImportGuide) both refuse with it.
type ArchiveError struct{ Msg string }

func (e *ArchiveError) Error() string { return e.Msg }

// ArchiveErrorf is an *ArchiveError with a formatted message.
func ArchiveErrorf(format string, a ...any) error {
	return &ArchiveError{Msg: fmt.Sprintf(format, a...)}
}

// GuideArchive is a guide as files: guide.md, one Markdown file per step
// and the images its Markdown references, by file name (sha256 + ext).
// Package guidezip reads and writes it as a zip.
type GuideArchive struct {
	Guide  GuideFile
	Steps  []StepFile
	Images map[string][]byte
}

// ExportGuide reads guideID as a GuideArchive: the Markdown sources, tags
// and images (fetched from the store).
func (m *Images) ExportGuide(ctx context.Context, guideID int64) (GuideArchive, error) {
	var a GuideArchive
	var g struct {
		Slug       string `db:"slug"`
		Title      string `db:"title"`
		Summary    string `db:"summary"`
		Difficulty string `db:"difficulty"`
		Minutes    int    `db:"minutes"`
		IntroMD    string `db:"intro_md"`
	}
	err := m.db.Get(ctx, &g, `
		SELECT slug, title, summary, difficulty, minutes, intro_md FROM guides WHERE id = ?`, guideID)
	if err != nil {
		return a, fmt.Errorf("export guide: %w", err)
	}
	a.Guide = GuideFile{Slug: g.Slug, Title: g.Title, Summary: g.Summary, Difficulty: g.Difficulty, Minutes: g.Minutes, Body: g.IntroMD}
	if err := m.db.Select(ctx, &a.Guide.Tags, `SELECT tag FROM guide_tags WHERE guide_id = ? ORDER BY tag`, guideID); err != nil {
		return a, fmt.Errorf("export tags: %w", err)
	}
	var steps []struct {
		ID     int64  `db:"id"`
		Title  string `db:"title"`
		BodyMD string `db:"body_md"`
	}
	if err := m.db.Select(ctx, &steps, `SELECT id, title, body_md FROM steps WHERE guide_id = ? ORDER BY position`, guideID); err != nil {
		return a, fmt.Errorf("export steps: %w", err)
	}
	index := map[int64]int{}
	for i, s := range steps {
		a.Steps = append(a.Steps, StepFile{Title: s.Title, Body: s.BodyMD})
		index[s.ID] = i
	}
	var questions []Question
	err = m.db.Select(ctx, &questions, `
		SELECT q.id, q.step_id, q.position, q.kind, q.prompt, q.choices, q.explanation
		FROM quiz_questions q JOIN steps s ON s.id = q.step_id
		WHERE s.guide_id = ? ORDER BY s.position, q.position, q.id`, guideID)
	if err != nil {
		return a, fmt.Errorf("export quizzes: %w", err)
	}
	for _, q := range questions {
		qf := QuizFile{Question: q.Prompt, Kind: q.Kind, Answers: q.Correct(), Explanation: q.Explanation}
		for _, c := range q.Choices {
			qf.Choices = append(qf.Choices, c.Text)
		}
		i := index[q.StepID]
		a.Steps[i].Quiz = append(a.Steps[i].Quiz, qf)
	}
	imgs, err := m.ForGuide(ctx, guideID)
	if err != nil {
		return a, err
	}
	a.Images = map[string][]byte{}
	for _, img := range imgs {
		data, err := m.Store.Get(ctx, img.Key())
		if err != nil {
			return a, fmt.Errorf("export image %s: %w", img.Key(), err)
		}
		a.Images[img.Key()] = data
	}
	return a, nil
}

// ClipName keeps a file or step name quoted in an ArchiveError short.
func ClipName(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
