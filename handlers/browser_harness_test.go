package handlers_test

// The harness of the browser tests: it finds Chromium, starts one headless
// browser for the test binary and gives each test a tab in a browser
// context of its own, bounds every test with a timeout,
// records the page's console, and saves a screenshot and the page's HTML
// when a test fails.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const (
	// browserTestTimeout bounds everything one browser test does after the
	// browser has started: a hang fails instead of stalling the suite. It
	// is no speed target; the axe walk over every page, light and dark,
	// takes close to 30 s on a loaded 2-core machine, so the bound is far
	// above that.
	browserTestTimeout = 2 * time.Minute
	// browserStartTimeout bounds starting Chromium and opening its tab.
	browserStartTimeout = 30 * time.Second
	// pollTimeout bounds one wait for a condition inside the page, so a
	// condition that never holds fails with a clear message well before
	// the test's own deadline.
	pollTimeout = 10 * time.Second
)

// browserCandidates are the names Chromium goes by, Debian's first.
var browserCandidates = []string{"chromium", "chromium-browser", "google-chrome"}

var announceSkip sync.Once

// browserSlots bounds the Chromium instances running at once (newTab).
var browserSlots = make(chan struct{}, 2)

// requireBrowser returns the path of Chromium, or skips the test: always
// under -short, and when no browser is installed unless CI=true, where a
// missing browser fails the test instead.
func requireBrowser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	for _, name := range browserCandidates {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("BROWSER TESTS FAILED: chromium not found; install Debian's chromium (apt-get install chromium). " +
			"Under CI=true a missing browser is a failure, not a skip.")
	}
	const msg = "BROWSER TESTS SKIPPED: chromium not found; install Debian's chromium (apt-get install chromium)"
	// A skipped suite must not pass for a green one: say it on stderr too
	// (go test shows it with -v, or when run inside the package directory).
	announceSkip.Do(func() { fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg) })
	t.Skip(msg)
	return ""
}

// browserFlags are exactly the flags Chromium is started with; chromedp adds
// only what it needs to talk to it (--remote-debugging-pipe, the profile's
// --user-data-dir and the first page, about:blank).
func browserFlags(execPath, profileDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Each test's browser context would otherwise get renderer
		// processes of its own (and spares); two, one per browser slot,
		// take a sixth off the suite's CPU time on a 2-core machine.
		chromedp.Flag("renderer-process-limit", "2"),
		chromedp.UserDataDir(profileDir),
	}
}

// tab is one browser tab of a test, against one server.
type tab struct {
	t   *testing.T
	srv *server
	// ctx carries the test's deadline; every action runs under it.
	ctx context.Context
	// base is the tab without the deadline, for saving artifacts after a
	// timeout.
	base context.Context
	// log is shared by the copies of the tab that subtests get (forTest).
	log *tabLog
}

// tabLog is what the tab's pages logged to the console.
type tabLog struct {
	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// forTest is the same tab for the subtest t: its helpers then fail t, on
// t's goroutine, and artifacts are saved under t's name.
func (tb *tab) forTest(t *testing.T) *tab {
	sub := *tb
	sub.t = t
	sub.saveArtifactsOnFailure(false)
	return &sub
}

// newBrowserTest checks for the browser first (so a skipped test starts
// nothing), then starts the app with newServer and a browser tab on it.
func newBrowserTest(t *testing.T) (*server, *tab) {
	t.Helper()
	requireBrowser(t)
	srv := newServer(t)
	return srv, newTab(t, srv)
}

// newTab opens a tab in a browser context of its own (cookies, storage,
// cache and emulation of its own, like a fresh incognito window) in the
// Chromium this test binary shares. Everything is closed when the test
// ends; if the test failed, a screenshot and the page's HTML are saved
// first.
func newTab(t *testing.T, srv *server) *tab {
	t.Helper()
	execPath := requireBrowser(t)
	browserCtx, err := sharedBrowser.start(execPath)
	if err != nil {
		t.Fatalf("start %s: %v\nbrowser output:\n%s", execPath, err, tail(browserOutput(sharedBrowser.output.String()), 3000))
	}
	// At most browserSlots tabs at once: the browser tests run in parallel
	// with each other and the rest, and each busy tab wants a core; more at
	// once only stretches every test towards its timeout.
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })

	tb := &tab{t: t, srv: srv, log: &tabLog{}}
	tabCtx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)

	// Opening the tab is bounded from outside: a deadline on the first Run
	// would stay tied to the tab.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(tabCtx) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open a tab in %s: %v\nbrowser output:\n%s", execPath, err, tail(browserOutput(sharedBrowser.output.String()), 3000))
		}
	case <-time.After(browserStartTimeout):
		t.Fatalf("open a tab in %s: none after %v\nbrowser output:\n%s", execPath, browserStartTimeout, tail(browserOutput(sharedBrowser.output.String()), 3000))
	}

	messages := chromedp.Console(tabCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			tb.log.mu.Lock()
			tb.log.console = append(tb.log.console, m)
			tb.log.mu.Unlock()
		}
	}()

	ctx, cancel := context.WithTimeout(tabCtx, browserTestTimeout)
	t.Cleanup(cancel)
	tb.ctx, tb.base = ctx, tabCtx
	tb.saveArtifactsOnFailure(true)
	return tb
}

