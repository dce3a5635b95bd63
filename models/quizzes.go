package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"stepwise/db"
)

// Question kinds.
const (
	QuizSingle    = "single"
	QuizMultiple  = "multiple"
	QuizTrueFalse = "truefalse"
)

// Quiz limits.
const (
	QuizMinChoices        = 2
	QuizMaxChoices        = 8
	QuizPromptMaxLen      = 1000
	QuizChoiceMaxLen      = 300
	QuizExplanationMaxLen = 2000
)

// Choice is one answer a question offers.
type Choice struct {
	Text    string `json:"text"`
	Correct bool   `json:"correct"`
}

// Choices is a question's choices, stored as one JSON column.
type Choices []Choice

// Value stores the choices as JSON.
func (c Choices) Value() (driver.Value, error) {
	b, err := json.Marshal([]Choice(c))
	return string(b), err
}

// Scan reads the choices from JSON.
func (c *Choices) Scan(src any) error { return scanJSON(src, (*[]Choice)(c)) }

// Indexes is a list of zero-based choice indexes, stored as JSON.
type Indexes []int

// Value stores the indexes as JSON.
func (x Indexes) Value() (driver.Value, error) {
	if x == nil {
		x = Indexes{}
	}
	b, err := json.Marshal([]int(x))
	return string(b), err
}

// Scan reads the indexes from JSON; NULL is none.
func (x *Indexes) Scan(src any) error { return scanJSON(src, (*[]int)(x)) }

func scanJSON(src, dest any) error {
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(v), dest)
	case []byte:
		return json.Unmarshal(v, dest)
	}
	return fmt.Errorf("scan json: unexpected %T", src)
}

// Question is one question of a step's quiz.
type Question struct {
	ID          int64   `db:"id"`
	StepID      int64   `db:"step_id"`
	Position    int     `db:"position"`
	Kind        string  `db:"kind"`
	Prompt      string  `db:"prompt"`
	Choices     Choices `db:"choices"`
	Explanation string  `db:"explanation"`
}

// Correct is the indexes of the correct choices, in order.
func (q Question) Correct() []int {
	var out []int
	for i, c := range q.Choices {
		if c.Correct {
			out = append(out, i)
		}
	}
	return out
}

// QuestionInput is what an author writes for a question.
type QuestionInput struct {
	Kind        string
	Prompt      string
	Explanation string
	Choices     []Choice
}

// Normalize trims the text and drops empty choices.
func (in *QuestionInput) Normalize() {
	in.Kind = strings.TrimSpace(in.Kind)
	in.Prompt = strings.TrimSpace(in.Prompt)
	in.Explanation = strings.TrimSpace(in.Explanation)
	kept := in.Choices[:0:0]
	for _, c := range in.Choices {
		c.Text = strings.TrimSpace(c.Text)
		if c.Text != "" {
			kept = append(kept, c)
		}
	}
	in.Choices = kept
}

// Validate returns per-field messages (fields kind, prompt, choices,
// correct, explanation) for a question that cannot be stored.
func (in QuestionInput) Validate() FieldErrors {
	fe := FieldErrors{}
	switch in.Kind {
	case QuizSingle, QuizMultiple, QuizTrueFalse:
	default:
		fe.Add("kind", "Choose single choice, multiple choice or true/false.")
	}
	switch {
	case in.Prompt == "":
		fe.Add("prompt", "Write the question.")
	case !utf8.ValidString(in.Prompt) || utf8.RuneCountInString(in.Prompt) > QuizPromptMaxLen:
		fe.Add("prompt", fmt.Sprintf("The question must be text of at most %d characters.", QuizPromptMaxLen))
	}
	if !utf8.ValidString(in.Explanation) || utf8.RuneCountInString(in.Explanation) > QuizExplanationMaxLen {
		fe.Add("explanation", fmt.Sprintf("The explanation must be text of at most %d characters.", QuizExplanationMaxLen))
	}
	if in.Kind == QuizTrueFalse && len(in.Choices) != 2 {
		fe.Add("choices", "A true/false question has exactly two choices.")
	}
	if len(in.Choices) < QuizMinChoices || len(in.Choices) > QuizMaxChoices {
		fe.Add("choices", fmt.Sprintf("Give between %d and %d choices.", QuizMinChoices, QuizMaxChoices))
	}
	correct := 0
	for _, c := range in.Choices {
		if !utf8.ValidString(c.Text) || utf8.RuneCountInString(c.Text) > QuizChoiceMaxLen {
			fe.Add("choices", fmt.Sprintf("Each choice must be text of at most %d characters.", QuizChoiceMaxLen))
		}
		if c.Correct {
			correct++
		}
	}
	switch {
	case in.Kind == QuizMultiple && correct < 1:
		fe.Add("correct", "Mark at least one choice as correct.")
	case in.Kind != QuizMultiple && correct != 1:
		fe.Add("correct", "Mark exactly one choice as correct.")
	}
	return fe
}

