package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestConditionalRequests pins the comparisons RFC 9110 prescribes: a
// weak tag never satisfies If-Match (strong comparison), while
// If-None-Match compares weakly; and a PATCH that changes nothing keeps
// the version and the ETag, so it cannot invalidate another client's tag.
func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv, "Only")
	before, tag := f.show(t, 1)
	weak := "W/" + tag

	f.srv.as(f.Tok).with("If-None-Match", weak).get(f.step(1)).want(t, http.StatusNotModified)
	f.srv.as(f.Tok).with("If-Match", weak).patch(f.step(1), map[string]any{"title": "Changed"}).
		want(t, http.StatusPreconditionFailed)
	f.srv.as(f.Tok).with("If-Match", weak).delete(f.step(1)).want(t, http.StatusPreconditionFailed)
	// A list holding the current tag matches.
	r := f.srv.as(f.Tok).with("If-Match", `"other", `+tag).patch(f.step(1), map[string]any{}).want(t, http.StatusOK)
	if got := r.Header.Get("ETag"); got != tag {
		t.Errorf("an empty PATCH changed the ETag from %s to %s", tag, got)
	}
	r = f.srv.as(f.Tok).with("If-Match", tag).patch(f.step(1), map[string]any{"title": before.Title}).want(t, http.StatusOK)
	if got := r.Header.Get("ETag"); got != tag {
		t.Errorf("a PATCH to the same title changed the ETag from %s to %s", tag, got)
	}
	after, _ := f.show(t, 1)
	if after.Version == nil || before.Version == nil || *after.Version != *before.Version {
		t.Errorf("version %v after no-op PATCHes, want %v", after.Version, before.Version)
	}
	// A real change still goes through with the current tag.
	r = f.srv.as(f.Tok).with("If-Match", tag).patch(f.step(1), map[string]any{"title": "Changed"}).want(t, http.StatusOK)
	if !strings.Contains(string(r.Body), `"Changed"`) || r.Header.Get("ETag") == tag {
		t.Errorf("the change was not applied: %s", r.Body)
	}
}
