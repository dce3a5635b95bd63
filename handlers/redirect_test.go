package handlers

import "testing"

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                     "",
		"/":                    "/",
		"/guides/x/steps/2":    "/guides/x/steps/2",
		"/a?b=c#d":             "/a?b=c#d",
		"//evil.example":       "",
		"/\\evil.example":      "",
		"https://evil.example": "",
		"javascript:alert(1)":  "",
		"relative/path":        "",
		"/a\r\nLocation: x":    "",
		"/a\\b":                "",
		" /a":                  "",
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q): got %q, want %q", in, got, want)
		}
	}
}
