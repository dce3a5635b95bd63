package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

// These tests drive the pages and the API into the same refusal of one
// authoring operation (models/authoring) over one fixture, and check
// that both answer it with the same status and the same reason.

// desk is a server with an owner's draft "draft-desk" and published
// guide "pub-desk" (two steps each), a co-author, and a learner; each
// signed in on the pages and holding an API token.
type desk struct {
	t                      *testing.T
	srv                    *server
	owner, co, learner     *client
	ownerAPI, coAPI, lrAPI string
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	srv := newServer(t)
	k := &desk{t: t, srv: srv,
		owner:   newAuthor(t, srv, "owner@example.com", models.RoleAuthor),
		co:      newAuthor(t, srv, "co@example.com", models.RoleAuthor),
		learner: newAuthor(t, srv, "learner@example.com", models.RoleLearner)}
	for _, title := range []string{"Draft desk", "Pub desk"} {
		slug := createGuide(t, k.owner, title, "One", "Two")
		wantStatus(t, k.owner.postForm("/author", "/author/guides/"+slug+"/authors", url.Values{"email": {"co@example.com"}}), http.StatusSeeOther)
	}
	publish(t, k.owner, "pub-desk")
	k.ownerAPI, k.coAPI, k.lrAPI = k.token("owner@example.com"), k.token("co@example.com"), k.token("learner@example.com")
	return k
}

func (k *desk) token(email string) string {
	k.t.Helper()
	_, tok, err := k.srv.Models.APITokens.Create(context.Background(), mustUser(k.t, k.srv, email).ID,
		models.NewAPIToken{Name: "desk", Scopes: []string{"read", "write"}})
	if err != nil {
		k.t.Fatal(err)
	}
	return tok
}

// apiReply is an API answer: status, ETag, and a problem's detail and
// field errors.
type apiReply struct {
	Status int
	ETag   string
	Detail string
	Errors map[string]string
}

// call sends method path (under /api/v1) with token, a JSON body (or raw
// bytes of contentType) and headers as name, value pairs.
func (k *desk) call(token, method, path string, body any, headers ...string) apiReply {
	k.t.Helper()
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, contentType = bytes.NewReader(b), headers[1]
		headers = headers[2:]
	default:
		js, err := json.Marshal(b)
		if err != nil {
			k.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, k.srv.URL+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Detail string `json:"detail"`
		Errors []struct{ Field, Detail string }
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &p)
	out := apiReply{Status: resp.StatusCode, ETag: resp.Header.Get("ETag"), Detail: p.Detail, Errors: map[string]string{}}
	for _, e := range p.Errors {
		out.Errors[e.Field] = e.Detail
	}
	return out
}

// alike fails unless the page and the API both answered status, and both
// say reason: the page in its body, the API as its detail (or, with
// field, as that field's error).
func alike(t *testing.T, page *response, api apiReply, status int, field, reason string) {
	t.Helper()
	if page.StatusCode != status || api.Status != status {
		t.Fatalf("page %d, API %d; want %d on both (page body %.300s; API %+v)", page.StatusCode, api.Status, status, page.Body, api)
	}
	if reason == "" {
		return
	}
	if !strings.Contains(html.UnescapeString(page.Body), reason) {
		t.Errorf("the page does not say %q: %.600s", reason, page.Body)
	}
	got := api.Detail
	if field != "" {
		got = api.Errors[field]
	}
	if got != reason {
		t.Errorf("API says %q (%+v), want %q", got, api, reason)
	}
}

const notEditable = "You may read this guide but not change it."

func TestEditableRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	// A draft someone may not edit is not found; a published guide they
	// may read is forbidden.
	alike(t, k.learner.get("/author/guides/draft-desk"), k.call(k.lrAPI, http.MethodGet, "/guides/draft-desk/authors", nil),
		http.StatusNotFound, "", "")
	alike(t, k.learner.get("/author/guides/pub-desk"), k.call(k.lrAPI, http.MethodGet, "/guides/pub-desk/authors", nil),
		http.StatusForbidden, "", notEditable)
}

func TestCreateGuideRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	const taken = "Another guide already has this address. Choose another."
	page := k.owner.postForm("/author/guides/new", "/author/guides/new",
		url.Values{"title": {"Again"}, "slug": {"pub-desk"}, "difficulty": {"beginner"}})
	api := k.call(k.ownerAPI, http.MethodPost, "/guides", map[string]any{"title": "Again", "slug": "pub-desk", "difficulty": "beginner"})
	alike(t, page, api, http.StatusConflict, "", taken)
	if api.Errors["slug"] != taken {
		t.Errorf("API field errors %v, want the slug's", api.Errors)
	}

	page = k.owner.postForm("/author/guides/new", "/author/guides/new", url.Values{"title": {" "}, "difficulty": {"beginner"}})
	api = k.call(k.ownerAPI, http.MethodPost, "/guides", map[string]any{"title": " ", "difficulty": "beginner"})
	alike(t, page, api, http.StatusUnprocessableEntity, "title", "Give the guide a title.")
}

func TestUpdateGuideRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	const keeps = "A published guide keeps its address, so links to it keep working. Unpublish it to change the address."
	etag := k.call(k.ownerAPI, http.MethodGet, "/guides/pub-desk", nil).ETag
	version := k.owner.get("/author/guides/pub-desk").doc(t).Find(`input[name="version"]`).AttrOr("value", "")
	page := k.owner.postForm("/author/guides/pub-desk", "/author/guides/pub-desk",
		url.Values{"title": {"Pub desk"}, "slug": {"moved"}, "difficulty": {"beginner"}, "version": {version}})
	api := k.call(k.ownerAPI, http.MethodPatch, "/guides/pub-desk", map[string]any{"slug": "moved"}, "If-Match", etag)
	alike(t, page, api, http.StatusUnprocessableEntity, "slug", keeps)
}

func TestPublishRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	page := k.learner.postForm("/", "/author/guides/pub-desk/unpublish", nil)
	api := k.call(k.lrAPI, http.MethodPost, "/guides/pub-desk/unpublish", nil)
	alike(t, page, api, http.StatusForbidden, "", notEditable)
}

func TestEditStepRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	etag := k.call(k.coAPI, http.MethodGet, "/guides/draft-desk/steps/1", nil).ETag
	page := saveStep(k.co, "draft-desk", "1", stepVersion(t, k.co, "draft-desk", "1"), " ", "Body")
	api := k.call(k.coAPI, http.MethodPatch, "/guides/draft-desk/steps/1", map[string]any{"title": " "}, "If-Match", etag)
	alike(t, page, api, http.StatusUnprocessableEntity, "title", "Give the step a title.")

	const to = "Give the step's new number, from 1 (a number past the last step moves it to the end)."
	page = k.co.postForm("/author", "/author/guides/draft-desk/steps/1/move?to=0", nil)
	api = k.call(k.coAPI, http.MethodPost, "/guides/draft-desk/steps/1/move", map[string]any{"to": 0})
	alike(t, page, api, http.StatusUnprocessableEntity, "to", to)
}

func TestEditQuizRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	page := k.co.postForm("/author", "/guides/draft-desk/steps/1/quiz/edit", url.Values{
		"kind": {models.QuizSingle}, "prompt": {" "}, "choice": {"a", "b"}, "correct": {"0"}})
	api := k.call(k.coAPI, http.MethodPost, "/guides/draft-desk/steps/1/quiz/questions", map[string]any{
		"kind": models.QuizSingle, "prompt": " ", "choices": []map[string]any{{"text": "a", "correct": true}, {"text": "b"}}})
	alike(t, page, api, http.StatusUnprocessableEntity, "prompt", "Write the question.")
}

func TestCoAuthorsRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	const nobody = "There is no account with that email."
	page := k.owner.postForm("/author", "/author/guides/draft-desk/authors", url.Values{"email": {"nobody@example.com"}})
	api := k.call(k.ownerAPI, http.MethodPost, "/guides/draft-desk/authors", map[string]any{"email": "nobody@example.com"})
	alike(t, page, api, http.StatusUnprocessableEntity, "email", nobody)

	// A co-author edits, but the owner chooses who else does.
	const ownerOnly = "Only the guide's owner or an admin may change its co-authors."
	page = k.co.postForm("/author", "/author/guides/draft-desk/authors", url.Values{"email": {"learner@example.com"}})
	api = k.call(k.coAPI, http.MethodPost, "/guides/draft-desk/authors", map[string]any{"email": "learner@example.com"})
	alike(t, page, api, http.StatusForbidden, "", ownerOnly)
}

func TestRestoreRevisionRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	etag := k.call(k.ownerAPI, http.MethodGet, "/guides/pub-desk/steps/1", nil).ETag
	page := k.owner.postForm("/author", "/author/guides/pub-desk/steps/1/revisions/999999/restore", nil)
	api := k.call(k.ownerAPI, http.MethodPost, "/guides/pub-desk/steps/1/revisions/999999/restore", nil, "If-Match", etag)
	alike(t, page, api, http.StatusNotFound, "", "")
}

func TestUploadImageRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	junk := []byte("GIF89a but not really an image")
	page := k.co.upload("/author/guides/draft-desk/images", "/author/guides/draft-desk/images", "image", "junk.gif", junk, nil)
	api := k.call(k.coAPI, http.MethodPost, "/guides/draft-desk/images?name=junk.gif", junk, "Content-Type", "image/gif")
	alike(t, page, api, http.StatusUnprocessableEntity, "body", api.Errors["body"])
	if !strings.HasPrefix(api.Errors["body"], "That image was refused: ") {
		t.Errorf("API image error %q", api.Errors["body"])
	}
}

func TestImportGuideRefusedAlikeOnPagesAndAPI(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	zipped := []byte(k.owner.get("/author/guides/pub-desk/export.zip").Body)
	const taken = "A guide with the address “pub-desk” exists already. “pub-desk-2” is free: import it under that address, or choose another."
	page := k.owner.upload("/author/import", "/author/import", "archive", "guide.zip", zipped, nil)
	api := k.call(k.ownerAPI, http.MethodPost, "/guides/import", zipped, "Content-Type", "application/zip")
	alike(t, page, api, http.StatusConflict, "", taken)
}
