package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"stepwise/models"
	"stepwise/models/markdown"
	"stepwise/views/pages"
)

// The parts of an OpenAPI 3.1 document the reference page shows. Only
// local references (#/components/...) are resolved: the document is one
// merged file.
type (
	oaDocument struct {
		Info struct {
			Title       string `json:"title"`
			Version     string `json:"version"`
			Description string `json:"description"`
		} `json:"info"`
		Servers  []struct{ URL string } `json:"servers"`
		Security []map[string][]string  `json:"security"`
		Tags     []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tags"`
		Paths map[string]oaPathItem `json:"paths"`
		// text renders the descriptions (not part of the document).
		text       docText
		Components struct {
			Parameters    map[string]oaParameter   `json:"parameters"`
			Responses     map[string]oaResponse    `json:"responses"`
			RequestBodies map[string]oaRequestBody `json:"requestBodies"`
			Schemas       map[string]*oaSchema     `json:"schemas"`
		} `json:"components"`
	}
	oaPathItem struct {
		Parameters []oaParameter `json:"parameters"`
		Get        *oaOperation  `json:"get"`
		Put        *oaOperation  `json:"put"`
		Post       *oaOperation  `json:"post"`
		Patch      *oaOperation  `json:"patch"`
		Delete     *oaOperation  `json:"delete"`
	}
	oaOperation struct {
		OperationID string                `json:"operationId"`
		Summary     string                `json:"summary"`
		Description string                `json:"description"`
		Tags        []string              `json:"tags"`
		Deprecated  bool                  `json:"deprecated"`
		Parameters  []oaParameter         `json:"parameters"`
		RequestBody *oaRequestBody        `json:"requestBody"`
		Responses   map[string]oaResponse `json:"responses"`
		// Security is nil when the operation inherits the document's.
		Security *[]map[string][]string `json:"security"`
	}
	oaParameter struct {
		Ref         string    `json:"$ref"`
		Name        string    `json:"name"`
		In          string    `json:"in"`
		Description string    `json:"description"`
		Required    bool      `json:"required"`
		Schema      *oaSchema `json:"schema"`
		Example     any       `json:"example"`
	}
	oaRequestBody struct {
		Ref         string                 `json:"$ref"`
		Description string                 `json:"description"`
		Required    bool                   `json:"required"`
		Content     map[string]oaMediaType `json:"content"`
	}
	oaMediaType struct {
		Schema  *oaSchema `json:"schema"`
		Example any       `json:"example"`
	}
	oaResponse struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
	}
	oaSchema struct {
		Ref         string               `json:"$ref"`
		Type        oaTypes              `json:"type"`
		Format      string               `json:"format"`
		Description string               `json:"description"`
		Enum        []any                `json:"enum"`
		Items       *oaSchema            `json:"items"`
		Properties  map[string]*oaSchema `json:"properties"`
		Required    []string             `json:"required"`
		MinLength   *int                 `json:"minLength"`
		MaxLength   *int                 `json:"maxLength"`
		Minimum     *float64             `json:"minimum"`
		Maximum     *float64             `json:"maximum"`
		MaxItems    *int                 `json:"maxItems"`
		OneOf       []*oaSchema          `json:"oneOf"`
		AnyOf       []*oaSchema          `json:"anyOf"`
		Example     any                  `json:"example"`
	}
)

// oaTypes is a schema's type: one name, or a list of them in 3.1.
type oaTypes []string

func (t *oaTypes) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = oaTypes{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*t = many
	return nil
}

// methodOrder is the order operations on one path are listed in.
var methodOrder = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

func (p oaPathItem) operations() map[string]*oaOperation {
	return map[string]*oaOperation{"GET": p.Get, "POST": p.Post, "PUT": p.Put, "PATCH": p.Patch, "DELETE": p.Delete}
}

