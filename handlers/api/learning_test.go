package api_test

import (
	"net/http"
	"testing"

	"stepwise/models"
)

func TestMyLearning(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	learner := srv.user(models.RoleLearner)
	author := srv.user(models.RoleAuthor)
	tok := srv.token(learner, "read", "write")
	var empty struct {
		Guides       []any `json:"guides"`
		Certificates []any `json:"certificates"`
	}
	srv.as(tok).get("/api/v1/me/learning").want(t, http.StatusOK).JSON(t, &empty)
	if empty.Guides == nil || len(empty.Guides) != 0 || empty.Certificates == nil || len(empty.Certificates) != 0 {
		t.Fatalf("nothing started: %+v", empty)
	}

	slug, _ := srv.learnGuide(author, true)
	base := "/api/v1/guides/" + slug
	srv.as(tok).put(base+"/steps/2/completion", nil).want(t, http.StatusOK)
	srv.as(tok).put("/api/v1/guides/"+builtinGuide+"/steps/1/completion", nil).want(t, http.StatusOK)

	type guide struct {
		Guide          string  `json:"guide"`
		Done           int     `json:"done"`
		Total          int     `json:"total"`
		Percent        int     `json:"percent"`
		Completed      bool    `json:"completed"`
		NextStep       *int    `json:"next_step"`
		LastActivity   string  `json:"last_activity"`
		CertificateURL *string `json:"certificate_url"`
	}
	var l struct {
		Guides       []guide `json:"guides"`
		Certificates []struct {
			Code  string  `json:"code"`
			Guide *string `json:"guide"`
			URL   string  `json:"url"`
		} `json:"certificates"`
	}
	r := srv.as(tok).get("/api/v1/me/learning").want(t, http.StatusOK)
	r.JSON(t, &l)
	if len(l.Guides) != 2 || len(l.Certificates) != 0 {
		t.Fatalf("learning = %+v", l)
	}
	var mine guide
	for _, g := range l.Guides {
		if g.Guide == slug {
			mine = g
		}
	}
	if mine.Done != 1 || mine.Total != 2 || mine.Percent != 50 || mine.Completed || mine.NextStep == nil || *mine.NextStep != 1 || mine.LastActivity == "" {
		t.Fatalf("guide = %+v", mine)
	}
	srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get("/api/v1/me/learning").want(t, http.StatusNotModified)

	srv.as(tok).put(base+"/steps/1/completion", nil).want(t, http.StatusOK)
	srv.as(tok).get("/api/v1/me/learning").want(t, http.StatusOK).JSON(t, &l)
	if len(l.Certificates) != 1 || l.Certificates[0].Guide == nil || *l.Certificates[0].Guide != slug || l.Certificates[0].URL != "/certificates/"+l.Certificates[0].Code {
		t.Fatalf("certificates = %+v", l.Certificates)
	}
	for _, g := range l.Guides {
		if g.Guide == slug && (!g.Completed || g.NextStep != nil || g.CertificateURL == nil) {
			t.Fatalf("finished guide = %+v", g)
		}
	}

	// Someone else's learning never shows; and the usual refusals.
	var other struct {
		Guides []any `json:"guides"`
	}
	srv.as(srv.token(author, "read")).get("/api/v1/me/learning").want(t, http.StatusOK).JSON(t, &other)
	if len(other.Guides) != 0 {
		t.Fatalf("another user's learning: %+v", other)
	}
	srv.as("").get("/api/v1/me/learning").want(t, http.StatusUnauthorized)
	srv.as(srv.token(learner, "write")).get("/api/v1/me/learning").want(t, http.StatusForbidden)
}
