package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"stepwise/handlers/api"
	"stepwise/models"
)

// builtinGuide is the published guide every test server loads: ten steps
// of three questions each, and no owner (only admins edit it).
const builtinGuide = "backend-web-development"

// learnGuide creates a guide owned by author with two steps, the first
// with one single-choice question (choice 1 is right), published or not;
// it returns the slug and the question's id.
func (s *server) learnGuide(author models.User, publish bool) (string, int64) {
	s.t.Helper()
	ctx := context.Background()
	s.users++
	slug := fmt.Sprintf("learn-lab-%d", s.users)
	id, err := s.Models.Authoring.CreateGuide(ctx, author.ID, models.GuideForm{
		Title: "Learn lab " + slug, Slug: slug, Summary: "A guide for tests.", Difficulty: "beginner", Minutes: "5",
	})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, title := range []string{"First", "Second"} {
		if _, err := s.Models.Authoring.AddStep(ctx, id, title); err != nil {
			s.t.Fatal(err)
		}
	}
	step, err := s.Models.Steps.At(ctx, id, 1)
	if err != nil {
		s.t.Fatal(err)
	}
	qid, err := s.Models.Quizzes.Add(ctx, step.ID, models.QuestionInput{
		Kind: models.QuizSingle, Prompt: "Which is right?", Explanation: "B is right.",
		Choices: []models.Choice{{Text: "A"}, {Text: "B", Correct: true}},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if publish {
		if err := s.Models.Authoring.SetPublished(ctx, id, true); err != nil {
			s.t.Fatal(err)
		}
	}
	return slug, qid
}

// questionsOf returns the questions of step n of the guide with slug.
func (s *server) questionsOf(slug string, n int) []models.Question {
	s.t.Helper()
	ctx := context.Background()
	g, err := s.Models.Guides.Record(ctx, slug, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	step, err := s.Models.Steps.At(ctx, g.ID, n)
	if err != nil {
		s.t.Fatal(err)
	}
	qs, err := s.Models.Quizzes.Questions(ctx, step.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return qs
}

// rightAnswers maps each question to its correct choices.
func rightAnswers(qs []models.Question) map[string][]int {
	out := map[string][]int{}
	for _, q := range qs {
		out[fmt.Sprint(q.ID)] = q.Correct()
	}
	return out
}

// namesField reports whether a problem's errors name field.
func namesField(errs []api.FieldError, field string) bool {
	for _, f := range fieldNames(errs) {
		if f == field {
			return true
		}
	}
	return false
}

type quizView struct {
	Required  bool `json:"required"`
	Passed    bool `json:"passed"`
	Questions []struct {
		ID          int64   `json:"id"`
		Explanation *string `json:"explanation"`
		Choices     []struct {
			Text    string `json:"text"`
			Correct *bool  `json:"correct"`
		} `json:"choices"`
	} `json:"questions"`
	LatestAttempt *attemptView `json:"latest_attempt"`
}

type attemptView struct {
	Passed  bool `json:"passed"`
	Results []struct {
		QuestionID     int64  `json:"question_id"`
		Chosen         []int  `json:"chosen"`
		Correct        bool   `json:"correct"`
		CorrectChoices []int  `json:"correct_choices"`
		Explanation    string `json:"explanation"`
	} `json:"results"`
}

func TestQuizShow(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	learner := srv.user(models.RoleLearner)
	author := srv.user(models.RoleAuthor)
	admin := srv.user(models.RoleAdmin)
	quiz := "/api/v1/guides/" + builtinGuide + "/steps/1/quiz"

	t.Run("learner sees questions without answers", func(t *testing.T) {
		var q quizView
		srv.as(srv.token(learner, "read")).get(quiz).want(t, http.StatusOK).JSON(t, &q)
		if len(q.Questions) != 3 || q.LatestAttempt != nil || q.Passed {
			t.Fatalf("quiz = %+v", q)
		}
		for _, qq := range q.Questions {
			if qq.Explanation != nil {
				t.Errorf("question %d shows its explanation to a learner", qq.ID)
			}
			for _, c := range qq.Choices {
				if c.Correct != nil {
					t.Errorf("question %d shows which choice is correct to a learner", qq.ID)
				}
			}
		}
	})
	t.Run("editor sees answers and explanations", func(t *testing.T) {
		var q quizView
		srv.as(srv.token(admin, "read")).get(quiz).want(t, http.StatusOK).JSON(t, &q)
		for _, qq := range q.Questions {
			if qq.Explanation == nil || len(qq.Choices) == 0 || qq.Choices[0].Correct == nil {
				t.Fatalf("editor's question %+v lacks answers", qq)
			}
		}
	})
	t.Run("latest attempt", func(t *testing.T) {
		tok := srv.token(learner, "read", "write")
		srv.as(tok).post(quiz+"/attempts", map[string]any{"answers": map[string][]int{}}).want(t, http.StatusCreated)
		var q quizView
		srv.as(tok).get(quiz).want(t, http.StatusOK).JSON(t, &q)
		if q.LatestAttempt == nil || q.LatestAttempt.Passed || len(q.LatestAttempt.Results) != 3 || q.Passed {
			t.Fatalf("after a blank attempt: %+v", q.LatestAttempt)
		}
	})
	t.Run("ETag", func(t *testing.T) {
		tok := srv.token(author, "read")
		r := srv.as(tok).get(quiz).want(t, http.StatusOK)
		srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get(quiz).want(t, http.StatusNotModified)
	})
	t.Run("draft", func(t *testing.T) {
		slug, _ := srv.learnGuide(author, false)
		path := "/api/v1/guides/" + slug + "/steps/1/quiz"
		srv.as(srv.token(learner, "read")).get(path).want(t, http.StatusNotFound).Problem(t)
		var q quizView
		srv.as(srv.token(author, "read")).get(path).want(t, http.StatusOK).JSON(t, &q)
		if len(q.Questions) != 1 || q.Questions[0].Choices[1].Correct == nil || !*q.Questions[0].Choices[1].Correct {
			t.Fatalf("author's own draft quiz = %+v", q)
		}
	})
	t.Run("no such step, no token, wrong scope", func(t *testing.T) {
		tok := srv.token(learner, "read")
		srv.as(tok).get("/api/v1/guides/"+builtinGuide+"/steps/99/quiz").want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/"+builtinGuide+"/steps/x/quiz").want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/nope/steps/1/quiz").want(t, http.StatusNotFound)
		srv.as("").get(quiz).want(t, http.StatusUnauthorized)
		srv.as(srv.token(learner, "write")).get(quiz).want(t, http.StatusForbidden)
	})
	t.Run("step without questions", func(t *testing.T) {
		slug, _ := srv.learnGuide(author, true)
		var q quizView
		srv.as(srv.token(learner, "read")).get("/api/v1/guides/"+slug+"/steps/2/quiz").want(t, http.StatusOK).JSON(t, &q)
		if len(q.Questions) != 0 || q.Questions == nil {
			t.Fatalf("empty quiz = %+v", q)
		}
	})
}

func TestQuizAttempt(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	learner := srv.user(models.RoleLearner)
	author := srv.user(models.RoleAuthor)
	tok := srv.token(learner, "read", "write")
	attempts := "/api/v1/guides/" + builtinGuide + "/steps/1/quiz/attempts"
	qs := srv.questionsOf(builtinGuide, 1)

	t.Run("all right", func(t *testing.T) {
		var a attemptView
		r := srv.as(tok).post(attempts, map[string]any{"answers": rightAnswers(qs)}).want(t, http.StatusCreated)
		r.JSON(t, &a)
		if !a.Passed || len(a.Results) != len(qs) {
			t.Fatalf("attempt = %+v", a)
		}
		for _, res := range a.Results {
			if !res.Correct || res.Explanation == "" || len(res.CorrectChoices) == 0 {
				t.Errorf("result %+v", res)
			}
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/guides/"+builtinGuide+"/steps/1/quiz" {
			t.Errorf("Location = %q", loc)
		}
	})
	t.Run("one wrong", func(t *testing.T) {
		answers := rightAnswers(qs)
		wrong := (qs[0].Correct()[0] + 1) % len(qs[0].Choices)
		answers[fmt.Sprint(qs[0].ID)] = []int{wrong}
		var a attemptView
		srv.as(tok).post(attempts, map[string]any{"answers": answers}).want(t, http.StatusCreated).JSON(t, &a)
		if a.Passed || a.Results[0].Correct || a.Results[0].Chosen[0] != wrong || !a.Results[1].Correct {
			t.Fatalf("attempt = %+v", a)
		}
	})
	t.Run("validation", func(t *testing.T) {
		first := fmt.Sprint(qs[0].ID)
		other := fmt.Sprint(srv.questionsOf(builtinGuide, 2)[0].ID)
		cases := []struct {
			name  string
			body  any
			field string
		}{
			{"no answers", map[string]any{}, "answers"},
			{"another step's question", map[string]any{"answers": map[string][]int{other: {0}}}, "answers." + other},
			{"not an id", map[string]any{"answers": map[string][]int{"abc": {0}}}, "answers.abc"},
			{"index out of range", map[string]any{"answers": map[string][]int{first: {9}}}, "answers." + first},
			{"negative index", map[string]any{"answers": map[string][]int{first: {-1}}}, "answers." + first},
			{"repeated index", map[string]any{"answers": map[string][]int{first: {0, 0}}}, "answers." + first},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := srv.as(tok).post(attempts, tc.body).want(t, http.StatusUnprocessableEntity).Problem(t)
				if !namesField(p.Errors, tc.field) {
					t.Errorf("errors %+v do not name %s", p.Errors, tc.field)
				}
			})
		}
	})
	t.Run("two choices for a single-choice question", func(t *testing.T) {
		slug, qid := srv.learnGuide(author, true)
		p := srv.as(tok).post("/api/v1/guides/"+slug+"/steps/1/quiz/attempts",
			map[string]any{"answers": map[string][]int{fmt.Sprint(qid): {0, 1}}}).want(t, http.StatusUnprocessableEntity).Problem(t)
		if !namesField(p.Errors, fmt.Sprint("answers.", qid)) {
			t.Errorf("errors %+v", p.Errors)
		}
		srv.as(tok).post("/api/v1/guides/"+slug+"/steps/2/quiz/attempts", map[string]any{"answers": map[string][]int{}}).
			want(t, http.StatusNotFound)
	})
	t.Run("malformed body", func(t *testing.T) {
		srv.as(tok).post(attempts, `{"answers": {"1": "x"}}`).want(t, http.StatusUnsupportedMediaType)
		srv.as(tok).with("Content-Type", "application/json").post(attempts, `{"answers": {"1": "x"}}`).want(t, http.StatusBadRequest)
		srv.as(tok).with("Content-Type", "application/json").post(attempts, `{"answers": {}, "user_id": 1}`).want(t, http.StatusBadRequest)
	})
	t.Run("refused", func(t *testing.T) {
		body := map[string]any{"answers": rightAnswers(qs)}
		srv.as("").post(attempts, body).want(t, http.StatusUnauthorized)
		srv.as(srv.token(learner, "read")).post(attempts, body).want(t, http.StatusForbidden)
		draft, qid := srv.learnGuide(author, false)
		draftBody := map[string]any{"answers": map[string][]int{fmt.Sprint(qid): {1}}}
		srv.as(tok).post("/api/v1/guides/"+draft+"/steps/1/quiz/attempts", draftBody).want(t, http.StatusNotFound)
		// The draft's author may see it but not answer it: no progress on drafts.
		srv.as(srv.token(author, "write")).post("/api/v1/guides/"+draft+"/steps/1/quiz/attempts", draftBody).want(t, http.StatusForbidden)
	})
}

func TestQuizQuestions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	other := srv.user(models.RoleAuthor)
	learner := srv.user(models.RoleLearner)
	slug, qid := srv.learnGuide(author, true)
	tok := srv.token(author, "read", "write")
	questions := "/api/v1/guides/" + slug + "/steps/1/quiz/questions"
	one := fmt.Sprintf("%s/%d", questions, qid)
	valid := map[string]any{
		"kind": "multiple", "prompt": "  Pick the even numbers.  ", "explanation": "2 and 4.",
		"choices": []map[string]any{{"text": "2", "correct": true}, {"text": "3"}, {"text": "4", "correct": true}, {"text": " "}},
	}
	var created struct {
		ID       int64  `json:"id"`
		Position int    `json:"position"`
		Prompt   string `json:"prompt"`
		Choices  []struct {
			Text    string `json:"text"`
			Correct bool   `json:"correct"`
		} `json:"choices"`
	}

	t.Run("create", func(t *testing.T) {
		r := srv.as(tok).post(questions, valid).want(t, http.StatusCreated)
		r.JSON(t, &created)
		if created.Prompt != "Pick the even numbers." || len(created.Choices) != 3 || created.Position != 2 {
			t.Fatalf("created = %+v", created)
		}
		if want := fmt.Sprintf("%s/%d", questions, created.ID); r.Header.Get("Location") != want {
			t.Errorf("Location = %q, want %q", r.Header.Get("Location"), want)
		}
		if len(srv.questionsOf(slug, 1)) != 2 {
			t.Error("question not stored")
		}
	})
	t.Run("create validation", func(t *testing.T) {
		cases := []struct {
			name  string
			patch map[string]any
			field string
		}{
			{"kind", map[string]any{"kind": "essay"}, "kind"},
			{"prompt", map[string]any{"prompt": " "}, "prompt"},
			{"long prompt", map[string]any{"prompt": strings.Repeat("x", 1001)}, "prompt"},
			{"one choice", map[string]any{"choices": []map[string]any{{"text": "only", "correct": true}}}, "choices"},
			{"no correct", map[string]any{"kind": "single", "choices": []map[string]any{{"text": "a"}, {"text": "b"}}}, "choices"},
			{"explanation", map[string]any{"explanation": strings.Repeat("x", 2001)}, "explanation"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				body := map[string]any{}
				for k, v := range valid {
					body[k] = v
				}
				for k, v := range tc.patch {
					body[k] = v
				}
				p := srv.as(tok).post(questions, body).want(t, http.StatusUnprocessableEntity).Problem(t)
				if !namesField(p.Errors, tc.field) {
					t.Errorf("errors %+v do not name %s", p.Errors, tc.field)
				}
			})
		}
		srv.as(tok).post(questions, map[string]any{}).want(t, http.StatusUnprocessableEntity)
	})
	t.Run("update with If-Match", func(t *testing.T) {
		r := srv.as(tok).get(one).want(t, http.StatusOK)
		etag := r.Header.Get("ETag")
		srv.as(tok).with("If-None-Match", etag).get(one).want(t, http.StatusNotModified)
		srv.as(tok).patch(one, map[string]any{"prompt": "Changed?"}).want(t, http.StatusPreconditionRequired)
		srv.as(tok).with("If-Match", `"stale"`).patch(one, map[string]any{"prompt": "Changed?"}).want(t, http.StatusPreconditionFailed)
		p := srv.as(tok).with("If-Match", etag).patch(one, map[string]any{"kind": "truefalse", "choices": []map[string]any{{"text": "x"}}}).
			want(t, http.StatusUnprocessableEntity).Problem(t)
		if !namesField(p.Errors, "choices") {
			t.Errorf("errors %+v", p.Errors)
		}
		var got struct {
			Prompt  string `json:"prompt"`
			Kind    string `json:"kind"`
			Choices []any  `json:"choices"`
		}
		r2 := srv.as(tok).with("If-Match", etag).patch(one, map[string]any{"prompt": "Changed?"}).want(t, http.StatusOK)
		r2.JSON(t, &got)
		if got.Prompt != "Changed?" || got.Kind != "single" || len(got.Choices) != 2 {
			t.Fatalf("after PATCH: %+v", got)
		}
		srv.as(tok).with("If-Match", etag).patch(one, map[string]any{"prompt": "Again"}).want(t, http.StatusPreconditionFailed)
		if srv.questionsOf(slug, 1)[0].Prompt != "Changed?" {
			t.Error("PATCH not stored")
		}
		if r3 := srv.as(tok).get(one); r3.Header.Get("ETag") != r2.Header.Get("ETag") {
			t.Error("GET after PATCH has another ETag than the PATCH's answer")
		}
	})
	t.Run("delete with If-Match", func(t *testing.T) {
		path := fmt.Sprintf("%s/%d", questions, created.ID)
		srv.as(tok).delete(path).want(t, http.StatusPreconditionRequired)
		srv.as(tok).with("If-Match", `"stale"`).delete(path).want(t, http.StatusPreconditionFailed)
		etag := srv.as(tok).get(path).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNoContent)
		srv.as(tok).get(path).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNotFound)
	})
	t.Run("who may", func(t *testing.T) {
		srv.as(srv.token(other, "read")).get(one).want(t, http.StatusForbidden)
		srv.as(srv.token(learner, "read")).get(one).want(t, http.StatusForbidden)
		srv.as(srv.token(other, "write")).post(questions, valid).want(t, http.StatusForbidden)
		srv.as(srv.token(author, "read")).post(questions, valid).want(t, http.StatusForbidden)
		srv.as("").post(questions, valid).want(t, http.StatusUnauthorized)
		draft, dq := srv.learnGuide(author, false)
		draftOne := fmt.Sprintf("/api/v1/guides/%s/steps/1/quiz/questions/%d", draft, dq)
		srv.as(srv.token(other, "read")).get(draftOne).want(t, http.StatusNotFound)
		srv.as(srv.token(author, "read")).get(draftOne).want(t, http.StatusOK)
		// A question is found only under its own step.
		srv.as(tok).get(fmt.Sprintf("/api/v1/guides/%s/steps/2/quiz/questions/%d", slug, qid)).want(t, http.StatusNotFound)
		srv.as(tok).get(fmt.Sprintf("/api/v1/guides/%s/steps/1/quiz/questions/%d", draft, qid)).want(t, http.StatusNotFound)
		srv.as(tok).get(questions+"/abc").want(t, http.StatusNotFound)
	})
}