// buildAPIReference turns the OpenAPI document into the page's content:
// groups in the document's tag order (tags no list declares follow, in
// the order met), operations by path then method.
func buildAPIReference(raw []byte) (pages.APIReference, error) {
	var doc oaDocument
	if err := json.Unmarshal(raw, &doc); err != nil {
		return pages.APIReference{}, fmt.Errorf("api docs: read the OpenAPI document: %w", err)
	}
	ref := pages.APIReference{Title: doc.Info.Title, Version: doc.Info.Version, IntroHTML: doc.text.block(doc.Info.Description)}
	groups := map[string]int{}
	group := func(name, description string) int {
		if i, ok := groups[name]; ok {
			return i
		}
		groups[name] = len(ref.Groups)
		ref.Groups = append(ref.Groups, pages.APIGroup{Name: name, DescriptionHTML: doc.text.inline(description)})
		return groups[name]
	}
	for _, t := range doc.Tags {
		group(t.Name, t.Description)
	}
	base := ""
	if len(doc.Servers) > 0 {
		base = strings.TrimSuffix(doc.Servers[0].URL, "/")
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths[path]
		ops := item.operations()
		for _, method := range methodOrder {
			op := ops[method]
			if op == nil {
				continue
			}
			o := doc.operation(base+path, method, item.Parameters, op)
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			i := group(tag, "")
			ref.Groups[i].Operations = append(ref.Groups[i].Operations, o)
		}
	}
	// A declared tag no operation uses would be an empty heading.
	ref.Groups = slices.DeleteFunc(ref.Groups, func(g pages.APIGroup) bool { return len(g.Operations) == 0 })
	if doc.text.err != nil {
		return pages.APIReference{}, fmt.Errorf("api docs: %w", doc.text.err)
	}
	return ref, nil
}

// docText renders the document's descriptions, which OpenAPI defines as
// CommonMark, with the renderer step bodies use (sanitized), once, when
// the reference is built. It keeps the first error.
type docText struct{ err error }

// block renders s as paragraphs, lists and code.
func (t *docText) block(s string) string {
	if strings.TrimSpace(s) == "" || t.err != nil {
		return ""
	}
	html, err := markdown.Render(s)
	t.err = err
	return html
}

// inline renders s for a table cell or a heading's line: a text of one
// paragraph loses the paragraph around it.
func (t *docText) inline(s string) string {
	html := strings.TrimSpace(t.block(s))
	if inner, ok := strings.CutPrefix(html, "<p>"); ok && strings.HasSuffix(inner, "</p>") && !strings.Contains(inner, "<p>") {
		return strings.TrimSuffix(inner, "</p>")
	}
	return html
}

// operation describes one operation; path is the full path (server URL
// included) and shared the path item's parameters.
func (d *oaDocument) operation(path, method string, shared []oaParameter, op *oaOperation) pages.APIOperation {
	o := pages.APIOperation{
		ID: op.OperationID, Method: method, Path: path, Summary: op.Summary,
		DescriptionHTML: d.text.block(op.Description), Deprecated: op.Deprecated,
	}
	security := d.Security
	if op.Security != nil {
		security = *op.Security
	}
	o.Public, o.Scopes = scopesFor(method, security)
	params := d.parameters(shared, op.Parameters)
	for _, p := range params {
		o.Parameters = append(o.Parameters, pages.APIParameter{
			Name: p.Name, In: p.In, Required: p.Required, Type: d.typeOf(p.Schema), DescriptionHTML: d.text.inline(p.Description),
		})
	}
	var body *oaMediaType
	if rb := d.requestBody(op.RequestBody); rb != nil {
		o.BodyRequired = rb.Required
		o.BodyType, body = preferredMedia(rb.Content)
		if body != nil {
			o.Body = d.fields(body.Schema, "", 0)
		}
	}
	for _, status := range sortedStatuses(op.Responses) {
		r := op.Responses[status]
		if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
			r = d.Components.Responses[name]
		}
		o.Responses = append(o.Responses, pages.APIResponse{Status: status, DescriptionHTML: d.text.inline(r.Description)})
	}
	o.Curl = curlExample(method, path, params, o.Public, o.BodyType, body)
	return o
}

// scopesFor reads who may call an operation from its security
// requirements: none (or an empty one) means no token is needed; scopes a
// requirement lists are needed; otherwise the method decides, as the API's
// authentication does (read for GET, write for the rest).
func scopesFor(method string, security []map[string][]string) (public bool, scopes []string) {
	if len(security) == 0 {
		return true, nil
	}
	for _, req := range security {
		if len(req) == 0 {
			return true, nil
		}
		for _, s := range req {
			scopes = append(scopes, s...)
		}
	}
	need := models.ScopeWrite
	if method == "GET" {
		need = models.ScopeRead
	}
	if !slices.Contains(scopes, need) {
		scopes = append([]string{need}, scopes...)
	}
	return false, scopes
}

