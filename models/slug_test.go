package models_test

import (
	"regexp"
	"strings"
	"testing"

	"stepwise/models"
)

var slugPattern = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)

func TestSlugify(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Backend web development, step by step": "backend-web-development-step-by-step",
		"Héllo, Wörld!":                         "hello-world",
		"  --Go 1.26--  ":                       "go-1-26",
		"日本語":                                   "",
		"":                                      "",
		"C++ & Rust":                            "c-rust",
		strings.Repeat("ab ", 60):               strings.TrimRight(strings.Repeat("ab-", 27), "-"),
	} {
		if got := models.Slugify(in); got != want {
			t.Errorf("Slugify(%q): got %q, want %q", in, got, want)
		}
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Hello World", "Ünïcödé", "a--b", "../../etc/passwd", "<script>", "\x00\xff", strings.Repeat("x", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := models.Slugify(in)
		if !slugPattern.MatchString(got) || len(got) > models.SlugMaxLen {
			t.Fatalf("Slugify(%q) = %q: not a slug", in, got)
		}
		if again := models.Slugify(got); again != got {
			t.Fatalf("Slugify not idempotent: %q → %q → %q", in, got, again)
		}
	})
}
