// Package markdown renders Markdown (a step, a guide's intro, a note) to
// sanitized HTML: GitHub-flavoured Markdown, code highlighted with CSS
// classes, and whatever HTML survives passed through bluemonday.
package markdown

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
	converter = goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			highlighting.NewHighlighting(
				// Classes, not inline styles: the Content-Security-Policy
				// forbids inline styles, and static/css/chroma.css styles
				// the classes for light and dark mode.
				highlighting.WithFormatOptions(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(focusablePre{})),
			),
		),
	)
	sanitizer = newSanitizer()
)

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Syntax-highlighting classes from chroma (short lowercase names).
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[a-z0-9 -]{1,64}$`)).OnElements("pre", "code", "span")
	// Code blocks scroll sideways; tabindex="0" lets keyboard users reach
	// and scroll them.
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("pre")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}

// Render turns Markdown source into sanitized HTML.
func Render(src string) (string, error) {
	var buf bytes.Buffer
	if err := converter.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return sanitizer.Sanitize(buf.String()), nil
}

// focusablePre writes chroma's <pre> with tabindex="0", so a code block
// that scrolls sideways can be reached and scrolled from the keyboard.
type focusablePre struct{}

func (focusablePre) Start(code bool, styleAttr string) string {
	if code {
		return `<pre tabindex="0"` + styleAttr + `><code>`
	}
	return `<pre tabindex="0"` + styleAttr + `>`
}

func (focusablePre) End(code bool) string {
	if code {
		return `</code></pre>`
	}
	return `</pre>`
}
