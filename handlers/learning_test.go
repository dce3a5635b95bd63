package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"stepwise/models"
)

const notePath = step3 + "/note"

// saveNote posts body as the note on step 3, with htmx or as a plain form.
func saveNote(c *client, body string, htmx bool) *response {
	c.t.Helper()
	form := url.Values{"csrf_token": {c.csrf(step3)}, "body": {body}}
	if htmx {
		return c.post(notePath, form, "HX-Request", "true")
	}
	return c.post(notePath, form)
}

func TestNoteAutosaveWithAndWithoutHTMX(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("notes@example.com", "Noa", strongPassword)

	// The step page has an empty note form for a signed-in user only.
	r := c.get(step3)
	wantStatus(t, r, http.StatusOK)
	if n := r.testid(t, "note-body").Length(); n != 1 {
		t.Fatalf("note textarea: got %d, want 1", n)
	}
	if n := srv.client().get(step3).testid(t, "step-note").Length(); n != 0 {
		t.Errorf("a visitor sees the note form")
	}

	// Autosave: only the status line comes back.
	r = saveNote(c, "Remember **REST** verbs", true)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Saved") || strings.Contains(r.Body, "<textarea") {
		t.Errorf("htmx save: got %q, want only a Saved status", r.Body)
	}
	if got := c.get(step3).testid(t, "note-body").Text(); got != "Remember **REST** verbs" {
		t.Errorf("after reload: note %q", got)
	}

	// Without JavaScript: 303 back to the note.
	r = saveNote(c, "Plain form note", false)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != step3+"#note" {
		t.Errorf("redirect: got %q, want %q", loc, step3+"#note")
	}
	page := c.get(step3)
	if got := page.testid(t, "note-body").Text(); got != "Plain form note" {
		t.Errorf("after plain save: note %q", got)
	}
	if got := page.testid(t, "note-saved").Length(); got != 1 {
		t.Errorf("the page does not say when the note was saved")
	}
}

func TestNoteTooLongIsRefusedAndKept(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("long@example.com", "Lon", strongPassword)
	long := strings.Repeat("x", models.NoteMaxLen+1)

	r := saveNote(c, long, true)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Couldn’t save") || !strings.Contains(r.Body, "kept") {
		t.Errorf("htmx 422: got %.300q", r.Body)
	}

	r = saveNote(c, long, false)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	ta := r.testid(t, "note-body")
	if ta.Text() != long {
		t.Errorf("plain 422: the text was not kept (got %d characters)", len(ta.Text()))
	}
	if v, _ := ta.Attr("aria-invalid"); v != "true" {
		t.Errorf("plain 422: aria-invalid %q, want true", v)
	}
	if _, err := srv.Models.Notes.All(context.Background(), mustUser(t, srv, "long@example.com").ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := srv.Models.Notes.All(context.Background(), mustUser(t, srv, "long@example.com").ID); len(list) != 0 {
		t.Errorf("a refused note was stored")
	}
}

// A refused plain note post shows the whole step page again, as Show
// does (the quiz stays), with the user's text and the error in the form.
func TestNoteRefusedPageIsTheWholeStep(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("whole@example.com", "Who", strongPassword)
	wantStatus(t, saveNote(c, "Kept note", false), http.StatusSeeOther)
	long := strings.Repeat("y", models.NoteMaxLen+1)

	r := saveNote(c, long, false)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.testid(t, "note-body").Text(); got != long {
		t.Errorf("the text was not kept (got %d characters)", len(got))
	}
	if n := r.testid(t, "quiz").Length(); n != 1 {
		t.Errorf("the step's quiz is missing from the refused page")
	}
	if n := r.testid(t, "note-error").Length(); n != 1 {
		t.Errorf("the refused page does not say why the note was not saved")
	}
}

