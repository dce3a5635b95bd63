package models

import (
	"context"
	"fmt"

	"stepwise/db"
)

// TwoFactor stores two-factor recovery codes (and, with them, what else
// two-factor sign-in needs).
type TwoFactor struct{ db *db.DB }

// RecoveryCodesLeft counts the user's unused recovery codes.
func (t *TwoFactor) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := t.db.Get(ctx, &n, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID)
	if err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}
