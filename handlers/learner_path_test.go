package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const (
	guidePath = "/guides/backend-web-development"
	step3     = guidePath + "/steps/3"
)

// The whole learner path: sign up, open a step, toggle it with and without
// htmx, reload and find the progress kept.
func TestLearnerPath(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()

	home := c.get("/")
	wantStatus(t, home, http.StatusOK)
	if got := home.testid(t, "guide-card").Length(); got != 1 {
		t.Fatalf("home: got %d guide cards, want 1", got)
	}

	c.signup("learner@example.com", "Lee Learner", "a fine glacier orbit")
	page := c.get(step3)
	wantStatus(t, page, http.StatusOK)
	if got := page.testid(t, "current-user").Text(); got != "Lee Learner" {
		t.Errorf("signed-in name: got %q, want Lee Learner", got)
	}
	if got := page.testid(t, "step-item").Length(); got != 10 {
		t.Errorf("sidebar items: got %d, want 10", got)
	}
	if got := page.testid(t, "progress-done").Text(); got != "0" {
		t.Errorf("progress before: got %q, want 0", got)
	}
	tok, _ := page.doc(t).Find(`[data-testid="complete-control"] input[name="csrf_token"]`).Attr("value")

	// htmx: the fragment holds the new button, and out-of-band the
	// progress bar and the sidebar entry.
	frag := c.post(step3+"/complete", url.Values{"done": {"true"}}, "HX-Request", "true", "X-CSRF-Token", tok)
	wantStatus(t, frag, http.StatusOK)
	if strings.Contains(frag.Body, "<html") {
		t.Errorf("htmx response is a whole page, want a fragment")
	}
	if got := frag.testid(t, "complete-button").AttrOr("aria-pressed", ""); got != "true" {
		t.Errorf("button after toggle: aria-pressed=%q, want true", got)
	}
	if oob := frag.doc(t).Find(`#guide-progress[hx-swap-oob]`); oob.Length() != 1 || !strings.Contains(oob.Text(), "1 of 10") {
		t.Errorf("out-of-band progress: got %q, want 1 of 10", oob.Text())
	}
	if oob := frag.doc(t).Find(`#step-link-3[hx-swap-oob][data-done="true"]`); oob.Length() != 1 {
		t.Errorf("out-of-band sidebar entry for step 3 missing or not done")
	}
	if !strings.Contains(frag.Header.Get("Vary"), "HX-Request") {
		t.Errorf("Vary: got %q, want HX-Request in it", frag.Header.Get("Vary"))
	}

	// Without htmx: a plain form post redirects back to the step.
	step5 := guidePath + "/steps/5"
	plain := c.post(step5+"/complete", url.Values{"csrf_token": {tok}})
	wantStatus(t, plain, http.StatusSeeOther)
	if loc := plain.Header.Get("Location"); loc != step5 {
		t.Errorf("redirect: got %q, want %q", loc, step5)
	}

	// Reload: both steps are kept.
	again := c.get(step3)
	if got := again.testid(t, "progress-done").Text(); got != "2" {
		t.Errorf("progress after reload: got %q, want 2", got)
	}
	if got := again.doc(t).Find(`[data-testid="step-item"][data-done="true"]`).Length(); got != 2 {
		t.Errorf("checked sidebar items: got %d, want 2", got)
	}
	if got := again.testid(t, "complete-button").AttrOr("aria-pressed", ""); got != "true" {
		t.Errorf("step 3 button after reload: got aria-pressed=%q, want true", got)
	}

	// The home page offers to continue at the first incomplete step.
	resume := c.get("/").testid(t, "resume")
	if href, _ := resume.Find("a").Attr("href"); href != guidePath+"/steps/1" {
		t.Errorf("resume link: got %q, want step 1", href)
	}
	overview := c.get(guidePath)
	wantStatus(t, overview, http.StatusOK)
	if got := overview.testid(t, "start").AttrOr("href", ""); got != guidePath+"/steps/1" {
		t.Errorf("overview continue link: got %q", got)
	}

	// Toggling again (no done field) undoes it.
	undo := c.post(step3+"/complete", url.Values{"csrf_token": {tok}})
	wantStatus(t, undo, http.StatusSeeOther)
	if n := srv.progressRows("learner@example.com"); n != 1 {
		t.Errorf("rows after undo: got %d, want 1", n)
	}
}

