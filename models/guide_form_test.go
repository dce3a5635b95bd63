package models_test

import (
	"testing"

	"stepwise/models"
)

// An empty title and address get one message, on the title: the form
// promises that an empty address is made from the title, so asking for
// an address too would contradict it (issue 13). A title no address can
// be made from asks for one, saying why.
func TestGuideFormAddressMessages(t *testing.T) {
	for _, c := range []struct {
		name, title, slug string
		wantSlugError     string
	}{
		{"both empty", "", "", ""},
		{"title only", "Writing Go", "", ""},
		{"title without letters an address can use", "日本語", "", "No address could be made from the title: choose one (letters, digits and hyphens)."},
		{"a bad address", "Writing Go", "Bad Slug!", "Use lower-case letters, digits and single hyphens only, at most 80."},
	} {
		f := models.GuideForm{Title: c.title, Slug: c.slug, Difficulty: "beginner"}
		f.Normalize()
		fe := f.Validate()
		if got := fe["slug"]; got != c.wantSlugError {
			t.Errorf("%s: slug error %q, want %q", c.name, got, c.wantSlugError)
		}
		if c.title == "" && fe["title"] == "" {
			t.Errorf("%s: no title error", c.name)
		}
	}
}
