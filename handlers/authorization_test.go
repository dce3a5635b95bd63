package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"stepwise/models"
)

// The roles every route is tried with.
var roles = []string{"anonymous", "learner", "other", "author", "admin"}

// routeCase is how one route is exercised and what each role must get.
type routeCase struct {
	path string     // a concrete path for the pattern
	form url.Values // for unsafe methods (the CSRF token is added)
	want map[string]int
}

func all(status int) map[string]int {
	m := map[string]int{}
	for _, r := range roles {
		m[r] = status
	}
	return m
}

// signedIn: anonymous gets anon, every signed-in role gets user.
func signedIn(anon, user int) map[string]int {
	m := all(user)
	m["anonymous"] = anon
	return m
}

// adminOnly: anonymous is sent to log in, non-admins are forbidden.
func adminOnly(admin int) map[string]int {
	return map[string]int{"anonymous": http.StatusSeeOther, "learner": http.StatusForbidden,
		"other": http.StatusForbidden, "author": http.StatusForbidden, "admin": admin}
}

// TestEveryRouteByRole walks every registered route with every role and
// checks the status each gets. A route added without a row here fails.
func TestEveryRouteByRole(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	clients := map[string]*client{}
	clients["anonymous"] = srv.client()
	emails := map[string]string{}
	for _, r := range roles[1:] {
		c := srv.client()
		emails[r] = r + "@example.com"
		c.signup(emails[r], strings.ToUpper(r[:1])+r[1:], r+" glacier orbit tandem")
		clients[r] = c
	}
	ctx := context.Background()
	setRole := func(email, role string) {
		u, err := srv.Models.Users.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Models.Users.SetRole(ctx, u.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	setRole(emails["author"], models.RoleAuthor)
	setRole(emails["admin"], models.RoleAdmin)
	victim, err := srv.Models.Users.Create(ctx, models.NewUser{Email: "victim@example.com", DisplayName: "Victim", Password: "victim glacier orbit tandem"})
	if err != nil {
		t.Fatal(err)
	}
	// A second session of the learner's, which the revoke route targets.
	spare, err := srv.Models.Sessions.Create(ctx, mustUser(t, srv, emails["learner"]).ID, "192.0.2.1", "spare")
	if err != nil {
		t.Fatal(err)
	}
	vid := fmt.Sprint(victim.ID)

	cases := map[string]routeCase{
		"GET /":                                {path: "/", want: all(200)},
		"GET /search":                          {path: "/search?q=database", want: all(200)},
		"GET /healthz":                         {path: "/healthz", want: all(200)},
		"GET /readyz":                          {path: "/readyz", want: all(200)},
		"GET /static/*":                        {path: "/static/css/app.css", want: all(200)},
		"GET /guides/:slug":                    {path: guidePath, want: all(200)},
		"GET /guides/:slug/steps/:n":           {path: step3, want: all(200)},
		"POST /guides/:slug/steps/:n/complete": {path: step3 + "/complete", form: url.Values{"done": {"true"}}, want: all(303)},
		// Quizzes: anyone signed in answers; only the guide's editors (the
		// built-in guide has no author, so admins) edit and see statistics.
		// No answers is a valid (wrong) attempt; an answer to another
		// step's question is refused with 422, as in the API.
		"POST /guides/:slug/steps/:n/quiz":      {path: step3 + "/quiz", form: url.Values{}, want: all(303)},
		"GET /guides/:slug/steps/:n/quiz/edit":  {path: step3 + "/quiz/edit", want: adminOnly(200)},
		"POST /guides/:slug/steps/:n/quiz/edit": {path: step3 + "/quiz/edit", form: url.Values{"action": {"save"}}, want: adminOnly(422)},
		"GET /guides/:slug/quiz-stats":          {path: guidePath + "/quiz-stats", want: adminOnly(200)},
		// Learning: each user's own note, pages and export; certificates
		// are public.
		"POST /guides/:slug/steps/:n/note":     {path: step3 + "/note", form: url.Values{"body": {"a note"}}, want: all(303)},
		"GET /learning":                        {path: "/learning", want: signedIn(303, 200)},
		"GET /notes":                           {path: "/notes", want: signedIn(303, 200)},
		"GET /notes/export.md":                 {path: "/notes/export.md", want: signedIn(303, 200)},
		"GET /certificates/:code":              {path: "/certificates/" + issueCertificate(t, srv, victim), want: all(200)},
		"GET /signup":                          {path: "/signup", want: signedIn(200, 303)},
		"POST /signup":                         {path: "/signup", form: url.Values{}, want: signedIn(422, 303)},
		"GET /login":                           {path: "/login", want: signedIn(200, 303)},
		"POST /login":                          {path: "/login", form: url.Values{}, want: signedIn(422, 303)},
		"GET /account":                         {path: "/account", want: signedIn(303, 200)},
		"POST /account/password":               {path: "/account/password", form: url.Values{}, want: signedIn(303, 422)},
		"POST /account/sessions/revoke-others": {path: "/account/sessions/revoke-others", form: url.Values{}, want: signedIn(303, 303)},
		"POST /account/email/verify":           {path: "/account/email/verify", form: url.Values{}, want: signedIn(303, 303)},
		"GET /email/verify":                    {path: "/email/verify", want: all(404)}, // a link without a token
		"GET /password/forgot":                 {path: "/password/forgot", want: all(200)},
		"POST /password/forgot":                {path: "/password/forgot", form: url.Values{}, want: all(422)},
		"GET /password/reset":                  {path: "/password/reset", want: all(404)},
		"POST /password/reset":                 {path: "/password/reset", form: url.Values{}, want: all(404)},
		"POST /account/email":                  {path: "/account/email", form: url.Values{}, want: signedIn(303, 422)},
		"GET /account/email/confirm":           {path: "/account/email/confirm", want: all(404)},
		"GET /dev/mailbox":                     {path: "/dev/mailbox", want: all(200)}, // this client is on the loopback address
		// Another user's session id: accepted, but only the caller's own
		// sessions can match (checked below).
		"POST /account/sessions/:id/revoke": {path: "/account/sessions/" + spare + "/revoke", form: url.Values{}, want: signedIn(303, 303)},
		"GET /account/export":               {path: "/account/export", want: signedIn(303, 200)},
		"POST /account/delete":              {path: "/account/delete", form: url.Values{}, want: signedIn(303, 422)},

		// Two-factor: without a pending login the code page sends
		// everyone on; the set-up POST runs after its GET (routes run
		// sorted), which gave the user a key to confirm; turning off and
		// new codes do nothing while two-factor is off.
		"GET /login/two-factor":                   {path: "/login/two-factor", want: all(303)},
		"POST /login/two-factor":                  {path: "/login/two-factor", form: url.Values{}, want: all(303)},
		"GET /account/two-factor/setup":           {path: "/account/two-factor/setup", want: signedIn(303, 200)},
		"POST /account/two-factor/setup":          {path: "/account/two-factor/setup", form: url.Values{}, want: signedIn(303, 422)},
		"POST /account/two-factor/disable":        {path: "/account/two-factor/disable", form: url.Values{}, want: signedIn(303, 303)},
		"POST /account/two-factor/recovery-codes": {path: "/account/two-factor/recovery-codes", form: url.Values{}, want: signedIn(303, 303)},

		"GET /admin/users":                  {path: "/admin/users", want: adminOnly(200)},
		"POST /admin/users/:id/role":        {path: "/admin/users/" + vid + "/role", form: url.Values{"role": {"learner"}}, want: adminOnly(303)},
		"POST /admin/users/:id/lock":        {path: "/admin/users/" + vid + "/lock", form: url.Values{}, want: adminOnly(303)},
		"POST /admin/users/:id/unlock":      {path: "/admin/users/" + vid + "/unlock", form: url.Values{}, want: adminOnly(303)},
		"POST /admin/users/:id/force-reset": {path: "/admin/users/" + vid + "/force-reset", form: url.Values{}, want: adminOnly(303)},
		"GET /admin/audit":                  {path: "/admin/audit", want: adminOnly(200)},
		"POST /logout":                      {path: "/logout", form: url.Values{}, want: all(303)},

		// Images and import/export: the built-in guide has no author, so
		// only admins edit it; any author or admin may import.
		"GET /images/:file":                           {path: "/images/" + strings.Repeat("0", 64) + ".png", want: all(404)},
		"GET /author/guides/:slug/images":             {path: "/author" + guidePath + "/images", want: adminOnly(200)},
		"POST /author/guides/:slug/images":            {path: "/author" + guidePath + "/images", form: url.Values{}, want: adminOnly(422)},
		"POST /author/guides/:slug/images/:id/delete": {path: "/author" + guidePath + "/images/999999/delete", form: url.Values{}, want: adminOnly(404)},
		"GET /author/guides/:slug/export.zip":         {path: "/author" + guidePath + "/export.zip", want: adminOnly(200)},
		"GET /author/import":                          {path: "/author/import", want: map[string]int{"anonymous": 303, "learner": 403, "other": 403, "author": 200, "admin": 200}},
		"POST /author/import":                         {path: "/author/import", form: url.Values{}, want: map[string]int{"anonymous": 303, "learner": 403, "other": 403, "author": 422, "admin": 422}},
	}
	for k, tc := range authoringRoutes(t, srv, emails, victim.ID) {
		cases[k] = tc
	}
	for k, tc := range webhookRoutes(t, srv, emails) { // webhooks_test.go
		cases[k] = tc
	}
	for k, tc := range tokenRoutes(t, srv, emails) { // account_tokens_test.go
		cases[k] = tc
	}

	var routes []string
	for _, r := range srv.App.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" || r.Path == "/" && r.Method == "" {
			continue
		}
		if strings.HasPrefix(r.Path, "/api/v1") {
			continue // token-authenticated: TestEveryAPIRouteByRole in handlers/api walks those
		}
		routes = append(routes, r.Method+" "+r.Path)
	}
	sort.Strings(routes)
	seen := map[string]bool{}
	for _, key := range routes {
		seen[key] = true
		tc, ok := cases[key]
		if !ok {
			t.Errorf("route %s has no row in TestEveryRouteByRole: add one", key)
			continue
		}
		if key == "POST /logout" {
			continue // run last: it signs everyone out
		}
		checkRoute(t, clients, key, tc)
	}
	checkRoute(t, clients, "POST /logout", cases["POST /logout"])
	for key := range cases {
		if !seen[key] {
			t.Errorf("row %s names no registered route", key)
		}
	}
	// Only the learner's own request ended the spare session; the other
	// users' requests for it changed nothing (checked by the audit trail:
	// the learner's session list has no spare left, and the others' lists
	// were never touched).
	for _, s := range mustSessions(t, srv, emails["learner"]) {
		if s.ID == spare {
			t.Errorf("the learner's own revoke did not end the spare session")
		}
	}
}

func checkRoute(t *testing.T, clients map[string]*client, key string, tc routeCase) {
	t.Helper()
	method := strings.SplitN(key, " ", 2)[0]
	for _, role := range roles {
		c := clients[role]
		var r *response
		if method == http.MethodGet {
			r = c.get(tc.path)
		} else {
			form := url.Values{}
			for k, v := range tc.form {
				form[k] = v
			}
			page := "/"
			if role == "anonymous" {
				page = "/login"
			}
			form.Set("csrf_token", c.csrf(page))
			r = c.post(tc.path, form)
		}
		if want := tc.want[role]; r.StatusCode != want {
			t.Errorf("%s as %s: got %d, want %d", key, role, r.StatusCode, want)
		}
	}
}

func mustUser(t *testing.T, srv *server, email string) models.User {
	t.Helper()
	u, err := srv.Models.Users.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustSessions(t *testing.T, srv *server, email string) []models.UserSession {
	t.Helper()
	list, err := srv.Models.Sessions.List(context.Background(), mustUser(t, srv, email).ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
