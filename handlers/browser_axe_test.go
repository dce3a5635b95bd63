package handlers_test

// Accessibility checks with axe-core, a test fixture in testdata/axe (see
// its README). The app never serves it: the tests evaluate it in the page
// through DevTools, which the page's Content-Security-Policy does not
// govern.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	return string(b), err
})

// axeViolation is the part of an axe result the tests report.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
	Summary string   `json:"summary"`
}

// colourRules are the axe rules whose outcome depends on colour. The dark
// scheme changes colours and nothing else (app.css, chroma.css: custom
// properties and colours under prefers-color-scheme), so a page shown
// dark is checked by these alone; every rule runs on the light scheme.
const colourRules = `["color-contrast", "link-in-text-block"]`

// runAxe injects axe-core into the page the tab shows and returns its
// violations: all of them in the light scheme, colour ones in the dark.
func runAxe(tb *tab) []axeViolation {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatalf("axe-core fixture: %v", err)
	}
	if eval[bool](tb, `typeof window.axe === "undefined"`) {
		tb.do("inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	return eval[[]axeViolation](tb, `axe.run(document, {resultTypes: ["violations"],
		...(matchMedia("(prefers-color-scheme: dark)").matches ? {runOnly: {type: "rule", values: `+colourRules+`}} : {})}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.length,
		targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
		summary: (v.nodes[0] && v.nodes[0].failureSummary || "").slice(0, 300),
	})))`, chromedp.EvalAwaitPromise)
}

// checkAxe fails t for every serious or critical violation on the page
// and logs the others.
func checkAxe(tb *tab, page string) {
	t := tb.t
	t.Helper()
	for _, v := range runAxe(tb) {
		line := fmt.Sprintf("%s: axe %s (%s, %d elements): %s\n\ttargets: %s\n\t%s\n\t%s",
			page, v.ID, v.Impact, v.Nodes, v.Help, strings.Join(v.Targets, " | "),
			strings.ReplaceAll(v.Summary, "\n", " / "), v.HelpURL)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(line)
		} else {
			t.Log(line)
		}
	}
}

// Every kind of page, as a visitor and signed in, in the light and the dark
// colour scheme, has no serious or critical accessibility problem that
// axe-core can find.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	srv := newServer(t)

	type pageCheck struct {
		name string
		// visit shows the page in the tab.
		visit func(tb *tab)
	}
	opener := func(path string) func(*tab) { return func(tb *tab) { tb.open(path) } }
	visitor := []pageCheck{
		{"home", opener("/")},
		{"overview", opener(guidePath)},
		{"step", opener(step3)},
		{"step-with-code", opener(guidePath + "/steps/4")},
		{"login", opener("/login")},
		{"signup", opener("/signup")},
		{"signup-errors", func(tb *tab) {
			tb.open("/signup")
			tb.fill("#email", "not an email")
			tb.fill("#password", "short")
			tb.clickAndLoad(`form[action="/signup"] button[type="submit"]`)
		}},
		{"login-failed", func(tb *tab) {
			tb.open("/login")
			tb.login("nobody@example.com", "wrong password")
		}},
		{"not-found", opener("/guides/no-such-guide")},
		{"search", opener("/search?q=database")},
		{"search-empty", opener("/search?q=zzzyxw")},
		{"home-filtered", opener("/?tag=go&difficulty=beginner&sort=newest")},
	}
	signedIn := []pageCheck{
		{"home", opener("/")},
		{"overview", opener(guidePath)},
		{"step", opener(step3)},
		// Step 3 is complete (below): the "Completed / Undo" button and
		// the sidebar's check marks, current and not.
		{"step-done", opener(step3)},
		{"step-after-done", opener(guidePath + "/steps/4")},
	}

	// The schemes run side by side, each in a tab of its own with its own
	// account.
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			tb := newTab(t, srv)
			if err := setColorScheme(tb.ctx, scheme); err != nil {
				t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
			}
			check := func(who string, p pageCheck) {
				t.Run(who+"/"+p.name, func(t *testing.T) {
					sub := tb.forTest(t)
					p.visit(sub)
					if got := eval[bool](sub, `matchMedia("(prefers-color-scheme: `+scheme+`)").matches`); !got {
						t.Fatalf("prefers-color-scheme: %s is not in effect", scheme)
					}
					checkAxe(sub, scheme+" "+who+" "+sub.path())
				})
			}
			for _, p := range visitor {
				check("visitor", p)
			}
			tb.signup("Ally "+scheme, scheme+"@example.com", "a fine glacier orbit")
			for _, p := range signedIn {
				if p.name == "step-done" {
					tb.htmxReady()
					tb.do("mark step 3 complete", chromedp.Click(chromedp.CSS(completeButton)))
					tb.waitFor("step 3 to be done", `document.querySelector('#step-link-3[data-done="true"]') !== null`)
				}
				check("signed-in", p)
			}
		})
	}
}
