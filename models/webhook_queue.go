package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// The retry schedule: the first retry a minute after a failed attempt,
// doubling up to an hour between attempts, and no more attempts a day
// after the first.
const (
	RetryFirst  = time.Minute
	RetryMax    = time.Hour
	RetryGiveUp = 24 * time.Hour
	// ClaimLease is how long a claimed delivery is its worker's: a
	// worker (or instance) that dies mid-attempt loses it then, and
	// another takes it again.
	ClaimLease = 2 * time.Minute
)

// RetryDelay is how long to wait after the attempts-th failed attempt.
func RetryDelay(attempts int) time.Duration {
	d := RetryFirst
	for i := 1; i < attempts && d < RetryMax; i++ {
		d *= 2
	}
	return min(d, RetryMax)
}

// WebhookDelivery is one event queued for one subscription.
type WebhookDelivery struct {
	ID             int64      `db:"id"`
	WebhookID      int64      `db:"webhook_id"`
	Event          string     `db:"event"`
	Payload        string     `db:"payload"`
	Status         string     `db:"status"`
	Attempts       int        `db:"attempts"`
	NextAttemptAt  time.Time  `db:"next_attempt_at"`
	FirstAttemptAt *time.Time `db:"first_attempt_at"`
	LastAttemptAt  *time.Time `db:"last_attempt_at"`
	LastStatusCode *int       `db:"last_status_code"`
	LastError      string     `db:"last_error"`
	CreatedAt      time.Time  `db:"created_at"`
	DeliveredAt    *time.Time `db:"delivered_at"`
}

// Body is the JSON the receiver gets: the same bytes on every attempt.
func (d WebhookDelivery) Body() []byte {
	b, err := json.Marshal(struct {
		ID        string          `json:"id"`
		Event     string          `json:"event"`
		CreatedAt time.Time       `json:"created_at"`
		Data      json.RawMessage `json:"data"`
	}{strconv.FormatInt(d.ID, 10), d.Event, d.CreatedAt.UTC(), json.RawMessage(d.Payload)})
	if err != nil {
		// The payload was marshalled by Enqueue, so it is valid JSON.
		panic(fmt.Sprintf("webhook body: %v", err))
	}
	return b
}

const deliveryColumns = `id, webhook_id, event, payload, status, attempts, next_attempt_at, first_attempt_at,
	last_attempt_at, last_status_code, last_error, created_at, delivered_at`

// WebhookEvent is something that happened, as Enqueue queues it.
type WebhookEvent struct {
	Name string
	// GuideID is the guide the event is about (0 for none), whose editors
	// may receive a learner's progress in it.
	GuideID int64
	// Data builds the payload's data; it runs only when some subscription
	// receives the event, so an event nobody wants costs one query.
	Data func(ctx context.Context) (any, error)
}

// Enqueue queues ev for every subscription that wants it and whose owner
// may see it (CanReceive). Call it inside the transaction that makes the
// change, so the event is queued exactly when the change commits. A nil
// store queues nothing.
func (w *Webhooks) Enqueue(ctx context.Context, ev WebhookEvent) error {
	if w == nil {
		return nil
	}
	var subs []struct {
		ID       int64      `db:"id"`
		UserID   int64      `db:"user_id"`
		Role     string     `db:"role"`
		LockedAt *time.Time `db:"locked_at"`
	}
	err := w.db.Select(ctx, &subs, `
		SELECT w.id, w.user_id, u.role, u.locked_at FROM webhooks w JOIN users u ON u.id = w.user_id
		WHERE ',' || w.events || ',' LIKE ? ESCAPE '\' ORDER BY w.id`, "%,"+escapeLike(ev.Name)+",%")
	if err != nil {
		return fmt.Errorf("webhooks for %s: %w", ev.Name, err)
	}
	if len(subs) == 0 {
		return nil
	}
	editors := map[int64]bool{}
	if ev.GuideID != 0 {
		var ids []int64
		err := w.db.Select(ctx, &ids, `
			SELECT author_id FROM guides WHERE id = ? AND author_id IS NOT NULL
			UNION SELECT user_id FROM guide_authors WHERE guide_id = ?`, ev.GuideID, ev.GuideID)
		if err != nil {
			return fmt.Errorf("guide editors: %w", err)
		}
		for _, id := range ids {
			editors[id] = true
		}
	}
	var payload []byte
	at := w.now()
	for _, s := range subs {
		owner := &User{ID: s.UserID, Role: s.Role, LockedAt: s.LockedAt}
		if !CanReceive(owner, EventAudience{Event: ev.Name, Editor: editors[s.UserID]}) {
			continue
		}
		if payload == nil {
			data, err := ev.Data(ctx)
			if err != nil {
				return err
			}
			if payload, err = json.Marshal(data); err != nil {
				return fmt.Errorf("webhook payload: %w", err)
			}
		}
		if _, err := w.insertDelivery(ctx, s.ID, ev.Name, payload, at); err != nil {
			return err
		}
	}
	if payload != nil {
		w.poke()
	}
	return nil
}

func (w *Webhooks) insertDelivery(ctx context.Context, webhookID int64, event string, payload []byte, at time.Time) (WebhookDelivery, error) {
	var d WebhookDelivery
	err := w.db.GetWrite(ctx, &d, `
		INSERT INTO webhook_deliveries (webhook_id, event, payload, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, 'pending', ?, ?)
		RETURNING `+deliveryColumns, webhookID, event, string(payload), at, at)
	if err != nil {
		return d, fmt.Errorf("queue webhook delivery: %w", err)
	}
	return d, nil
}

