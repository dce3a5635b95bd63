package handlers_test

// Browser tests: the real app driven through headless Chromium, the way a
// person uses it. See browser_harness_test.go for how the browser is run
// and browser_axe_test.go for the accessibility checks.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

const (
	completeButton = `[data-testid="complete-button"]`
	progressDone   = `[data-testid="progress-done"]`
	currentUser    = `[data-testid="current-user"]`
)

// Sign up with a mistake, fix it, log out and log in again, all through the
// forms.
func TestBrowserSignupLoginLogout(t *testing.T) {
	t.Parallel()
	_, tb := newBrowserTest(t)

	// A password that is too short: the form comes back with a message on
	// that field, the other fields keep what was typed, the password does
	// not.
	tb.open("/signup")
	tb.fill("#display_name", "Bea Browser")
	tb.fill("#email", "bea@example.com")
	tb.fill("#password", "short")
	tb.clickAndLoad(`form[action="/signup"] button[type="submit"]`)
	if p := tb.path(); p != "/signup" {
		t.Errorf("after a bad sign-up: at %s, want /signup", p)
	}
	if got := tb.text(`[data-testid="password-error"]`); got != "Use at least 8 characters." {
		t.Errorf("password error: got %q", got)
	}
	if got := tb.attr("#password", "aria-invalid").Value; got != "true" {
		t.Errorf("password aria-invalid: got %q, want true", got)
	}
	if n := tb.count(`[data-testid="display_name-error"], [data-testid="email-error"]`); n != 0 {
		t.Errorf("errors on valid fields: got %d, want 0", n)
	}
	if got := tb.value("#display_name"); got != "Bea Browser" {
		t.Errorf("name kept: got %q", got)
	}
	if got := tb.value("#email"); got != "bea@example.com" {
		t.Errorf("email kept: got %q", got)
	}
	if got := tb.value("#password"); got != "" {
		t.Errorf("password kept: got %q, want it empty", got)
	}
	if n := tb.count(currentUser); n != 0 {
		t.Fatalf("signed in after a bad sign-up")
	}

	// Only the password needs typing again.
	tb.fill("#password", "a fine glacier orbit")
	tb.clickAndLoad(`form[action="/signup"] button[type="submit"]`)
	if p := tb.path(); p != "/" {
		t.Errorf("after sign-up: at %s, want /", p)
	}
	if got := tb.text(currentUser); got != "Bea Browser" {
		t.Fatalf("after sign-up: signed-in name %q, want Bea Browser", got)
	}

	// Log out with the header's button.
	tb.clickAndLoad(`form[action="/logout"] button[type="submit"]`)
	if p := tb.path(); p != "/" {
		t.Errorf("after log-out: at %s, want /", p)
	}
	if n := tb.count(currentUser); n != 0 {
		t.Fatalf("still signed in after log-out")
	}

	// A wrong password is refused without saying which part was wrong.
	tb.clickAndLoad(`.account-nav a[href="/login"]`)
	tb.login("bea@example.com", "not the password")
	if got := tb.text(`[data-testid="form-error"]`); got != "That email and password do not match an account." {
		t.Errorf("failed login message: got %q", got)
	}
	if got := tb.value("#email"); got != "bea@example.com" {
		t.Errorf("email kept after failed login: got %q", got)
	}

	// And the right one signs in.
	tb.fill("#password", "a fine glacier orbit")
	tb.clickAndLoad(`form[action="/login"] button[type="submit"]`)
	if p := tb.path(); p != "/" {
		t.Errorf("after login: at %s, want /", p)
	}
	if got := tb.text(currentUser); got != "Bea Browser" {
		t.Errorf("after login: signed-in name %q, want Bea Browser", got)
	}
}

