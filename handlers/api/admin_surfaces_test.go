package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"stepwise/handlers/api"
	"stepwise/models"
)

// The admin and webhook operations refuse alike on both surfaces: the same
// refusal has the same status, and the page shows the API's reason.

// browser is a signed-in page session on the API tests' server.
type browser struct {
	t    *testing.T
	s    *server
	http *http.Client
}

// browser signs u in through the login form.
func (s *server) browser(u models.User) *browser {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	s.t.Cleanup(tr.CloseIdleConnections)
	b := &browser{t: s.t, s: s, http: &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	status, _ := b.post("/login", url.Values{"email": {u.Email}, "password": {password}})
	if status != http.StatusSeeOther {
		s.t.Fatalf("sign in %s: status %d", u.Email, status)
	}
	return b
}

// send makes a request and returns its status and parsed page.
func (b *browser) send(method, path string, form url.Values) (int, *goquery.Document) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		b.t.Fatal(err)
	}
	return res.StatusCode, doc
}

// post sends form with the CSRF token of the form on path, as a browser
// that just loaded path would.
func (b *browser) post(path string, form url.Values) (int, *goquery.Document) {
	b.t.Helper()
	from := path
	if !strings.HasPrefix(path, "/login") {
		from = "/account"
	}
	_, doc := b.send(http.MethodGet, from, nil)
	tok, ok := doc.Find(`input[name="csrf_token"]`).First().Attr("value")
	if !ok {
		b.t.Fatalf("no csrf_token on %s", from)
	}
	form.Set("csrf_token", tok)
	return b.send(http.MethodPost, path, form)
}

// errorPage is the message of the error page doc shows.
func errorPage(doc *goquery.Document) string {
	return strings.TrimSpace(doc.Find(`[data-testid="error-page"] h1 + p`).Text())
}

// fieldDetail is the problem's message for field.
func fieldDetail(errs []api.FieldError, field string) string {
	for _, e := range errs {
		if e.Field == field {
			return e.Detail
		}
	}
	return ""
}

// same fails t unless the page and the API answered status, and the page
// shows the API's reason.
func same(t *testing.T, what string, pageStatus int, pageReason string, apiStatus int, apiReason string, want int) {
	t.Helper()
	if pageStatus != want || apiStatus != want {
		t.Errorf("%s: page %d, API %d, want %d on both", what, pageStatus, apiStatus, want)
	}
	if pageReason == "" || pageReason != apiReason {
		t.Errorf("%s: page says %q, API says %q", what, pageReason, apiReason)
	}
}

func TestChangeUserRefusedAlikeOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	root, lee := srv.user(models.RoleAdmin), srv.user(models.RoleLearner)
	page := srv.browser(root)
	viaAPI := srv.as(srv.token(root, "read", "write", "admin"))
	etag := func(id int64) string {
		return viaAPI.get(fmt.Sprint("/api/v1/users/", id)).want(t, http.StatusOK).Header.Get("ETag")
	}

	// A role that is not one: invalid, with the role's message.
	status, doc := page.post(fmt.Sprintf("/admin/users/%d/role", lee.ID), url.Values{"role": {"emperor"}})
	r := viaAPI.with("If-Match", etag(lee.ID)).patch(fmt.Sprint("/api/v1/users/", lee.ID), map[string]any{"role": "emperor"})
	p := r.Problem(t)
	same(t, "unknown role", status, strings.TrimSpace(doc.Find(`[data-testid="form-error"]`).Text()), r.StatusCode, fieldDetail(p.Errors, "role"), http.StatusUnprocessableEntity)

	// One's own account: forbidden.
	status, doc = page.post(fmt.Sprintf("/admin/users/%d/lock", root.ID), url.Values{})
	r = viaAPI.with("If-Match", etag(root.ID)).patch(fmt.Sprint("/api/v1/users/", root.ID), map[string]any{"locked": true})
	same(t, "own account", status, errorPage(doc), r.StatusCode, r.Problem(t).Detail, http.StatusForbidden)

	// No such account: not found (the page does not echo reasons for 404).
	status, _ = page.post("/admin/users/99999/role", url.Values{"role": {"author"}})
	r = viaAPI.with("If-Match", "*").patch("/api/v1/users/99999", map[string]any{"role": "author"})
	if status != http.StatusNotFound || r.StatusCode != http.StatusNotFound {
		t.Errorf("no such account: page %d, API %d, want 404 on both", status, r.StatusCode)
	}
}

func TestCreateWebhookRefusedAlikeOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	page := srv.browser(author)
	viaAPI := srv.as(srv.token(author, "read", "write"))

	// A loopback target while the site setting does not allow it.
	status, doc := page.post("/account/webhooks", url.Values{"url": {"http://127.0.0.1:9/in"}, "events": {models.EventGuidePublished}})
	r := viaAPI.post("/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/in", "events": []string{models.EventGuidePublished}})
	same(t, "private target", status, strings.TrimSpace(doc.Find(`[data-testid="url-error"]`).Text()),
		r.StatusCode, fieldDetail(r.Problem(t).Errors, "url"), http.StatusUnprocessableEntity)
	if hooks, _ := srv.Models.Webhooks.ForUser(t.Context(), author.ID); len(hooks) != 0 {
		t.Errorf("a refused subscription was stored: %+v", hooks)
	}
}

func TestDeleteWebhookRefusedAlikeOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, stranger, learner := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor), srv.user(models.RoleLearner)
	var hook webhookOut
	srv.as(srv.token(owner, "read", "write")).post("/api/v1/webhooks", map[string]any{
		"url": "https://hooks.example.com/in", "events": []string{models.EventGuidePublished},
	}).want(t, http.StatusCreated).JSON(t, &hook)
	pagePath, apiPath := fmt.Sprintf("/account/webhooks/%d/delete", hook.ID), fmt.Sprint("/api/v1/webhooks/", hook.ID)

	// A learner has no webhooks: forbidden.
	status, doc := srv.browser(learner).post(pagePath, url.Values{"confirm": {"yes"}})
	r := srv.as(srv.token(learner, "read", "write")).with("If-Match", "*").delete(apiPath)
	same(t, "learner", status, errorPage(doc), r.StatusCode, r.Problem(t).Detail, http.StatusForbidden)

	// Another author's webhook is not found.
	status, _ = srv.browser(stranger).post(pagePath, url.Values{"confirm": {"yes"}})
	r = srv.as(srv.token(stranger, "read", "write")).with("If-Match", "*").delete(apiPath)
	if status != http.StatusNotFound || r.StatusCode != http.StatusNotFound {
		t.Errorf("another's webhook: page %d, API %d, want 404 on both", status, r.StatusCode)
	}
	if _, err := srv.Models.Webhooks.ByID(t.Context(), owner.ID, hook.ID); err != nil {
		t.Fatalf("a refused deletion deleted: %v", err)
	}
}
