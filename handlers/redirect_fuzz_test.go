package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: a return address is either refused ("") or a path on this
// site, returned unchanged.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{
		"/", "/guides/a/steps/1", "//evil.example", "/\\evil", "https://evil.example",
		"javascript:alert(1)", "/%2F%2Fevil", "/\t/evil", "\\\\evil", "/a?next=//b", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeNext(in)
		if got == "" {
			return
		}
		if got != in {
			t.Fatalf("SafeNext(%q) = %q: changed the address", in, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("SafeNext(%q) = %q: not a local path", in, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("SafeNext(%q) = %q: parses with host %q scheme %q", in, got, u.Host, u.Scheme)
		}
		// A browser resolving it against our origin must stay on it.
		base, _ := url.Parse("https://stepwise.example/x")
		if r := base.ResolveReference(u); r.Host != "stepwise.example" {
			t.Fatalf("SafeNext(%q) resolves to host %q", in, r.Host)
		}
	})
}