// The note route only ever touches the signed-in user's own note: another
// user posting to the same step writes their own, and sees only their own.
func TestNotesArePrivate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ada, bob := srv.client(), srv.client()
	ada.signup("ada@example.com", "Ada", strongPassword)
	bob.signup("bob@example.com", "Bob", strongPassword)
	wantStatus(t, saveNote(ada, "ada's secret", true), http.StatusOK)
	wantStatus(t, saveNote(bob, "bob's own", true), http.StatusOK)

	if got := ada.get(step3).testid(t, "note-body").Text(); got != "ada's secret" {
		t.Errorf("ada's note was changed by bob: %q", got)
	}
	for _, page := range []string{step3, "/notes", "/notes/export.md", "/learning"} {
		if r := bob.get(page); strings.Contains(r.Body, "ada&#39;s secret") || strings.Contains(r.Body, "ada's secret") {
			t.Errorf("%s shows bob ada's note", page)
		}
	}
	if got := bob.get(step3).testid(t, "note-body").Text(); got != "bob's own" {
		t.Errorf("bob's note: %q", got)
	}

	// A visitor is sent to log in, and back to the step.
	v := srv.client()
	r := v.post(notePath, url.Values{"csrf_token": {v.csrf("/login")}, "body": {"x"}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next="+url.QueryEscape(step3) {
		t.Errorf("visitor: redirected to %q", loc)
	}
	for _, page := range []string{"/notes", "/notes/export.md", "/learning"} {
		if r := v.get(page); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("visitor on %s: got %d to %q, want 303 to login", page, r.StatusCode, r.Header.Get("Location"))
		}
	}
}

func TestMyNotesAndExport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("mine@example.com", "Mia", strongPassword)
	r := c.get("/notes")
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "notes-empty").Length() != 1 {
		t.Errorf("no empty state on /notes")
	}

	wantStatus(t, saveNote(c, "Step three: <script>alert(1)</script> *idempotent*", true), http.StatusOK)
	tok := c.csrf(guidePath + "/steps/1")
	wantStatus(t, c.post(guidePath+"/steps/1/note", url.Values{"csrf_token": {tok}, "body": {"Step one note"}}, "HX-Request", "true"), http.StatusOK)

	r = c.get("/notes")
	wantStatus(t, r, http.StatusOK)
	if strings.Contains(r.Body, "<script>alert(1)</script>") {
		t.Errorf("a note's script is rendered")
	}
	if n := r.testid(t, "notes-guide").Length(); n != 1 {
		t.Errorf("guide groups: got %d, want 1", n)
	}
	var links []string
	r.testid(t, "note-step-link").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		links = append(links, href)
	})
	if want := []string{guidePath + "/steps/1", step3}; fmt.Sprint(links) != fmt.Sprint(want) {
		t.Errorf("links back: got %v, want %v", links, want)
	}

	r = c.get("/notes/export.md")
	wantStatus(t, r, http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("Content-Disposition: %q", cd)
	}
	for _, want := range []string{"# My notes", "Step one note", "*idempotent*", "/guides/backend-web-development/steps/3"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("export lacks %q", want)
		}
	}

	// The account's data export has them too.
	r = c.get("/account/export")
	wantStatus(t, r, http.StatusOK)
	var exp models.UserExport
	if err := json.Unmarshal([]byte(r.Body), &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Notes) != 2 {
		t.Errorf("account export: %d notes, want 2", len(exp.Notes))
	}
}

// completeSteps marks steps from..to of the built-in guide complete.
func completeSteps(c *client, from, to int) {
	c.t.Helper()
	tok := c.csrf(guidePath)
	for i := from; i <= to; i++ {
		r := c.post(fmt.Sprintf("%s/steps/%d/complete", guidePath, i), url.Values{"csrf_token": {tok}, "done": {"true"}})
		if r.StatusCode != http.StatusSeeOther {
			c.t.Fatalf("complete step %d: got %d", i, r.StatusCode)
		}
	}
}

