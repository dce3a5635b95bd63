// Package totp makes and checks time-based one-time passwords (RFC 6238)
// for two-factor sign-in: new secrets, the key an authenticator app scans,
// and matching a typed code within a step of clock skew.
package totp

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	pqtotp "github.com/pquerna/otp/totp"
)

// TOTP parameters: what every authenticator app assumes (RFC 6238's
// defaults), so they are not configurable.
const (
	// Issuer names Stepwise in the authenticator app.
	Issuer = "Stepwise"
	// Digits is how long a code is.
	Digits = 6
	period = 30 * time.Second
	// skew accepts the codes of one step either side of now, for
	// clocks that drift and codes typed as they change.
	skew = 1
	// secretBytes is the secret's size: 160 bits, as RFC 4226
	// recommends for HMAC-SHA1.
	secretBytes = 20
)

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a random TOTP secret in base32, the form
// authenticator apps take.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("totp secret: %w", err)
	}
	return encoding.EncodeToString(b), nil
}

// Key describes secret for an authenticator app (its otpauth URL and QR
// code), labelled with the user's account name.
func Key(secret, account string) (*otp.Key, error) {
	raw, err := encoding.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("totp key: %w", err)
	}
	key, err := pqtotp.Generate(pqtotp.GenerateOpts{
		Issuer: Issuer, AccountName: account, Secret: raw,
		Period: uint(period / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, fmt.Errorf("totp key: %w", err)
	}
	return key, nil
}

// step is the TOTP time step at t.
func step(t time.Time) int64 { return t.Unix() / int64(period/time.Second) }

// Match returns the time step, within the allowed skew of at, whose code
// for secret is code (spaces and hyphens allowed, see Normalize). The step
// lets the caller refuse a code from a step already used.
func Match(secret, code string, at time.Time) (int64, bool) {
	code, ok := Normalize(code)
	if !ok {
		return 0, false
	}
	now := step(at)
	for s := now - skew; s <= now+skew; s++ {
		if s < 0 { // a clock before 1970: no code is current
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), hotp.ValidateOpts{
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// Normalize drops the spaces and hyphens people type or paste ("123 456")
// and reports whether six digits remain.
func Normalize(s string) (string, bool) {
	if len(s) > 32 {
		return "", false
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) != Digits {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s, true
}

// IsCode reports whether s looks like a TOTP code (six digits, spaces
// allowed), for validating a form before checking it.
func IsCode(s string) bool {
	_, ok := Normalize(s)
	return ok
}
