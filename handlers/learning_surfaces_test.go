package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

// These tests drive the page and the API into the same refusal of one
// learning operation (models/learning) over one fixture, and check that
// both answer it with the same status and the same reason.

// surfaces is a signed-in browser and an API token of one user.
type surfaces struct {
	srv   *server
	page  *client
	token string
}

// learningSurfaces signs email up with role on a fresh server, with the
// built-in guide and a draft "draft-lab" of its author
// owner@example.com, and gives them an API token.
func learningSurfaces(t *testing.T, email, role string) surfaces {
	t.Helper()
	srv := newServer(t)
	page := signupAs(t, srv, email, role)
	if email != "owner@example.com" {
		signupAs(t, srv, "owner@example.com", models.RoleAuthor)
	}
	ownGuide(t, srv, "draft-lab", "owner@example.com", true)
	_, token, err := srv.Models.APITokens.Create(context.Background(), mustUser(t, srv, email).ID,
		models.NewAPIToken{Name: "surfaces", Scopes: []string{"read", "write"}})
	if err != nil {
		t.Fatal(err)
	}
	return surfaces{srv: srv, page: page, token: token}
}

// apiAnswer is the status and problem detail of an API call.
type apiAnswer struct {
	Status int
	Detail string
	Errors map[string]string
}

func (s surfaces) api(t *testing.T, method, path string, body any) apiAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, s.srv.URL+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+s.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Detail string `json:"detail"`
		Errors []struct {
			Field  string `json:"field"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &p)
	out := apiAnswer{Status: resp.StatusCode, Detail: p.Detail, Errors: map[string]string{}}
	for _, e := range p.Errors {
		out.Errors[e.Field] = e.Detail
	}
	return out
}

// same fails unless the page answered status with reason in its body and
// the API status with reason as its detail.
func same(t *testing.T, page *response, api apiAnswer, status int, reason string) {
	t.Helper()
	if page.StatusCode != status || api.Status != status {
		t.Fatalf("page %d, API %d; want %d on both (page body %.300s)", page.StatusCode, api.Status, status, page.Body)
	}
	if !strings.Contains(html.UnescapeString(page.Body), reason) {
		t.Errorf("the page does not say %q: %.600s", reason, page.Body)
	}
	if api.Detail != reason {
		t.Errorf("API detail %q, want %q", api.Detail, reason)
	}
}

const draftReason = "This guide is a draft: progress, quiz answers and notes are kept on published guides only."

func TestCompleteStepRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	s := learningSurfaces(t, "lee@example.com", models.RoleLearner)
	f := loadQuiz(t, s.srv, "backend-web-development", 3)
	if err := s.srv.Models.Quizzes.SetRequired(context.Background(), f.step.GuideID, true); err != nil {
		t.Fatal(err)
	}
	const reason = "Pass this step's quiz (every answer right in one attempt) before marking the step complete."
	page := s.page.post(step3+"/complete", url.Values{"csrf_token": {s.page.csrf(step3)}, "done": {"true"}})
	api := s.api(t, http.MethodPut, "/guides/backend-web-development/steps/3/completion", nil)
	same(t, page, api, http.StatusConflict, reason)
	if n := s.srv.progressRows("lee@example.com"); n != 0 {
		t.Errorf("progress rows after two refusals: %d", n)
	}
}

func TestUndoStepRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	s := learningSurfaces(t, "owner@example.com", models.RoleAuthor)
	page := s.page.post("/guides/draft-lab/steps/1/complete", url.Values{"csrf_token": {s.page.csrf(step3)}, "done": {"false"}})
	api := s.api(t, http.MethodDelete, "/guides/draft-lab/steps/1/completion", nil)
	same(t, page, api, http.StatusForbidden, draftReason)
}

func TestAnswerQuizRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	s := learningSurfaces(t, "owner@example.com", models.RoleAuthor)
	tok := s.page.csrf(step3)
	page := s.page.post("/guides/draft-lab/steps/1/quiz", url.Values{"csrf_token": {tok}})
	api := s.api(t, http.MethodPost, "/guides/draft-lab/steps/1/quiz/attempts", map[string]any{"answers": map[string][]int{}})
	same(t, page, api, http.StatusForbidden, draftReason)

	// An answer the quiz cannot have: 422 on both.
	page = s.page.post(step3+"/quiz", url.Values{"csrf_token": {tok}, "q999999": {"0"}})
	api = s.api(t, http.MethodPost, "/guides/backend-web-development/steps/3/quiz/attempts",
		map[string]any{"answers": map[string][]int{"999999": {0}}})
	if page.StatusCode != http.StatusUnprocessableEntity || api.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid answer: page %d, API %d; want 422 on both", page.StatusCode, api.Status)
	}
	if api.Errors["answers.999999"] == "" {
		t.Errorf("API errors %v name no answer", api.Errors)
	}
}

func TestSaveNoteRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	s := learningSurfaces(t, "lee@example.com", models.RoleLearner)
	long := strings.Repeat("x", models.NoteMaxLen+1)
	reason := fmt.Sprintf("Your note is %d characters long; notes can hold up to %d.", models.NoteMaxLen+1, models.NoteMaxLen)
	page := s.page.post(notePath, url.Values{"csrf_token": {s.page.csrf(step3)}, "body": {long}}, "HX-Request", "true")
	api := s.api(t, http.MethodPut, "/guides/backend-web-development/steps/3/note", map[string]any{"body": long})
	if page.StatusCode != http.StatusUnprocessableEntity || api.Status != http.StatusUnprocessableEntity {
		t.Fatalf("page %d, API %d; want 422 on both", page.StatusCode, api.Status)
	}
	if !strings.Contains(html.UnescapeString(page.Body), reason) || api.Errors["body"] != reason {
		t.Errorf("page %.300q and API %v do not both say %q", page.Body, api.Errors, reason)
	}
}

func TestDeleteNoteRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	s := learningSurfaces(t, "owner@example.com", models.RoleAuthor)
	// On the page, an emptied note is a deletion.
	page := s.page.post("/guides/draft-lab/steps/1/note", url.Values{"csrf_token": {s.page.csrf(step3)}, "body": {""}})
	api := s.api(t, http.MethodDelete, "/guides/draft-lab/steps/1/note", nil)
	same(t, page, api, http.StatusForbidden, draftReason)
}
