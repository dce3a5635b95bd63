package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models/learning"
	"stepwise/views/components"
)

// QuizAnswers serves a learner's attempt at a step's quiz, through
// learning's AnswerQuiz, which the API shares.
type QuizAnswers struct {
	Learning *learning.Service
	viewer
}

// Answer records the signed-in user's attempt at step n's quiz. Fields
// q{question id} carry the chosen choice indexes; anything else (a user
// id, say) is ignored. htmx gets the quiz region with the results; a plain
// form post is redirected back to the step, which shows the latest attempt.
// An answer the quiz cannot have (only a tampered form sends one) is
// refused with 422, as in the API.
func (h *QuizAnswers) Answer(c *fiber.Ctx) error {
	res, err := h.Learning.AnswerQuiz(c.UserContext(), CurrentUser(c),
		learning.QuizAnswers{StepRef: stepRef(c), Answers: chosenAnswers(c)})
	if err != nil {
		return err
	}
	c.Vary("HX-Request")
	if !isHTMX(c) {
		return c.Redirect(fmt.Sprintf("/guides/%s/steps/%d#%s", res.Guide.Slug, res.Step.Position, components.QuizID), fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, components.Quiz(components.QuizState{
		Slug: res.Guide.Slug, Position: res.Step.Position, Quiz: res.Quiz, SignedIn: true,
		CSRF: h.csrf.token(c), Focus: true,
	}))
}

// chosenAnswers reads the q{id}=index fields of the posted form, keyed by
// the question id as AnswerQuiz takes it. An index that is not a number
// is passed on as -1, which the operation refuses as out of range.
func chosenAnswers(c *fiber.Ctx) map[string][]int {
	chosen := map[string][]int{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if len(key) < 2 || key[0] != 'q' {
			return
		}
		id := key[1:]
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n < 1 {
			return // not an answer field
		}
		i, err := strconv.Atoi(string(v))
		if err != nil {
			i = -1
		}
		chosen[id] = append(chosen[id], i)
	})
	return chosen
}
