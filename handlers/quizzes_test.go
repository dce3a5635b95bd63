package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"stepwise/models"
)

// quizFixture is the step-3 quiz of the built-in guide with its right
// answers, read from the database.
type quizFixture struct {
	step      models.Step
	questions []models.Question
}

func loadQuiz(t *testing.T, srv *server, slug string, n int) quizFixture {
	t.Helper()
	ctx := context.Background()
	_, step, err := srv.Models.Steps.Page(ctx, slug, n)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := srv.Models.Quizzes.Questions(ctx, step.ID)
	if err != nil || len(qs) == 0 {
		t.Fatalf("quiz of %s step %d: %d questions, %v", slug, n, len(qs), err)
	}
	return quizFixture{step: step, questions: qs}
}

// answers is a form answering every question right (or, with wrong, the
// first question wrong).
func (f quizFixture) answers(tok string, wrong bool) url.Values {
	form := url.Values{"csrf_token": {tok}}
	for i, q := range f.questions {
		key := fmt.Sprintf("q%d", q.ID)
		for _, c := range q.Correct() {
			form.Add(key, fmt.Sprint(c))
		}
		if wrong && i == 0 {
			for j, c := range q.Choices {
				if !c.Correct {
					form[key] = []string{fmt.Sprint(j)}
					break
				}
			}
		}
	}
	return form
}

func signupAs(t *testing.T, srv *server, email, role string) *client {
	t.Helper()
	c := srv.client()
	c.signup(email, "User "+email, email+" glacier orbit tandem")
	if role != models.RoleLearner {
		if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, email).ID, role); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestQuizAnswerRightWrongAndRetry(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := loadQuiz(t, srv, "backend-web-development", 3)
	c := signupAs(t, srv, "ada@example.com", models.RoleLearner)

	page := c.get(step3)
	wantStatus(t, page, http.StatusOK)
	if n := page.testid(t, "quiz").Find("fieldset").Length(); n != len(f.questions) {
		t.Fatalf("step page shows %d questions, want %d", n, len(f.questions))
	}
	if page.testid(t, "quiz-result").Length() != 0 || page.testid(t, "quiz-explanation").Length() != 0 {
		t.Errorf("a result or explanation before any attempt")
	}
	if page.testid(t, "quiz-required").Length() != 0 {
		t.Errorf("the built-in guide does not require quizzes by default")
	}
	tok := c.csrf(step3)

	// Wrong, through htmx: the quiz region comes back with the results.
	r := c.post(step3+"/quiz", f.answers(tok, true), "HX-Request", "true")
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "quiz").Length() != 1 || strings.Contains(r.Body, "<html") {
		t.Fatalf("htmx answer: want the quiz fragment alone; got %.300s", r.Body)
	}
	if got := r.testid(t, "quiz-result").Text(); !strings.Contains(got, "Read the explanations and try again") {
		t.Errorf("result after a wrong answer: %q", got)
	}
	if got := r.testid(t, "quiz-verdict").First().Text(); got != "Not quite." {
		t.Errorf("first question's verdict: %q, want Not quite.", got)
	}
	if n := r.testid(t, "quiz-explanation").Length(); n != len(f.questions) {
		t.Errorf("explanations shown: %d, want %d", n, len(f.questions))
	}
	if !strings.Contains(r.Body, f.questions[0].Explanation[:20]) {
		t.Errorf("the first explanation is not shown")
	}
	if got := r.testid(t, "quiz-submit").Text(); !strings.Contains(got, "Try again") {
		t.Errorf("submit after an attempt: %q, want Try again", got)
	}

	// Retry without JavaScript: 303 back to the step, which shows the
	// latest attempt.
	r = c.post(step3+"/quiz", f.answers(tok, false))
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != step3+"#quiz" {
		t.Errorf("redirect to %q, want %q", loc, step3+"#quiz")
	}
	page = c.get(step3)
	if got := page.testid(t, "quiz-result").Text(); !strings.Contains(got, "Well done") {
		t.Errorf("result after retry: %q", got)
	}
	if n := page.testid(t, "quiz-verdict").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == "Right." }).Length(); n != len(f.questions) {
		t.Errorf("right verdicts: %d, want %d", n, len(f.questions))
	}
	var attempts int
	if err := srv.DB.Get(context.Background(), &attempts, `SELECT count(*) FROM quiz_attempts WHERE step_id = ?`, f.step.ID); err != nil || attempts != 2 {
		t.Errorf("attempts stored: %d, %v; want 2", attempts, err)
	}
}