// parameters resolves references and lets the operation's parameters
// replace the path's of the same name and location, as OpenAPI says.
func (d *oaDocument) parameters(shared, own []oaParameter) []oaParameter {
	var out []oaParameter
	for _, p := range append(slices.Clone(shared), own...) {
		if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
			p = d.Components.Parameters[name]
		}
		if i := slices.IndexFunc(out, func(q oaParameter) bool { return q.Name == p.Name && q.In == p.In }); i >= 0 {
			out[i] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

func (d *oaDocument) requestBody(rb *oaRequestBody) *oaRequestBody {
	if rb == nil {
		return nil
	}
	if name, ok := strings.CutPrefix(rb.Ref, "#/components/requestBodies/"); ok {
		r := d.Components.RequestBodies[name]
		return &r
	}
	return rb
}

// preferredMedia picks the body's media type: JSON when offered,
// otherwise the first by name.
func preferredMedia(content map[string]oaMediaType) (string, *oaMediaType) {
	if len(content) == 0 {
		return "", nil
	}
	names := make([]string, 0, len(content))
	for k := range content {
		names = append(names, k)
	}
	sort.Strings(names)
	name := names[0]
	// JSON first; of the image types an upload may have, the usual one.
	for _, pref := range []string{"image/png", "application/json"} {
		if _, ok := content[pref]; ok {
			name = pref
		}
	}
	m := content[name]
	return name, &m
}

// schema follows a reference to components.schemas (a chain of them, but
// never forever).
func (d *oaDocument) schema(s *oaSchema) *oaSchema {
	for i := 0; s != nil && s.Ref != "" && i < 8; i++ {
		name, _ := strings.CutPrefix(s.Ref, "#/components/schemas/")
		s = d.Components.Schemas[name]
	}
	return s
}

// maxFieldDepth bounds how deep nested body fields are listed.
const maxFieldDepth = 3

// fields lists a body schema's properties, required ones first, with the
// fields of nested objects (and arrays of objects) named by path.
func (d *oaDocument) fields(s *oaSchema, prefix string, depth int) []pages.APIField {
	s = d.schema(s)
	if s == nil || depth >= maxFieldDepth {
		return nil
	}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := slices.Contains(s.Required, names[i]), slices.Contains(s.Required, names[j])
		if ri != rj {
			return ri
		}
		return names[i] < names[j]
	})
	var out []pages.APIField
	for _, name := range names {
		prop := s.Properties[name]
		resolved := d.schema(prop)
		desc := ""
		if prop != nil {
			desc = prop.Description
		}
		if desc == "" && resolved != nil {
			desc = resolved.Description
		}
		out = append(out, pages.APIField{
			Name: prefix + name, Type: d.typeOf(prop), Required: slices.Contains(s.Required, name), DescriptionHTML: d.text.inline(desc),
		})
		switch {
		case resolved == nil:
		case len(resolved.Properties) > 0:
			out = append(out, d.fields(resolved, prefix+name+".", depth+1)...)
		case resolved.Items != nil:
			out = append(out, d.fields(resolved.Items, prefix+name+"[].", depth+1)...)
		}
	}
	return out
}

// typeOf says a schema's type for people: "string or null (date-time)",
// "array of Token", "string, one of: read, write, admin".
func (d *oaDocument) typeOf(s *oaSchema) string {
	if s == nil {
		return "any"
	}
	if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
		return name
	}
	var alts []string
	for _, alt := range append(slices.Clone(s.OneOf), s.AnyOf...) {
		alts = append(alts, d.typeOf(alt))
	}
	var names []string
	for _, t := range s.Type {
		if t == "array" {
			item := d.typeOf(s.Items)
			if strings.ContainsAny(item, ", ") && !strings.HasPrefix(item, "(") {
				item = "(" + item + ")"
			}
			t = "array of " + item
		}
		names = append(names, t)
	}
	names = append(names, alts...)
	if len(names) == 0 {
		names = []string{"any"}
	}
	out := strings.Join(names, " or ")
	if s.Format != "" {
		out += " (" + s.Format + ")"
	}
	var notes []string
	if len(s.Enum) > 0 {
		var vals []string
		for _, v := range s.Enum {
			if v == nil {
				continue // "or null" is in the type already
			}
			vals = append(vals, fmt.Sprint(v))
		}
		notes = append(notes, "one of: "+strings.Join(vals, ", "))
	}
	if s.MinLength != nil && *s.MinLength > 0 {
		notes = append(notes, fmt.Sprintf("at least %d characters", *s.MinLength))
	}
	if s.MaxLength != nil {
		notes = append(notes, fmt.Sprintf("at most %d characters", *s.MaxLength))
	}
	num := func(f *float64) string { return strconv.FormatFloat(*f, 'f', -1, 64) }
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		notes = append(notes, num(s.Minimum)+" to "+num(s.Maximum))
	case s.Minimum != nil:
		notes = append(notes, "at least "+num(s.Minimum))
	case s.Maximum != nil:
		notes = append(notes, "at most "+num(s.Maximum))
	}
	if s.MaxItems != nil {
		notes = append(notes, fmt.Sprintf("at most %d items", *s.MaxItems))
	}
	if len(notes) > 0 {
		out += ", " + strings.Join(notes, ", ")
	}
	return out
}