// SendTest queues a webhook.test event for hook, after anything already
// queued for it, and returns the delivery.
func (w *Webhooks) SendTest(ctx context.Context, hook Webhook) (WebhookDelivery, error) {
	payload, err := json.Marshal(map[string]any{"webhook_id": hook.ID, "message": "This is a test event from Stepwise."})
	if err != nil {
		return WebhookDelivery{}, err
	}
	d, err := w.insertDelivery(ctx, hook.ID, EventWebhookTest, payload, w.now())
	if err != nil {
		return d, err
	}
	w.poke()
	return d, nil
}

// Deliveries returns a page of hook's deliveries, newest first, with ids
// below before (0 for the first page), and whether there are more.
func (w *Webhooks) Deliveries(ctx context.Context, webhookID, before int64, limit int) ([]WebhookDelivery, bool, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	list := []WebhookDelivery{}
	err := w.db.Select(ctx, &list, `
		SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, webhookID, before, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("webhook deliveries: %w", err)
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	return list, more, nil
}

// Claimed is a delivery the worker is about to attempt, with where to
// send it and the secret to sign it with.
type Claimed struct {
	WebhookDelivery
	URL    string
	Secret []byte
}

// Claim takes up to limit due deliveries, each the oldest pending one of
// its subscription (so a subscription's events arrive in order), and
// holds them for ClaimLease so another worker leaves them alone. A
// worker that dies mid-attempt loses its hold and the delivery is tried
// again. On PostgreSQL, where several instances claim at once, rows
// another instance is claiming are skipped rather than waited for (FOR
// UPDATE SKIP LOCKED); SQLite's single writer claims one worker at a
// time.
func (w *Webhooks) Claim(ctx context.Context, limit int) ([]Claimed, error) {
	if w.Sealer == nil {
		return nil, ErrNoSealer
	}
	var rows []struct {
		WebhookDelivery
		URL    string `db:"url"`
		Secret []byte `db:"secret"`
	}
	at := w.now()
	err := w.db.WithTx(ctx, func(ctx context.Context) error {
		err := w.db.Select(ctx, &rows, `
			SELECT d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, d.next_attempt_at,
			       d.first_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.created_at,
			       d.delivered_at, h.url, h.secret
			FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= ?
			  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
			                  WHERE e.webhook_id = d.webhook_id AND e.status = 'pending' AND e.id < d.id)
			ORDER BY d.next_attempt_at, d.id LIMIT ?`+w.db.SkipLocked("d"), at, limit)
		if err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			if r.FirstAttemptAt == nil {
				r.FirstAttemptAt = &at
			}
			r.NextAttemptAt = at.Add(ClaimLease)
			_, err := w.db.Exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, first_attempt_at = ? WHERE id = ?`,
				r.NextAttemptAt, *r.FirstAttemptAt, r.ID)
			if err != nil {
				return fmt.Errorf("claim webhook delivery: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Claimed, 0, len(rows))
	for _, r := range rows {
		secret, err := w.Sealer.Open(r.Secret, webhookSecretAD(r.WebhookID))
		if err != nil {
			// Without its secret a delivery can never be signed: record
			// the attempt as failed (it is retried until the key is back
			// or the day is over).
			if err := w.Record(ctx, Claimed{WebhookDelivery: r.WebhookDelivery}, Attempt{Err: "signing secret: " + err.Error()}); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, Claimed{WebhookDelivery: r.WebhookDelivery, URL: r.URL, Secret: secret})
	}
	return out, nil
}

// Attempt is the outcome of posting a delivery: the response's status
// (0 when there was none) and what went wrong, if anything.
type Attempt struct {
	StatusCode int
	Err        string
}

// OK reports whether the receiver accepted the delivery (a 2xx answer).
func (a Attempt) OK() bool { return a.Err == "" && a.StatusCode >= 200 && a.StatusCode < 300 }

// Record stores an attempt at d: delivered; or failed and retried after
// RetryDelay; or, a day after the first attempt, failed for good.
func (w *Webhooks) Record(ctx context.Context, d Claimed, a Attempt) error {
	at := w.now()
	first := at
	if d.FirstAttemptAt != nil {
		first = *d.FirstAttemptAt
	}
	attempts := d.Attempts + 1
	var code *int
	if a.StatusCode != 0 {
		code = &a.StatusCode
	}
	status, next, msg := DeliveryDelivered, at, ""
	var delivered *time.Time
	switch {
	case a.OK():
		delivered = &at
	case at.Sub(first) >= RetryGiveUp:
		status, msg = DeliveryFailed, a.Err
	default:
		// The last retry falls exactly a day after the first attempt.
		status, msg = DeliveryPending, a.Err
		next = at.Add(RetryDelay(attempts))
		if deadline := first.Add(RetryGiveUp); next.After(deadline) {
			next = deadline
		}
	}
	if msg == "" && !a.OK() {
		msg = fmt.Sprintf("the receiver answered %d", a.StatusCode)
	}
	_, err := w.db.Exec(ctx, `
		UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
		       last_status_code = ?, last_error = ?, delivered_at = ?
		WHERE id = ?`, status, attempts, next, at, code, truncate(msg, 500), delivered, d.ID)
	if err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	return nil
}

// Pending counts the deliveries waiting to be sent (the queue's depth).
func (w *Webhooks) Pending(ctx context.Context) (int, error) {
	var n int
	if err := w.db.Get(ctx, &n, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'`); err != nil {
		return 0, fmt.Errorf("count pending webhook deliveries: %w", err)
	}
	return n, nil
}

// Prune deletes finished deliveries older than before, so the table keeps
// recent history only.
func (w *Webhooks) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := w.db.Exec(ctx, `
		DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND created_at < ?`, before)
	if err != nil {
		return 0, fmt.Errorf("prune webhook deliveries: %w", err)
	}
	return res.RowsAffected()
}
