package models

import (
	"net/mail"

	"github.com/ccojocar/zxcvbn-go"
	"strings"
	"unicode/utf8"
)

// FieldErrors maps a form field's name to a message for the user. The same
// names appear in the HTML form, the validator and the tests.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message, so the
// first (most basic) problem is the one shown.
func (fe FieldErrors) Add(field, msg string) {
	if _, ok := fe[field]; !ok {
		fe[field] = msg
	}
}

// Any reports whether there is at least one error.
func (fe FieldErrors) Any() bool { return len(fe) > 0 }

// Password length bounds. The upper bound keeps hashing cheap to refuse and
// is well above what a passphrase needs.
const (
	PasswordMinLen    = 8
	PasswordMaxLen    = 128
	DisplayNameMaxLen = 60
	EmailMaxLen       = 254
)

// NormalizeEmail trims and lower-cases an address, the form it is stored in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail returns a message when s is not a plain email address.
func CheckEmail(s string) string {
	switch {
	case s == "":
		return "Enter your email address."
	case len(s) > EmailMaxLen:
		return "That email address is too long."
	case !utf8.ValidString(s):
		return "Enter an email address like name@example.com."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "Enter an email address like name@example.com."
	}
	return ""
}

// CheckPassword returns a message when s is not an acceptable new password.
func CheckPassword(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return "Choose a password."
	case n < PasswordMinLen:
		return "Use at least 8 characters."
	case n > PasswordMaxLen:
		return "Use at most 128 characters."
	}
	return ""
}

// minPasswordScore is the lowest zxcvbn score (0–4) accepted: 2 resists
// online guessing, which the login throttle limits further, and refuses
// the common and breached-style passwords (score 0–1).
const minPasswordScore = 2

// CheckNewPassword returns a message when s is not an acceptable new
// password: outside the length bounds, or easy to guess (a common
// password, a keyboard pattern, or built from the user's own email or
// name, given in userInputs).
func CheckNewPassword(s string, userInputs ...string) string {
	if m := CheckPassword(s); m != "" {
		return m
	}
	var inputs []string
	for _, in := range userInputs {
		inputs = append(inputs, strings.FieldsFunc(strings.ToLower(in), func(r rune) bool {
			return r == '@' || r == '.' || r == ' ' || r == '-' || r == '_'
		})...)
	}
	if zxcvbn.PasswordStrength(s, inputs).Score < minPasswordScore {
		return "This password is too easy to guess. Try a longer phrase of unrelated words."
	}
	return ""
}

// CheckDisplayName returns a message when s is not a usable display name.
func CheckDisplayName(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case strings.TrimSpace(s) == "":
		return "Enter the name other people will see."
	case !utf8.ValidString(s):
		return "Use letters, numbers and spaces only."
	case n > DisplayNameMaxLen:
		return "Use at most 60 characters."
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "Use letters, numbers and spaces only."
	}
	return ""
}
