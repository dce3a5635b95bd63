package models

import (
	"context"
	"fmt"
	"time"

	"stepwise/db"
)

// RateLimit is a number of requests allowed per fixed window.
type RateLimit struct {
	Requests int
	Window   time.Duration
}

// RateState is what one counted request learns about its token's window.
type RateState struct {
	Limit     int
	Remaining int
	// Reset is how long until the window ends and the count starts over.
	Reset   time.Duration
	Allowed bool
}

// APIRate counts API requests per token in fixed windows, in the database
// so every instance behind a load balancer shares the count.
type APIRate struct {
	db  *db.DB
	now func() time.Time
}

// Hit counts one request by token id against l and reports whether it is
// within the limit. Refused requests count too, so hammering does not
// shorten the wait.
func (r *APIRate) Hit(ctx context.Context, tokenID int64, l RateLimit) (RateState, error) {
	now := r.now()
	win := int64(l.Window / time.Second)
	if win < 1 {
		win = 1
	}
	start := now.Unix() / win * win
	var n int
	err := r.db.GetWrite(ctx, &n, `
		INSERT INTO api_rate_windows (token_id, window_start, requests) VALUES (?, ?, 1)
		ON CONFLICT (token_id, window_start) DO UPDATE SET requests = api_rate_windows.requests + 1
		RETURNING requests`, tokenID, start)
	if err != nil {
		return RateState{}, fmt.Errorf("count api request: %w", err)
	}
	if n == 1 { // a new window: the token's older ones are of no more use
		if _, err := r.db.Exec(ctx, `DELETE FROM api_rate_windows WHERE token_id = ? AND window_start < ?`, tokenID, start); err != nil {
			return RateState{}, fmt.Errorf("drop old api windows: %w", err)
		}
	}
	reset := time.Unix(start+win, 0).Sub(now)
	return RateState{
		Limit:     l.Requests,
		Remaining: max(l.Requests-n, 0),
		Reset:     reset,
		Allowed:   n <= l.Requests,
	}, nil
}
