package models_test

import (
	"strings"
	"testing"

	"stepwise/models"
)

func TestCheckEmail(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"a@example.com": true, "": false, "plain": false, "a@b": false, "Ada <a@example.com>": false,
		"a@example.com\n": false, strings.Repeat("a", 250) + "@example.com": false,
	} {
		if got := models.CheckEmail(in) == ""; got != ok {
			t.Errorf("CheckEmail(%q): got ok=%v, want %v", in, got, ok)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"": false, "short": false, "1234567": false, "12345678": true,
		strings.Repeat("x", 128): true, strings.Repeat("x", 129): false,
	} {
		if got := models.CheckPassword(in) == ""; got != ok {
			t.Errorf("CheckPassword(len %d): got ok=%v, want %v", len(in), got, ok)
		}
	}
}

func TestCheckDisplayName(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"Ada": true, "   ": false, "": false, "a\x00b": false, strings.Repeat("é", 60): true, strings.Repeat("é", 61): false,
	} {
		if got := models.CheckDisplayName(in) == ""; got != ok {
			t.Errorf("CheckDisplayName(%q): got ok=%v, want %v", in, got, ok)
		}
	}
}
