package handlers_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"stepwise/models"
)

// An author writes a guide in the browser: the preview follows the typing,
// autosave says "Saved", and the steps reorder in place through htmx. The
// editor's pages pass axe in both colour schemes.
func TestBrowserEditor(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	tb.signup("Ada Author", "ada@example.com", "a fine glacier orbit")
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, "ada@example.com").ID, models.RoleAuthor); err != nil {
		t.Fatal(err)
	}

	// Dashboard → new guide → its settings page.
	tb.open("/author")
	tb.clickAndLoad(`[data-testid="new-guide"]`)
	tb.fill("#title", "Browser Made Guide")
	tb.clickAndLoad(`[data-testid="save-guide"]`)
	if p := tb.path(); p != "/author/guides/browser-made-guide?done=created" {
		t.Fatalf("after creating: at %s", p)
	}
	for _, title := range []string{"First", "Second", "Third"} {
		tb.open("/author/guides/browser-made-guide")
		tb.fill("#step_title", title)
		tb.clickAndLoad(`[data-testid="add-step-form"] button[type="submit"]`)
	}

	// The editor: typing updates the server-rendered preview, then autosaves.
	tb.open("/author/guides/browser-made-guide/steps/1")
	tb.htmxReady()
	tb.fill("#body", "# Hello preview\n\nSome **bold** text.")
	tb.waitFor("the preview to render the heading",
		`(document.querySelector('#preview h1') || {}).textContent === 'Hello preview'`)
	tb.waitFor("autosave to say Saved",
		`(document.querySelector('[data-testid="autosave-message"]') || {}).textContent === 'Saved'`)
	var body string
	if err := srv.DB.Get(context.Background(), &body, `SELECT body_md FROM steps s JOIN guides g ON g.id = s.guide_id
		WHERE g.slug = 'browser-made-guide' AND s.position = 1`); err != nil {
		t.Fatal(err)
	}
	if body != "# Hello preview\n\nSome **bold** text." {
		t.Errorf("autosaved body: %q", body)
	}
	checkEditorAxe(tb, "editor")

	// Reorder through htmx: the list changes and the page is not reloaded.
	tb.open("/author/guides/browser-made-guide")
	tb.htmxReady()
	tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`))
	tb.do("move the first step down", chromedp.Click(chromedp.CSS(`#step-list li:first-child [data-testid="move-down"]`)))
	tb.waitFor("the list to show Second first",
		`document.querySelector('#step-list [data-testid="author-step-title"]').textContent === 'Second'`)
	if !eval[bool](tb, `window.__notReloaded === true`) {
		t.Errorf("the page was reloaded by the move")
	}
	if got := tb.text(`#step-list li:nth-child(2) [data-testid="author-step-title"]`); got != "First" {
		t.Errorf("second step after the move: %q, want First", got)
	}
	// Drag and drop (synthetic drag events): the third step onto the first.
	tb.do("drag the third step onto the first", chromedp.Evaluate[chromedp.Void](`(() => {
		const items = document.querySelectorAll('#step-list li');
		const dt = new DataTransfer();
		items[2].dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
		items[0].dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
		items[0].dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
	})()`))
	tb.waitFor("the list to show Third first",
		`document.querySelector('#step-list [data-testid="author-step-title"]').textContent === 'Third'`)
	if !eval[bool](tb, `window.__notReloaded === true`) {
		t.Errorf("the page was reloaded by the drop")
	}
	checkEditorAxe(tb, "settings")

	// Publish, save twice more and look at the revisions and a diff.
	tb.clickAndLoad(`[data-testid="publish"]`)
	for _, text := range []string{"one\ntwo", "one\n2"} {
		tb.open("/author/guides/browser-made-guide/steps/1")
		tb.do("clear the text", chromedp.SetValue(chromedp.CSS("#body"), text))
		tb.clickAndLoad(`[data-testid="save-step"]`)
	}
	// A save over a newer version shows both texts; axe checks that page.
	tb.open("/author/guides/browser-made-guide/steps/2")
	tb.do("type", chromedp.SetValue(chromedp.CSS("#body"), "mine"))
	if _, err := srv.DB.Exec(context.Background(), `UPDATE steps SET version = version + 1, body_md = 'theirs'
		WHERE position = 2 AND guide_id = (SELECT id FROM guides WHERE slug = 'browser-made-guide')`); err != nil {
		t.Fatal(err)
	}
	tb.clickAndLoad(`[data-testid="save-step"]`)
	if tb.count(`[data-testid="conflict"]`) != 1 || tb.value(`[data-testid="conflict-mine-body"]`) != "mine" ||
		tb.value(`[data-testid="conflict-theirs-body"]`) != "theirs" {
		t.Errorf("no conflict view with both texts")
	}
	for _, scheme := range []string{"light", "dark"} {
		if err := setColorScheme(tb.ctx, scheme); err != nil {
			t.Fatal(err)
		}
		tb.waitFor("colour transitions to end", `document.getAnimations().length === 0`)
		checkAxe(tb, scheme+" conflict")
	}
	if err := setColorScheme(tb.ctx, "light"); err != nil {
		t.Fatal(err)
	}
	tb.open("/author/guides/browser-made-guide/steps/1/revisions")
	checkEditorAxe(tb, "revisions")
	tb.clickAndLoad(`#compare-form button`)
	if tb.count(`[data-testid="diff-add"]`) == 0 {
		t.Errorf("no added lines in the diff")
	}
	checkEditorAxe(tb, "diff")
	tb.open("/author")
	checkEditorAxe(tb, "dashboard")
	tb.open("/author/guides/new")
	checkEditorAxe(tb, "new guide")
}

// checkEditorAxe runs axe on the page (loaded again, so no transition is
// under way) in both colour schemes.
func checkEditorAxe(tb *tab, name string) {
	tb.t.Helper()
	path := tb.path()
	for _, scheme := range []string{"light", "dark"} {
		if err := setColorScheme(tb.ctx, scheme); err != nil {
			tb.t.Fatal(err)
		}
		tb.open(path)
		checkAxe(tb, scheme+" "+name+" "+path)
	}
	if err := setColorScheme(tb.ctx, "light"); err != nil {
		tb.t.Fatal(err)
	}
}
