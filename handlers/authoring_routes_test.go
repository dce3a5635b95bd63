package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"stepwise/models"
)

// authoringRoutes are TestEveryRouteByRole's rows for the editor's routes,
// over a published guide owned by the "author" role (admins may edit it
// too; the learners are refused).
func authoringRoutes(t *testing.T, srv *server, emails map[string]string, victimID int64) map[string]routeCase {
	t.Helper()
	ctx := context.Background()
	a := srv.Models.Authoring
	owner := mustUser(t, srv, emails["author"]).ID
	var guideIDs [2]int64
	for i, slug := range []string{"route-guide", "route-guide-two"} {
		id, err := a.CreateGuide(ctx, owner, models.GuideForm{Title: "Route guide", Slug: slug, Difficulty: "beginner"})
		if err != nil {
			t.Fatal(err)
		}
		guideIDs[i] = id
		for n := 1; n <= 8; n++ {
			if _, err := a.AddStep(ctx, id, fmt.Sprintf("Step %d", n)); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.SetPublished(ctx, id, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.SaveStep(ctx, mustStepID(t, srv, guideIDs[0], 1), 1, models.StepForm{Title: "Step 1", Body: "Revised"}, owner, true); err != nil {
		t.Fatal(err)
	}
	revs, err := a.Revisions(ctx, mustStepID(t, srv, guideIDs[0], 1))
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions: %v %v", revs, err)
	}
	rev := fmt.Sprint(revs[0].ID)
	g := "/author/guides/route-guide"
	editors := func(status int) map[string]int {
		return map[string]int{"anonymous": http.StatusSeeOther, "learner": http.StatusForbidden,
			"other": http.StatusForbidden, "author": status, "admin": status}
	}
	return map[string]routeCase{
		"GET /author":                                              {path: "/author", want: editors(200)},
		"GET /author/guides/new":                                   {path: "/author/guides/new", want: editors(200)},
		"POST /author/guides/new":                                  {path: "/author/guides/new", form: url.Values{}, want: editors(422)},
		"GET /author/guides/:slug":                                 {path: g, want: editors(200)},
		"POST /author/guides/:slug":                                {path: g, form: url.Values{}, want: editors(422)},
		"POST /author/guides/:slug/publish":                        {path: g + "/publish", form: url.Values{}, want: editors(303)},
		"POST /author/guides/:slug/unpublish":                      {path: "/author/guides/route-guide-two/unpublish", form: url.Values{}, want: editors(303)},
		"POST /author/guides/:slug/preview":                        {path: g + "/preview", form: url.Values{"body": {"*hi*"}}, want: editors(200)},
		"GET /author/guides/:slug/preview/steps/:n":                {path: g + "/preview/steps/1", want: editors(200)},
		"POST /author/guides/:slug/steps":                          {path: g + "/steps", form: url.Values{"step_title": {"Added"}}, want: editors(303)},
		"GET /author/guides/:slug/steps/:n":                        {path: g + "/steps/1", want: editors(200)},
		"POST /author/guides/:slug/steps/:n":                       {path: g + "/steps/1", form: url.Values{}, want: editors(422)},
		"POST /author/guides/:slug/steps/:n/autosave":              {path: g + "/steps/1/autosave", form: url.Values{}, want: editors(422)},
		"GET /author/guides/:slug/steps/:n/delete":                 {path: g + "/steps/5/delete", want: editors(200)},
		"POST /author/guides/:slug/steps/:n/delete":                {path: g + "/steps/5/delete", form: url.Values{}, want: editors(303)},
		"POST /author/guides/:slug/steps/:n/move":                  {path: g + "/steps/2/move?dir=down", form: url.Values{}, want: editors(303)},
		"GET /author/guides/:slug/steps/:n/revisions":              {path: g + "/steps/1/revisions", want: editors(200)},
		"GET /author/guides/:slug/steps/:n/revisions/diff":         {path: g + "/steps/1/revisions/diff?a=" + rev + "&b=" + rev, want: editors(200)},
		"POST /author/guides/:slug/steps/:n/revisions/:id/restore": {path: g + "/steps/1/revisions/" + rev + "/restore", form: url.Values{}, want: editors(303)},
		"POST /author/guides/:slug/authors":                        {path: g + "/authors", form: url.Values{"email": {"victim@example.com"}}, want: editors(303)},
		"POST /author/guides/:slug/authors/:id/remove":             {path: g + "/authors/" + fmt.Sprint(victimID) + "/remove", form: url.Values{}, want: editors(303)},
	}
}

func mustStepID(t *testing.T, srv *server, guideID int64, n int) int64 {
	t.Helper()
	s, err := srv.Models.Authoring.Step(context.Background(), guideID, n)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}
