package api_test

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"stepwise/handlers/root"
	"stepwise/models"
	"stepwise/models/imagestore"
)

// apiRoles are the callers of the route table, in its column order: no
// token, a learner, an author who does not edit the guide, the guide's
// owner, and an admin (the last with the admin scope; everyone's token
// may read and write).
var apiRoles = []string{"anonymous", "learner", "other", "owner", "admin"}

// statuses reads a row of the table: one status per role, in apiRoles order.
func statuses(s ...int) map[string]int {
	m := map[string]int{}
	for i, r := range apiRoles {
		m[r] = s[i]
	}
	return m
}

// TestEveryAPIRouteByRole sends one request to every route under /api/v1
// as each kind of caller and checks the status, so authorization is
// proven route by route: a route without a row fails the test. Unsafe
// requests carry a stale If-Match and no body, so a caller who gets past
// authorization meets 412 (or 415 for a missing body) and nothing
// changes; who may not gets 401, 403 or 404. The resources are a
// published guide of the owner's with a question, a revision, an image,
// a co-author and the learner's note, the owner's token and webhook, and
// a learner account for the admin routes.
func TestEveryAPIRouteByRole(t *testing.T) {
	t.Parallel()
	files := imagestore.NewMem()
	srv := newServer(t, func(d *root.Config) { d.ImageStore = files })
	ctx := context.Background()
	learner := srv.user(models.RoleLearner)
	other := srv.user(models.RoleAuthor)
	owner := srv.user(models.RoleAuthor)
	admin := srv.user(models.RoleAdmin)
	co := srv.user(models.RoleAuthor)
	victim := srv.user(models.RoleLearner)

	slug, qid := srv.learnGuide(owner, true)
	g, err := srv.Models.Guides.Record(ctx, slug, 0)
	if err != nil {
		t.Fatal(err)
	}
	step, err := srv.Models.Authoring.Step(ctx, g.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Models.Authoring.SaveStep(ctx, step.ID, step.Version, models.StepForm{Title: step.Title, Body: "Revised."}, owner.ID, true); err != nil {
		t.Fatal(err)
	}
	revs, err := srv.Models.Authoring.Revisions(ctx, step.ID)
	if err != nil || len(revs) == 0 {
		t.Fatalf("revisions: %v, %v", revs, err)
	}
	if err := srv.Models.Authoring.AddCoAuthor(ctx, g.ID, co.Email); err != nil {
		t.Fatal(err)
	}
	data := pngOf(t, 7)
	info, err := imagestore.Check(data)
	if err != nil {
		t.Fatal(err)
	}
	img, err := models.NewImages(srv.DB, files).Add(ctx, g.ID, &owner.ID, "pic.png", data, info)
	if err != nil {
		t.Fatal(err)
	}
	firstStep, err := srv.Models.Steps.At(ctx, g.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Models.Notes.Save(ctx, learner.ID, firstStep, "Mine."); err != nil {
		t.Fatal(err)
	}
	ownerToken, ownerText, err := srv.Models.APITokens.Create(ctx, owner.ID, models.NewAPIToken{Name: "owner", Scopes: []string{"read", "write"}})
	if err != nil {
		t.Fatal(err)
	}
	hook, _, err := srv.Models.Webhooks.Create(ctx, owner.ID, models.NewWebhook{URL: "https://hooks.example.com/in", Events: []string{models.EventGuidePublished}})
	if err != nil {
		t.Fatal(err)
	}
	callers := map[string]*caller{
		"anonymous": srv.as(""),
		"learner":   srv.as(srv.token(learner, "read", "write")),
		"other":     srv.as(srv.token(other, "read", "write")),
		"owner":     srv.as(ownerText),
		"admin":     srv.as(srv.token(admin, "read", "write", "admin")),
	}
	readOnly := srv.as(srv.token(owner, "read"))

	// The path of each route, by its parameters.
	params := map[string]string{
		":slug": slug, ":n": "1", ":code": strings.Repeat("0", 32),
	}
	ids := map[string]string{ // :id by the route's resource
		"tokens": itoa64(ownerToken.ID), "authors": itoa64(co.ID), "images": itoa64(img.ID),
		"revisions": itoa64(revs[0].ID), "questions": itoa64(qid), "users": itoa64(victim.ID),
		"webhooks": itoa64(hook.ID),
	}
	editor := statuses(401, 403, 403, 200, 200)      // the guide's editors read it
	editorWrite := statuses(401, 403, 403, 412, 412) // and change it, with the stale If-Match
	everyone := statuses(401, 200, 200, 200, 200)
	adminOnly := func(ok int) map[string]int { return statuses(401, 403, 403, 403, ok) }
	hookOwner := func(ok int) map[string]int { return statuses(401, 403, 404, ok, 404) }
	table := map[string]map[string]int{
		"GET /openapi.json":  statuses(200, 200, 200, 200, 200),
		"POST /tokens":       statuses(415, 415, 415, 415, 415), // no token needed; the body is all there is
		"GET /me":            everyone,
		"GET /me/export":     everyone,
		"GET /me/learning":   everyone,
		"GET /tokens":        everyone,
		"GET /tokens/:id":    statuses(401, 404, 404, 200, 404),
		"DELETE /tokens/:id": statuses(401, 404, 404, 412, 404),

		"GET /guides":                  everyone,
		"POST /guides":                 statuses(401, 403, 415, 415, 415),
		"POST /guides/import":          statuses(401, 403, 415, 415, 415),
		"GET /guides/:slug":            everyone,
		"PATCH /guides/:slug":          editorWrite,
		"DELETE /guides/:slug":         editorWrite,
		"POST /guides/:slug/publish":   editorWrite,
		"POST /guides/:slug/unpublish": editorWrite,
		"GET /guides/:slug/progress":   everyone,
		"GET /guides/:slug/quiz-stats": editor,
		"GET /guides/:slug/export":     editor,

		"GET /guides/:slug/authors":        editor,
		"POST /guides/:slug/authors":       statuses(401, 403, 403, 415, 415),
		"GET /guides/:slug/authors/:id":    editor,
		"DELETE /guides/:slug/authors/:id": editorWrite,
		"GET /guides/:slug/images":         editor,
		"POST /guides/:slug/images":        statuses(401, 403, 403, 415, 415),
		"GET /guides/:slug/images/:id":     editor,
		"DELETE /guides/:slug/images/:id":  editorWrite,

		"GET /guides/:slug/steps":                           everyone,
		"POST /guides/:slug/steps":                          statuses(401, 403, 403, 415, 415),
		"GET /guides/:slug/steps/:n":                        everyone,
		"PATCH /guides/:slug/steps/:n":                      editorWrite,
		"DELETE /guides/:slug/steps/:n":                     editorWrite,
		"POST /guides/:slug/steps/:n/move":                  editorWrite,
		"GET /guides/:slug/steps/:n/revisions":              editor,
		"GET /guides/:slug/steps/:n/revisions/:id":          editor,
		"POST /guides/:slug/steps/:n/revisions/:id/restore": editorWrite,
		"GET /guides/:slug/steps/:n/quiz":                   everyone,
		"POST /guides/:slug/steps/:n/quiz/attempts":         statuses(401, 415, 415, 415, 415),
		"POST /guides/:slug/steps/:n/quiz/questions":        statuses(401, 403, 403, 415, 415),
		"GET /guides/:slug/steps/:n/quiz/questions/:id":     editor,
		"PATCH /guides/:slug/steps/:n/quiz/questions/:id":   editorWrite,
		"DELETE /guides/:slug/steps/:n/quiz/questions/:id":  editorWrite,
		"PUT /guides/:slug/steps/:n/completion":             statuses(401, 412, 412, 412, 412),
		"DELETE /guides/:slug/steps/:n/completion":          statuses(401, 412, 412, 412, 412),
		"GET /notes":                         everyone,
		"GET /guides/:slug/steps/:n/note":    statuses(401, 200, 404, 404, 404), // only the learner has one
		"PUT /guides/:slug/steps/:n/note":    statuses(401, 415, 415, 415, 415),
		"DELETE /guides/:slug/steps/:n/note": statuses(401, 412, 404, 404, 404),
		"GET /certificates/:code":            statuses(401, 404, 404, 404, 404), // no such code

		"GET /users":       adminOnly(200),
		"GET /users/:id":   adminOnly(200),
		"PATCH /users/:id": adminOnly(415),

		"GET /webhooks":                statuses(401, 403, 200, 200, 200),
		"POST /webhooks":               statuses(401, 403, 415, 415, 415),
		"GET /webhooks/:id":            hookOwner(200),
		"DELETE /webhooks/:id":         hookOwner(412),
		"GET /webhooks/:id/deliveries": hookOwner(200),
		"POST /webhooks/:id/test":      hookOwner(202),
	}

	resource := regexp.MustCompile(`/([a-z]+)/:id`)
	seen := map[string]bool{}
	var keys []string
	for _, r := range srv.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead || r.Method == "USE" {
			continue
		}
		keys = append(keys, r.Method+" "+strings.TrimPrefix(r.Path, "/api/v1"))
	}
	sort.Strings(keys)
	for _, key := range keys {
		seen[key] = true
		want, ok := table[key]
		if !ok {
			t.Errorf("route %s has no row in TestEveryAPIRouteByRole: add one", key)
			continue
		}
		method, route, _ := strings.Cut(key, " ")
		path := route
		if m := resource.FindStringSubmatch(path); m != nil {
			path = strings.Replace(path, ":id", ids[m[1]], 1)
		}
		for k, v := range params {
			path = strings.ReplaceAll(path, k, v)
		}
		path = "/api/v1" + path
		unsafe := method != http.MethodGet
		for _, role := range apiRoles {
			c := callers[role]
			if unsafe {
				c = c.with("If-Match", `"stale"`)
			}
			if got := c.do(method, path, nil).StatusCode; got != want[role] {
				t.Errorf("%s %s as %s: got %d, want %d", method, path, role, got, want[role])
			}
		}
		// A read-only token never changes anything, whoever holds it.
		if unsafe && key != "POST /tokens" {
			if got := readOnly.with("If-Match", `"stale"`).do(method, path, nil).StatusCode; got != http.StatusForbidden {
				t.Errorf("%s %s with a read-only token: got %d, want 403", method, path, got)
			}
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("row %s names no route", key)
		}
	}
	if len(seen) < 50 {
		t.Fatalf("only %d API routes found", len(seen))
	}
}
