package models

import "time"

// SetClock makes the token store read the time from now (for expiry tests).
func (t *AccountTokens) SetClock(now func() time.Time) { t.now = now }
