package api_test

import (
	"net/http"
	"testing"

	"stepwise/models"
)

type quizStatsView struct {
	Guide     string `json:"guide"`
	Questions []struct {
		QuestionID     int64  `json:"question_id"`
		Step           int    `json:"step"`
		StepTitle      string `json:"step_title"`
		Position       int    `json:"position"`
		Prompt         string `json:"prompt"`
		Answers        int    `json:"answers"`
		Correct        int    `json:"correct"`
		PercentCorrect int    `json:"percent_correct"`
	} `json:"questions"`
}

func TestQuizStats(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, other := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, qid := srv.learnGuide(owner, true)
	base := "/api/v1/guides/" + slug
	stats := base + "/quiz-stats"

	t.Run("no answers yet", func(t *testing.T) {
		var s quizStatsView
		srv.as(tok).get(stats).want(t, http.StatusOK).JSON(t, &s)
		if s.Guide != slug || len(s.Questions) != 1 {
			t.Fatalf("got %+v, want the one question of %s", s, slug)
		}
		q := s.Questions[0]
		if q.QuestionID != qid || q.Step != 1 || q.StepTitle != "First" || q.Prompt != "Which is right?" || q.Answers != 0 || q.PercentCorrect != 0 {
			t.Fatalf("got %+v, want question %d unanswered", q, qid)
		}
	})
	// A second question, on step 2; three learners answer the first.
	srv.as(tok).post(base+"/steps/2/quiz/questions", map[string]any{
		"kind": "truefalse", "prompt": "Is it?", "choices": []map[string]any{{"text": "True", "correct": true}, {"text": "False", "correct": false}},
	}).want(t, http.StatusCreated)
	for _, choice := range []int{0, 1, 1} {
		learner := srv.token(srv.user(models.RoleLearner), "read", "write")
		srv.as(learner).post(base+"/steps/1/quiz/attempts", map[string]any{"answers": map[string][]int{qkey(qid): {choice}}}).
			want(t, http.StatusCreated)
	}
	t.Run("answered", func(t *testing.T) {
		r := srv.as(tok).get(stats).want(t, http.StatusOK)
		var s quizStatsView
		r.JSON(t, &s)
		if len(s.Questions) != 2 {
			t.Fatalf("got %d questions, want 2", len(s.Questions))
		}
		q1, q2 := s.Questions[0], s.Questions[1]
		if q1.QuestionID != qid || q1.Answers != 3 || q1.Correct != 2 || q1.PercentCorrect != 66 {
			t.Errorf("first question: got %+v, want 3 answers, 2 right, 66%%", q1)
		}
		if q2.Step != 2 || q2.StepTitle != "Second" || q2.Prompt != "Is it?" || q2.Answers != 0 || q2.Correct != 0 || q2.PercentCorrect != 0 {
			t.Errorf("second question: got %+v, want step 2's, unanswered", q2)
		}
		srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get(stats).want(t, http.StatusNotModified)
	})
	t.Run("a guide without questions", func(t *testing.T) {
		empty, _ := draft(t, srv, tok, "No quizzes")
		var s quizStatsView
		r := srv.as(tok).get("/api/v1/guides/"+empty+"/quiz-stats").want(t, http.StatusOK)
		r.JSON(t, &s)
		if s.Guide != empty || s.Questions == nil || len(s.Questions) != 0 {
			t.Fatalf("got %s, want an empty list of questions", r.Body)
		}
	})
	t.Run("admin sees any guide's", func(t *testing.T) {
		var s quizStatsView
		srv.as(srv.token(srv.user(models.RoleAdmin), "read")).get("/api/v1/guides/"+builtinGuide+"/quiz-stats").
			want(t, http.StatusOK).JSON(t, &s)
		if len(s.Questions) != 30 || s.Questions[0].Step != 1 || s.Questions[29].Step != 10 {
			t.Fatalf("built-in guide: got %d questions, want 30 in step order", len(s.Questions))
		}
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(stats).want(t, http.StatusUnauthorized)
		srv.as(srv.token(owner, "write")).get(stats).want(t, http.StatusForbidden)
		otherTok := srv.token(other, "read")
		srv.as(otherTok).get(stats).want(t, http.StatusForbidden)
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get(stats).want(t, http.StatusForbidden)
		hidden, _ := srv.learnGuide(owner, false)
		srv.as(otherTok).get("/api/v1/guides/"+hidden+"/quiz-stats").want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/no-such-guide/quiz-stats").want(t, http.StatusNotFound)
	})
}
