package totp_test

import (
	"strings"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"stepwise/models/totp"
)

// A new secret is what an authenticator app takes, and the codes the app
// makes from it match for one time step either side of now, not further.
func TestMatchWithinTheSkew(t *testing.T) {
	t.Parallel()
	secret, err := totp.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	key, err := totp.Key(secret, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if key.Secret() != secret || key.Issuer() != totp.Issuer || !strings.Contains(key.URL(), "ada@example.com") {
		t.Errorf("key %s does not describe the secret for the account", key.URL())
	}
	now := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
	step := now.Unix() / 30
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{0, true}, {-30 * time.Second, true}, {30 * time.Second, true}, {-time.Minute, false}, {time.Minute, false}} {
		code, err := pqtotp.GenerateCode(secret, now.Add(tc.offset))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := totp.Match(secret, code[:3]+" "+code[3:], now)
		if ok != tc.ok {
			t.Errorf("code from %v away: matched %v, want %v", tc.offset, ok, tc.ok)
		}
		if ok && got != step+int64(tc.offset/(30*time.Second)) {
			t.Errorf("code from %v away: step %d, want %d", tc.offset, got, step+int64(tc.offset/(30*time.Second)))
		}
	}
	// A clock before 1970 has no current code.
	if _, ok := totp.Match(secret, "000000", time.Unix(-100, 0)); ok {
		t.Error("a code matched before 1970")
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"123456": "123456", "123 456": "123456", "123-456": "123456", "\t123456 ": "123456",
		"12345": "", "1234567": "", "12345a": "", "": "", strings.Repeat(" ", 40) + "123456": "",
	} {
		got, ok := totp.Normalize(in)
		if got != want || ok != (want != "") {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, ok, want)
		}
		if totp.IsCode(in) != (want != "") {
			t.Errorf("IsCode(%q) = %v", in, !ok)
		}
	}
}
