package models

import (
	"context"
	"fmt"
	"time"

	"stepwise/db"
)

// LearningGuide is a guide the learner has started, as "My learning"
// shows it.
type LearningGuide struct {
	Slug  string `db:"slug"`
	Title string `db:"title"`
	Done  int    `db:"done"`
	Total int    `db:"total"`
	// Next is the position of the first incomplete step, 0 when none.
	Next int `db:"next_position"`
	// LastRaw is the latest completion as the driver returns an aggregate.
	LastRaw any `db:"last"`
	// Certificate is the code of the learner's certificate, "" if none.
	Certificate string `db:"certificate"`
}

// Percent is the share of steps done, 0–100.
func (l LearningGuide) Percent() int { return Percent(l.Done, l.Total) }

// Completed reports whether every step is done.
func (l LearningGuide) Completed() bool { return l.Total > 0 && l.Done >= l.Total }

// LastActivity is when the learner last completed a step of the guide.
func (l LearningGuide) LastActivity() time.Time { return dbTime(l.LastRaw) }

// Learning reads what "My learning" shows.
type Learning struct{ db *db.DB }

// Guides returns every published guide userID has completed a step of,
// most recently active first, with the counts, the first incomplete step
// and the certificate: one query whatever the number of guides.
func (l *Learning) Guides(ctx context.Context, userID int64) ([]LearningGuide, error) {
	list := []LearningGuide{}
	err := l.db.Select(ctx, &list, `
		SELECT g.slug, g.title, a.done, a.last,
		       (SELECT count(*) FROM steps s WHERE s.guide_id = g.id) AS total,
		       coalesce((SELECT min(s.position) FROM steps s WHERE s.guide_id = g.id
		                 AND NOT EXISTS (SELECT 1 FROM progress p WHERE p.user_id = ? AND p.step_id = s.id)), 0) AS next_position,
		       coalesce(c.code, '') AS certificate
		FROM (SELECT guide_id, count(*) AS done, max(completed_at) AS last
		      FROM progress WHERE user_id = ? GROUP BY guide_id) a
		JOIN guides g ON g.id = a.guide_id AND g.published_at IS NOT NULL
		LEFT JOIN certificates c ON c.user_id = ? AND c.guide_id = g.id
		ORDER BY a.last DESC, g.id`, userID, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("my learning: %w", err)
	}
	return list, nil
}

// timeLayouts are how SQLite drivers write times as text.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	time.RFC3339Nano,
}

// dbTime reads a time an aggregate (max, min) returned: a time.Time from a
// driver that knows the type, text from SQLite. Unreadable is zero.
func dbTime(v any) time.Time {
	var s string
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return time.Time{}
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
