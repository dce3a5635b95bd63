package models

import "time"

// SetClock makes the two-factor store read time from f, for tests that
// step through TOTP windows.
func (t *TwoFactor) SetClock(f func() time.Time) { t.now = f }

// RecoveryCodeHash exposes the stored form of a recovery code to tests.
func RecoveryCodeHash(userID int64, code string) []byte {
	norm, _ := NormalizeRecoveryCode(code)
	return hashRecoveryCode(userID, norm)
}
