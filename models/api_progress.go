package models

// Percent is the share done of total, 0–100, rounded down as every page
// shows it.
func Percent(done, total int) int { return percent(done, total) }
