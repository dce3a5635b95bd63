package models

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SlugMaxLen bounds a slug's length so URLs stay readable.
const SlugMaxLen = 80

// Slugify makes a URL slug from a title: lower-case ASCII letters and
// digits separated by single hyphens ("Héllo, World!" → "hello-world").
// Accents are dropped by decomposing letters; anything else separates
// words. It returns "" when nothing usable is left.
func Slugify(title string) string {
	var b strings.Builder
	pendingHyphen := false
	for _, r := range norm.NFKD.String(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// a combining accent from the decomposition: drop it
		default:
			pendingHyphen = true
		}
		if b.Len() >= SlugMaxLen {
			break
		}
	}
	s := b.String()
	if len(s) > SlugMaxLen {
		s = s[:SlugMaxLen]
	}
	return strings.TrimRight(s, "-")
}