// From the home page to the guide's overview, its first step, and on to the
// second, by clicking.
func TestBrowserFollowGuide(t *testing.T) {
	t.Parallel()
	_, tb := newBrowserTest(t)

	tb.open("/")
	guideTitle := tb.text(`[data-testid="guide-card"] h3 a`)
	tb.clickAndLoad(`[data-testid="guide-card"] h3 a`)
	if p := tb.path(); p != guidePath {
		t.Fatalf("guide card led to %s, want %s", p, guidePath)
	}
	if got := tb.text("main h1"); got != guideTitle {
		t.Errorf("overview heading %q, want the card's title %q", got, guideTitle)
	}
	if n := tb.count(`[data-testid="step-item"]`); n != 10 {
		t.Errorf("overview lists %d steps, want 10", n)
	}
	title1 := tb.text(`#step-link-1 .step-list__title`)
	title2 := tb.text(`#step-link-2 .step-list__title`)

	if got := tb.text(`[data-testid="start"]`); got != "Start the guide" {
		t.Errorf("start link: got %q", got)
	}
	tb.clickAndLoad(`[data-testid="start"]`)
	if p := tb.path(); p != guidePath+"/steps/1" {
		t.Fatalf("start led to %s, want step 1", p)
	}
	if got := tb.text(`[data-testid="step-title"]`); got != title1 {
		t.Errorf("step 1 title %q, want %q", got, title1)
	}
	if got := tb.text(".step .eyebrow"); got != "Step 1 of 10" {
		t.Errorf("step 1 eyebrow %q", got)
	}
	if n := tb.count(`a[rel="prev"]`); n != 0 {
		t.Errorf("step 1 has a previous link")
	}

	tb.clickAndLoad(`a[rel="next"]`)
	if p := tb.path(); p != guidePath+"/steps/2" {
		t.Fatalf("next led to %s, want step 2", p)
	}
	if got := tb.text(`[data-testid="step-title"]`); got != title2 {
		t.Errorf("step 2 title %q, want %q", got, title2)
	}
	if got := tb.attr(`#step-link-2 a`, "aria-current").Value; got != "step" {
		t.Errorf("sidebar: step 2 aria-current=%q, want step", got)
	}
	if tb.attr(`#step-link-1 a`, "aria-current").Exists {
		t.Errorf("sidebar: step 1 still marked current")
	}
}

// markDoneAndCheck clicks the step's "Mark complete" (or its undo) and
// waits for htmx to swap the control in place; then it checks the button,
// the progress count and the sidebar entry, and that the page was never
// reloaded (the marker set on window survives only a partial update).
func markDoneAndCheck(tb *tab, click func(), wantDone bool, wantCount int) {
	tb.t.Helper()
	pressed := fmt.Sprint(wantDone)
	click()
	tb.waitFor("the button to be aria-pressed="+pressed,
		`document.querySelector('`+completeButton+`')?.getAttribute("aria-pressed") === "`+pressed+`"`)
	if got := eval[int](tb, `window.__stepwiseMarker ?? 0`); got != 42 {
		tb.t.Fatalf("window marker is %d after the click: the page was reloaded, not updated in place", got)
	}
	if got := tb.text(progressDone); got != fmt.Sprint(wantCount) {
		tb.t.Errorf("progress: %q steps done, want %d", got, wantCount)
	}
	if got := tb.text(`#guide-progress .progress__label`); got != fmt.Sprintf("%d of 10 steps done", wantCount) {
		tb.t.Errorf("progress label: %q", got)
	}
	if got := tb.attr(`#guide-progress progress`, "value").Value; got != fmt.Sprint(wantCount) {
		tb.t.Errorf("progress bar value %q, want %d", got, wantCount)
	}
	if got := tb.attr("#step-link-3", "data-done"); got.Exists != wantDone {
		tb.t.Errorf("sidebar #step-link-3 data-done present=%v, want %v", got.Exists, wantDone)
	}
	// The swapped-in button takes the focus back (autofocus, applied when
	// htmx settles), so a keyboard user can press it again without hunting
	// for it.
	tb.waitFor("focus on the new complete button",
		`document.activeElement === document.querySelector('`+completeButton+`')`)
}

