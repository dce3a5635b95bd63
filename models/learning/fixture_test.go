package learning_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/learning"
)

// lab is a real database with a published two-step guide "lab" whose
// first step has a one-question quiz (choice 1 is right), the same guide
// as a draft "draft-lab" owned by author, a learner, and an admin's
// webhook subscribed to the learning events.
type lab struct {
	t        *testing.T
	d        *db.DB
	m        *models.Models
	ops      *learning.Service
	learner  *models.User
	author   *models.User
	question int64
}

func newLab(t *testing.T) *lab {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	m := models.New(d)
	quiz := "quiz:\n  - {question: Which one, kind: single, choices: [a, b], answers: [1]}\n"
	fs := fstest.MapFS{}
	for _, slug := range []string{"lab", "draft-lab"} {
		fs[slug+"/guide.md"] = &fstest.MapFile{Data: []byte("---\nslug: " + slug + "\ntitle: Lab " + slug + "\n---\nIntro\n")}
		fs[slug+"/01.md"] = &fstest.MapFile{Data: []byte("---\ntitle: First\n" + quiz + "---\nBody\n")}
		fs[slug+"/02.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Second\n---\nBody\n")}
	}
	if _, err := m.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
		t.Fatal(err)
	}
	l := &lab{t: t, d: d, m: m, ops: learning.New(d, m)}
	l.learner = l.user("learner@example.com", models.RoleLearner)
	l.author = l.user("author@example.com", models.RoleAuthor)
	admin := l.user("admin@example.com", models.RoleAdmin)
	l.exec(`UPDATE guides SET published_at = NULL, author_id = ? WHERE slug = 'draft-lab'`, l.author.ID)
	l.exec(`INSERT INTO webhooks (user_id, url, secret, events, created_at) VALUES (?, 'https://hooks.example.com/lab', ?, ?, ?)`,
		admin.ID, []byte{0}, models.EventStepCompleted+","+models.EventGuideCompleted, time.Now().UTC())
	if err := d.Get(ctx, &l.question, `
		SELECT q.id FROM quiz_questions q JOIN steps s ON s.id = q.step_id JOIN guides g ON g.id = s.guide_id
		WHERE g.slug = 'lab'`); err != nil {
		t.Fatal(err)
	}
	return l
}

// user adds an account without a password: these tests never sign in.
func (l *lab) user(email, role string) *models.User {
	l.t.Helper()
	now := time.Now().UTC()
	l.exec(`INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at) VALUES (?, ?, '!', ?, ?, ?)`,
		email, "User "+email, role, now, now)
	u, err := l.m.Users.ByEmail(context.Background(), email)
	if err != nil {
		l.t.Fatal(err)
	}
	return &u
}

func (l *lab) exec(query string, args ...any) {
	l.t.Helper()
	if _, err := l.d.Exec(context.Background(), query, args...); err != nil {
		l.t.Fatal(err)
	}
}

// count runs a count(*) query.
func (l *lab) count(query string, args ...any) int {
	l.t.Helper()
	var n int
	if err := l.d.Get(context.Background(), &n, query, args...); err != nil {
		l.t.Fatal(err)
	}
	return n
}

// events is how many webhook events of name were queued.
func (l *lab) events(name string) int {
	return l.count(`SELECT count(*) FROM webhook_deliveries WHERE event = ?`, name)
}

// requireQuizzes makes the lab guide require its quizzes.
func (l *lab) requireQuizzes() {
	l.exec(`UPDATE guides SET quiz_required = TRUE WHERE slug = 'lab'`)
}

// pass answers the lab quiz right as the learner.
func (l *lab) pass() {
	l.t.Helper()
	res, err := l.ops.AnswerQuiz(context.Background(), l.learner, learning.QuizAnswers{
		StepRef: learning.StepRef{Guide: "lab", Step: 1}, Answers: map[string][]int{key(l.question): {1}},
	})
	if err != nil || !res.Passed {
		l.t.Fatalf("pass the quiz: %+v, %v", res, err)
	}
}

// wantRefusal fails unless err is a refusal of kind with code.
func wantRefusal(t *testing.T, err error, kind models.RefusalKind, code string) *models.Refusal {
	t.Helper()
	r, ok := models.AsRefusal(err)
	if !ok {
		t.Fatalf("error %v is not a refusal; want %s %q", err, kind, code)
	}
	var typed *models.Refusal
	if !errors.As(err, &typed) {
		t.Fatalf("error %v is a store sentinel, not the operation's refusal", err)
	}
	if r.Kind != kind || r.Code != code {
		t.Fatalf("refusal %s %q (%s), want %s %q", r.Kind, r.Code, r.Reason, kind, code)
	}
	return r
}

// key is a question id as AnswerQuiz takes it.
func key(id int64) string { return strconv.FormatInt(id, 10) }
