package pages_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"stepwise/models"
	"stepwise/views"
	"stepwise/views/pages"
)

// BenchmarkStepPage renders a signed-in step page of a 12-step guide with
// a 4 KB body, as the benchmark's W1 does, to track its allocations.
func BenchmarkStepPage(b *testing.B) {
	now := time.Now()
	author := int64(1)
	data := pages.StepData{
		Guide: models.Guide{ID: 1, Slug: "demo-guide-1", Title: "Demo guide", PublishedAt: &now, AuthorID: &author},
		Step:  models.Step{ID: 3, GuideID: 1, Position: 3, Title: "Step three", BodyHTML: strings.Repeat("<p>Some text with <code>code</code>.</p>\n", 100)},
		Done:  map[int64]bool{1: true, 2: true},
	}
	for i := 1; i <= 12; i++ {
		data.Steps = append(data.Steps, models.StepLink{ID: int64(i), Position: i, Title: "A step title", Done: i <= 2})
	}
	p := views.Page{
		Title: "Step three", User: &models.User{ID: 7, DisplayName: "User One", Role: models.RoleLearner},
		CSRF: "token", Path: "/guides/demo-guide-1/steps/3",
		Asset: func(name string) string { return "/static/" + name },
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := pages.Step(p, data).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