// Mark complete with htmx: the button, the progress bar and the sidebar
// change without a reload; undo; then a reload shows the state was kept.
func TestBrowserMarkCompleteWithHTMX(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	tb.signup("Hana Htmx", "hana@example.com", "a fine glacier orbit")

	tb.open(step3)
	tb.htmxReady()
	if got := tb.text(progressDone); got != "0" {
		t.Fatalf("progress before: %q, want 0", got)
	}
	if tb.attr("#step-link-3", "data-done").Exists {
		t.Fatalf("step 3 done before the click")
	}
	if got := tb.text(completeButton); got != "Mark complete" {
		t.Errorf("button before: %q", got)
	}
	tb.do("set the marker", chromedp.Evaluate[chromedp.Void](`window.__stepwiseMarker = 42`))

	click := func() { tb.do("click the complete button", chromedp.Click(chromedp.CSS(completeButton))) }
	markDoneAndCheck(tb, click, true, 1)
	if got := tb.text(completeButton); !strings.HasPrefix(got, "✓ Completed") || !strings.Contains(got, "Undo") {
		t.Errorf("button after: %q, want ✓ Completed … Undo", got)
	}
	if n := srv.progressRows("hana@example.com"); n != 1 {
		t.Errorf("progress rows after the click: %d, want 1", n)
	}

	// Undo, in place as well.
	markDoneAndCheck(tb, click, false, 0)
	if n := srv.progressRows("hana@example.com"); n != 0 {
		t.Errorf("progress rows after undo: %d, want 0", n)
	}

	// Complete again, reload: the state is kept and this time the page is new.
	markDoneAndCheck(tb, click, true, 1)
	tb.do("reload", chromedp.Reload())
	if got := eval[int](tb, `window.__stepwiseMarker ?? 0`); got != 0 {
		t.Errorf("marker survived a reload: the reload did not happen")
	}
	if got := tb.attr(completeButton, "aria-pressed").Value; got != "true" {
		t.Errorf("after reload: aria-pressed=%q, want true", got)
	}
	if got := tb.text(progressDone); got != "1" {
		t.Errorf("after reload: %q steps done, want 1", got)
	}
	if got := tb.attr("#step-link-3", "data-done").Value; got != "true" {
		t.Errorf("after reload: #step-link-3 data-done=%q, want true", got)
	}
	tb.noConsoleErrors()
}

// Without JavaScript the same button is a plain form: it posts, the server
// answers 303 back to the step, and the new page shows the step done.
func TestBrowserMarkCompleteWithoutJavaScript(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}

	tb.signup("Noah NoScript", "noah@example.com", "a fine glacier orbit")
	tb.open(step3)
	// The page's scripts never ran (DevTools can still evaluate).
	if got := eval[string](tb, `typeof window.htmx`); got != "undefined" {
		t.Fatalf("htmx loaded with JavaScript disabled (typeof htmx = %q)", got)
	}
	if got := tb.text(progressDone); got != "0" {
		t.Fatalf("progress before: %q, want 0", got)
	}

	tb.clickAndLoad(completeButton)
	if p := tb.path(); p != step3 {
		t.Errorf("after the form post: at %s, want back at %s", p, step3)
	}
	if got := tb.attr(completeButton, "aria-pressed").Value; got != "true" {
		t.Errorf("after the form post: aria-pressed=%q, want true", got)
	}
	if got := tb.text(progressDone); got != "1" {
		t.Errorf("after the form post: %q steps done, want 1", got)
	}
	if got := tb.attr("#step-link-3", "data-done").Value; got != "true" {
		t.Errorf("after the form post: #step-link-3 data-done=%q, want true", got)
	}
	if n := srv.progressRows("noah@example.com"); n != 1 {
		t.Errorf("progress rows after the form post: %d, want 1", n)
	}

	// Undo works the same way.
	tb.clickAndLoad(completeButton)
	if got := tb.attr(completeButton, "aria-pressed").Value; got != "false" {
		t.Errorf("after undo: aria-pressed=%q, want false", got)
	}
	if got := tb.text(progressDone); got != "0" {
		t.Errorf("after undo: %q steps done, want 0", got)
	}
}

