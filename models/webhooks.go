package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"stepwise/db"
	"stepwise/models/secretbox"
)

// The events a webhook may subscribe to, and the test event its owner
// sends from its page.
const (
	EventStepCompleted  = "progress.step_completed"
	EventGuideCompleted = "guide.completed"
	EventGuidePublished = "guide.published"
	EventUserCreated    = "user.created"
	EventWebhookTest    = "webhook.test"
)

// WebhookEvents lists the events subscriptions choose from, in the order
// forms show them.
var WebhookEvents = []string{EventStepCompleted, EventGuideCompleted, EventGuidePublished, EventUserCreated}

func validWebhookEvent(ev string) bool { return slices.Contains(WebhookEvents, ev) }

// Limits on subscriptions.
const (
	WebhookURLMaxLen  = 2000
	WebhooksPerUser   = 20
	webhookSecretSize = 32
	// WebhookSecretPrefix starts every signing secret, so a leaked one is
	// recognisable.
	WebhookSecretPrefix = "whsec_"
)

// Webhook is a subscription: where to post which events. The sealed
// secret never leaves the models package except to the delivery worker.
type Webhook struct {
	ID        int64     `db:"id"`
	UserID    int64     `db:"user_id"`
	URL       string    `db:"url"`
	EventList string    `db:"events"`
	CreatedAt time.Time `db:"created_at"`
}

// Events returns the events the webhook wants.
func (w Webhook) Events() []string { return strings.Split(w.EventList, ",") }

// Wants reports whether the webhook subscribed to ev.
func (w Webhook) Wants(ev string) bool { return slices.Contains(w.Events(), ev) }

// AuditDetail names the webhook in the audit log by its host only: a
// URL's path or query may hold the receiver's own secret.
func (w Webhook) AuditDetail() string {
	host := "?"
	if u, err := url.Parse(w.URL); err == nil {
		host = u.Host
	}
	return fmt.Sprintf("webhook %d to %s", w.ID, host)
}

// NewWebhook is a subscription as a form or the API submits it.
type NewWebhook struct {
	URL    string
	Events []string
}

// Validate checks and normalises the subscription for its owner u: an
// absolute http(s) URL without credentials, and at least one event, each
// one u may receive. The events end up sorted, once each.
func (n *NewWebhook) Validate(u *User) FieldErrors {
	errs := FieldErrors{}
	n.URL = strings.TrimSpace(n.URL)
	if msg := checkWebhookURL(n.URL); msg != "" {
		errs.Add("url", msg)
	}
	if len(n.Events) == 0 {
		errs.Add("events", "Choose at least one event.")
	}
	for _, ev := range n.Events {
		switch {
		case !validWebhookEvent(ev):
			errs.Add("events", "Choose events from the list.")
		case !CanSubscribe(u, ev):
			errs.Add("events", "Only admins can subscribe to "+ev+".")
		}
	}
	n.Events = slices.Compact(slices.Sorted(slices.Values(n.Events)))
	return errs
}

func checkWebhookURL(s string) string {
	if s == "" {
		return "Enter the URL to deliver to."
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > WebhookURLMaxLen || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "Enter a URL of at most 2000 characters without spaces."
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		return "Enter an http:// or https:// URL."
	case u.User != nil:
		// Credentials in the URL would be stored in clear; the signature
		// is how the receiver knows the request is ours.
		return "Leave the user name and password out of the URL."
	case u.Fragment != "":
		return "Leave the #fragment out of the URL."
	}
	return ""
}

// Webhooks stores subscriptions and their delivery queue.
type Webhooks struct {
	db  *db.DB
	now func() time.Time
	// Sealer seals the signing secrets at rest; cmd sets it to the app's
	// sealer (TwoFactor.Sealer). Without it subscriptions cannot be made
	// or delivered.
	Sealer *secretbox.Sealer

	nudge chan struct{}
}

func newWebhooks(d *db.DB) *Webhooks {
	return &Webhooks{db: d, now: now, nudge: make(chan struct{}, 1)}
}

// SetClock replaces the store's clock (tests of the retry schedule).
func (w *Webhooks) SetClock(now func() time.Time) { w.now = now }

// Nudges is signalled after deliveries are queued, so the worker need
// not wait for its next poll.
func (w *Webhooks) Nudges() <-chan struct{} { return w.nudge }

func (w *Webhooks) poke() {
	select {
	case w.nudge <- struct{}{}:
	default:
	}
}

