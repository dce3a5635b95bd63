package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
)

// Recovery codes sign a user in once each when their authenticator is
// lost. They are random (50 bits each), shown once, and stored only as a
// SHA-256 hash: a slow password hash buys nothing for random codes, and a
// code is only ever tried after the account's password was given.
const (
	// RecoveryCodeCount is how many codes a set holds.
	RecoveryCodeCount = 10
	// recoveryCodeLen is the characters in a code, shown as two halves
	// ("abcde-fghij").
	recoveryCodeLen = 10
	// recoveryAlphabet is Crockford's base32 in lower case: digits and
	// letters without i, l, o and u, so a code read off paper is not
	// mistaken. 32 symbols, so each random byte's low five bits pick one
	// without bias.
	recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"
)

// newRecoveryCodes returns a fresh set of codes in their display form.
func newRecoveryCodes() ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	b := make([]byte, recoveryCodeLen)
	for i := range codes {
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("recovery code: %w", err)
		}
		for j := range b {
			b[j] = recoveryAlphabet[b[j]&31]
		}
		codes[i] = string(b[:recoveryCodeLen/2]) + "-" + string(b[recoveryCodeLen/2:])
	}
	return codes, nil
}

// NormalizeRecoveryCode turns what a user typed into a code's stored form:
// lower case, without spaces or hyphens, with the letters Crockford's
// alphabet leaves out read as the digits they look like. It reports
// whether the result can be a code at all.
func NormalizeRecoveryCode(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '-', '\t':
			continue
		case 'i', 'l':
			r = '1'
		case 'o':
			r = '0'
		}
		if !strings.ContainsRune(recoveryAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryCodeLen {
		return "", false
	}
	return b.String(), true
}

// hashRecoveryCode is what is stored for a normalized code. The user id
// is part of it, so one table of hashes cannot be searched for every
// user at once.
func hashRecoveryCode(userID int64, code string) []byte {
	h := sha256.New()
	h.Write([]byte("stepwise recovery code\x00"))
	_ = binary.Write(h, binary.BigEndian, userID)
	h.Write([]byte(code))
	return h.Sum(nil)
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (t *TwoFactor) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := t.db.Get(ctx, &n, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID)
	if err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// RegenerateRecoveryCodes replaces the user's recovery codes (used or
// not) with a fresh set, returned to show once. It is ErrConflict when
// two-factor is off.
func (t *TwoFactor) RegenerateRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	var codes []string
	err := t.db.WithTx(ctx, func(ctx context.Context) error {
		var on int
		err := t.db.Get(ctx, &on, `SELECT count(*) FROM users WHERE id = ? AND totp_enabled_at IS NOT NULL`, userID)
		if err != nil {
			return fmt.Errorf("check two-factor: %w", err)
		}
		if on == 0 {
			return ErrConflict
		}
		codes, err = t.replaceRecoveryCodes(ctx, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// replaceRecoveryCodes deletes the user's codes and stores a new set; it
// runs inside the caller's transaction.
func (t *TwoFactor) replaceRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	if _, err := t.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return nil, fmt.Errorf("delete recovery codes: %w", err)
	}
	for _, c := range codes {
		norm, _ := NormalizeRecoveryCode(c)
		if _, err := t.db.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`,
			userID, hashRecoveryCode(userID, norm)); err != nil {
			return nil, fmt.Errorf("store recovery code: %w", err)
		}
	}
	return codes, nil
}

// useRecoveryCode marks the user's unused code (normalized) as used and
// reports whether there was one. Checking and marking is one statement,
// so a code cannot be spent twice by racing requests.
func (t *TwoFactor) useRecoveryCode(ctx context.Context, userID int64, code string) (bool, error) {
	res, err := t.db.Exec(ctx, `
		UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		t.clock(), userID, hashRecoveryCode(userID, code))
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
