package models

import (
	"context"
	"fmt"
	"strings"

	"stepwise/db"
)

// QuizFile is one question in a step file's front matter: answers are the
// zero-based indexes of the correct choices.
type QuizFile struct {
	Question    string   `yaml:"question"`
	Kind        string   `yaml:"kind"`
	Choices     []string `yaml:"choices"`
	Answers     []int    `yaml:"answers"`
	Explanation string   `yaml:"explanation"`
}

// Input is the question as the quiz store takes it, normalized.
func (f QuizFile) Input() QuestionInput {
	in := QuestionInput{Kind: f.Kind, Prompt: f.Question, Explanation: f.Explanation}
	for i, c := range f.Choices {
		correct := false
		for _, a := range f.Answers {
			correct = correct || a == i
		}
		in.Choices = append(in.Choices, Choice{Text: c, Correct: correct})
	}
	in.Normalize()
	return in
}

// addBuiltinQuizzes gives the steps of the built-in guide with slug the
// quizzes of their files, once: a step gets its file's quiz only if it
// still has the file's title at the file's position and has no question
// yet, and the guide is then marked so that questions an author deleted
// are never added back. Run inside the loader's transaction.
func addBuiltinQuizzes(ctx context.Context, d *db.DB, slug string, steps []StepFile) error {
	var guides []int64
	err := d.Select(ctx, &guides, `
		SELECT id FROM guides WHERE slug = ? AND author_id IS NULL AND NOT builtin_quizzes_loaded`, slug)
	if err != nil {
		return fmt.Errorf("builtin quizzes: %w", err)
	}
	if len(guides) == 0 {
		return nil
	}
	var rows []struct {
		ID        int64  `db:"id"`
		Position  int    `db:"position"`
		Title     string `db:"title"`
		Questions int    `db:"questions"`
	}
	err = d.Select(ctx, &rows, `
		SELECT s.id, s.position, s.title,
		       (SELECT count(*) FROM quiz_questions q WHERE q.step_id = s.id) AS questions
		FROM steps s WHERE s.guide_id = ? ORDER BY s.position`, guides[0])
	if err != nil {
		return fmt.Errorf("builtin quizzes: %w", err)
	}
	t := now()
	for _, r := range rows {
		i := r.Position - 1
		if i < 0 || i >= len(steps) || steps[i].Title != r.Title || r.Questions > 0 {
			continue
		}
		for j, qf := range steps[i].Quiz {
			in := qf.Input()
			if fe := in.Validate(); fe.Any() {
				return fmt.Errorf("step %d, question %d: %s", r.Position, j+1, joinErrors(fe))
			}
			if _, err := addQuestion(ctx, d, r.ID, in, t); err != nil {
				return err
			}
		}
	}
	if _, err := d.Exec(ctx, `UPDATE guides SET builtin_quizzes_loaded = ? WHERE id = ?`, true, guides[0]); err != nil {
		return fmt.Errorf("builtin quizzes: %w", err)
	}
	return nil
}

func joinErrors(fe FieldErrors) string {
	parts := make([]string, 0, len(fe))
	for k, v := range fe {
		parts = append(parts, k+": "+v)
	}
	return strings.Join(parts, "; ")
}
