package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"stepwise/models"
)

type progressView struct {
	Guide   string `json:"guide"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Percent int    `json:"percent"`
	Steps   []struct {
		N     int    `json:"n"`
		Title string `json:"title"`
		Done  bool   `json:"done"`
	} `json:"steps"`
	CertificateURL *string `json:"certificate_url"`
}

func TestProgressAndCompletion(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	learner := srv.user(models.RoleLearner)
	author := srv.user(models.RoleAuthor)
	tok := srv.token(learner, "read", "write")
	slug, qid := srv.learnGuide(author, true)
	base := "/api/v1/guides/" + slug
	progress := base + "/progress"

	t.Run("nothing done", func(t *testing.T) {
		var p progressView
		srv.as(tok).get(progress).want(t, http.StatusOK).JSON(t, &p)
		if p.Guide != slug || p.Done != 0 || p.Total != 2 || p.Percent != 0 || len(p.Steps) != 2 || p.Steps[1].Title != "Second" || p.CertificateURL != nil {
			t.Fatalf("progress = %+v", p)
		}
	})
	t.Run("complete is idempotent", func(t *testing.T) {
		var p progressView
		srv.as(tok).put(base+"/steps/2/completion", nil).want(t, http.StatusOK).JSON(t, &p)
		if p.Done != 1 || p.Percent != 50 || !p.Steps[1].Done || p.Steps[0].Done {
			t.Fatalf("after completing step 2: %+v", p)
		}
		srv.as(tok).put(base+"/steps/2/completion", nil).want(t, http.StatusOK).JSON(t, &p)
		if p.Done != 1 {
			t.Fatalf("after completing step 2 again: %+v", p)
		}
	})
	t.Run("If-Match is honoured", func(t *testing.T) {
		etag := srv.as(tok).get(progress).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(tok).with("If-None-Match", etag).get(progress).want(t, http.StatusNotModified)
		srv.as(tok).with("If-Match", `"stale"`).put(base+"/steps/2/completion", nil).want(t, http.StatusPreconditionFailed)
		srv.as(tok).with("If-Match", `"stale"`).delete(base+"/steps/2/completion").want(t, http.StatusPreconditionFailed)
		srv.as(tok).with("If-Match", etag).put(base+"/steps/2/completion", nil).want(t, http.StatusOK)
	})
	t.Run("required quiz refuses completion", func(t *testing.T) {
		g, err := srv.Models.Guides.Record(context.Background(), slug, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Models.Quizzes.SetRequired(context.Background(), g.ID, true); err != nil {
			t.Fatal(err)
		}
		p := srv.as(tok).put(base+"/steps/1/completion", nil).want(t, http.StatusConflict).Problem(t)
		if !strings.Contains(p.Type, "quiz-required") {
			t.Errorf("type = %q", p.Type)
		}
		attempts := base + "/steps/1/quiz/attempts"
		srv.as(tok).post(attempts, map[string]any{"answers": map[string][]int{qkey(qid): {0}}}).want(t, http.StatusCreated)
		srv.as(tok).put(base+"/steps/1/completion", nil).want(t, http.StatusConflict)
		srv.as(tok).post(attempts, map[string]any{"answers": map[string][]int{qkey(qid): {1}}}).want(t, http.StatusCreated)
		var done progressView
		srv.as(tok).put(base+"/steps/1/completion", nil).want(t, http.StatusOK).JSON(t, &done)
		if done.Done != 2 || done.Percent != 100 || done.CertificateURL == nil || !strings.HasPrefix(*done.CertificateURL, "/certificates/") {
			t.Fatalf("finished guide: %+v", done)
		}
		// A later wrong attempt does not take the pass away, as in the browser.
		srv.as(tok).post(attempts, map[string]any{"answers": map[string][]int{qkey(qid): {0}}}).want(t, http.StatusCreated)
		srv.as(tok).put(base+"/steps/1/completion", nil).want(t, http.StatusOK)
	})
	t.Run("uncomplete keeps the certificate", func(t *testing.T) {
		srv.as(tok).delete(base+"/steps/1/completion").want(t, http.StatusNoContent)
		srv.as(tok).delete(base+"/steps/1/completion").want(t, http.StatusNoContent)
		var p progressView
		srv.as(tok).get(progress).want(t, http.StatusOK).JSON(t, &p)
		if p.Done != 1 || p.Steps[0].Done || p.CertificateURL == nil {
			t.Fatalf("after undoing step 1: %+v", p)
		}
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(progress).want(t, http.StatusUnauthorized)
		srv.as("").put(base+"/steps/1/completion", nil).want(t, http.StatusUnauthorized)
		srv.as(srv.token(learner, "read")).put(base+"/steps/2/completion", nil).want(t, http.StatusForbidden)
		srv.as(srv.token(learner, "write")).get(progress).want(t, http.StatusForbidden)
		srv.as(tok).put(base+"/steps/3/completion", nil).want(t, http.StatusNotFound)
		srv.as(tok).put(base+"/steps/0/completion", nil).want(t, http.StatusNotFound)
		draft, _ := srv.learnGuide(author, false)
		srv.as(tok).get("/api/v1/guides/"+draft+"/progress").want(t, http.StatusNotFound)
		srv.as(tok).put("/api/v1/guides/"+draft+"/steps/2/completion", nil).want(t, http.StatusNotFound)
		srv.as(srv.token(author, "write")).put("/api/v1/guides/"+draft+"/steps/2/completion", nil).want(t, http.StatusForbidden)
		srv.as(srv.token(author, "write")).delete("/api/v1/guides/"+draft+"/steps/2/completion").want(t, http.StatusForbidden)
	})
	t.Run("progress is the caller's own", func(t *testing.T) {
		var p progressView
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get(progress).want(t, http.StatusOK).JSON(t, &p)
		if p.Done != 0 || p.CertificateURL != nil {
			t.Fatalf("another learner's progress shows: %+v", p)
		}
	})
}

// qkey is a question id as an answers key.
func qkey(id int64) string { return strconv.FormatInt(id, 10) }
