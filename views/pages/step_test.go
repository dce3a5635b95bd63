package pages_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"stepwise/models"
	"stepwise/views"
	"stepwise/views/pages"
)

// renderStep renders the step page for user (nil: a visitor) and parses it.
func renderStep(t *testing.T, user *models.User) *goquery.Document {
	t.Helper()
	now := time.Now()
	data := pages.StepData{
		Guide: models.Guide{ID: 1, Slug: "g", Title: "Guide", PublishedAt: &now},
		Step:  models.Step{ID: 2, GuideID: 1, Position: 2, Title: "Second <step>", BodyHTML: "<p>Body</p>"},
		Done:  map[int64]bool{1: true},
	}
	for i := 1; i <= 3; i++ {
		data.Steps = append(data.Steps, models.StepLink{ID: int64(i), Position: i, Title: "Step", Done: i == 1})
	}
	p := views.Page{Title: "Second", User: user, Path: "/guides/g/steps/2", Asset: func(n string) string { return "/static/" + n }}
	if user != nil {
		p.CSRF = "tok"
	}
	var buf bytes.Buffer
	if err := pages.Step(p, data).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestStepPageMarkup(t *testing.T) {
	t.Parallel()
	doc := renderStep(t, &models.User{ID: 9, DisplayName: "Lee"})
	if got := doc.Find(`[data-testid="step-item"]`).Length(); got != 3 {
		t.Errorf("sidebar items: got %d, want 3", got)
	}
	if got := doc.Find(`[data-testid="step-item"][data-done="true"]`).Length(); got != 1 {
		t.Errorf("done items: got %d, want 1", got)
	}
	if got := doc.Find(`[aria-current="step"]`).Length(); got != 1 {
		t.Errorf("current step marks: got %d, want 1", got)
	}
	if got := doc.Find(`[data-testid="step-title"]`).Text(); got != "Second <step>" {
		t.Errorf("title: got %q (escaped text expected to round-trip)", got)
	}
	form := doc.Find(`#complete-control form`)
	if action, _ := form.Attr("action"); action != "/guides/g/steps/2/complete" {
		t.Errorf("complete form action: %q", action)
	}
	if tok, _ := form.Find(`input[name="csrf_token"]`).Attr("value"); tok != "tok" {
		t.Errorf("complete form csrf_token: %q", tok)
	}
	if doc.Find("script:not([src]), [style]").Length() != 0 {
		t.Errorf("inline script or style in the page")
	}
}

func TestStepPageForAVisitor(t *testing.T) {
	t.Parallel()
	doc := renderStep(t, nil)
	if doc.Find(`#complete-control form`).Length() != 0 {
		t.Errorf("a visitor got the complete form")
	}
	if href, _ := doc.Find(`[data-testid="complete-login"]`).Attr("href"); href != "/login?next=%2Fguides%2Fg%2Fsteps%2F2" {
		t.Errorf("visitor's Mark complete: %q", href)
	}
	if doc.Find(`[data-testid="progress"]`).Length() != 0 {
		t.Errorf("a visitor sees a progress bar")
	}
}