// sharedBrowser is the one Chromium the browser tests of this binary
// share. Starting Chromium with a new profile costs about a second of CPU,
// and the browser tests are CPU-bound on a 2-core machine; a browser
// context per test isolates the tests as well as a browser per test did.
var sharedBrowser browserProcess

// browserProcess is a Chromium started on first use and stopped by
// TestMain.
type browserProcess struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab; tests open theirs beside it
	cancel  func()
	profile string
	err     error
	output  lockedWriter // what Chromium printed, for failure messages
}

// start starts the browser the first time it is called and returns the
// context tests open their tabs from.
func (b *browserProcess) start(execPath string) (context.Context, error) {
	b.once.Do(func() {
		b.output.b = &strings.Builder{}
		b.profile, b.err = os.MkdirTemp("", "stepwise-chromium-")
		if b.err != nil {
			return
		}
		opts := append(browserFlags(execPath, b.profile), chromedp.CombinedOutput(&b.output))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(format string, args ...any) {
			fmt.Fprintf(&b.output, "chromedp: "+format+"\n", args...)
		}))
		b.ctx = browserCtx
		b.cancel = func() { cancelBrowser(); cancelAlloc() }
		started := make(chan error, 1)
		go func() { started <- chromedp.Do(browserCtx) }()
		select {
		case b.err = <-started:
		case <-time.After(browserStartTimeout):
			b.err = fmt.Errorf("no browser after %v", browserStartTimeout)
		}
	})
	return b.ctx, b.err
}

// stop closes the browser, if one was started, and removes its profile.
func (b *browserProcess) stop() {
	if b.cancel != nil {
		b.cancel()
	}
	if b.profile != "" {
		_ = os.RemoveAll(b.profile)
	}
}

// saveArtifactsOnFailure saves what the tab shows if tb.t has failed by the
// time it ends, and with withLog what the browser said.
func (tb *tab) saveArtifactsOnFailure(withLog bool) {
	t := tb.t
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		tb.saveArtifacts(t)
		if !withLog {
			return
		}
		tb.log.mu.Lock()
		defer tb.log.mu.Unlock()
		for _, m := range tb.log.console {
			t.Logf("console %s %s", m, m.URL)
		}
		if out := browserOutput(sharedBrowser.output.String()); out != "" {
			t.Logf("browser output, all tests (last 3000 bytes, D-Bus noise left out):\n%s", tail(out, 3000))
		}
	})
}

