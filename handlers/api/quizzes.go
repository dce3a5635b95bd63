package api

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/learning"
)

// quizStore is what the quiz endpoints need from the quiz store.
type quizStore interface {
	ForStep(ctx context.Context, stepID, userID int64) (models.StepQuiz, error)
	Questions(ctx context.Context, stepID int64) ([]models.Question, error)
	Add(ctx context.Context, stepID int64, in models.QuestionInput) (int64, error)
	Update(ctx context.Context, stepID, id int64, in models.QuestionInput) error
	Delete(ctx context.Context, stepID, id int64) error
}

// Quizzes serves a step's quiz: answering it (learning's AnswerQuiz,
// which the pages share), and its questions for the guide's editors.
type Quizzes struct {
	Guides   *Guides
	Steps    stepFinder
	Quizzes  quizStore
	Learning *learning.Service
}

// Quiz is a step's quiz as the caller sees it. Learners get the questions
// without the answers; the guide's editors also get which choices are
// correct and the explanations.
type Quiz struct {
	Guide     string         `json:"guide"`
	Step      int            `json:"step"`
	Required  bool           `json:"required"`
	Questions []QuizQuestion `json:"questions"`
	// Passed: some attempt of the caller's got every question right.
	Passed        bool         `json:"passed"`
	LatestAttempt *QuizAttempt `json:"latest_attempt"`
}

// QuizQuestion is one question; Correct and Explanation only for editors.
type QuizQuestion struct {
	ID          int64        `json:"id"`
	Position    int          `json:"position"`
	Kind        string       `json:"kind"`
	Prompt      string       `json:"prompt"`
	Choices     []QuizChoice `json:"choices"`
	Explanation *string      `json:"explanation,omitempty"`
}

// QuizChoice is one choice; Correct only for editors.
type QuizChoice struct {
	Text    string `json:"text"`
	Correct *bool  `json:"correct,omitempty"`
}

// QuizAttempt is the result of the caller's latest attempt: what the
// browser shows after answering, the right choices and explanations
// included.
type QuizAttempt struct {
	Passed  bool         `json:"passed"`
	Results []QuizResult `json:"results"`
}

// QuizResult is how one question went.
type QuizResult struct {
	QuestionID     int64  `json:"question_id"`
	Chosen         []int  `json:"chosen"`
	Correct        bool   `json:"correct"`
	CorrectChoices []int  `json:"correct_choices"`
	Explanation    string `json:"explanation"`
}

func quizOf(r models.GuideRecord, step models.Step, q models.StepQuiz, editor bool) Quiz {
	out := Quiz{Guide: r.Slug, Step: step.Position, Required: q.Required, Passed: q.Passed, Questions: []QuizQuestion{}}
	for _, aq := range q.Questions {
		qq := QuizQuestion{ID: aq.ID, Position: aq.Position, Kind: aq.Kind, Prompt: aq.Prompt, Choices: make([]QuizChoice, len(aq.Choices))}
		for i, ch := range aq.Choices {
			qq.Choices[i] = QuizChoice{Text: ch.Text}
			if editor {
				correct := ch.Correct
				qq.Choices[i].Correct = &correct
			}
		}
		if editor {
			ex := aq.Explanation
			qq.Explanation = &ex
		}
		out.Questions = append(out.Questions, qq)
	}
	if q.Attempted {
		out.LatestAttempt = attemptOf(q)
	}
	return out
}

func attemptOf(q models.StepQuiz) *QuizAttempt {
	a := &QuizAttempt{Passed: q.LastPassed, Results: make([]QuizResult, len(q.Questions))}
	for i, aq := range q.Questions {
		a.Results[i] = QuizResult{QuestionID: aq.ID, Chosen: orEmpty(aq.Chosen), Correct: aq.Right,
			CorrectChoices: orEmpty(aq.Correct()), Explanation: aq.Explanation}
	}
	return a
}

func orEmpty(x []int) []int {
	if x == nil {
		return []int{}
	}
	return x
}

// Show answers GET /api/v1/guides/{slug}/steps/{n}/quiz. A step without
// questions has an empty quiz (its editors add the first).
func (h *Quizzes) Show(c *fiber.Ctx) error {
	r, step, err := visibleStep(c, h.Guides, h.Steps)
	if err != nil {
		return err
	}
	u := caller(c)
	q, err := h.Quizzes.ForStep(c.UserContext(), step.ID, u.ID)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, quizOf(r, step, q, models.CanEditGuide(u, r.Editable())))
}

// attemptRequest is the body of POST …/quiz/attempts: for each question
// id, the zero-based indexes of the chosen choices.
type attemptRequest struct {
	Answers map[string][]int `json:"answers"`
}

// Attempt answers POST /api/v1/guides/{slug}/steps/{n}/quiz/attempts:
// the attempt is recorded as in the browser and its result returned. A
// question left out counts as wrong; an answer the quiz cannot have (an
// unknown question, a choice out of range, two choices for a single-choice
// question) is a 422, never silently dropped.
func (h *Quizzes) Attempt(c *fiber.Ctx) error {
	var in attemptRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	res, err := h.Learning.AnswerQuiz(c.UserContext(), caller(c), learning.QuizAnswers{StepRef: stepRef(c), Answers: in.Answers})
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/guides/%s/steps/%d/quiz", res.Guide.Slug, res.Step.Position))
	return send(c, fiber.StatusCreated, attemptOf(res.Quiz))
}
