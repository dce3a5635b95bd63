package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepwise/models"
)

const quizResult = `[data-testid="quiz-result"]`

// clickChoice clicks choice i of question q.
func clickChoice(tb *tab, q models.Question, i int) {
	tb.t.Helper()
	tb.do(fmt.Sprintf("choose q%d-%d", q.ID, i), chromedp.Click(chromedp.CSS(fmt.Sprintf("#q%d-%d", q.ID, i))))
}

// firstWrong is the index of q's first incorrect choice.
func firstWrong(q models.Question) int {
	for i, c := range q.Choices {
		if !c.Correct {
			return i
		}
	}
	return 0
}

// Answer a quiz with htmx: a wrong answer shows which were right and why
// without reloading the page, and a retry passes, still in place.
func TestBrowserAnswerQuizWithHTMX(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	f := loadQuiz(t, srv, "backend-web-development", 3)
	tb.signup("Quinn Quiz", "quinn@example.com", "a fine glacier orbit")
	tb.open(step3)
	tb.htmxReady()
	tb.do("set the marker", chromedp.Evaluate[chromedp.Void](`window.__stepwiseMarker = 42`))

	// First question wrong, the others right.
	for i, q := range f.questions {
		if i == 0 {
			clickChoice(tb, q, firstWrong(q))
			continue
		}
		for _, c := range q.Correct() {
			clickChoice(tb, q, c)
		}
	}
	tb.do("check answers", chromedp.Click(chromedp.CSS(`[data-testid="quiz-submit"]`)))
	tb.waitFor("the quiz result", `document.querySelector('`+quizResult+`') !== null`)
	if got := eval[int](tb, `window.__stepwiseMarker ?? 0`); got != 42 {
		t.Fatalf("window marker is %d after answering: the page was reloaded, not updated in place", got)
	}
	if got := tb.text(quizResult); !strings.Contains(got, "try again") {
		t.Errorf("result after a wrong answer: %q", got)
	}
	if n := tb.count(`[data-testid="quiz-explanation"]`); n != len(f.questions) {
		t.Errorf("explanations shown: %d, want %d", n, len(f.questions))
	}
	if got := tb.text(`[data-testid="quiz-question-1"] [data-testid="quiz-verdict"]`); got != "Not quite." {
		t.Errorf("first verdict: %q", got)
	}
	tb.waitFor("focus on the result", `document.activeElement === document.querySelector('`+quizResult+`')`)
	checkAxe(tb, "step with an answered quiz")

	// Retry: put the first question right; the other answers are kept.
	q := f.questions[0]
	if q.Kind == models.QuizMultiple {
		clickChoice(tb, q, firstWrong(q)) // untick the wrong one
	}
	for _, c := range q.Correct() {
		clickChoice(tb, q, c)
	}
	tb.do("try again", chromedp.Click(chromedp.CSS(`[data-testid="quiz-submit"]`)))
	tb.waitFor("a passing result", `(document.querySelector('`+quizResult+`')?.textContent || "").includes("Well done")`)
	if got := eval[int](tb, `window.__stepwiseMarker ?? 0`); got != 42 {
		t.Fatalf("window marker is %d after the retry: the page was reloaded", got)
	}
	var attempts int
	if err := srv.DB.Get(context.Background(), &attempts, `SELECT count(*) FROM quiz_attempts`); err != nil || attempts != 2 {
		t.Errorf("attempts stored: %d, %v; want 2", attempts, err)
	}
	tb.noConsoleErrors()
}

// The step page with an answered quiz (and the required-quiz notice) and
// the quiz editor with validation errors have no serious accessibility
// problem, in the light and the dark colour scheme.
func TestBrowserQuizAccessibility(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	f := loadQuiz(t, srv, "backend-web-development", 3)
	if err := srv.Models.Quizzes.SetRequired(context.Background(), f.step.GuideID, true); err != nil {
		t.Fatal(err)
	}
	tb.signup("Axel Admin", "axel@example.com", "a fine glacier orbit")
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, "axel@example.com").ID, models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	tb.open(step3)
	tb.htmxReady()
	clickChoice(tb, f.questions[0], firstWrong(f.questions[0]))
	tb.do("check answers", chromedp.Click(chromedp.CSS(`[data-testid="quiz-submit"]`)))
	tb.waitFor("the quiz result", `document.querySelector('`+quizResult+`') !== null`)

	for _, scheme := range []string{"light", "dark"} {
		if err := setColorScheme(tb.ctx, scheme); err != nil {
			t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
		}
		t.Run(scheme+"/step-with-quiz", func(t *testing.T) {
			sub := tb.forTest(t)
			sub.open(step3)
			checkAxe(sub, scheme+" step with quiz")
		})
		t.Run(scheme+"/quiz-editor", func(t *testing.T) {
			sub := tb.forTest(t)
			sub.open(step3 + "/quiz/edit")
			sub.clickAndLoad(`[data-testid="quiz-save"]`) // empty: errors
			if sub.count(`[data-testid="prompt-error"]`) != 1 {
				t.Errorf("the empty question shows no error")
			}
			checkAxe(sub, scheme+" quiz editor with errors")
		})
		t.Run(scheme+"/quiz-stats", func(t *testing.T) {
			sub := tb.forTest(t)
			sub.open(guidePath + "/quiz-stats")
			checkAxe(sub, scheme+" quiz statistics")
		})
	}
}
