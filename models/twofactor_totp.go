package models

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: what every authenticator app assumes (RFC 6238's
// defaults), so they are not configurable.
const (
	// TOTPIssuer names Stepwise in the authenticator app.
	TOTPIssuer = "Stepwise"
	// TOTPDigits is how long a code is.
	TOTPDigits = 6
	totpPeriod = 30 * time.Second
	// totpSkew accepts the codes of one step either side of now, for
	// clocks that drift and codes typed as they change.
	totpSkew = 1
	// totpSecretBytes is the secret's size: 160 bits, as RFC 4226
	// recommends for HMAC-SHA1.
	totpSecretBytes = 20
)

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random TOTP secret in base32, the form
// authenticator apps take.
func NewTOTPSecret() (string, error) {
	b := make([]byte, totpSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("totp secret: %w", err)
	}
	return totpEncoding.EncodeToString(b), nil
}

// TOTPKey describes secret for an authenticator app (its otpauth URL and
// QR code), labelled with the user's account name.
func TOTPKey(secret, account string) (*otp.Key, error) {
	raw, err := totpEncoding.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("totp key: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: TOTPIssuer, AccountName: account, Secret: raw,
		Period: uint(totpPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, fmt.Errorf("totp key: %w", err)
	}
	return key, nil
}

// totpStep is the TOTP time step at t.
func totpStep(t time.Time) int64 { return t.Unix() / int64(totpPeriod/time.Second) }

// matchTOTP returns the time step, within the allowed skew of at, whose
// code for secret is code.
func matchTOTP(secret, code string, at time.Time) (int64, bool) {
	code, ok := normalizeTOTPCode(code)
	if !ok {
		return 0, false
	}
	now := totpStep(at)
	for step := now - totpSkew; step <= now+totpSkew; step++ {
		if step < 0 { // a clock before 1970: no code is current
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// normalizeTOTPCode drops the spaces and hyphens people type or paste
// ("123 456") and reports whether six digits remain.
func normalizeTOTPCode(s string) (string, bool) {
	if len(s) > 32 {
		return "", false
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) != TOTPDigits {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s, true
}

// IsTOTPCode reports whether s looks like a TOTP code (six digits, spaces
// allowed), for validating a form before checking it.
func IsTOTPCode(s string) bool {
	_, ok := normalizeTOTPCode(s)
	return ok
}
