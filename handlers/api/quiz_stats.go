package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// quizStatsReader is what the statistics need: the statistics page's
// own query.
type quizStatsReader interface {
	Stats(ctx context.Context, guideID int64) ([]models.QuestionStats, error)
}

// QuizStats serves GET /api/v1/guides/{slug}/quiz-stats.
type QuizStats struct {
	Guides  *Guides
	Quizzes quizStatsReader
}

// GuideQuizStats is, for every question of a guide's quizzes, how often
// it was answered and how often rightly, so authors can find the
// confusing ones.
type GuideQuizStats struct {
	Guide     string          `json:"guide"`
	Questions []QuestionStats `json:"questions"`
}

// QuestionStats is one question's answers.
type QuestionStats struct {
	QuestionID     int64  `json:"question_id"`
	Step           int    `json:"step"`
	StepTitle      string `json:"step_title"`
	Position       int    `json:"position"`
	Prompt         string `json:"prompt"`
	Answers        int    `json:"answers"`
	Correct        int    `json:"correct"`
	PercentCorrect int    `json:"percent_correct"`
}

// Show answers GET /api/v1/guides/{slug}/quiz-stats, for the guide's
// editors as the page is: 404 for a draft they may not edit, 403 for a
// published guide.
func (h *QuizStats) Show(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	stats, err := h.Quizzes.Stats(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	out := GuideQuizStats{Guide: r.Slug, Questions: make([]QuestionStats, len(stats))}
	for i, s := range stats {
		out.Questions[i] = QuestionStats{QuestionID: s.QuestionID, Step: s.StepPosition, StepTitle: s.StepTitle,
			Position: s.Position, Prompt: s.Prompt, Answers: s.Answers, Correct: s.Correct, PercentCorrect: s.PercentCorrect()}
	}
	return send(c, fiber.StatusOK, out)
}