func TestMyLearningAndCertificate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("learner@example.com", "Lea Learner", strongPassword)

	r := c.get("/learning")
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "learning-empty").Length() != 1 {
		t.Errorf("no empty state on /learning")
	}

	completeSteps(c, 1, 2)
	r = c.get("/learning")
	wantStatus(t, r, http.StatusOK)
	if got := r.testid(t, "learning-percent").Text(); got != "20% done" {
		t.Errorf("percent: got %q, want 20%% done", got)
	}
	if got := strings.Join(strings.Fields(r.testid(t, "learning-counts").Text()), " "); got != "2 of 10 steps" {
		t.Errorf("counts: got %q", got)
	}
	if href, _ := r.testid(t, "learning-resume").Attr("href"); href != step3 {
		t.Errorf("resume: got %q, want %q", href, step3)
	}
	if r.testid(t, "certificate-link").Length() != 0 {
		t.Errorf("a certificate before finishing")
	}

	// The queries do not grow with the number of guides.
	before := srv.DB.QueryCount()
	wantStatus(t, c.get("/learning"), http.StatusOK)
	if n := srv.DB.QueryCount() - before; n > 4 {
		t.Errorf("/learning: %d queries, want at most 4 (session, user, guides, certificates)", n)
	}

	// Finishing (the last step last, out of order) issues the certificate.
	completeSteps(c, 4, 10)
	if certs, _ := srv.Models.Certificates.ForUser(context.Background(), mustUser(t, srv, "learner@example.com").ID); len(certs) != 0 {
		t.Fatalf("a certificate with step 3 left")
	}
	tok := c.csrf(step3)
	if n := c.get(step3).testid(t, "certificate-notice").Length(); n != 0 {
		t.Errorf("the step page announces a certificate before finishing")
	}
	r = c.post(step3+"/complete", url.Values{"csrf_token": {tok}, "done": {"true"}}, "HX-Request", "true")
	wantStatus(t, r, http.StatusOK)
	if oob, _ := r.doc(t).Find("#certificate-notice").Attr("hx-swap-oob"); oob != "innerHTML" || r.testid(t, "certificate-notice").Length() != 1 {
		t.Errorf("finishing with htmx: no out-of-band certificate notice in %.300q", r.Body)
	}
	if n := c.get(step3).testid(t, "certificate-notice").Length(); n != 1 {
		t.Errorf("the step page does not link the certificate after finishing")
	}
	r = c.get("/learning")
	href, ok := r.testid(t, "certificate-link").Attr("href")
	if !ok || r.testid(t, "learning-completed-guide").Length() != 1 {
		t.Fatalf("no certificate or completed guide on /learning")
	}

	// Anyone can verify it, signed out.
	v := srv.client()
	r = v.get(href)
	wantStatus(t, r, http.StatusOK)
	if got := r.testid(t, "certificate-name").Text(); got != "Lea Learner" {
		t.Errorf("name: got %q", got)
	}
	if got := strings.TrimSpace(r.testid(t, "certificate-guide").Text()); got != "Backend web development, step by step" {
		t.Errorf("guide: got %q", got)
	}
	if got := r.testid(t, "certificate-url").Text(); got != testBaseURL+href {
		t.Errorf("verification URL: got %q, want %q", got, testBaseURL+href)
	}
	wantStatus(t, v.get("/certificates/"+strings.Repeat("a", 32)), http.StatusNotFound)
	wantStatus(t, v.get("/certificates/nope"), http.StatusNotFound)

	// Un-completing a step keeps it; finishing again issues no second one.
	wantStatus(t, c.post(step3+"/complete", url.Values{"csrf_token": {tok}, "done": {"false"}}), http.StatusSeeOther)
	wantStatus(t, v.get(href), http.StatusOK)
	completeSteps(c, 3, 3)
	if certs, _ := srv.Models.Certificates.ForUser(context.Background(), mustUser(t, srv, "learner@example.com").ID); len(certs) != 1 {
		t.Errorf("certificates: got %d, want 1", len(certs))
	}
}

// issueCertificate completes the built-in guide for u and returns the
// code of the certificate that issues.
func issueCertificate(t *testing.T, srv *server, u models.User) string {
	t.Helper()
	ctx := context.Background()
	g, err := srv.Models.Guides.BySlug(ctx, guidesSlug)
	if err != nil {
		t.Fatal(err)
	}
	links, err := srv.Models.Steps.List(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if err := srv.Models.Progress.Set(ctx, u.ID, models.Step{ID: l.ID, GuideID: g.ID, Position: l.Position}, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.Models.Certificates.IssueIfComplete(ctx, u, g); err != nil {
		t.Fatal(err)
	}
	certs, err := srv.Models.Certificates.ForUser(ctx, u.ID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: got %d, %v", len(certs), err)
	}
	return certs[0].Code
}
