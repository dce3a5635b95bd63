package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"stepwise/handlers/api"
)

// documentOperations returns every operationId in the API's document by
// its method and path, read independently of the page's own parser.
func documentOperations(t *testing.T) map[string]string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				OperationID string `json:"operationId"`
			}
			if method == "parameters" || json.Unmarshal(raw, &op) != nil {
				continue
			}
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
				continue
			}
			ops[op.OperationID] = strings.ToUpper(method) + " /api/v1" + path
		}
	}
	if len(ops) == 0 {
		t.Fatal("the document has no operations")
	}
	return ops
}

// The reference shows every operation of the document, and only those,
// each with an anchor the contents link to and a curl example; so it
// cannot drift from the API as operations are added.
func TestAPIDocsShowsEveryOperation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.client().get("/api/docs")
	wantStatus(t, r, http.StatusOK)
	doc := r.doc(t)
	ops := documentOperations(t)
	for id, route := range ops {
		op := doc.Find(`[data-testid="api-operation"][data-operation-id="` + id + `"]`)
		if op.Length() != 1 {
			t.Errorf("%s (%s): shown %d times, want once", id, route, op.Length())
			continue
		}
		method, _, _ := strings.Cut(route, " ")
		if got := strings.Join(strings.Fields(op.Find("h3").Text()), " "); got != route {
			t.Errorf("%s: heading %q, want %q", id, got, route)
		}
		anchor, _ := op.Find("h3").Attr("id")
		if anchor == "" || doc.Find(`[data-testid="api-toc"] a[href="#`+anchor+`"]`).Length() != 1 {
			t.Errorf("%s: the contents do not link to #%s", id, anchor)
		}
		curl := op.Find(`[data-testid="api-curl"]`).Text()
		if !strings.HasPrefix(curl, "curl -sS") || !strings.Contains(curl, `"$STEPWISE/api/v1`) ||
			method != http.MethodGet && !strings.Contains(curl, "-X "+method) {
			t.Errorf("%s: curl example %q", id, curl)
		}
		if strings.Contains(curl, "{") && !strings.Contains(curl, " -d ") {
			t.Errorf("%s: a path parameter has no example value: %q", id, curl)
		}
		if op.Find(".api-responses dt").Length() == 0 {
			t.Errorf("%s: no responses listed", id)
		}
	}
	if got := doc.Find(`[data-testid="api-operation"]`).Length(); got != len(ops) {
		t.Errorf("operations shown: got %d, want the document's %d", got, len(ops))
	}
}

// The sections problem details link to by their type exist, and the
// contents link to them.
func TestAPIDocsConventionAnchors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.client().get("/api/docs")
	wantStatus(t, r, http.StatusOK)
	doc := r.doc(t)
	for _, id := range []string{"authentication", "errors", "validation", "malformed", "conditional-requests", "pagination", "rate-limit"} {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("no section #%s", id)
		}
		if doc.Find(`[data-testid="api-toc"] a[href="#`+id+`"]`).Length() != 1 {
			t.Errorf("the contents do not link to #%s", id)
		}
	}
	// Every page's footer links here.
	if srv.client().get("/").testid(t, "footer-api-docs").AttrOr("href", "") != "/api/docs" {
		t.Errorf("the footer does not link to the API reference")
	}
}

// The curl examples carry what each operation needs: a token unless it is
// public, If-Match where required, the body example, example path values.
func TestAPIDocsCurlExamples(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	doc := srv.client().get("/api/docs").doc(t)
	curl := func(id string) string {
		return doc.Find(`[data-operation-id="` + id + `"] [data-testid="api-curl"]`).Text()
	}
	auth := func(id string) string {
		return doc.Find(`[data-operation-id="` + id + `"] [data-testid="api-auth"]`).Text()
	}
	create := curl("createToken")
	for _, want := range []string{`-X POST "$STEPWISE/api/v1/tokens"`, `-H "Content-Type: application/json"`, `-d '{`, `"email": "ada@example.com"`} {
		if !strings.Contains(create, want) {
			t.Errorf("createToken example lacks %q:\n%s", want, create)
		}
	}
	if strings.Contains(create, "Authorization") || !strings.Contains(auth("createToken"), "no token") {
		t.Errorf("createToken needs no token: example %q, auth %q", create, auth("createToken"))
	}
	revoke := curl("revokeToken")
	for _, want := range []string{`-X DELETE "$STEPWISE/api/v1/tokens/1"`, `-H "Authorization: Bearer $TOKEN"`, `-H 'If-Match: "…"'`} {
		if !strings.Contains(revoke, want) {
			t.Errorf("revokeToken example lacks %q:\n%s", want, revoke)
		}
	}
	if got := auth("revokeToken"); !strings.Contains(got, "write") {
		t.Errorf("revokeToken auth: got %q, want the write scope", got)
	}
	if got := auth("getMe"); !strings.Contains(got, "read") {
		t.Errorf("getMe auth: got %q, want the read scope", got)
	}
	if me := curl("getMe"); strings.Contains(me, "-X") || strings.Contains(me, "If-Match") {
		t.Errorf("getMe example: %q", me)
	}
	// Files go as they are, with their own type: the usual image, a zip.
	for id, want := range map[string][]string{
		"uploadImage": {`-H "Content-Type: image/png"`, "--data-binary @picture.png"},
		"importGuide": {`-H "Content-Type: application/zip"`, "--data-binary @guide.zip"},
	} {
		got := curl(id)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s example lacks %q:\n%s", id, w, got)
			}
		}
	}
	// The request body's fields are listed with their types.
	var fields []string
	doc.Find(`[data-operation-id="createToken"] table`).Last().Find("tbody tr td:first-child code").Each(func(_ int, s *goquery.Selection) {
		fields = append(fields, s.Text())
	})
	if strings.Join(fields, " ") != "email name password scopes code expires_at" {
		t.Errorf("createToken body fields: got %v", fields)
	}
}
