package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"stepwise/models"
)

// TestBrowserImagesPanel uploads an image through the real form in
// Chromium, checks the browser displays it from /images/… under the
// page's Content-Security-Policy, and runs axe on the images panel and
// the import form (with its error).
func TestBrowserImagesPanel(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	tb.signup("Ada", "ada@example.com", "a fine glacier orbit")
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, "ada@example.com").ID, models.RoleAuthor); err != nil {
		t.Fatal(err)
	}
	draftGuide(t, srv, "pictures", "ada@example.com")
	file := filepath.Join(t.TempDir(), "diagram.png")
	if err := os.WriteFile(file, imagesPNG(t, 40, 30, 200), 0o600); err != nil {
		t.Fatal(err)
	}

	tb.open("/author/guides/pictures/images")
	tb.do("choose a file", chromedp.SetUploadFiles(chromedp.CSS("#image"), []string{file}))
	tb.clickAndLoad(`form[data-testid="image-upload"] button[type="submit"]`)
	if n := tb.count(`[data-testid="image-item"]`); n != 1 {
		t.Fatalf("images listed after the upload: %d, want 1", n)
	}
	tb.waitFor("the image to load", `(() => { const i = document.querySelector('.image-list img'); return i && i.complete && i.naturalWidth === 40; })()`)
	tb.noConsoleErrors()
	checkAxe(tb, "images panel")

	tb.open("/author/import")
	checkAxe(tb, "import form")
	tb.clickAndLoad(`form[action="/author/import"] button[type="submit"]`)
	if got := tb.text(`[data-testid="archive-error"]`); got == "" {
		t.Errorf("an import without a file shows no error")
	}
	checkAxe(tb, "import form with an error")
}