// artifactsDir is $STEPWISE_ARTIFACTS, or artifacts/browser at the root of
// the repository (git-ignored).
func artifactsDir() (string, error) {
	if dir := os.Getenv("STEPWISE_ARTIFACTS"); dir != "" {
		return dir, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "artifacts", "browser"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// saveArtifacts writes <test>.png (the full page) and <test>.html (the
// document's outerHTML) for the failed test t.
func (tb *tab) saveArtifacts(t *testing.T) {
	dir, err := artifactsDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Logf("artifacts: %v", err)
		return
	}
	name := unsafeFileChars.ReplaceAllString(t.Name(), "_")
	// A fresh deadline: the test's own may be what failed it.
	ctx, cancel := context.WithTimeout(tb.base, 10*time.Second)
	defer cancel()

	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Logf("artifacts: screenshot: %v", err)
	} else if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Logf("artifacts: %v", err)
	}
	// DOM.getOuterHTML works even when the page's scripts are disabled.
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); err != nil {
		t.Logf("artifacts: HTML: %v", err)
	} else if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte("<!DOCTYPE html>\n"+html+"\n"), 0o644); err != nil {
		t.Logf("artifacts: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	t.Logf("artifacts: page %s saved as %s.{png,html}", loc, filepath.Join(dir, name))
}

// browserOutput leaves out the lines about the missing D-Bus, which
// headless Chromium prints by the dozen in a container.
func browserOutput(s string) string {
	var keep []string
	for line := range strings.Lines(s) {
		if !strings.Contains(line, "dbus") && strings.TrimSpace(line) != "" {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// consoleErrors are the error-level console messages and uncaught
// exceptions seen so far (CSP violations are reported this way too).
func (tb *tab) consoleErrors() []string {
	tb.log.mu.Lock()
	defer tb.log.mu.Unlock()
	var errs []string
	for _, m := range tb.log.console {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			errs = append(errs, m.String()+" ("+m.URL+")")
		}
	}
	return errs
}

// noConsoleErrors fails the test if the page logged errors.
func (tb *tab) noConsoleErrors() {
	tb.t.Helper()
	for _, e := range tb.consoleErrors() {
		tb.t.Errorf("console: %s", e)
	}
}

// ---- Actions: each fails the test at once on error. -------------------

// do runs actions in order.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// open loads path from the test server and waits for the load event.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do("open "+path, chromedp.Navigate(tb.srv.URL+path))
}

// clickAndLoad clicks the element and waits for the page it leads to.
func (tb *tab) clickAndLoad(sel string) {
	tb.t.Helper()
	_, err := chromedp.Run(tb.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	if err != nil {
		tb.t.Fatalf("click %s and wait for the next page: %v", sel, err)
	}
}

// fill types v into the input matched by sel, as a user would.
func (tb *tab) fill(sel, v string) {
	tb.t.Helper()
	tb.do("fill "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), v))
}

// text is the trimmed text content of the first element matching sel.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// attr is the attribute of the first element matching sel.
func (tb *tab) attr(sel, name string) chromedp.AttributeResult {
	tb.t.Helper()
	r, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		tb.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return r
}

// value is the current value of the form field matching sel.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// count is the number of elements matching sel right now.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// path is the path (and query) of the page the tab shows.
func (tb *tab) path() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, tb.srv.URL)
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](tb *tab, expr string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		tb.t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// waitFor waits until the JavaScript expression is truthy, checking it on
// every animation frame; what says what is awaited, for the failure
// message.
//
// A document that is being replaced (a navigation the page started, or
// one whose load event came before the DevTools' new execution context)
// makes the check fail with "Cannot find context"; it is then asked again
// in the new document, within the same bound.
func (tb *tab) waitFor(what, expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(pollTimeout)
	for {
		_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		if !documentReplaced(err) || time.Now().After(deadline) {
			tb.t.Fatalf("wait for %s (%s): %v", what, expr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// documentReplaced tells the errors of DevTools that mean the page's
// JavaScript context went away under a call, as it does when a new
// document replaces the old one.
func documentReplaced(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// ---- Flows through the app's own forms. -------------------------------

// signup creates an account through the sign-up form and checks that it
// lands signed in on next (or the home page).
func (tb *tab) signup(name, email, password string) {
	tb.t.Helper()
	tb.open("/signup")
	tb.fill("#display_name", name)
	tb.fill("#email", email)
	tb.fill("#password", password)
	tb.clickAndLoad(`form[action="/signup"] button[type="submit"]`)
	if got := tb.text(`[data-testid="current-user"]`); got != name {
		tb.t.Fatalf("after sign-up: signed-in name %q, want %q (page %s)", got, name, tb.path())
	}
}

// login signs in through the login form on the page the tab shows.
func (tb *tab) login(email, password string) {
	tb.t.Helper()
	tb.fill("#email", email)
	tb.fill("#password", password)
	tb.clickAndLoad(`form[action="/login"] button[type="submit"]`)
}

// htmxReady waits until htmx has loaded and processed the page.
func (tb *tab) htmxReady() {
	tb.t.Helper()
	tb.waitFor("htmx to load", `window.htmx !== undefined && document.readyState === "complete"`)
}
