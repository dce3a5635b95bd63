package pages

import (
	"fmt"

	"stepwise/models"
)

// QuizForm is the question form as the author filled it in: eight choice
// fields, each with a "correct" checkbox.
type QuizForm struct {
	ID          int64 // 0 for a new question
	Kind        string
	Prompt      string
	Explanation string
	Choices     []string
	Correct     []bool
}

// QuizFormFrom is the form for changing q.
func QuizFormFrom(q models.Question) QuizForm {
	f := QuizForm{ID: q.ID, Kind: q.Kind, Prompt: q.Prompt, Explanation: q.Explanation}
	for _, c := range q.Choices {
		f.Choices = append(f.Choices, c.Text)
		f.Correct = append(f.Correct, c.Correct)
	}
	return f
}

// Input is the question the form describes, normalized: empty choice
// fields are dropped, and a true/false question without choices gets
// "True" and "False".
func (f QuizForm) Input() models.QuestionInput {
	in := models.QuestionInput{Kind: f.Kind, Prompt: f.Prompt, Explanation: f.Explanation}
	empty := true
	for i, c := range f.Choices {
		in.Choices = append(in.Choices, models.Choice{Text: c, Correct: f.correct(i)})
		empty = empty && c == ""
	}
	if f.Kind == models.QuizTrueFalse && empty {
		in.Choices = []models.Choice{{Text: "True", Correct: f.correct(0)}, {Text: "False", Correct: f.correct(1)}}
	}
	in.Normalize()
	return in
}

func (f QuizForm) choice(i int) string {
	if i < len(f.Choices) {
		return f.Choices[i]
	}
	return ""
}

func (f QuizForm) correct(i int) bool { return i < len(f.Correct) && f.Correct[i] }

// QuizEditData is what the quiz editor shows.
type QuizEditData struct {
	Guide     models.Guide
	Step      models.Step
	Required  bool
	Questions []models.Question
	Form      QuizForm
	Errors    models.FieldErrors
	// Done is the confirmation of the last change, if any.
	Done string
}

func (d QuizEditData) action() string {
	return fmt.Sprintf("/guides/%s/steps/%d/quiz/edit", d.Guide.Slug, d.Step.Position)
}

// QuizDoneMessage is the confirmation for ?done=; unknown values show none.
func QuizDoneMessage(done string) string {
	switch done {
	case "saved":
		return "The question was saved."
	case "deleted":
		return "The question was deleted."
	case "required":
		return "The quiz setting was saved."
	}
	return ""
}

// QuizStatsData is what the quiz statistics page shows.
type QuizStatsData struct {
	Guide models.Guide
	Stats []models.QuestionStats
}

var quizKinds = []struct{ Value, Label string }{
	{models.QuizSingle, "Single choice"},
	{models.QuizMultiple, "Multiple choice"},
	{models.QuizTrueFalse, "True / false"},
}

func quizKindLabel(kind string) string {
	for _, k := range quizKinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}
