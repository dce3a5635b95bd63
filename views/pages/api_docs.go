package pages

import "strings"

// APIReference is the API reference page's content, derived from the
// OpenAPI document (handlers/api_docs.go builds it), so the page cannot
// describe an API other than the one served.
type APIReference struct {
	Title   string
	Version string
	// Intro is the document's own description.
	Intro  []TextBlock
	Groups []APIGroup
}

// APIGroup is one tag's operations, in the document's tag order.
type APIGroup struct {
	Name        string
	Description []TextPart
	Operations  []APIOperation
}

// Anchor is the group's fragment id.
func (g APIGroup) Anchor() string { return "tag-" + anchorSafe(g.Name) }

// APIOperation is one method on one path.
type APIOperation struct {
	ID          string
	Method      string
	Path        string
	Summary     string
	Description []TextBlock
	Deprecated  bool
	// Public: no token needed. Otherwise Scopes are the token scopes the
	// operation needs.
	Public     bool
	Scopes     []string
	Parameters []APIParameter
	// Body lists the request body's fields (BodyType is its media type;
	// empty when the operation takes no body).
	BodyType     string
	BodyRequired bool
	Body         []APIField
	Responses    []APIResponse
	Curl         string
}

// Anchor is the operation's fragment id.
func (o APIOperation) Anchor() string { return "op-" + anchorSafe(o.ID) }

// APIParameter is one path, query or header parameter.
type APIParameter struct {
	Name, In, Type, Description string
	Required                    bool
}

// APIField is one field of a request body; nested fields are named with
// dots ("answers[].choice").
type APIField struct {
	Name, Type, Description string
	Required                bool
}

// APIResponse is one status an operation may answer with.
type APIResponse struct {
	Status, Description string
}

// TextBlock is a paragraph, or a list when Items is set.
type TextBlock struct {
	Parts []TextPart
	Items [][]TextPart
}

// TextPart is a run of text, set as code when it was in backticks.
type TextPart struct {
	Text string
	Code bool
}

// ParseText splits the plain text of a description into paragraphs (at
// blank lines) and lists (lines starting "- "), and each line into text
// and `code` runs. Nothing else is interpreted: the page shows document
// text as text, never as HTML.
func ParseText(s string) []TextBlock {
	var out []TextBlock
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		lines := strings.Split(strings.TrimSpace(para), "\n")
		if lines[0] == "" {
			continue
		}
		list := true
		for _, l := range lines {
			if !strings.HasPrefix(strings.TrimSpace(l), "- ") {
				list = false
			}
		}
		if !list {
			out = append(out, TextBlock{Parts: ParseInline(strings.Join(trimAll(lines), " "))})
			continue
		}
		b := TextBlock{}
		for _, l := range lines {
			b.Items = append(b.Items, ParseInline(strings.TrimPrefix(strings.TrimSpace(l), "- ")))
		}
		out = append(out, b)
	}
	return out
}

// ParseInline splits one line into text and `code` runs; an unmatched
// backtick stays as text.
func ParseInline(s string) []TextPart {
	var out []TextPart
	for {
		start := strings.IndexByte(s, '`')
		end := -1
		if start >= 0 {
			end = strings.IndexByte(s[start+1:], '`')
		}
		if start < 0 || end < 0 {
			if s != "" {
				out = append(out, TextPart{Text: s})
			}
			return out
		}
		if start > 0 {
			out = append(out, TextPart{Text: s[:start]})
		}
		out = append(out, TextPart{Text: s[start+1 : start+1+end], Code: true})
		s = s[start+2+end:]
	}
}

func trimAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return out
}

// anchorSafe keeps letters, digits, '-' and '_' so a name from the
// document makes a valid, predictable fragment id.
func anchorSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
}
