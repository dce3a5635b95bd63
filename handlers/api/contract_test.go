package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"stepwise/handlers/api"
)

// TestDocumentIsValidOpenAPI checks the merged document against the
// OpenAPI 3.1 schema itself.
func TestDocumentIsValidOpenAPI(t *testing.T) {
	t.Parallel()
	v, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("%s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", se.FieldPath, se.Reason)
			}
		}
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(api.Document(), &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, %v; want 3.1.0", doc.OpenAPI, err)
	}
}

var fiberParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestEveryRouteIsDocumented compares the routes registered under
// /api/v1 with the operations in the document, both ways.
func TestEveryRouteIsDocumented(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	routes := map[string]bool{}
	for _, r := range srv.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead || r.Method == "USE" {
			continue
		}
		p := fiberParam.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")
		routes[r.Method+" "+p] = true
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, item := range doc.Paths {
		for m := range item {
			switch m {
			case "get", "put", "post", "patch", "delete":
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	for _, k := range sortedKeys(routes) {
		if !documented[k] {
			t.Errorf("route %s is not in the OpenAPI document", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !routes[k] {
			t.Errorf("the document describes %s, which is not a route", k)
		}
	}
	if len(routes) == 0 {
		t.Fatal("no API routes found")
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestDocumentServed checks /api/v1/openapi.json: public, JSON, cacheable.
func TestDocumentServed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.as("").get("/api/v1/openapi.json").want(t, http.StatusOK)
	if string(r.Body) != string(api.Document()) {
		t.Fatal("served document differs from api.Document()")
	}
	if r.Header.Get("ETag") == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("headers: %v", r.Header)
	}
	srv.as("").with("If-None-Match", r.Header.Get("ETag")).get("/api/v1/openapi.json").want(t, http.StatusNotModified)
}

// TestBodiesDocumentTheirRefusals checks that every operation taking a
// request body lists what any body can get before the handler runs: 413
// (too large, refused by the body limit) and 415 (wrong content type).
func TestBodiesDocumentTheirRefusals(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				RequestBody *json.RawMessage           `json:"requestBody"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if method == "parameters" {
				continue
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if op.RequestBody == nil {
				continue
			}
			n++
			for _, status := range []string{"413", "415"} {
				if _, ok := op.Responses[status]; !ok {
					t.Errorf("%s %s takes a body but does not list %s", strings.ToUpper(method), path, status)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no operation takes a body")
	}
}
