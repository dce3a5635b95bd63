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
	t.Parallel()
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
	// Descriptions are CommonMark: a paragraph with code, then a list.
	if want := "<p>Intro with <code>code</code>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"; ref.IntroHTML != want {
		t.Errorf("intro: got %q, want %q", ref.IntroHTML, want)
	}

	up := ref.Groups[0].Operations[0]
	if up.Method != "PATCH" || up.Path != "/api/v1/users/{id}" || up.Public || !slices.Equal(up.Scopes, []string{"write", "admin"}) {
		t.Errorf("updateUser: %s %s public=%v scopes=%v", up.Method, up.Path, up.Public, up.Scopes)
	}
	// In a table cell a one-paragraph description has no paragraph.
	if len(up.Parameters) != 2 || up.Parameters[0].DescriptionHTML != "Overrides the shared one." {
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
		statuses = append(statuses, r.Status+" "+r.DescriptionHTML)
	}
	if strings.Join(statuses, "|") != "200 Changed.|422 Fields <code>errors</code> lists.|default Anything else." {
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

	// Rendered, the document's text is sanitized Markdown: its HTML never
	// reaches the page as markup, and the example body stays text.
	var b strings.Builder
	p := views.Page{Title: "API reference", Asset: func(s string) string { return "/static/" + s }}
	if err := pages.APIDocs(p, ref).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>alert(1)") || strings.Contains(b.String(), "<b>me</b>") {
		t.Errorf("document text rendered as markup")
	}
	if !strings.Contains(b.String(), "People") || !strings.Contains(b.String(), "&lt;b&gt;me&lt;/b&gt;") {
		t.Errorf("the tag description or the example body is not shown")
	}
}

func TestBuildAPIReferenceRefusesGarbage(t *testing.T) {
	t.Parallel()
	if _, err := buildAPIReference([]byte(`{"paths": [`)); err == nil {
		t.Error("a broken document was accepted")
	}
}

func TestDocTextRendersOnceAndSafely(t *testing.T) {
	t.Parallel()
	var d docText
	if got := d.inline("Use `If-Match`, see [the reference](/api/docs)."); got != `Use <code>If-Match</code>, see <a href="/api/docs" rel="nofollow">the reference</a>.` {
		t.Errorf("inline: got %q", got)
	}
	if got := d.inline("One.\n\nTwo."); got != "<p>One.</p>\n<p>Two.</p>" {
		t.Errorf("two paragraphs keep theirs: got %q", got)
	}
	if got := d.block("Hi <script>alert(1)</script><img src=x onerror=alert(1)>"); strings.Contains(got, "<script") || strings.Contains(got, "onerror") {
		t.Errorf("markup survived: %q", got)
	}
	if d.inline("  ") != "" || d.err != nil {
		t.Errorf("blank: got %q, err %v", d.inline("  "), d.err)
	}
}
