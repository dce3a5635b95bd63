package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"stepwise/models"
)

// Queue is what the worker needs from the delivery queue.
type Queue interface {
	Claim(ctx context.Context, limit int) ([]models.Claimed, error)
	Record(ctx context.Context, d models.Claimed, a models.Attempt) error
	Prune(ctx context.Context, before time.Time) (int64, error)
	Nudges() <-chan struct{}
}

// Settings is where the worker reads whether private targets are allowed.
type Settings interface {
	Bool(ctx context.Context, key string) (bool, error)
}

// Tuning of the worker.
const (
	// PollInterval is how often the queue is looked at without a nudge
	// (retries fall due without one).
	PollInterval = time.Second
	// batch is how many deliveries one pass claims; they belong to
	// different subscriptions, so they are sent in parallel.
	batch = 8
	// responseRead is how much of a response is read before closing it.
	responseRead = 4 << 10
	// keepFor is how long finished deliveries stay listed.
	keepFor = 30 * 24 * time.Hour
	// pruneEvery is how often old deliveries are deleted.
	pruneEvery = time.Hour
)

// Worker drains the webhook queue.
type Worker struct {
	Queue    Queue
	Settings Settings
	Logger   *slog.Logger
	// Now is the clock for signatures; nil means time.Now.
	Now func() time.Time
	// OnAttempt, when set, is told the outcome of each attempt recorded
	// (the metrics count them).
	OnAttempt func(delivered bool)

	allowPrivate atomic.Bool
	client       *http.Client
	once         sync.Once
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.client = NewClient(w.allowPrivate.Load)
		if w.Now == nil {
			w.Now = time.Now
		}
	})
}

// Run delivers until ctx is cancelled, then waits for the attempts in
// flight (which the cancellation cuts short; they are tried again later).
func (w *Worker) Run(ctx context.Context) {
	w.init()
	tick := time.NewTicker(PollInterval)
	defer tick.Stop()
	var lastPrune time.Time
	for {
		for {
			n, err := w.DeliverDue(ctx)
			if err != nil && ctx.Err() == nil {
				w.Logger.Error("webhook delivery", "err", err)
			}
			if n < batch || err != nil {
				break
			}
		}
		if time.Since(lastPrune) >= pruneEvery {
			lastPrune = time.Now()
			if n, err := w.Queue.Prune(ctx, time.Now().UTC().Add(-keepFor)); err != nil && ctx.Err() == nil {
				w.Logger.Error("prune webhook deliveries", "err", err)
			} else if n > 0 {
				w.Logger.Info("pruned webhook deliveries", "deleted", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.Queue.Nudges():
		}
	}
}

// DeliverDue makes one pass: it reads the private-targets setting, claims
// due deliveries and attempts each, and returns how many it claimed.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	w.init()
	allow, err := w.Settings.Bool(ctx, models.SettingPrivateWebhookTargets)
	if err != nil {
		return 0, err
	}
	w.allowPrivate.Store(allow)
	claimed, err := w.Queue.Claim(ctx, batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(claimed))
	for i, d := range claimed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := w.attempt(ctx, d)
			if ctx.Err() != nil && !a.OK() {
				return // cut short by shutdown: the claim lapses and it is tried again
			}
			errs[i] = w.Queue.Record(context.WithoutCancel(ctx), d, a)
			if w.OnAttempt != nil && errs[i] == nil {
				w.OnAttempt(a.OK())
			}
			if !a.OK() {
				w.Logger.Warn("webhook attempt failed", "delivery", d.ID, "webhook", d.WebhookID,
					"attempt", d.Attempts+1, "status", a.StatusCode, "err", a.Err)
			}
		}()
	}
	wg.Wait()
	return len(claimed), errors.Join(errs...)
}

// attempt posts d once and reports what happened.
func (w *Worker) attempt(ctx context.Context, d models.Claimed) models.Attempt {
	body := d.Body()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return models.Attempt{Err: "bad URL: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Stepwise-Webhooks/1")
	req.Header.Set(HeaderEvent, d.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	req.Header.Set(HeaderSignature, Sign(d.Secret, w.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrPrivateTarget) {
			return models.Attempt{Err: "refused: the URL resolves to a private, loopback or link-local address (an admin can allow these)"}
		}
		return models.Attempt{Err: err.Error()}
	}
	// Read a little so the receiver's write completes, and no more: a
	// receiver cannot make us hold a large answer.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, responseRead))
	_ = resp.Body.Close()
	return models.Attempt{StatusCode: resp.StatusCode}
}
