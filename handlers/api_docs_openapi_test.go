package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"

	"stepwise/views"
	"stepwise/views/pages"
)

// A small document with what the real one may grow into: references,
// nested bodies, admin scopes, a multipart upload, an untagged operation,
// an unused tag, and text that must stay text.
const sampleDocument = `{
  "openapi": "3.1.0",
  "info": {"title": "Sample API", "version": "7", "description": "Intro with ` + "`code`" + `.\n\n- one\n- two"},
  "servers": [{"url": "/api/v1"}],
  "security": [{"token": []}],
  "tags": [
    {"name": "users", "description": "People <script>alert(1)</script>"},
    {"name": "unused", "description": "No operation uses this."},
    {"name": "images", "description": "Pictures."}
  ],
  "paths": {
    "/users/{id}": {
      "parameters": [{"$ref": "#/components/parameters/ID"}],
      "patch": {
        "tags": ["users"], "operationId": "updateUser", "summary": "Change a user",
        "security": [{"token": ["admin"]}],
        "parameters": [
          {"name": "id", "in": "path", "required": true, "description": "Overrides the shared one.", "schema": {"type": "integer"}},
          {"name": "If-Match", "in": "header", "required": true, "schema": {"type": "string"}}
        ],
        "requestBody": {"required": true, "content": {"application/json": {
          "schema": {"$ref": "#/components/schemas/UserChange"},
          "example": {"display_name": "It's <b>me</b>"}
        }}},
        "responses": {
          "default": {"description": "Anything else."},
          "422": {"$ref": "#/components/responses/Invalid"},
          "200": {"description": "Changed."}
        }
      }
    },
    "/images": {
      "post": {
        "tags": ["images"], "operationId": "uploadImage", "summary": "Upload",
        "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string"}}}}}},
        "responses": {"201": {"description": "Stored."}}
      }
    },
    "/ping": {
      "get": {"operationId": "ping", "summary": "Alive?", "security": [], "responses": {"204": {"description": "Yes."}}}
    }
  },
  "components": {
    "parameters": {"ID": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}},
    "responses": {"Invalid": {"description": "Fields ` + "`errors`" + ` lists."}},
    "schemas": {
      "UserChange": {
        "type": "object", "required": ["display_name"],
        "properties": {
          "role": {"type": ["string", "null"], "enum": ["learner", "admin", null]},
          "display_name": {"type": "string", "maxLength": 80, "description": "What others see."},
          "links": {"type": "array", "maxItems": 3, "items": {"$ref": "#/components/schemas/Link"}}
        }
      },
      "Link": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "format": "uri"}}}
    }
  }
}`

func TestBuildAPIReference(t *testing.T) {
	ref, err := buildAPIReference([]byte(sampleDocument))
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, g := range ref.Groups {
		groups = append(groups, g.Name)
	}
	// Declared order, the unused tag dropped, untagged operations last.
	if strings.Join(groups, ",") != "users,images,other" {
		t.Fatalf("groups: got %v", groups)
	}
	if len(ref.Intro) != 2 || len(ref.Intro[1].Items) != 2 || !ref.Intro[0].Parts[1].Code {
		t.Errorf("intro: got %+v", ref.Intro)
	}

	up := ref.Groups[0].Operations[0]
	if up.Method != "PATCH" || up.Path != "/api/v1/users/{id}" || up.Public || !slices.Equal(up.Scopes, []string{"write", "admin"}) {
		t.Errorf("updateUser: %s %s public=%v scopes=%v", up.Method, up.Path, up.Public, up.Scopes)
	}
	if len(up.Parameters) != 2 || up.Parameters[0].Description != "Overrides the shared one." {
		t.Errorf("parameters: got %+v", up.Parameters)
	}
	var fields []string
	for _, f := range up.Body {
		fields = append(fields, f.Name+":"+f.Type)
	}
	want := []string{
		"display_name:string, at most 80 characters",
		"links:array of Link, at most 3 items",
		"links[].url:string (uri)",
		"role:string or null, one of: learner, admin",
	}
	if !slices.Equal(fields, want) {
		t.Errorf("body fields:\n got %q\nwant %q", fields, want)
	}
	var statuses []string
	for _, r := range up.Responses {
		statuses = append(statuses, r.Status+" "+r.Description)
	}
	if strings.Join(statuses, "|") != "200 Changed.|422 Fields `errors` lists.|default Anything else." {
		t.Errorf("responses: got %q", statuses)
	}
	wantCurl := `curl -sS -X PATCH "$STEPWISE/api/v1/users/1" \
     -H "Authorization: Bearer $TOKEN" \
     -H "Content-Type: application/json" \
     -H 'If-Match: "…"' \
     -d '{"display_name":"It'\''s <b>me</b>"}'`
	if up.Curl != wantCurl {
		t.Errorf("curl:\n got %s\nwant %s", up.Curl, wantCurl)
	}

	upload := ref.Groups[1].Operations[0]
	if !strings.Contains(upload.Curl, "-F 'file=…'") || strings.Contains(upload.Curl, "Content-Type") {
		t.Errorf("multipart curl: %s", upload.Curl)
	}
	ping := ref.Groups[2].Operations[0]
	if !ping.Public || ping.Curl != `curl -sS "$STEPWISE/api/v1/ping"` {
		t.Errorf("public operation: public=%v curl %q", ping.Public, ping.Curl)
	}

	// Rendered, the document's text is escaped, never markup.
	var b strings.Builder
	p := views.Page{Title: "API reference", Asset: func(s string) string { return "/static/" + s }}
	if err := pages.APIDocs(p, ref).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>alert(1)") || strings.Contains(b.String(), "<b>me</b>") {
		t.Errorf("document text rendered as markup")
	}
	if !strings.Contains(b.String(), "&lt;script&gt;alert(1)") {
		t.Errorf("the tag description is not shown")
	}
}

func TestBuildAPIReferenceRefusesGarbage(t *testing.T) {
	if _, err := buildAPIReference([]byte(`{"paths": [`)); err == nil {
		t.Error("a broken document was accepted")
	}
}

func TestParseText(t *testing.T) {
	blocks := pages.ParseText("First `a` line\ncontinues.\n\n- x\n- `y`\n\nUnmatched ` stays.")
	if len(blocks) != 3 {
		t.Fatalf("blocks: got %+v", blocks)
	}
	if got := blocks[0].Parts; len(got) != 3 || got[0].Text != "First " || !got[1].Code || got[2].Text != " line continues." {
		t.Errorf("paragraph: got %+v", got)
	}
	if got := blocks[1].Items; len(got) != 2 || got[1][0].Text != "y" || !got[1][0].Code {
		t.Errorf("list: got %+v", got)
	}
	if got := blocks[2].Parts; len(got) != 1 || got[0].Text != "Unmatched ` stays." {
		t.Errorf("unmatched backtick: got %+v", got)
	}
}
