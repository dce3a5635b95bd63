package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
)

// Question is a quiz question as the guide's editors see and write it.
type Question struct {
	ID          int64            `json:"id"`
	Position    int              `json:"position"`
	Kind        string           `json:"kind"`
	Prompt      string           `json:"prompt"`
	Explanation string           `json:"explanation"`
	Choices     []QuestionChoice `json:"choices"`
}

// QuestionChoice is one choice and whether it is a correct answer.
type QuestionChoice struct {
	Text    string `json:"text"`
	Correct bool   `json:"correct"`
}

func questionOf(q models.Question) Question {
	out := Question{ID: q.ID, Position: q.Position, Kind: q.Kind, Prompt: q.Prompt, Explanation: q.Explanation,
		Choices: make([]QuestionChoice, len(q.Choices))}
	for i, ch := range q.Choices {
		out.Choices[i] = QuestionChoice(ch)
	}
	return out
}

// questionRequest is the body of POST (every field) and PATCH (absent
// fields unchanged) of a question.
type questionRequest struct {
	Kind        *string           `json:"kind"`
	Prompt      *string           `json:"prompt"`
	Explanation *string           `json:"explanation"`
	Choices     *[]QuestionChoice `json:"choices"`
}

// apply returns in with the request's fields over it; the operation
// normalizes and validates the result by the quiz editor's rules.
func (r questionRequest) apply(in models.QuestionInput) models.QuestionInput {
	if r.Kind != nil {
		in.Kind = *r.Kind
	}
	if r.Prompt != nil {
		in.Prompt = *r.Prompt
	}
	if r.Explanation != nil {
		in.Explanation = *r.Explanation
	}
	if r.Choices != nil {
		in.Choices = make([]models.Choice, len(*r.Choices))
		for i, ch := range *r.Choices {
			in.Choices[i] = models.Choice(ch)
		}
	}
	return in
}

// questionRefusal is a question operation's refusal; the validator's
// "correct" message is about the choices, the field the API takes.
func questionRefusal(err error) error {
	return refused(err, func(fe models.FieldErrors) {
		if msg, ok := fe["correct"]; ok {
			delete(fe, "correct")
			fe.Add("choices", msg)
		}
	})
}

// editableStep loads the guide the route names, if the caller may edit
// it (404 when they may not see it, 403 when they may only read it), and
// its step :n (authoring.EditableStep).
func (h *Quizzes) editableStep(c *fiber.Ctx) (models.GuideRecord, models.EditStep, error) {
	n, err := stepNumber(c)
	if err != nil {
		return models.GuideRecord{}, models.EditStep{}, err
	}
	return h.Guides.Ops.EditableStep(c.UserContext(), caller(c), c.Params("slug"), n)
}

// question loads the editable step and its question :id.
func (h *Quizzes) question(c *fiber.Ctx) (models.GuideRecord, models.EditStep, models.Question, error) {
	r, step, err := h.editableStep(c)
	if err != nil {
		return r, step, models.Question{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return r, step, models.Question{}, err
	}
	q, err := h.Guides.Ops.Question(c.UserContext(), step.ID, id)
	return r, step, q, err
}

// ShowQuestion answers GET …/quiz/questions/{id}, for the guide's editors.
func (h *Quizzes) ShowQuestion(c *fiber.Ctx) error {
	_, _, q, err := h.question(c)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, questionOf(q))
}

// AddQuestion answers POST …/quiz/questions: the question is appended
// to the step's quiz.
func (h *Quizzes) AddQuestion(c *fiber.Ctx) error {
	r, step, err := h.editableStep(c)
	if err != nil {
		return err
	}
	var body questionRequest
	if err := decode(c, &body); err != nil {
		return err
	}
	q, err := h.Guides.Ops.SaveQuestion(c.UserContext(), caller(c), r.Slug, step.Position,
		authoring.QuestionSave{Input: body.apply(models.QuestionInput{})})
	if err != nil {
		return questionRefusal(err)
	}
	c.Location(fmt.Sprintf("/api/v1/guides/%s/steps/%d/quiz/questions/%d", r.Slug, step.Position, q.ID))
	return send(c, fiber.StatusCreated, questionOf(q))
}

// UpdateQuestion answers PATCH …/quiz/questions/{id} (If-Match). The
// If-Match comparison and the merge of the absent fields run in the
// operation's transaction, against the question as stored then, so a
// change made in between is never overwritten.
func (h *Quizzes) UpdateQuestion(c *fiber.Ctx) error {
	n, id, err := questionRoute(c)
	if err != nil {
		return err
	}
	var body questionRequest
	q, err := h.Guides.Ops.SaveQuestion(c.UserContext(), caller(c), c.Params("slug"), n, authoring.QuestionSave{
		ID: id,
		// The body is read after the guide, the question and If-Match
		// are checked, so those answer 403/404/428/412 whatever is sent.
		Check: func(current models.Question) error {
			if err := requireMatch(c, questionOf(current)); err != nil {
				return err
			}
			return decode(c, &body)
		},
		Patch: func(in models.QuestionInput) models.QuestionInput { return body.apply(in) },
	})
	if err != nil {
		return questionRefusal(err)
	}
	return send(c, fiber.StatusOK, questionOf(q))
}

// DeleteQuestion answers DELETE …/quiz/questions/{id} (If-Match, compared
// in the operation's transaction); the learners' answers to it go with it.
func (h *Quizzes) DeleteQuestion(c *fiber.Ctx) error {
	n, id, err := questionRoute(c)
	if err != nil {
		return err
	}
	err = h.Guides.Ops.DeleteQuestion(c.UserContext(), caller(c), c.Params("slug"), n, authoring.QuestionDeletion{
		ID:    id,
		Check: func(current models.Question) error { return requireMatch(c, questionOf(current)) },
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// questionRoute reads the route's step number and question id.
func questionRoute(c *fiber.Ctx) (n int, id int64, err error) {
	if n, err = stepNumber(c); err != nil {
		return 0, 0, err
	}
	if id, err = idParam(c, "id"); err != nil {
		return 0, 0, err
	}
	return n, id, nil
}
