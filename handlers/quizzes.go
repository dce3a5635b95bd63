package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/views/pages"
)

// stepQuizzes is what the step page needs from quizzes.
type stepQuizzes interface {
	ForStep(ctx context.Context, stepID, userID int64) (models.StepQuiz, error)
}

// quizReader is what the quiz editor and the statistics read; every
// change goes through the authoring operations.
type quizReader interface {
	Questions(ctx context.Context, stepID int64) ([]models.Question, error)
	Required(ctx context.Context, guideID int64) (bool, error)
	Stats(ctx context.Context, guideID int64) ([]models.QuestionStats, error)
}

// Quizzes serves the quiz editor and the per-question statistics;
// learners answer through QuizAnswers (quizzes_answer.go).
type Quizzes struct {
	Ops     *authoring.Service
	Quizzes quizReader
	viewer
}

// editable finds the guide with :slug and its step :n for the signed-in
// user, who must be allowed to edit it (authoring.EditableStep).
func (h *Quizzes) editable(c *fiber.Ctx) (models.Guide, models.Step, error) {
	n, err := stepNumber(c)
	if err != nil {
		return models.Guide{}, models.Step{}, err
	}
	r, s, err := h.Ops.EditableStep(c.UserContext(), CurrentUser(c), c.Params("slug"), n)
	if err != nil {
		return models.Guide{}, models.Step{}, err
	}
	return r.Guide, models.Step{ID: s.ID, GuideID: s.GuideID, Position: s.Position, Title: s.Title, BodyHTML: s.BodyHTML}, nil
}

// EditForm is the quiz editor of step n: its questions, a form to add one
// (or to change the one named by ?edit=id) and whether the guide requires
// its quizzes.
func (h *Quizzes) EditForm(c *fiber.Ctx) error {
	guide, step, err := h.editable(c)
	if err != nil {
		return err
	}
	form := pages.QuizForm{Kind: models.QuizSingle}
	questions, err := h.Quizzes.Questions(c.UserContext(), step.ID)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil {
		for _, q := range questions {
			if q.ID == id {
				form = pages.QuizFormFrom(q)
			}
		}
	}
	return h.renderEditor(c, fiber.StatusOK, guide, step, questions, form, nil)
}

func (h *Quizzes) renderEditor(c *fiber.Ctx, status int, guide models.Guide, step models.Step,
	questions []models.Question, form pages.QuizForm, errs models.FieldErrors) error {
	required, err := h.Quizzes.Required(c.UserContext(), guide.ID)
	if err != nil {
		return err
	}
	if questions == nil {
		if questions, err = h.Quizzes.Questions(c.UserContext(), step.ID); err != nil {
			return err
		}
	}
	data := pages.QuizEditData{
		Guide: guide, Step: step, Required: required, Questions: questions,
		Form: form, Errors: errs, Done: pages.QuizDoneMessage(c.Query("done")),
	}
	return render(c, status, pages.QuizEdit(h.page(c, "Quiz of “"+step.Title+"” — "+guide.Title, true), data))
}

// Edit changes step n's quiz: action=save (the default) adds a question (or changes the
// one named by id), action=delete removes one, action=required sets
// whether the guide requires its quizzes to be passed.
func (h *Quizzes) Edit(c *fiber.Ctx) error {
	ctx, user, slug := c.UserContext(), CurrentUser(c), c.Params("slug")
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/guides/%s/steps/%d/quiz/edit", slug, n)
	switch c.FormValue("action") {
	case "save", "":
		form := readQuizForm(c)
		_, err := h.Ops.SaveQuestion(ctx, user, slug, n, authoring.QuestionSave{ID: form.ID, Input: form.Input()})
		if err == nil {
			return redirect(c, back+"?done=saved")
		}
		status, fe, ok := editorRefusal(err, "prompt")
		if !ok {
			return err
		}
		guide, step, err := h.editable(c)
		if err != nil {
			return err
		}
		return h.renderEditor(c, status, guide, step, nil, form, fe)
	case "delete":
		id, err := strconv.ParseInt(c.FormValue("id"), 10, 64)
		if err != nil {
			return models.ErrNotFound
		}
		if err := h.Ops.DeleteQuestion(ctx, user, slug, n, authoring.QuestionDeletion{ID: id}); err != nil {
			return err
		}
		return redirect(c, back+"?done=deleted")
	case "required":
		if err := h.Ops.SetQuizRequired(ctx, user, slug, c.FormValue("required") == "on"); err != nil {
			return err
		}
		return redirect(c, back+"?done=required")
	}
	return fiber.NewError(fiber.StatusBadRequest, "Choose save, delete or required as the action.")
}

// readQuizForm reads the question form: id (empty for a new question),
// kind, prompt, explanation, up to eight choice fields and the indexes of
// the correct ones.
func readQuizForm(c *fiber.Ctx) pages.QuizForm {
	args := c.Request().PostArgs()
	form := pages.QuizForm{
		Kind:        c.FormValue("kind"),
		Prompt:      c.FormValue("prompt"),
		Explanation: c.FormValue("explanation"),
		Choices:     make([]string, models.QuizMaxChoices),
		Correct:     make([]bool, models.QuizMaxChoices),
	}
	if id, err := strconv.ParseInt(c.FormValue("id"), 10, 64); err == nil && id > 0 {
		form.ID = id
	}
	for i, v := range args.PeekMulti("choice") {
		if i < models.QuizMaxChoices { // the form has eight fields
			form.Choices[i] = string(v)
		}
	}
	for _, v := range args.PeekMulti("correct") {
		if i, err := strconv.Atoi(string(v)); err == nil && i >= 0 && i < models.QuizMaxChoices {
			form.Correct[i] = true
		}
	}
	return form
}

// Stats shows, for every question of the guide, how many answers it got
// and the share that were right, so authors can find confusing questions.
func (h *Quizzes) Stats(c *fiber.Ctx) error {
	r, err := h.Ops.Editable(c.UserContext(), CurrentUser(c), c.Params("slug"))
	if err != nil {
		return err
	}
	stats, err := h.Quizzes.Stats(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.QuizStats(h.page(c, "Quiz statistics — "+r.Title, false),
		pages.QuizStatsData{Guide: r.Guide, Stats: stats}))
}

// requireUserForQuiz is requireUser for answering a quiz: a visitor (or a
// user whose session ended) comes back to the step after logging in, not
// to the answer's address.
func requireUserForQuiz(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return c.Next()
	}
	back := SafeNext(strings.TrimSuffix(c.Path(), "/quiz"))
	return redirect(c, "/login?next="+url.QueryEscape(back))
}