// AnsweredQuestion is a question with the viewer's answer in their latest
// attempt, if they gave one.
type AnsweredQuestion struct {
	Question
	Answered bool
	Chosen   Indexes
	Right    bool
}

// IsChosen reports whether choice i was picked in the latest attempt.
func (a AnsweredQuestion) IsChosen(i int) bool {
	for _, c := range a.Chosen {
		if c == i {
			return true
		}
	}
	return false
}

// StepQuiz is a step's quiz as a viewer sees it.
type StepQuiz struct {
	Questions []AnsweredQuestion
	// Required: the guide requires passing the quiz to complete the step.
	Required bool
	// Attempted: the viewer answered at least once; LastPassed is whether
	// the latest attempt got every question right, Passed whether any did.
	Attempted  bool
	LastPassed bool
	Passed     bool
}

// HasQuiz reports whether the step has any question.
func (q StepQuiz) HasQuiz() bool { return len(q.Questions) > 0 }

// QuestionStats is how learners fare on one question.
type QuestionStats struct {
	QuestionID   int64  `db:"question_id"`
	StepPosition int    `db:"step_position"`
	StepTitle    string `db:"step_title"`
	Position     int    `db:"position"`
	Prompt       string `db:"prompt"`
	Answers      int    `db:"answers"`
	Correct      int    `db:"correct"`
}

// PercentCorrect is the share of answers that were right, 0–100.
func (s QuestionStats) PercentCorrect() int { return Percent(s.Correct, s.Answers) }

// Quizzes stores questions and learners' attempts.
type Quizzes struct {
	db  *db.DB
	now func() time.Time
}

// ForStep returns the step's questions in order with userID's latest
// attempt (userID 0 for a visitor) in one query.
func (q *Quizzes) ForStep(ctx context.Context, stepID, userID int64) (StepQuiz, error) {
	var rows []struct {
		Question
		Required   bool    `db:"required"`
		Attempted  bool    `db:"attempted"`
		LastPassed bool    `db:"last_passed"`
		Passed     bool    `db:"ever_passed"`
		Answered   bool    `db:"answered"`
		Chosen     Indexes `db:"chosen"`
		Right      bool    `db:"answer_correct"`
	}
	err := q.db.Select(ctx, &rows, `
		SELECT qq.id, qq.step_id, qq.position, qq.kind, qq.prompt, qq.choices, qq.explanation,
		       g.quiz_required AS required,
		       la.id IS NOT NULL AS attempted,
		       coalesce(la.passed, FALSE) AS last_passed,
		       EXISTS (SELECT 1 FROM quiz_attempts p WHERE p.user_id = ? AND p.step_id = qq.step_id AND p.passed) AS ever_passed,
		       a.attempt_id IS NOT NULL AS answered,
		       a.chosen AS chosen,
		       coalesce(a.correct, FALSE) AS answer_correct
		FROM quiz_questions qq
		JOIN steps s ON s.id = qq.step_id
		JOIN guides g ON g.id = s.guide_id
		LEFT JOIN (SELECT id, passed FROM quiz_attempts WHERE user_id = ? AND step_id = ? ORDER BY id DESC LIMIT 1) la ON 1 = 1
		LEFT JOIN quiz_answers a ON a.attempt_id = la.id AND a.question_id = qq.id
		WHERE qq.step_id = ?
		ORDER BY qq.position, qq.id`, userID, userID, stepID, stepID)
	if err != nil {
		return StepQuiz{}, fmt.Errorf("step quiz: %w", err)
	}
	var out StepQuiz
	for _, r := range rows {
		out.Required, out.Attempted, out.LastPassed, out.Passed = r.Required, r.Attempted, r.LastPassed, r.Passed
		out.Questions = append(out.Questions, AnsweredQuestion{Question: r.Question, Answered: r.Answered, Chosen: r.Chosen, Right: r.Right})
	}
	return out, nil
}