// webhookSecretAD binds a sealed secret to its subscription, so a value
// copied to another row does not open there.
func webhookSecretAD(id int64) []byte {
	return []byte("webhooks.secret:" + strconv.FormatInt(id, 10))
}

// ErrTooManyWebhooks: the user has WebhooksPerUser subscriptions already.
var ErrTooManyWebhooks = fmt.Errorf("at most %d webhooks per user", WebhooksPerUser)

// Create stores a subscription for userID after in.Validate passed, and
// returns it with its signing secret, which is shown once and never again.
// The pages and the API create through admin.Service.CreateWebhook, which
// also checks the target and records the creation.
func (w *Webhooks) Create(ctx context.Context, userID int64, in NewWebhook) (Webhook, string, error) {
	if w.Sealer == nil {
		return Webhook{}, "", ErrNoSealer
	}
	raw := make([]byte, webhookSecretSize)
	if _, err := rand.Read(raw); err != nil {
		return Webhook{}, "", fmt.Errorf("webhook secret: %w", err)
	}
	secret := WebhookSecretPrefix + hex.EncodeToString(raw)
	var hook Webhook
	err := w.db.WithTx(ctx, func(ctx context.Context) error {
		var n int
		if err := w.db.Get(ctx, &n, `SELECT count(*) FROM webhooks WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("count webhooks: %w", err)
		}
		if n >= WebhooksPerUser {
			return ErrTooManyWebhooks
		}
		err := w.db.GetWrite(ctx, &hook, `
			INSERT INTO webhooks (user_id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?)
			RETURNING id, user_id, url, events, created_at`,
			userID, in.URL, []byte{}, strings.Join(in.Events, ","), w.now())
		if err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		sealed, err := w.Sealer.Seal([]byte(secret), webhookSecretAD(hook.ID))
		if err != nil {
			return err
		}
		if _, err := w.db.Exec(ctx, `UPDATE webhooks SET secret = ? WHERE id = ?`, sealed, hook.ID); err != nil {
			return fmt.Errorf("seal webhook secret: %w", err)
		}
		return nil
	})
	if err != nil {
		return Webhook{}, "", err
	}
	return hook, secret, nil
}

const webhookColumns = `id, user_id, url, events, created_at`

// ForUser returns userID's subscriptions, newest first.
func (w *Webhooks) ForUser(ctx context.Context, userID int64) ([]Webhook, error) {
	list := []Webhook{}
	err := w.db.Select(ctx, &list, `
		SELECT `+webhookColumns+` FROM webhooks WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return list, nil
}

// ByID returns userID's subscription id; another user's is ErrNotFound,
// so its existence is not revealed.
func (w *Webhooks) ByID(ctx context.Context, userID, id int64) (Webhook, error) {
	var hook Webhook
	err := w.db.Get(ctx, &hook, `
		SELECT `+webhookColumns+` FROM webhooks WHERE id = ? AND user_id = ?`, id, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, ErrNotFound
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("webhook by id: %w", err)
	}
	return hook, nil
}

// Delete removes userID's subscription id and its deliveries
// (admin.Service.DeleteWebhook records it).
func (w *Webhooks) Delete(ctx context.Context, userID, id int64) error {
	res, err := w.db.Exec(ctx, `DELETE FROM webhooks WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ResealAll re-seals every signing secret under the sealer's current key
// (after a key rotation) and returns how many it changed.
func (w *Webhooks) ResealAll(ctx context.Context) (int, error) {
	if w.Sealer == nil {
		return 0, ErrNoSealer
	}
	n := 0
	err := w.db.WithTx(ctx, func(ctx context.Context) error {
		var rows []struct {
			ID     int64  `db:"id"`
			Secret []byte `db:"secret"`
		}
		if err := w.db.Select(ctx, &rows, `SELECT id, secret FROM webhooks`); err != nil {
			return fmt.Errorf("list webhook secrets: %w", err)
		}
		for _, r := range rows {
			if w.Sealer.Current(r.Secret) {
				continue
			}
			plain, err := w.Sealer.Open(r.Secret, webhookSecretAD(r.ID))
			if err != nil {
				return fmt.Errorf("open secret of webhook %d: %w", r.ID, err)
			}
			sealed, err := w.Sealer.Seal(plain, webhookSecretAD(r.ID))
			if err != nil {
				return err
			}
			if _, err := w.db.Exec(ctx, `UPDATE webhooks SET secret = ? WHERE id = ?`, sealed, r.ID); err != nil {
				return fmt.Errorf("re-seal webhook secret: %w", err)
			}
			n++
		}
		return nil
	})
	return n, err
}
