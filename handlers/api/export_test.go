package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"stepwise/models"
)

type dataExport struct {
	Profile struct {
		Email       string `json:"email"`
		DisplayName string `json:"display_name"`
		Role        string `json:"role"`
	} `json:"profile"`
	Progress []struct {
		Guide string `json:"guide"`
		Step  int    `json:"step"`
	} `json:"progress"`
	Sessions []struct {
		IP        string `json:"ip"`
		UserAgent string `json:"user_agent"`
	} `json:"sessions"`
	SecurityEvents []struct {
		Event    string `json:"event"`
		ActorID  *int64 `json:"actor_id"`
		TargetID *int64 `json:"target_id"`
		Detail   string `json:"detail"`
	} `json:"security_events"`
	Notes []struct {
		Guide string `json:"guide"`
		Body  string `json:"body"`
	} `json:"notes"`
	Certificates []struct {
		Code string `json:"code"`
	} `json:"certificates"`
	QuizAnswers []struct {
		Guide  string `json:"guide"`
		Chosen []int  `json:"chosen"`
	} `json:"quiz_answers"`
	APITokens []struct {
		Name   string `json:"name"`
		Scopes string `json:"scopes"`
	} `json:"api_tokens"`
	ExportedAt string `json:"exported_at"`
}

func TestDataExport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx := context.Background()
	learner, author := srv.user(models.RoleLearner), srv.user(models.RoleAuthor)
	tok := srv.token(learner, "read", "write")

	t.Run("nothing yet: every list is an array", func(t *testing.T) {
		fresh := srv.user(models.RoleLearner)
		r := srv.as(srv.token(fresh, "read")).get("/api/v1/me/export").want(t, http.StatusOK)
		var raw map[string]json.RawMessage
		r.JSON(t, &raw)
		for _, k := range []string{"progress", "sessions", "notes", "certificates", "quiz_answers", "api_tokens"} {
			if s := string(raw[k]); !strings.HasPrefix(s, "[") {
				t.Errorf("%s: got %s, want an array", k, s)
			}
		}
		// The download it makes is the first security event; it shows next time.
		if s := string(raw["security_events"]); s != "[]" {
			t.Errorf("security_events: got %s, want []", s)
		}
	})

	// Some of everything: progress and a certificate, a quiz answer, a
	// note, a browser session.
	slug, qid := srv.learnGuide(author, true)
	base := "/api/v1/guides/" + slug
	srv.as(tok).post(base+"/steps/1/quiz/attempts", map[string]any{"answers": map[string][]int{qkey(qid): {1}}}).want(t, http.StatusCreated)
	code := finishGuide(t, srv, tok, slug, 2)
	srv.as(tok).put(base+"/steps/1/note", map[string]any{"body": "Remember this."}).want(t, http.StatusCreated)
	if _, err := srv.Models.Sessions.Create(ctx, learner.ID, "192.0.2.7", "Test browser"); err != nil {
		t.Fatal(err)
	}

	var first string
	t.Run("everything of the caller's", func(t *testing.T) {
		before := auditCount(t, srv, models.EventDataExport)
		r := srv.as(tok).get("/api/v1/me/export").want(t, http.StatusOK)
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", got)
		}
		if r.Header.Get("ETag") == "" {
			t.Error("no ETag")
		}
		var d dataExport
		r.JSON(t, &d)
		if d.Profile.Email != learner.Email || d.Profile.DisplayName != learner.DisplayName || d.Profile.Role != models.RoleLearner || d.ExportedAt == "" {
			t.Errorf("profile: got %+v", d.Profile)
		}
		if len(d.Progress) != 2 || d.Progress[0].Guide != slug {
			t.Errorf("progress: got %+v, want both steps of %s", d.Progress, slug)
		}
		if len(d.Certificates) != 1 || d.Certificates[0].Code != code {
			t.Errorf("certificates: got %+v, want %s", d.Certificates, code)
		}
		if len(d.QuizAnswers) != 1 || d.QuizAnswers[0].Guide != slug || len(d.QuizAnswers[0].Chosen) != 1 || d.QuizAnswers[0].Chosen[0] != 1 {
			t.Errorf("quiz answers: got %+v", d.QuizAnswers)
		}
		if len(d.Notes) != 1 || d.Notes[0].Body != "Remember this." {
			t.Errorf("notes: got %+v", d.Notes)
		}
		if len(d.Sessions) != 1 || d.Sessions[0].IP != "192.0.2.7" || d.Sessions[0].UserAgent != "Test browser" {
			t.Errorf("sessions: got %+v", d.Sessions)
		}
		if len(d.APITokens) != 1 || d.APITokens[0].Name != "test" || d.APITokens[0].Scopes != "read,write" {
			t.Errorf("api tokens: got %+v", d.APITokens)
		}
		// Never a secret: not the token's text, nor any hash.
		if strings.Contains(string(r.Body), tok) || strings.Contains(string(r.Body), "hash") {
			t.Error("the export holds a secret")
		}
		// Audited as the account page's download is, naming the token.
		if got := auditCount(t, srv, models.EventDataExport); got != before+1 {
			t.Fatalf("data export audit entries: got %d, want %d", got, before+1)
		}
		srv.wantAudit(t, models.EventDataExport, learner.ID, "")
		first = r.Header.Get("ETag")
	})
	t.Run("each download is fresh and recorded", func(t *testing.T) {
		// The previous download is now one of the security events, so
		// the answer is never the one the caller holds.
		r := srv.as(tok).with("If-None-Match", first).get("/api/v1/me/export").want(t, http.StatusOK)
		var d dataExport
		r.JSON(t, &d)
		exports := 0
		for _, e := range d.SecurityEvents {
			if e.Event == models.EventDataExport {
				exports++
				if e.ActorID == nil || *e.ActorID != learner.ID || e.TargetID == nil || *e.TargetID != learner.ID || !strings.Contains(e.Detail, "via api token") {
					t.Errorf("event %+v, want the learner's own, via the token", e)
				}
			}
		}
		if exports != 1 {
			t.Errorf("security events list %d data exports, want the 1 before this one", exports)
		}
		if r.Header.Get("ETag") == first {
			t.Error("the ETag did not change")
		}
	})
	t.Run("only the caller's", func(t *testing.T) {
		var d dataExport
		srv.as(srv.token(author, "read")).get("/api/v1/me/export").want(t, http.StatusOK).JSON(t, &d)
		if d.Profile.Email != author.Email || len(d.Progress) != 0 || len(d.Notes) != 0 || len(d.Certificates) != 0 ||
			len(d.QuizAnswers) != 0 || len(d.Sessions) != 0 || len(d.APITokens) != 1 {
			t.Fatalf("another user's export: %+v", d)
		}
	})
	t.Run("refused", func(t *testing.T) {
		before := auditCount(t, srv, models.EventDataExport)
		srv.as("").get("/api/v1/me/export").want(t, http.StatusUnauthorized).Problem(t)
		srv.as(srv.token(learner, "write")).get("/api/v1/me/export").want(t, http.StatusForbidden).Problem(t)
		if got := auditCount(t, srv, models.EventDataExport); got != before {
			t.Errorf("refused downloads were audited: %d → %d", before, got)
		}
	})
}