// Questions returns the step's questions in order.
func (q *Quizzes) Questions(ctx context.Context, stepID int64) ([]Question, error) {
	var qs []Question
	err := q.db.Select(ctx, &qs, `
		SELECT id, step_id, position, kind, prompt, choices, explanation
		FROM quiz_questions WHERE step_id = ? ORDER BY position, id`, stepID)
	if err != nil {
		return nil, fmt.Errorf("quiz questions: %w", err)
	}
	return qs, nil
}

// Add appends a question to the step's quiz. in must be valid.
func (q *Quizzes) Add(ctx context.Context, stepID int64, in QuestionInput) (int64, error) {
	return addQuestion(ctx, q.db, stepID, in, q.now())
}

func addQuestion(ctx context.Context, d *db.DB, stepID int64, in QuestionInput, t time.Time) (int64, error) {
	var id int64
	err := d.GetWrite(ctx, &id, `
		INSERT INTO quiz_questions (step_id, position, kind, prompt, choices, explanation, created_at, updated_at)
		VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM quiz_questions WHERE step_id = ?), ?, ?, ?, ?, ?, ?)
		RETURNING id`, stepID, stepID, in.Kind, in.Prompt, Choices(in.Choices), in.Explanation, t, t)
	if err != nil {
		return 0, fmt.Errorf("add question: %w", err)
	}
	return id, nil
}

// Update replaces question id of the step; another step's question is
// ErrNotFound.
func (q *Quizzes) Update(ctx context.Context, stepID, id int64, in QuestionInput) error {
	res, err := q.db.Exec(ctx, `
		UPDATE quiz_questions SET kind = ?, prompt = ?, choices = ?, explanation = ?, updated_at = ?
		WHERE id = ? AND step_id = ?`, in.Kind, in.Prompt, Choices(in.Choices), in.Explanation, q.now(), id, stepID)
	return oneRow(res, err, "update question")
}

// Delete removes question id of the step with its answers.
func (q *Quizzes) Delete(ctx context.Context, stepID, id int64) error {
	res, err := q.db.Exec(ctx, `DELETE FROM quiz_questions WHERE id = ? AND step_id = ?`, id, stepID)
	return oneRow(res, err, "delete question")
}

