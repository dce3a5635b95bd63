package markdown_test

import (
	"testing"

	"stepwise/models/markdown"
)

// FuzzRender: whatever an author types, the stored HTML carries no
// script, no event handler, and no javascript: or data: URL.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# Title\n\nSome *text* and `code`.",
		"<script>alert(1)</script>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](  javascript:alert(1))",
		"![img](data:image/svg+xml;base64,PHN2Zz4=)",
		"<img src=x onerror=alert(1)>",
		"<a href=\"&#106;avascript:alert(1)\">x</a>",
		"```html\n<script>alert(1)</script>\n```",
		"<svg><animate onbegin=alert(1)></svg>",
		"[a]: javascript:alert(1)\n\n[link][a]",
		"<details open ontoggle=alert(1)>",
		"| a | b |\n|---|---|\n| <b onclick=x>1</b> | 2 |",
		"<<script>script>alert(1)<</script>/script>",
		"<iframe srcdoc=\"<script>alert(1)</script>\">",
		"<form action=javascript:alert(1)><button>x</button></form>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		html, err := markdown.Render(src)
		if err != nil {
			t.Skip()
		}
		if bad := unsafeHTML(html); bad != "" {
			t.Fatalf("input %q rendered %q with %s", src, html, bad)
		}
	})
}
