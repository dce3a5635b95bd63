package models

import (
	"context"
	"fmt"
	"time"
)

// The payloads' parts. Email addresses appear only in user.created, which
// admins alone receive; guide editors learn a learner's id and display
// name, as the guide's quiz statistics already show them.
type (
	hookGuide struct {
		Slug  string `json:"slug" db:"slug"`
		Title string `json:"title" db:"title"`
	}
	hookStep struct {
		Number int    `json:"number"`
		Title  string `json:"title"`
	}
	hookUser struct {
		ID          int64  `json:"id" db:"id"`
		DisplayName string `json:"display_name" db:"display_name"`
	}
)

// stepCompleted queues progress.step_completed: userID completed step.
func (w *Webhooks) stepCompleted(ctx context.Context, userID int64, step Step, at time.Time) error {
	return w.Enqueue(ctx, WebhookEvent{Name: EventStepCompleted, GuideID: step.GuideID, Data: func(ctx context.Context) (any, error) {
		g, u, err := w.guideAndUser(ctx, step.GuideID, userID)
		return map[string]any{
			"guide": g, "user": u, "step": hookStep{Number: step.Position, Title: step.Title}, "completed_at": at,
		}, err
	}})
}

// guideCompleted queues guide.completed: user completed every step of
// guide and was just given a certificate.
func (w *Webhooks) guideCompleted(ctx context.Context, user User, guide Guide, at time.Time) error {
	return w.Enqueue(ctx, WebhookEvent{Name: EventGuideCompleted, GuideID: guide.ID, Data: func(context.Context) (any, error) {
		return map[string]any{
			"guide":        hookGuide{Slug: guide.Slug, Title: guide.Title},
			"user":         hookUser{ID: user.ID, DisplayName: user.DisplayName},
			"completed_at": at,
		}, nil
	}})
}

// guidePublished queues guide.published for guideID.
func (w *Webhooks) guidePublished(ctx context.Context, guideID int64) error {
	return w.Enqueue(ctx, WebhookEvent{Name: EventGuidePublished, Data: func(ctx context.Context) (any, error) {
		var g struct {
			hookGuide
			Summary     string    `json:"summary" db:"summary"`
			PublishedAt time.Time `json:"published_at" db:"published_at"`
		}
		err := w.db.Get(ctx, &g, `SELECT slug, title, summary, published_at FROM guides WHERE id = ?`, guideID)
		if err != nil {
			return nil, fmt.Errorf("published guide: %w", err)
		}
		return map[string]any{"guide": g}, nil
	}})
}

// userCreated queues user.created for a new account.
func (w *Webhooks) userCreated(ctx context.Context, u User) error {
	return w.Enqueue(ctx, WebhookEvent{Name: EventUserCreated, Data: func(context.Context) (any, error) {
		return map[string]any{"user": map[string]any{
			"id": u.ID, "display_name": u.DisplayName, "email": u.Email, "role": u.Role, "created_at": u.CreatedAt,
		}}, nil
	}})
}

func (w *Webhooks) guideAndUser(ctx context.Context, guideID, userID int64) (hookGuide, hookUser, error) {
	var row struct {
		hookGuide
		hookUser
	}
	err := w.db.Get(ctx, &row, `
		SELECT g.slug, g.title, u.id, u.display_name FROM guides g, users u WHERE g.id = ? AND u.id = ?`, guideID, userID)
	if err != nil {
		return hookGuide{}, hookUser{}, fmt.Errorf("event's guide and user: %w", err)
	}
	return row.hookGuide, row.hookUser, nil
}
