package pages

import "strings"

// APIReference is the API reference page's content, derived from the
// OpenAPI document (handlers/api_docs.go builds it), so the page cannot
// describe an API other than the one served. The *HTML fields hold the
// document's descriptions rendered by markdown.Render (sanitized);
// descriptions in tables and lists are rendered without a paragraph.
type APIReference struct {
	Title   string
	Version string
	// IntroHTML is the document's own description, rendered.
	IntroHTML string
	Groups    []APIGroup
}

// APIGroup is one tag's operations, in the document's tag order.
type APIGroup struct {
	Name            string
	DescriptionHTML string
	Operations      []APIOperation
}

// Anchor is the group's fragment id.
func (g APIGroup) Anchor() string { return "tag-" + anchorSafe(g.Name) }

// APIOperation is one method on one path.
type APIOperation struct {
	ID              string
	Method          string
	Path            string
	Summary         string
	DescriptionHTML string
	Deprecated      bool
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
	Name, In, Type, DescriptionHTML string
	Required                        bool
}

// APIField is one field of a request body; nested fields are named with
// dots ("answers[].choice").
type APIField struct {
	Name, Type, DescriptionHTML string
	Required                    bool
}

// APIResponse is one status an operation may answer with.
type APIResponse struct {
	Status, DescriptionHTML string
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
