package markdown_test

import (
	"strings"
	"testing"

	"stepwise/models/markdown"
)

func TestRenderSanitizes(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"script tag":        "Hello <script>alert(1)</script>",
		"event handler":     `<img src="x" onerror="alert(1)">`,
		"javascript link":   "[click](javascript:alert(1))",
		"data link":         "[x](data:text/html;base64,PHNjcmlwdD4=)",
		"raw html anchor":   `<a href="javascript:alert(1)" onclick="x()">x</a>`,
		"iframe":            `<iframe src="https://example.com"></iframe>`,
		"style attribute":   `<p style="position:fixed">x</p>`,
		"svg onload":        `<svg onload="alert(1)"></svg>`,
		"autolink js":       "<javascript:alert(1)>",
		"encoded js scheme": "[x](jav&#x61;script:alert(1))",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			html, err := markdown.Render(src)
			if err != nil {
				t.Fatal(err)
			}
			if bad := unsafeHTML(html); bad != "" {
				t.Errorf("output %q contains %s", html, bad)
			}
		})
	}
}

func TestRenderKeepsFormatting(t *testing.T) {
	t.Parallel()
	html, err := markdown.Render("## Title\n\n- one\n- two\n\n```go\nfunc main() {}\n```\n\n[link](https://example.com)\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h2", "<li>one</li>", `<pre tabindex="0" class="chroma"`, `class="kd"`, `href="https://example.com"`, `rel="nofollow"`} {
		if !strings.Contains(html, want) {
			t.Errorf("output %q lacks %q", html, want)
		}
	}
}

func TestSanitizerKeepsImageURLs(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("ab", 32) + ".png"
	html, err := markdown.Render("![A diagram](/images/" + key + ")\n\n![x](javascript:alert(1))\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, `<img src="/images/`+key+`" alt="A diagram"`) {
		t.Errorf("image URL not kept: %s", html)
	}
	if strings.Contains(html, "javascript:") {
		t.Errorf("javascript URL kept: %s", html)
	}
}
