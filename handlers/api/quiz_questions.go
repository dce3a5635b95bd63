package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
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

// apply returns in with the request's fields over it, normalized and
// validated by the same rules as the quiz editor. The validator's
// "correct" message is about the choices, the field the API takes.
func (r questionRequest) apply(in models.QuestionInput) (models.QuestionInput, models.FieldErrors) {
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
	in.Normalize()
	fe := in.Validate()
	if msg, ok := fe["correct"]; ok {
		delete(fe, "correct")
		fe.Add("choices", msg)
	}
	return in, fe
}

// editableStep loads the guide the route names, if the caller may edit
// it (404 when they may not see it, 403 when they may only read it), and
// its step :n.
func (h *Quizzes) editableStep(c *fiber.Ctx) (models.GuideRecord, models.Step, error) {
	return stepIn(c, h.Guides.editable, h.Steps)
}

// question loads the editable step and its question :id.
func (h *Quizzes) question(c *fiber.Ctx) (models.GuideRecord, models.Step, models.Question, error) {
	r, step, err := h.editableStep(c)
	if err != nil {
		return r, step, models.Question{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return r, step, models.Question{}, err
	}
	q, err := h.find(c, step, id)
	return r, step, q, err
}

func (h *Quizzes) find(c *fiber.Ctx, step models.Step, id int64) (models.Question, error) {
	qs, err := h.Quizzes.Questions(c.UserContext(), step.ID)
	if err != nil {
		return models.Question{}, err
	}
	for _, q := range qs {
		if q.ID == id {
			return q, nil
		}
	}
	return models.Question{}, errNotFound
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
	in, fe := body.apply(models.QuestionInput{})
	if fe.Any() {
		return invalid(fe)
	}
	id, err := h.Quizzes.Add(c.UserContext(), step.ID, in)
	if err != nil {
		return err
	}
	q, err := h.find(c, step, id)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/guides/%s/steps/%d/quiz/questions/%d", r.Slug, step.Position, id))
	return send(c, fiber.StatusCreated, questionOf(q))
}

// UpdateQuestion answers PATCH …/quiz/questions/{id} (If-Match).
func (h *Quizzes) UpdateQuestion(c *fiber.Ctx) error {
	_, step, q, err := h.question(c)
	if err != nil {
		return err
	}
	if err := requireMatch(c, questionOf(q)); err != nil {
		return err
	}
	var body questionRequest
	if err := decode(c, &body); err != nil {
		return err
	}
	in, fe := body.apply(models.QuestionInput{Kind: q.Kind, Prompt: q.Prompt, Explanation: q.Explanation, Choices: q.Choices})
	if fe.Any() {
		return invalid(fe)
	}
	if err := h.Quizzes.Update(c.UserContext(), step.ID, q.ID, in); err != nil {
		return err
	}
	if q, err = h.find(c, step, q.ID); err != nil {
		return err
	}
	return send(c, fiber.StatusOK, questionOf(q))
}

// DeleteQuestion answers DELETE …/quiz/questions/{id} (If-Match); the
// learners' answers to it go with it.
func (h *Quizzes) DeleteQuestion(c *fiber.Ctx) error {
	_, step, q, err := h.question(c)
	if err != nil {
		return err
	}
	if err := requireMatch(c, questionOf(q)); err != nil {
		return err
	}
	if err := h.Quizzes.Delete(c.UserContext(), step.ID, q.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