// sortedStatuses orders response codes numerically, "default" and
// ranges such as "4XX" after the exact codes.
func sortedStatuses(responses map[string]oaResponse) []string {
	out := make([]string, 0, len(responses))
	for k := range responses {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, aerr := strconv.Atoi(out[i])
		b, berr := strconv.Atoi(out[j])
		switch {
		case aerr == nil && berr == nil:
			return a < b
		case aerr == nil || berr == nil:
			return aerr == nil
		}
		return out[i] < out[j]
	})
	return out
}

// examplePathValues fill the path parameters of the curl examples: the
// built-in guide, its first step, the first of anything else.
var examplePathValues = map[string]string{"slug": "backend-web-development", "n": "1", "id": "1"}

// curlExample is a curl command for the operation: the method, the path
// with example values, the token and content type when needed, If-Match
// when required, and the documented body example.
func curlExample(method, path string, params []oaParameter, public bool, mediaType string, body *oaMediaType) string {
	var query []string
	ifMatch := false
	for _, p := range params {
		switch p.In {
		case "path":
			path = strings.ReplaceAll(path, "{"+p.Name+"}", exampleValue(p))
		case "query":
			if p.Required {
				query = append(query, p.Name+"="+exampleValue(p))
			}
		case "header":
			ifMatch = ifMatch || strings.EqualFold(p.Name, "If-Match") && p.Required
		}
	}
	if len(query) > 0 {
		path += "?" + strings.Join(query, "&")
	}
	var b strings.Builder
	b.WriteString("curl -sS")
	if method != "GET" {
		b.WriteString(" -X " + method)
	}
	b.WriteString(` "$STEPWISE` + path + `"`)
	line := func(s string) { b.WriteString(" \\\n     " + s) }
	if !public {
		line(`-H "Authorization: Bearer $TOKEN"`)
	}
	// curl sets a multipart body's content type (with its boundary) itself.
	multipart := strings.HasPrefix(mediaType, "multipart/form-data")
	if body != nil && !multipart {
		line(`-H "Content-Type: ` + mediaType + `"`)
	}
	if ifMatch {
		line(`-H 'If-Match: "…"'`)
	}
	switch {
	case body == nil:
	case multipart:
		for _, f := range sortedProperties(body.Schema) {
			line("-F " + shellQuote(f+"=…"))
		}
	case body.Example != nil:
		line("-d " + shellQuote(exampleJSON(body.Example)))
	case mediaType == "application/json":
		line("-d @body.json")
	default:
		// A file sent as it is: -d would strip its newlines.
		line("--data-binary @" + exampleFile(mediaType))
	}
	return b.String()
}

// exampleFile names a file of mediaType for a curl example.
func exampleFile(mediaType string) string {
	switch kind, sub, _ := strings.Cut(mediaType, "/"); {
	case mediaType == "application/zip":
		return "guide.zip"
	case kind == "image":
		return "picture." + strings.TrimPrefix(sub, "x-")
	}
	return "body"
}

func sortedProperties(s *oaSchema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for k := range s.Properties {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// exampleValue is a parameter's documented example, a well-known value
// for its name, or a placeholder.
func exampleValue(p oaParameter) string {
	switch {
	case p.Example != nil:
		return fmt.Sprint(p.Example)
	case p.Schema != nil && p.Schema.Example != nil:
		return fmt.Sprint(p.Schema.Example)
	}
	if v, ok := examplePathValues[p.Name]; ok {
		return v
	}
	if p.Schema != nil && slices.Contains(p.Schema.Type, "integer") {
		return "1"
	}
	return "{" + p.Name + "}"
}

// exampleJSON writes a body example as readable JSON (indented when it
// would make a long line), with <, > and & left as they are.
func exampleJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "{}"
	}
	compact := strings.TrimSpace(buf.String())
	if len(compact) <= 60 {
		return compact
	}
	buf.Reset()
	enc.SetIndent("     ", "  ")
	if err := enc.Encode(v); err != nil {
		return compact
	}
	return strings.TrimSpace(buf.String())
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
