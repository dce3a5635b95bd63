package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/components"
	"stepwise/views/pages"
)

// stepQuizzes is what the step page and "Mark complete" need from quizzes.
type stepQuizzes interface {
	ForStep(ctx context.Context, stepID, userID int64) (models.StepQuiz, error)
	MayComplete(ctx context.Context, userID, stepID int64) (bool, error)
}

// quizStore is what the quiz handlers need from the quiz store.
type quizStore interface {
	stepQuizzes
	Questions(ctx context.Context, stepID int64) ([]models.Question, error)
	Add(ctx context.Context, stepID int64, in models.QuestionInput) (int64, error)
	Update(ctx context.Context, stepID, id int64, in models.QuestionInput) error
	Delete(ctx context.Context, stepID, id int64) error
	Required(ctx context.Context, guideID int64) (bool, error)
	SetRequired(ctx context.Context, guideID int64, required bool) error
	Answer(ctx context.Context, userID, stepID int64, chosen map[int64][]int) (bool, error)
	Stats(ctx context.Context, guideID int64) ([]models.QuestionStats, error)
}

// quizGuides finds a guide for its editors.
type quizGuides interface {
	ForEditing(ctx context.Context, slug string, userID int64) (models.Editable, error)
}

// quizSteps finds steps: published ones for learners, any for editors.
type quizSteps interface {
	Page(ctx context.Context, slug string, n int) (models.Guide, models.Step, error)
	At(ctx context.Context, guideID int64, n int) (models.Step, error)
}

// Quizzes serves answering a step's quiz, the quiz editor and the
// per-question statistics.
type Quizzes struct {
	Quizzes quizStore
	Guides  quizGuides
	Steps   quizSteps
	viewer
}

// quizRequiredMessage is why a step cannot be completed yet.
const quizRequiredMessage = "Pass this step's quiz (every answer right in one attempt) before marking the step complete."

// quizRefusal answers "Mark complete" when the guide requires the step's
// quiz and the user has not passed it: htmx gets the control with the
// reason (422), a plain post a 422 page saying so. refused is false when
// completing is allowed.
func (h *Steps) quizRefusal(c *fiber.Ctx, guide models.Guide, step models.Step) (refused bool, err error) {
	ok, err := h.Quizzes.MayComplete(c.UserContext(), CurrentUser(c).ID, step.ID)
	if err != nil || ok {
		return false, err
	}
	c.Vary("HX-Request")
	if !isHTMX(c) {
		return true, fiber.NewError(fiber.StatusUnprocessableEntity, quizRequiredMessage)
	}
	state := components.CompleteState{
		Slug: guide.Slug, Position: step.Position, SignedIn: true,
		CSRF: h.csrf.token(c), Focus: true, Message: quizRequiredMessage,
	}
	return true, render(c, fiber.StatusUnprocessableEntity, components.Complete(state))
}

// Answer records the signed-in user's attempt at step n's quiz. Fields
// q{question id} carry the chosen choice indexes; anything else (a user
// id, say) is ignored. htmx gets the quiz region with the results; a plain
// form post is redirected back to the step, which shows the latest attempt.
func (h *Quizzes) Answer(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := CurrentUser(c)
	guide, step, err := stepToTrack(c, h.Steps)
	if err != nil {
		return err
	}
	if _, err := h.Quizzes.Answer(ctx, user.ID, step.ID, chosenAnswers(c)); err != nil {
		return err
	}
	c.Vary("HX-Request")
	if !isHTMX(c) {
		return c.Redirect(fmt.Sprintf("/guides/%s/steps/%d#%s", guide.Slug, step.Position, components.QuizID), fiber.StatusSeeOther)
	}
	quiz, err := h.Quizzes.ForStep(ctx, step.ID, user.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, components.Quiz(components.QuizState{
		Slug: guide.Slug, Position: step.Position, Quiz: quiz, SignedIn: true,
		CSRF: h.csrf.token(c), Focus: true,
	}))
}

// chosenAnswers reads the q{id}=index fields of the posted form.
func chosenAnswers(c *fiber.Ctx) map[int64][]int {
	chosen := map[int64][]int{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if len(key) < 2 || key[0] != 'q' {
			return
		}
		id, err := strconv.ParseInt(key[1:], 10, 64)
		if err != nil || id < 1 {
			return
		}
		i, err := strconv.Atoi(string(v))
		if err != nil || i < 0 || i >= models.QuizMaxChoices {
			return
		}
		if len(chosen[id]) < models.QuizMaxChoices {
			chosen[id] = append(chosen[id], i)
		}
	})
	return chosen
}

// editable finds the guide with :slug and its step :n for the signed-in
// user, who must be allowed to edit it: a draft they may not edit is not
// found, a published guide forbidden.
func (h *Quizzes) editable(c *fiber.Ctx, withStep bool) (models.Guide, models.Step, error) {
	ctx := c.UserContext()
	user := CurrentUser(c)
	e, err := h.Guides.ForEditing(ctx, c.Params("slug"), user.ID)
	if err != nil {
		return models.Guide{}, models.Step{}, err
	}
	if !models.Can(user, models.EditGuide, e) {
		if e.Guide.PublishedAt == nil {
			return models.Guide{}, models.Step{}, models.ErrNotFound
		}
		return models.Guide{}, models.Step{}, errForbidden
	}
	if !withStep {
		return e.Guide, models.Step{}, nil
	}
	n, err := stepNumber(c)
	if err != nil {
		return models.Guide{}, models.Step{}, err
	}
	step, err := h.Steps.At(ctx, e.Guide.ID, n)
	return e.Guide, step, err
}

// EditForm is the quiz editor of step n: its questions, a form to add one
// (or to change the one named by ?edit=id) and whether the guide requires
// its quizzes.
func (h *Quizzes) EditForm(c *fiber.Ctx) error {
	guide, step, err := h.editable(c, true)
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
	ctx := c.UserContext()
	guide, step, err := h.editable(c, true)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/guides/%s/steps/%d/quiz/edit", guide.Slug, step.Position)
	switch c.FormValue("action") {
	case "save", "":
		form := readQuizForm(c)
		in := form.Input()
		if errs := in.Validate(); errs.Any() {
			return h.renderEditor(c, fiber.StatusUnprocessableEntity, guide, step, nil, form, errs)
		}
		if form.ID == 0 {
			_, err = h.Quizzes.Add(ctx, step.ID, in)
		} else {
			err = h.Quizzes.Update(ctx, step.ID, form.ID, in)
		}
		if err != nil {
			return err
		}
		return redirect(c, back+"?done=saved")
	case "delete":
		id, err := strconv.ParseInt(c.FormValue("id"), 10, 64)
		if err != nil {
			return models.ErrNotFound
		}
		if err := h.Quizzes.Delete(ctx, step.ID, id); err != nil {
			return err
		}
		return redirect(c, back+"?done=deleted")
	case "required":
		if err := h.Quizzes.SetRequired(ctx, guide.ID, c.FormValue("required") == "on"); err != nil {
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
	guide, _, err := h.editable(c, false)
	if err != nil {
		return err
	}
	stats, err := h.Quizzes.Stats(c.UserContext(), guide.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return render(c, fiber.StatusOK, pages.QuizStats(h.page(c, "Quiz statistics — "+guide.Title, false),
		pages.QuizStatsData{Guide: guide, Stats: stats}))
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
