package handlers_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
)

const (
	noteBody  = `[data-testid="note-body"]`
	noteSaved = `[data-testid="note-saved"]`
)

// Typing a note saves it in the background: "Saved" appears without the
// page reloading, and the note is there after a reload and on "My notes".
func TestBrowserNoteAutosave(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	tb.signup("Nora Notes", "nora@example.com", "a fine glacier orbit")
	tb.open(step3)
	tb.htmxReady()
	if n := tb.count(noteSaved); n != 0 {
		t.Fatalf("a new note says it was saved")
	}
	// A marker that a reload would wipe.
	tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.stillHere = true`))
	tb.fill(noteBody, "Statelessness: each request carries what it needs.")
	tb.waitFor("the note to be saved", `document.querySelector('`+noteSaved+`') !== null`)
	if !eval[bool](tb, `window.stillHere === true`) {
		t.Errorf("the page reloaded to save the note")
	}
	if got := tb.text(`[data-testid="note-status"]`); !strings.HasPrefix(got, "Saved") {
		t.Errorf("status: got %q, want Saved …", got)
	}

	tb.open(step3)
	if got := tb.value(noteBody); got != "Statelessness: each request carries what it needs." {
		t.Errorf("after reload: note %q", got)
	}
	tb.clickAndLoad(`[data-testid="nav-notes"]`)
	if got := tb.text(`[data-testid="note-entry"] .prose`); got != "Statelessness: each request carries what it needs." {
		t.Errorf("My notes: got %q", got)
	}
	tb.noConsoleErrors()

	// The server goes away: the save fails, the status line says so and
	// the text stays where it was typed.
	tb.open(step3)
	tb.htmxReady()
	if err := srv.App.Shutdown(); err != nil {
		t.Fatal(err)
	}
	tb.fill(noteBody, " More.")
	tb.waitFor("the failure to show", `document.querySelector('[data-testid="note-status"] .note__error') !== null`)
	if got := tb.text(`[data-testid="note-status"]`); !strings.HasPrefix(got, "Couldn’t save") {
		t.Errorf("status after a failed save: %q", got)
	}
	if got := tb.value(noteBody); !strings.Contains(got, "More.") || !strings.Contains(got, "Statelessness") {
		t.Errorf("text after a failed save: %q", got)
	}
}

// "My learning", "My notes" and a certificate have no serious or critical
// accessibility problem axe-core can find, in the light and dark schemes.
func TestBrowserLearningAccessibility(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	ctx := context.Background()
	fs := fstest.MapFS{
		"tiny/guide.md": {Data: []byte("---\nslug: tiny\ntitle: A tiny guide\n---\nIntro\n")},
		"tiny/01.md":    {Data: []byte("---\ntitle: The only step\n---\nBody\n")},
	}
	if _, err := srv.Models.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
		t.Fatal(err)
	}
	tb.signup("Axel Access", "axel@example.com", "a fine glacier orbit")
	u := mustUser(t, srv, "axel@example.com")
	tiny, err := srv.Models.Guides.BySlug(ctx, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	only, _ := srv.Models.Steps.At(ctx, tiny.ID, 1)
	if err := srv.Models.Progress.Set(ctx, u.ID, only, true); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Models.Certificates.IssueIfComplete(ctx, u, tiny); err != nil {
		t.Fatal(err)
	}
	builtin, _ := srv.Models.Guides.BySlug(ctx, guidesSlug)
	first, _ := srv.Models.Steps.At(ctx, builtin.ID, 1)
	if err := srv.Models.Progress.Set(ctx, u.ID, first, true); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Models.Notes.Save(ctx, u.ID, first, "A *note* with `code`."); err != nil {
		t.Fatal(err)
	}
	certs, err := srv.Models.Certificates.ForUser(ctx, u.ID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: %d, %v", len(certs), err)
	}
	pagesToCheck := []string{"/learning", "/notes", "/certificates/" + certs[0].Code, step3, "/guides/tiny/steps/1"}

	for _, scheme := range []string{"light", "dark"} {
		if err := setColorScheme(tb.ctx, scheme); err != nil {
			t.Fatal(err)
		}
		for _, path := range pagesToCheck {
			t.Run(scheme+path, func(t *testing.T) {
				sub := tb.forTest(t)
				sub.open(path)
				checkAxe(sub, scheme+" "+path)
			})
		}
	}
}

// Completing the last step of a guide with the button announces the
// certificate in place, and the link opens it.
func TestBrowserFinishingAGuideShowsTheCertificate(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	fs := fstest.MapFS{
		"short/guide.md": {Data: []byte("---\nslug: short\ntitle: A short guide\n---\nIntro\n")},
		"short/01.md":    {Data: []byte("---\ntitle: First\n---\nBody\n")},
		"short/02.md":    {Data: []byte("---\ntitle: Last\n---\nBody\n")},
	}
	if _, err := srv.Models.Guides.LoadBuiltinGuides(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	tb.signup("Fin Isher", "fin@example.com", "a fine glacier orbit")
	for _, n := range []string{"1", "2"} {
		tb.open("/guides/short/steps/" + n)
		tb.htmxReady()
		if c := tb.count(`[data-testid="certificate-notice"]`); c != 0 {
			t.Fatalf("step %s: a certificate before finishing", n)
		}
		tb.do("mark step "+n+" complete", chromedp.Click(chromedp.CSS(completeButton)))
		tb.waitFor("step "+n+" to be done", `document.querySelector('#step-link-`+n+`[data-done="true"]') !== null`)
	}
	tb.waitFor("the certificate notice", `document.querySelector('[data-testid="certificate-notice"] a') !== null`)
	tb.clickAndLoad(`[data-testid="certificate-notice"] a`)
	if got := tb.text(`[data-testid="certificate-name"]`); got != "Fin Isher" {
		t.Errorf("certificate name: got %q", got)
	}
	if got := tb.text(`[data-testid="certificate-guide"]`); got != "A short guide" {
		t.Errorf("certificate guide: got %q", got)
	}
	tb.noConsoleErrors()
}