// Attempts belong to the signed-in user: a forged user id is ignored and
// nobody sees or changes another's attempts. A visitor cannot answer.
func TestQuizAttemptsArePerUser(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx := context.Background()
	f := loadQuiz(t, srv, "backend-web-development", 3)
	alice := signupAs(t, srv, "alice@example.com", models.RoleLearner)
	bob := signupAs(t, srv, "bob@example.com", models.RoleLearner)
	aliceID := mustUser(t, srv, "alice@example.com").ID

	wantStatus(t, alice.post(step3+"/quiz", f.answers(alice.csrf(step3), false)), http.StatusSeeOther)
	// Bob answers wrong, claiming to be Alice.
	form := f.answers(bob.csrf(step3), true)
	form.Set("user_id", fmt.Sprint(aliceID))
	form.Set("user", fmt.Sprint(aliceID))
	wantStatus(t, bob.post(step3+"/quiz", form), http.StatusSeeOther)

	qa, _ := srv.Models.Quizzes.ForStep(ctx, f.step.ID, aliceID)
	if !qa.LastPassed {
		t.Errorf("alice's latest attempt was changed by bob's forged post")
	}
	qb, _ := srv.Models.Quizzes.ForStep(ctx, f.step.ID, mustUser(t, srv, "bob@example.com").ID)
	if !qb.Attempted || qb.LastPassed {
		t.Errorf("bob's attempt: %+v; want attempted and failed", qb)
	}
	if got := bob.get(step3).testid(t, "quiz-result").Text(); strings.Contains(got, "Well done") {
		t.Errorf("bob sees alice's result: %q", got)
	}
	if got := alice.get(step3).testid(t, "quiz-result").Text(); !strings.Contains(got, "Well done") {
		t.Errorf("alice's own result: %q", got)
	}

	// A visitor sees the questions and a way to log in, and cannot answer.
	visitor := srv.client()
	page := visitor.get(step3)
	if page.testid(t, "quiz-login").Length() != 1 || page.testid(t, "quiz-submit").Length() != 0 {
		t.Errorf("visitor: want the log-in link and no submit button")
	}
	if page.testid(t, "quiz").Find("input:not([disabled])").Length() != 0 {
		t.Errorf("visitor: quiz inputs are enabled")
	}
	r := visitor.post(step3+"/quiz", f.answers(visitor.csrf("/login"), false))
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next="+url.QueryEscape(step3) {
		t.Errorf("visitor redirected to %q", loc)
	}
	var n int
	if err := srv.DB.Get(ctx, &n, `SELECT count(*) FROM quiz_attempts`); err != nil || n != 2 {
		t.Errorf("attempts: %d, %v; want 2 (the visitor's was not stored)", n, err)
	}
}

func TestQuizRequiredBlocksCompletion(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := loadQuiz(t, srv, "backend-web-development", 3)
	admin := signupAs(t, srv, "admin@example.com", models.RoleAdmin)
	edit := step3 + "/quiz/edit"
	r := admin.post(edit, url.Values{"csrf_token": {admin.csrf(edit)}, "action": {"required"}, "required": {"on"}})
	wantStatus(t, r, http.StatusSeeOther)

	c := signupAs(t, srv, "lee@example.com", models.RoleLearner)
	page := c.get(step3)
	if got := page.testid(t, "quiz-required").Text(); !strings.Contains(got, "before the step counts as complete") {
		t.Errorf("step page does not say the quiz is required: %q", got)
	}
	tok := c.csrf(step3)
	complete := url.Values{"csrf_token": {tok}, "done": {"true"}}
	// 409, as the API answers the same refusal (it was 422 here).
	r = c.post(step3+"/complete", complete)
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.Body, "Pass this step") {
		t.Errorf("plain refusal does not say why: %.300s", r.Body)
	}
	r = c.post(step3+"/complete", complete, "HX-Request", "true")
	wantStatus(t, r, http.StatusConflict)
	if r.testid(t, "complete-message").Length() != 1 || r.testid(t, "complete-button").Length() != 1 {
		t.Errorf("htmx refusal: want the control with a message; got %.300s", r.Body)
	}
	// A toggle without done is refused too; undoing is always fine.
	wantStatus(t, c.post(step3+"/complete", url.Values{"csrf_token": {tok}}), http.StatusConflict)
	wantStatus(t, c.post(step3+"/complete", url.Values{"csrf_token": {tok}, "done": {"false"}}), http.StatusSeeOther)
	// Failing the quiz does not help.
	wantStatus(t, c.post(step3+"/quiz", f.answers(tok, true)), http.StatusSeeOther)
	wantStatus(t, c.post(step3+"/complete", complete), http.StatusConflict)
	if n := srv.progressRows("lee@example.com"); n != 0 {
		t.Fatalf("progress rows before passing: %d, want 0", n)
	}

	wantStatus(t, c.post(step3+"/quiz", f.answers(tok, false)), http.StatusSeeOther)
	if got := c.get(step3).testid(t, "quiz-required").Text(); !strings.Contains(got, "You passed") {
		t.Errorf("after passing: %q", got)
	}
	wantStatus(t, c.post(step3+"/complete", complete), http.StatusSeeOther)
	if n := srv.progressRows("lee@example.com"); n != 1 {
		t.Errorf("progress rows after passing: %d, want 1", n)
	}
	// A step without a quiz is never blocked.
	if _, err := srv.DB.Exec(context.Background(), `DELETE FROM quiz_questions WHERE step_id IN (SELECT id FROM steps WHERE position = 4)`); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.post(guidePath+"/steps/4/complete", complete), http.StatusSeeOther)
}