func oneRow(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Required reports whether the guide requires passing each step's quiz.
func (q *Quizzes) Required(ctx context.Context, guideID int64) (bool, error) {
	var req bool
	err := q.db.Get(ctx, &req, `SELECT quiz_required FROM guides WHERE id = ?`, guideID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("quiz required: %w", err)
	}
	return req, nil
}

// SetRequired sets whether the guide requires passing each step's quiz.
func (q *Quizzes) SetRequired(ctx context.Context, guideID int64, required bool) error {
	res, err := q.db.Exec(ctx, `UPDATE guides SET quiz_required = ? WHERE id = ?`, required, guideID)
	return oneRow(res, err, "set quiz required")
}

// Answer records userID's attempt at the step's quiz, whose questions
// qs the caller has just read in its transaction (so they are not read
// again here): chosen maps a question id to the choice indexes picked.
// Ids not in qs and indexes out of range are ignored; an unanswered
// question is wrong. It returns each question with the answer recorded
// and whether every question was right. No questions is ErrNotFound,
// which would otherwise record a vacuous pass.
func (q *Quizzes) Answer(ctx context.Context, userID, stepID int64, qs []Question, chosen map[int64][]int) ([]AnsweredQuestion, bool, error) {
	if len(qs) == 0 {
		return nil, false, ErrNotFound
	}
	answered := make([]AnsweredQuestion, len(qs))
	passed := true
	for i, qu := range qs {
		picks := cleanIndexes(chosen[qu.ID], len(qu.Choices))
		right := equalInts(picks, qu.Correct())
		answered[i] = AnsweredQuestion{Question: qu, Answered: true, Chosen: picks, Right: right}
		passed = passed && right
	}
	err := q.db.WithTx(ctx, func(ctx context.Context) error {
		var attempt int64
		err := q.db.GetWrite(ctx, &attempt, `
			INSERT INTO quiz_attempts (user_id, step_id, passed, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			userID, stepID, passed, q.now())
		if err != nil {
			return fmt.Errorf("answer quiz: %w", err)
		}
		for _, a := range answered {
			_, err := q.db.Exec(ctx, `
				INSERT INTO quiz_answers (attempt_id, question_id, chosen, correct) VALUES (?, ?, ?, ?)`,
				attempt, a.ID, a.Chosen, a.Right)
			if err != nil {
				return fmt.Errorf("answer quiz: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return answered, passed, nil
}

// cleanIndexes keeps the distinct indexes in [0, n), sorted.
func cleanIndexes(in []int, n int) Indexes {
	seen := map[int]bool{}
	out := Indexes{}
	for _, i := range in {
		if i >= 0 && i < n && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MayComplete reports whether userID may mark the step complete as far as
// quizzes go: the guide does not require quizzes, the step has none, or
// the user passed it in some attempt. One query.
func (q *Quizzes) MayComplete(ctx context.Context, userID, stepID int64) (bool, error) {
	var ok bool
	err := q.db.Get(ctx, &ok, `
		SELECT NOT g.quiz_required
		       OR NOT EXISTS (SELECT 1 FROM quiz_questions qq WHERE qq.step_id = s.id)
		       OR EXISTS (SELECT 1 FROM quiz_attempts a WHERE a.user_id = ? AND a.step_id = s.id AND a.passed)
		FROM steps s JOIN guides g ON g.id = s.guide_id
		WHERE s.id = ?`, userID, stepID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("may complete: %w", err)
	}
	return ok, nil
}

// Stats returns, for every question of the guide in step order, how many
// answers it got and how many were right. One query.
func (q *Quizzes) Stats(ctx context.Context, guideID int64) ([]QuestionStats, error) {
	var stats []QuestionStats
	err := q.db.Select(ctx, &stats, `
		SELECT qq.id AS question_id, s.position AS step_position, s.title AS step_title,
		       qq.position, qq.prompt,
		       count(a.attempt_id) AS answers,
		       coalesce(sum(CASE WHEN a.correct THEN 1 ELSE 0 END), 0) AS correct
		FROM steps s
		JOIN quiz_questions qq ON qq.step_id = s.id
		LEFT JOIN quiz_answers a ON a.question_id = qq.id
		WHERE s.guide_id = ?
		GROUP BY qq.id, s.position, s.title, qq.position, qq.prompt
		ORDER BY s.position, qq.position, qq.id`, guideID)
	if err != nil {
		return nil, fmt.Errorf("quiz stats: %w", err)
	}
	return stats, nil
}

// ExportedQuizAnswer is one answer in one of the user's quiz attempts, for
// the user's data download.
type ExportedQuizAnswer struct {
	Attempt    int64     `db:"attempt" json:"attempt"`
	Guide      string    `db:"guide" json:"guide"`
	Step       int       `db:"step" json:"step"`
	StepTitle  string    `db:"step_title" json:"step_title"`
	Question   string    `db:"question" json:"question"`
	Chosen     Indexes   `db:"chosen" json:"chosen"`
	Correct    bool      `db:"correct" json:"correct"`
	Passed     bool      `db:"passed" json:"attempt_passed"`
	AnsweredAt time.Time `db:"answered_at" json:"answered_at"`
}

// Export returns every answer userID gave, oldest attempt first.
func (q *Quizzes) Export(ctx context.Context, userID int64) ([]ExportedQuizAnswer, error) {
	out := []ExportedQuizAnswer{}
	err := q.db.Select(ctx, &out, `
		SELECT a.id AS attempt, g.slug AS guide, s.position AS step, s.title AS step_title,
		       qq.prompt AS question, x.chosen, x.correct, a.passed, a.created_at AS answered_at
		FROM quiz_attempts a
		JOIN steps s ON s.id = a.step_id
		JOIN guides g ON g.id = s.guide_id
		JOIN quiz_answers x ON x.attempt_id = a.id
		JOIN quiz_questions qq ON qq.id = x.question_id
		WHERE a.user_id = ?
		ORDER BY a.id, qq.position, qq.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("export quiz answers: %w", err)
	}
	return out, nil
}
