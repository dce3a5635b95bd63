package models

import (
	"bytes"
	"fmt"
	"regexp"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
)

// Markdown is rendered once, when a step is stored, and the sanitized HTML
// is what pages serve. Raw HTML in the source is dropped by goldmark (it is
// not in unsafe mode) and whatever remains passes through bluemonday.
var (
	markdown = goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			highlighting.NewHighlighting(
				// Classes, not inline styles: the Content-Security-Policy
				// forbids inline styles, and static/css/chroma.css styles
				// the classes for light and dark mode.
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			),
		),
	)
	sanitizer = newSanitizer()
)

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Syntax-highlighting classes from chroma (short lowercase names).
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[a-z0-9 -]{1,64}$`)).OnElements("pre", "code", "span")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}

// RenderMarkdown turns Markdown source into sanitized HTML.
func RenderMarkdown(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return sanitizer.Sanitize(buf.String()), nil
}