// noHorizontalOverflow fails if the page is wider than the viewport, and
// names the elements that stick out. The viewport's width is the root's
// clientWidth: under mobile emulation, as on a phone, window.innerWidth
// grows to take in content that overflows (the browser zooms out), so
// comparing scrollWidth with innerWidth alone would never fail there.
func noHorizontalOverflow(tb *tab, page string) {
	tb.t.Helper()
	type overflow struct {
		ScrollWidth int      `json:"scrollWidth"`
		InnerWidth  int      `json:"innerWidth"`
		Viewport    int      `json:"viewport"`
		Culprits    []string `json:"culprits"`
	}
	got := eval[overflow](tb, `(() => {
		const vw = Math.min(window.innerWidth, document.documentElement.clientWidth);
		const culprits = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) {
				// Ignore what is inside a scroll container: it scrolls on its own.
				let p = el.parentElement, clipped = false;
				for (; p && p !== document.body; p = p.parentElement) {
					const o = getComputedStyle(p).overflowX;
					if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") { clipped = true; break; }
				}
				if (!clipped) culprits.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
					(el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
					" [" + Math.round(r.left) + ".." + Math.round(r.right) + "]");
			}
			if (culprits.length >= 8) break;
		}
		return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, viewport: vw, culprits};
	})()`)
	if got.ScrollWidth > got.Viewport || got.InnerWidth > got.Viewport {
		tb.t.Errorf("%s: page is %dpx wide (innerWidth %d) in a %dpx viewport; sticking out: %s",
			page, got.ScrollWidth, got.InnerWidth, got.Viewport, strings.Join(got.Culprits, ", "))
	}
}

// A phone: nothing scrolls sideways, and Mark complete works with a tap.
func TestBrowserPhoneViewport(t *testing.T) {
	t.Parallel()
	_, tb := newBrowserTest(t)
	tb.do("emulate a phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))

	step4 := guidePath + "/steps/4"
	for _, p := range []string{"/", guidePath, step4, "/login", "/signup"} {
		tb.open(p)
		noHorizontalOverflow(tb, "visitor "+p)
	}
	if got := eval[int](tb, `window.innerWidth`); got != 375 {
		t.Fatalf("viewport is %dpx wide, want 375 (mobile emulation not applied)", got)
	}

	tb.signup("Pia Phone", "pia@example.com", "a fine glacier orbit")
	noHorizontalOverflow(tb, "signed-in /")
	tb.open(step4)
	if n := tb.count(".prose pre"); n == 0 {
		t.Fatalf("step 4 has no code blocks; the overflow check needs a page with some")
	}
	noHorizontalOverflow(tb, "signed-in "+step4)
	// The narrow layout (the sidebar shrinks to a row of numbered marks)
	// has to stay accessible too.
	checkAxe(tb, "phone signed-in "+step4)

	tb.htmxReady()
	tb.do("set the marker", chromedp.Evaluate[chromedp.Void](`window.__stepwiseMarker = 42`))
	tb.do("tap Mark complete", chromedp.Tap(chromedp.CSS(completeButton)))
	tb.waitFor("the button to be pressed",
		`document.querySelector('`+completeButton+`')?.getAttribute("aria-pressed") === "true"`)
	if got := eval[int](tb, `window.__stepwiseMarker ?? 0`); got != 42 {
		t.Fatalf("the page was reloaded instead of updated in place")
	}
	if got := tb.text(progressDone); got != "1" {
		t.Errorf("progress after the tap: %q, want 1", got)
	}
	if got := tb.attr("#step-link-4", "data-done").Value; got != "true" {
		t.Errorf("#step-link-4 data-done=%q, want true", got)
	}
	noHorizontalOverflow(tb, "after marking "+step4+" complete")
	tb.noConsoleErrors()
}

// setColorScheme emulates prefers-color-scheme for the tab's pages.
func setColorScheme(ctx context.Context, scheme string) error {
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	return err
}
