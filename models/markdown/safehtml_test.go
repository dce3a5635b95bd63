package markdown_test

import (
	"strings"

	"golang.org/x/net/html"
)

// unsafeHTML returns a description of the first dangerous construct in s:
// a script-capable element, an event-handler or style attribute, or a URL
// with a script or data scheme. It returns "" for safe HTML.
func unsafeHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "svg", "math", "form", "base", "meta", "link":
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					return "attribute " + key
				}
				if key == "href" || key == "src" || key == "action" || key == "xlink:href" {
					v := strings.ToLower(strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, a.Val))
					for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
						if strings.HasPrefix(v, scheme) {
							return "URL " + a.Val
						}
					}
				}
			}
		}
	}
}
