package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// workload is one request that wrk repeats. The verification sends exactly
// the same method, headers and body, so what is timed is what was checked.
type workload struct {
	key, name string
	method    string
	path      string
	headers   map[string]string
	body      *string       // nil: no body; "" still sends Content-Length: 0
	toggles   *toggleTarget // the step whose progress the request flips
	check     func(page []byte) error
}

// defineWorkloads returns the workloads of the benchmark: the three the
// product's targets name, then the same reads and writes over the JSON API
// with a personal access token (authentication, rate counting and JSON
// instead of a session and HTML).
func defineWorkloads(s session) []workload {
	cookie := s.cookie
	empty := ""
	return []workload{
		{
			key: "step", name: "W1 step page, signed in",
			method: http.MethodGet, path: "/guides/demo-guide-1/steps/3",
			headers: map[string]string{"Cookie": cookie},
			check:   checkStepPage(s.displayName),
		},
		{
			key: "toggle", name: "W2 toggle a step (htmx)",
			method: http.MethodPost, path: "/guides/demo-guide-1/steps/4/complete",
			headers: map[string]string{"Cookie": cookie, "HX-Request": "true", "X-CSRF-Token": s.csrf},
			body:    &empty,
			toggles: &toggleTarget{slug: "demo-guide-1", position: 4},
			check:   checkToggle,
		},
		{
			key: "home", name: "W3 home page, anonymous",
			method: http.MethodGet, path: "/",
			check: checkHome,
		},
		{
			key: "api-step", name: "W4 API: a step, with a token",
			method: http.MethodGet, path: "/api/v1/guides/demo-guide-1/steps/3",
			headers: map[string]string{"Authorization": "Bearer " + s.token},
			check:   checkAPIStep,
		},
		{
			// PUT is idempotent: after the first request every one finds
			// the step done and changes nothing, as a syncing script would.
			key: "api-complete", name: "W5 API: mark a step complete",
			method: http.MethodPut, path: "/api/v1/guides/demo-guide-1/steps/5/completion",
			headers: map[string]string{"Authorization": "Bearer " + s.token},
			check:   checkAPICompletion(5),
		},
	}
}

// verify sends the workload's request once and checks that the answer is
// the real page: 200, the expected content and, for the toggle, a row
// really added or removed.
func (w workload) verify(ctx context.Context, base string, db *checkDB) error {
	var before progressTotals
	var err error
	if w.toggles != nil {
		if before, err = db.progressTotals(benchEmail, w.toggles); err != nil {
			return err
		}
	}
	var body io.Reader
	if w.body != nil {
		body = strings.NewReader(*w.body)
	}
	status, page, err := fetch(ctx, newClient(nil), w.method, base+w.path, w.headers, body)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s %s: status %d, want 200: %s", w.method, w.path, status, snippet(page))
	}
	if err := w.check(page); err != nil {
		return fmt.Errorf("%s %s: %w", w.method, w.path, err)
	}
	if w.toggles != nil {
		after, err := db.progressTotals(benchEmail, w.toggles)
		if err != nil {
			return err
		}
		if d := after.step - before.step; d != 1 && d != -1 {
			return fmt.Errorf("the toggle changed the step's progress rows by %d, want ±1", d)
		}
	}
	return nil
}

// checkStepPage: the signed-in user's name, the whole sidebar, and the
// step's rendered body.
func checkStepPage(displayName string) func([]byte) error {
	return func(page []byte) error {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
		if err != nil {
			return err
		}
		if got := strings.TrimSpace(doc.Find(`[data-testid="current-user"]`).Text()); got != displayName {
			return fmt.Errorf("current-user is %q, want %q (not signed in?)", got, displayName)
		}
		if n := doc.Find(`[data-testid="step-item"]`).Length(); n != benchSteps {
			return fmt.Errorf("%d step-item entries, want %d", n, benchSteps)
		}
		html, err := doc.Find(`[data-testid="step-body"]`).Html()
		if err != nil {
			return err
		}
		if len(html) <= 1000 {
			return fmt.Errorf("step-body holds %d bytes, want more than 1000", len(html))
		}
		return nil
	}
}

// checkToggle: the htmx fragment, with its out-of-band updates.
func checkToggle(page []byte) error {
	for _, want := range []string{`data-testid="complete-control"`, `hx-swap-oob`} {
		if !bytes.Contains(page, []byte(want)) {
			return fmt.Errorf("response lacks %s: %s", want, snippet(page))
		}
	}
	return nil
}

// checkAPIStep: the step as JSON, with its rendered body.
func checkAPIStep(page []byte) error {
	var st struct {
		Number   int    `json:"number"`
		BodyHTML string `json:"body_html"`
	}
	if err := json.Unmarshal(page, &st); err != nil {
		return fmt.Errorf("not a step: %w: %s", err, snippet(page))
	}
	if st.Number != 3 || len(st.BodyHTML) <= 1000 {
		return fmt.Errorf("step %d with %d bytes of body, want step 3 with more than 1000", st.Number, len(st.BodyHTML))
	}
	return nil
}

// checkAPICompletion: the guide's progress as JSON, with step n done.
func checkAPICompletion(n int) func([]byte) error {
	return func(page []byte) error {
		var p struct {
			Total int `json:"total"`
			Steps []struct {
				N    int  `json:"n"`
				Done bool `json:"done"`
			} `json:"steps"`
		}
		if err := json.Unmarshal(page, &p); err != nil {
			return fmt.Errorf("not progress: %w: %s", err, snippet(page))
		}
		if p.Total != benchSteps || len(p.Steps) != benchSteps || !p.Steps[n-1].Done {
			return fmt.Errorf("progress of %d steps, step %d done: %v; want %d steps with it done", p.Total, n, len(p.Steps) >= n && p.Steps[n-1].Done, benchSteps)
		}
		return nil
	}
}

// checkHome: the catalogue lists guides.
func checkHome(page []byte) error {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return err
	}
	if doc.Find(`[data-testid="guide-card"]`).Length() == 0 {
		return errors.New("no guide-card on the home page")
	}
	return nil
}