// ownGuide loads a one-step guide with a quiz and makes email its author;
// draft unpublishes it.
func ownGuide(t *testing.T, srv *server, slug, email string, draft bool) {
	t.Helper()
	ctx := context.Background()
	fs := fstest.MapFS{
		slug + "/guide.md":  {Data: []byte("---\nslug: " + slug + "\ntitle: Own\n---\nIntro\n")},
		slug + "/01-one.md": {Data: []byte("---\ntitle: One\nquiz:\n  - question: \"Two plus two?\"\n    kind: single\n    choices: [\"3\", \"4\"]\n    answers: [1]\n    explanation: \"Count.\"\n---\nBody\n")},
	}
	if _, err := srv.Models.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
		t.Fatal(err)
	}
	q := `UPDATE guides SET author_id = ? WHERE slug = ?`
	if draft {
		q = `UPDATE guides SET author_id = ?, published_at = NULL WHERE slug = ?`
	}
	if _, err := srv.DB.Exec(ctx, q, mustUser(t, srv, email).ID, slug); err != nil {
		t.Fatal(err)
	}
}

func TestQuizEditorAndStats(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := signupAs(t, srv, "owner@example.com", models.RoleAuthor)
	other := signupAs(t, srv, "other@example.com", models.RoleAuthor)
	learner := signupAs(t, srv, "learner@example.com", models.RoleLearner)
	admin := signupAs(t, srv, "admin@example.com", models.RoleAdmin)
	ownGuide(t, srv, "own", "owner@example.com", false)
	ownGuide(t, srv, "draft", "owner@example.com", true)
	edit := "/guides/own/steps/1/quiz/edit"

	for name, tc := range map[string]struct {
		c    *client
		path string
		want int
	}{
		"owner":            {owner, edit, 200},
		"admin":            {admin, edit, 200},
		"learner":          {learner, edit, 403},
		"other author":     {other, edit, 403},
		"other's draft":    {other, "/guides/draft/steps/1/quiz/edit", 404},
		"owner's draft":    {owner, "/guides/draft/steps/1/quiz/edit", 200},
		"no such step":     {owner, "/guides/own/steps/9/quiz/edit", 404},
		"stats owner":      {owner, "/guides/own/quiz-stats", 200},
		"stats learner":    {learner, "/guides/own/quiz-stats", 403},
		"stats other":      {other, "/guides/own/quiz-stats", 403},
		"stats draft":      {other, "/guides/draft/quiz-stats", 404},
		"stats admin":      {admin, "/guides/own/quiz-stats", 200},
		"stats owner self": {owner, "/guides/draft/quiz-stats", 200},
	} {
		if r := tc.c.get(tc.path); r.StatusCode != tc.want {
			t.Errorf("%s: GET %s got %d, want %d", name, tc.path, r.StatusCode, tc.want)
		}
	}

	// Forbidden changes change nothing.
	ctx := context.Background()
	f := loadQuiz(t, srv, "own", 1)
	for name, c := range map[string]*client{"learner": learner, "other author": other} {
		r := c.post(edit, url.Values{"csrf_token": {c.csrf("/")}, "action": {"delete"}, "id": {fmt.Sprint(f.questions[0].ID)}})
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s deleting a question: got %d, want 403", name, r.StatusCode)
		}
	}
	if qs, _ := srv.Models.Quizzes.Questions(ctx, f.step.ID); len(qs) != 1 {
		t.Fatalf("questions after forbidden deletes: %d, want 1", len(qs))
	}

	// Validation: the input comes back with the errors.
	tok := owner.csrf(edit)
	bad := url.Values{"csrf_token": {tok}, "action": {"save"}, "kind": {"single"}, "prompt": {"Which <b>one</b>?"},
		"choice": {"Alpha", "Beta", "", ""}, "correct": {"0", "1"}, "explanation": {"Because."}}
	r := owner.post(edit, bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	doc := r.doc(t)
	if got := doc.Find("#prompt").Text(); got != "Which <b>one</b>?" {
		t.Errorf("prompt kept as %q", got)
	}
	if got, _ := doc.Find("#choice-1").Attr("value"); got != "Beta" {
		t.Errorf("choice 2 kept as %q", got)
	}
	if _, ok := doc.Find("#correct-1").Attr("checked"); !ok {
		t.Errorf("correct mark not kept")
	}
	if r.testid(t, "correct-error").Length() != 1 {
		t.Errorf("no error for two correct choices in a single-choice question")
	}
	r = owner.post(edit, url.Values{"csrf_token": {tok}, "action": {"save"}, "kind": {"multiple"}, "prompt": {""}, "choice": {"Only"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "prompt-error").Length() != 1 || r.testid(t, "choices-error").Length() != 1 {
		t.Errorf("want prompt and choices errors")
	}

	// Add a true/false question (choices filled in), change it, delete the first.
	r = owner.post(edit, url.Values{"csrf_token": {tok}, "action": {"save"}, "kind": {"truefalse"}, "prompt": {"The sky is green."}, "correct": {"1"}, "explanation": {"It is blue."}})
	wantStatus(t, r, http.StatusSeeOther)
	qs, _ := srv.Models.Quizzes.Questions(ctx, f.step.ID)
	if len(qs) != 2 || qs[1].Choices[1].Text != "False" || !qs[1].Choices[1].Correct {
		t.Fatalf("after add: %+v", qs)
	}
	page := owner.get(edit + "?edit=" + fmt.Sprint(qs[1].ID))
	if got := page.doc(t).Find("#prompt").Text(); got != "The sky is green." {
		t.Errorf("edit form prompt: %q", got)
	}
	r = owner.post(edit, url.Values{"csrf_token": {tok}, "action": {"save"}, "id": {fmt.Sprint(qs[1].ID)}, "kind": {"multiple"},
		"prompt": {"Pick the primes."}, "choice": {"2", "3", "4"}, "correct": {"0", "1"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantStatus(t, owner.post(edit, url.Values{"csrf_token": {tok}, "action": {"delete"}, "id": {fmt.Sprint(qs[0].ID)}}), http.StatusSeeOther)
	qs, _ = srv.Models.Quizzes.Questions(ctx, f.step.ID)
	if len(qs) != 1 || qs[0].Prompt != "Pick the primes." || len(qs[0].Correct()) != 2 {
		t.Fatalf("after edit and delete: %+v", qs)
	}
	if got := owner.get(edit).testid(t, "quiz-question").Length(); got != 1 {
		t.Errorf("editor lists %d questions, want 1", got)
	}

	// Statistics: one learner right, one wrong.
	step := "/guides/own/steps/1"
	f = loadQuiz(t, srv, "own", 1)
	wantStatus(t, learner.post(step+"/quiz", f.answers(learner.csrf(step), false)), http.StatusSeeOther)
	wantStatus(t, other.post(step+"/quiz", f.answers(other.csrf(step), true)), http.StatusSeeOther)
	r = owner.get("/guides/own/quiz-stats")
	if got := r.testid(t, "quiz-stat-answers").Text(); got != "2" {
		t.Errorf("answers: %q, want 2", got)
	}
	if got := strings.TrimSpace(r.testid(t, "quiz-stat-correct").Text()); got != "50%" {
		t.Errorf("share right: %q, want 50%%", got)
	}
}
