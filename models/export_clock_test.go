package models

import "time"

// SetClock makes the throttle and the session store read time from now,
// so tests can step through delays and timeouts without sleeping.
func (m *Models) SetClock(now func() time.Time) {
	m.Throttle.now = now
	m.Sessions.now = now
}