func TestProgressIsPrivateToEachUser(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := srv.client()
	a.signup("a@example.com", "Ann", "a1 glacier orbit tandem")
	tokA := a.csrf(step3)
	wantStatus(t, a.post(step3+"/complete", url.Values{"csrf_token": {tokA}, "done": {"true"}}), http.StatusSeeOther)

	b := srv.client()
	b.signup("b@example.com", "Bob", "b1 glacier orbit tandem")
	page := b.get(step3)
	if got := page.testid(t, "progress-done").Text(); got != "0" {
		t.Errorf("B sees progress %q, want 0", got)
	}
	// B posting with A's token is refused; with B's own token it changes
	// only B's progress.
	wantStatus(t, b.post(step3+"/complete", url.Values{"csrf_token": {tokA}, "done": {"false"}}), http.StatusForbidden)
	tokB := b.csrf(step3)
	wantStatus(t, b.post(step3+"/complete", url.Values{"csrf_token": {tokB}, "done": {"false"}}), http.StatusSeeOther)
	if n := srv.progressRows("a@example.com"); n != 1 {
		t.Errorf("A's rows: got %d, want 1", n)
	}
}

func TestCSRFRefusedAndNothingWritten(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("csrf@example.com", "Cee", "c1 glacier orbit tandem")
	cases := map[string]url.Values{
		"missing": {"done": {"true"}},
		"wrong":   {"done": {"true"}, "csrf_token": {"not-the-token"}},
	}
	for name, form := range cases {
		t.Run(name, func(t *testing.T) {
			r := c.post(step3+"/complete", form)
			wantStatus(t, r, http.StatusForbidden)
			if !strings.Contains(r.Body, "Reload the page") {
				t.Errorf("403 page lacks a clear message: %.300s", r.Body)
			}
			hx := c.post(step3+"/complete", form, "HX-Request", "true", "X-CSRF-Token", "wrong")
			wantStatus(t, hx, http.StatusForbidden)
			if hx.Header.Get("HX-Retarget") != "#flash" || hx.testid(t, "error-flash").Length() != 1 {
				t.Errorf("htmx 403: want a flash message retargeted to #flash")
			}
		})
	}
	if n := srv.progressRows("csrf@example.com"); n != 0 {
		t.Errorf("rows: got %d, want 0", n)
	}
	// Signup and login forms are protected too.
	fresh := srv.client()
	r := fresh.post("/signup", url.Values{"email": {"x@example.com"}, "display_name": {"X"}, "password": {"x1 glacier orbit tandem"}})
	wantStatus(t, r, http.StatusForbidden)
	r = fresh.post("/login", url.Values{"email": {"csrf@example.com"}, "password": {"c1 glacier orbit tandem"}})
	wantStatus(t, r, http.StatusForbidden)
}

func TestConcurrentTogglesStayConsistent(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("racer@example.com", "Racer", "r1 glacier orbit tandem")
	tok := c.csrf(step3)

	const n = 50
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+step3+"/complete", nil)
			req.Header.Set("HX-Request", "true")
			req.Header.Set("X-CSRF-Token", tok)
			resp, err := c.http.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Fatalf("a toggle got status %d, want 200", code)
		}
	}
	// 50 toggles is an even number: the step ends where it started, with
	// no duplicate or leftover row.
	if rows := srv.progressRows("racer@example.com"); rows != 0 {
		t.Errorf("rows after %d toggles: got %d, want 0", n, rows)
	}
	// And 50 concurrent "mark complete" requests leave exactly one row.
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+step3+"/complete", strings.NewReader("done=true"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-CSRF-Token", tok)
			if resp, err := c.http.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if rows := srv.progressRows("racer@example.com"); rows != 1 {
		t.Errorf("rows after %d concurrent completes: got %d, want 1", n, rows)
	}
}

func TestNotFoundPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	for _, path := range []string{
		"/guides/no-such-guide", "/guides/no-such-guide/steps/1", guidePath + "/steps/99",
		guidePath + "/steps/0", guidePath + "/steps/abc", guidePath + "/steps/-1", "/nowhere",
	} {
		r := c.get(path)
		wantStatus(t, r, http.StatusNotFound)
		ref := r.testid(t, "request-id").Text()
		if ref == "" || ref != r.Header.Get("X-Request-Id") {
			t.Errorf("%s: reference %q, want the X-Request-Id %q", path, ref, r.Header.Get("X-Request-Id"))
		}
		if !strings.Contains(srv.Logs.String(), "request_id="+ref) {
			t.Errorf("%s: reference %s not in the log", path, ref)
		}
	}
	// A visitor posting to a step that does not exist is refused before
	// anything else (CSRF), and a signed-in user gets a 404.
	c.signup("nf@example.com", "Nf", "n1 glacier orbit tandem")
	tok := c.csrf(step3)
	wantStatus(t, c.post(guidePath+"/steps/99/complete", url.Values{"csrf_token": {tok}}), http.StatusNotFound)
	wantStatus(t, c.post("/guides/nope/steps/1/complete", url.Values{"csrf_token": {tok}}), http.StatusNotFound)
	wantStatus(t, c.post(step3+"/complete", url.Values{"csrf_token": {tok}, "done": {"maybe"}}), http.StatusBadRequest)
}

func TestVisitorIsSentToLoginAndBack(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := srv.client()
	owner.signup("back@example.com", "Back", "b2 glacier orbit tandem")
	owner.post("/logout", url.Values{"csrf_token": {owner.csrf("/")}})

	c := srv.client()
	page := c.get(step3)
	wantStatus(t, page, http.StatusOK)
	link := page.testid(t, "complete-login")
	href, _ := link.Attr("href")
	if href != "/login?next="+url.QueryEscape(step3) {
		t.Fatalf("visitor's Mark complete: got %q, want a login link back to the step", href)
	}
	r := c.login("back@example.com", "b2 glacier orbit tandem", step3)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != step3 {
		t.Errorf("after login: got %q, want %q", loc, step3)
	}
	// The login page carries next through its hidden field.
	lp := c.get(href)
	if lp.StatusCode == http.StatusOK {
		t.Errorf("signed-in user at the login page: got 200, want a redirect")
	}
}

func TestVisitorPostingIsRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	// A visitor with a session (it opened a form) but no account.
	tok := c.csrf("/login")
	r := c.post(step3+"/complete", url.Values{"csrf_token": {tok}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next="+url.QueryEscape(step3) {
		t.Errorf("got %q, want login with next=step", loc)
	}
	hx := c.post(step3+"/complete", url.Values{"csrf_token": {tok}}, "HX-Request", "true")
	wantStatus(t, hx, http.StatusNoContent)
	if got := hx.Header.Get("HX-Redirect"); !strings.HasPrefix(got, "/login?next=") {
		t.Errorf("htmx: got HX-Redirect %q, want the login page", got)
	}
}

func TestStepPagesNumberEveryStep(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	for n := 1; n <= 10; n++ {
		r := c.get(fmt.Sprintf("%s/steps/%d", guidePath, n))
		wantStatus(t, r, http.StatusOK)
		if got := r.doc(t).Find("[aria-current=step]").Length(); got != 1 {
			t.Errorf("step %d: %d current items, want 1", n, got)
		}
		prev := r.doc(t).Find(`a[rel="prev"]`).Length()
		next := r.doc(t).Find(`a[rel="next"]`).Length()
		if (n > 1) != (prev == 1) || (n < 10) != (next == 1) {
			t.Errorf("step %d: prev=%d next=%d", n, prev, next)
		}
	}
}
