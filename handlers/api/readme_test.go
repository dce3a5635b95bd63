package api_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"stepwise/models"
)

// TestReadmeWalkthrough runs the README's three API commands, as written,
// against a test server, so the walk-through cannot go stale.
func TestReadmeWalkthrough(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"sh", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (.ci/run installs it)", tool)
			}
			t.Skipf("SKIPPED: %s is not installed", tool)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)## API\n.*?```sh\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("no sh block in the README's API section")
	}
	script := string(block[1])
	if n := strings.Count(script, "curl "); n != 3 {
		t.Fatalf("the walk-through has %d curl commands, want 3", n)
	}

	srv := newServer(t)
	u := srv.user(models.RoleLearner)
	script = strings.NewReplacer(
		"http://127.0.0.1:8080", srv.URL,
		"you@example.com", u.Email,
		"your password", password,
	).Replace(script)
	out, err := exec.Command("sh", "-ec", script+"\necho \"token=$TOKEN\"").CombinedOutput()
	if err != nil {
		t.Fatalf("walk-through failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"slug":"backend-web-development"`) {
		t.Errorf("listing guides did not show the built-in guide:\n%s", out)
	}
	if !regexp.MustCompile(`token=swp_\S{43}`).Match(out) {
		t.Errorf("no token was captured:\n%s", out)
	}
	g, err := srv.Models.Guides.BySlug(context.Background(), "backend-web-development")
	if err != nil {
		t.Fatal(err)
	}
	if done, _, err := srv.Models.Progress.Tally(context.Background(), u.ID, g.ID); err != nil || done != 1 {
		t.Fatalf("after the walk-through %d steps are done (%v), want 1:\n%s", done, err, out)
	}
}
