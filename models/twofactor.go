package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"stepwise/db"
	"stepwise/models/secretbox"
	"stepwise/models/totp"
)

// ErrNoSealer: two-factor secrets cannot be sealed or opened because no
// secret key was configured.
var ErrNoSealer = errors.New("two-factor: no secret key configured")

// TwoFactor stores what two-factor sign-in needs: each user's TOTP secret
// (sealed, on the users row), the last time step accepted, and recovery
// codes.
type TwoFactor struct {
	db  *db.DB
	now func() time.Time
	// Sealer seals TOTP secrets at rest. cmd sets it from the configured
	// secret key before serving; without it two-factor actions fail.
	Sealer *secretbox.Sealer
}

// SecondFactor is what a user gave as their second factor.
type SecondFactor int

// The second factors Verify tells apart.
const (
	// FactorNone: the input matched nothing (or was a code already used).
	FactorNone SecondFactor = iota
	// FactorTOTP: a current code from the authenticator app.
	FactorTOTP
	// FactorRecoveryCode: one of the user's recovery codes, now used up.
	FactorRecoveryCode
)

// clock is the store's time, defaulting to the package's UTC clock.
func (t *TwoFactor) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return now()
}

// totpSecretAD binds a sealed secret to its user, so a sealed value copied
// to another account's row does not open there.
func totpSecretAD(userID int64) []byte {
	return []byte("users.totp_secret:" + strconv.FormatInt(userID, 10))
}

// CheckNewSecret reports whether code is current for a secret being set
// up, and the time step it belongs to.
func (t *TwoFactor) CheckNewSecret(secret, code string) (step int64, ok bool) {
	return totp.Match(secret, code, t.clock())
}

// Enable turns two-factor on for the user with secret (whose code for step
// was just confirmed, so that code cannot be used again to sign in), and
// returns a fresh set of recovery codes to show once. It is ErrConflict if
// two-factor is already on.
func (t *TwoFactor) Enable(ctx context.Context, userID int64, secret string, step int64) ([]string, error) {
	if t.Sealer == nil {
		return nil, ErrNoSealer
	}
	sealed, err := t.Sealer.Seal([]byte(secret), totpSecretAD(userID))
	if err != nil {
		return nil, err
	}
	var codes []string
	err = t.db.WithTx(ctx, func(ctx context.Context) error {
		at := t.clock()
		res, err := t.db.Exec(ctx, `
			UPDATE users SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = ?, updated_at = ?
			WHERE id = ? AND totp_enabled_at IS NULL`, sealed, at, step, at, userID)
		if err != nil {
			return fmt.Errorf("enable two-factor: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
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

// Disable turns two-factor off: the secret and the recovery codes go.
func (t *TwoFactor) Disable(ctx context.Context, userID int64) error {
	return t.db.WithTx(ctx, func(ctx context.Context) error {
		_, err := t.db.Exec(ctx, `
			UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = ?
			WHERE id = ?`, t.clock(), userID)
		if err != nil {
			return fmt.Errorf("disable two-factor: %w", err)
		}
		if _, err := t.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("delete recovery codes: %w", err)
		}
		return nil
	})
}

// Verify checks input as u's second factor: six digits are a TOTP code,
// anything else is tried as a recovery code (which is then used up). A
// TOTP code is accepted once: a code from the same or an earlier time step
// than the last one accepted is refused, so an observed code cannot be
// replayed.
func (t *TwoFactor) Verify(ctx context.Context, u User, input string) (SecondFactor, error) {
	if !u.TwoFactor() {
		return FactorNone, nil
	}
	if code, ok := totp.Normalize(input); ok {
		return t.verifyTOTP(ctx, u, code)
	}
	code, ok := NormalizeRecoveryCode(input)
	if !ok {
		return FactorNone, nil
	}
	used, err := t.useRecoveryCode(ctx, u.ID, code)
	if err != nil || !used {
		return FactorNone, err
	}
	return FactorRecoveryCode, nil
}

func (t *TwoFactor) verifyTOTP(ctx context.Context, u User, code string) (SecondFactor, error) {
	if t.Sealer == nil {
		return FactorNone, ErrNoSealer
	}
	secret, err := t.Sealer.Open(u.TOTPSecret, totpSecretAD(u.ID))
	if err != nil {
		return FactorNone, fmt.Errorf("open two-factor secret of user %d: %w", u.ID, err)
	}
	step, ok := totp.Match(string(secret), code, t.clock())
	if !ok {
		return FactorNone, nil
	}
	// One statement both checks and records the step, so two requests
	// racing with the same code cannot both succeed.
	res, err := t.db.Exec(ctx, `
		UPDATE users SET totp_last_step = ?
		WHERE id = ? AND totp_enabled_at IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)`,
		step, u.ID, step)
	if err != nil {
		return FactorNone, fmt.Errorf("record totp step: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return FactorNone, nil
	}
	return FactorTOTP, nil
}

// ResealAll re-seals every TOTP secret under the sealer's current key
// (after a key rotation) and returns how many it changed. Secrets already
// under the current key are left alone.
func (t *TwoFactor) ResealAll(ctx context.Context) (int, error) {
	if t.Sealer == nil {
		return 0, ErrNoSealer
	}
	n := 0
	err := t.db.WithTx(ctx, func(ctx context.Context) error {
		var rows []struct {
			ID     int64  `db:"id"`
			Secret []byte `db:"totp_secret"`
		}
		if err := t.db.Select(ctx, &rows, `SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL`); err != nil {
			return fmt.Errorf("list two-factor secrets: %w", err)
		}
		for _, r := range rows {
			if t.Sealer.Current(r.Secret) {
				continue
			}
			plain, err := t.Sealer.Open(r.Secret, totpSecretAD(r.ID))
			if err != nil {
				return fmt.Errorf("open two-factor secret of user %d: %w", r.ID, err)
			}
			sealed, err := t.Sealer.Seal(plain, totpSecretAD(r.ID))
			if err != nil {
				return err
			}
			if _, err := t.db.Exec(ctx, `UPDATE users SET totp_secret = ? WHERE id = ?`, sealed, r.ID); err != nil {
				return fmt.Errorf("re-seal two-factor secret: %w", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
