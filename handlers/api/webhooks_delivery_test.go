package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"stepwise/handlers/webhook"
	"stepwise/models"
)

// signedEvent is one delivery a receiver accepted.
type signedEvent struct {
	Event string `json:"event"`
	Data  struct {
		Guide struct {
			Slug string `json:"slug"`
		} `json:"guide"`
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
		Step struct {
			Number int `json:"number"`
		} `json:"step"`
	} `json:"data"`
}

// signedReceiver accepts deliveries whose signature verifies with secret
// and keeps them in the order they arrived.
type signedReceiver struct {
	t      *testing.T
	secret func() string

	mu     sync.Mutex
	events []signedEvent
	more   chan struct{}
}

func (r *signedReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := webhook.Verify([]byte(r.secret()), req.Header.Get(webhook.HeaderSignature), body, time.Now()); err != nil {
		r.t.Errorf("receiver: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev signedEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event != req.Header.Get(webhook.HeaderEvent) {
		r.t.Errorf("body %s, event header %q (%v)", body, req.Header.Get(webhook.HeaderEvent), err)
	}
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	r.more <- struct{}{}
}

// TestWebhooksDeliverWhatTheAPIDoes drives the whole path: an author
// subscribes through the API, publishing and a learner's completions
// through the API queue events, and the real worker delivers them,
// signed, to a receiver, in the order they happened.
func TestWebhooksDeliverWhatTheAPIDoes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx := context.Background()
	// The receiver is on loopback, which only an admin setting allows.
	if err := srv.Models.Settings.SetBool(ctx, models.SettingPrivateWebhookTargets, true); err != nil {
		t.Fatal(err)
	}
	var secret string
	var secretMu sync.Mutex
	rcv := &signedReceiver{t: t, more: make(chan struct{}, 16), secret: func() string {
		secretMu.Lock()
		defer secretMu.Unlock()
		return secret
	}}
	target := httptest.NewServer(rcv)
	defer target.Close()

	author := srv.user(models.RoleAuthor)
	learner := srv.user(models.RoleLearner)
	authorAPI := srv.as(srv.token(author, "read", "write"))
	var hook webhookOut
	authorAPI.post("/api/v1/webhooks", map[string]any{
		"url": target.URL + "/hooks", "events": []string{"guide.published", "progress.step_completed", "guide.completed"},
	}).want(t, http.StatusCreated).JSON(t, &hook)
	secretMu.Lock()
	secret = hook.Secret
	secretMu.Unlock()

	slug, _ := srv.learnGuide(author, false)
	authorAPI.post("/api/v1/guides/"+slug+"/publish", nil).want(t, http.StatusOK)
	learnerAPI := srv.as(srv.token(learner, "read", "write"))
	learnerAPI.put("/api/v1/guides/"+slug+"/steps/2/completion", nil).want(t, http.StatusOK)
	learnerAPI.put("/api/v1/guides/"+slug+"/steps/1/completion", nil).want(t, http.StatusOK)
	// Completing a step again changes nothing, so it sends nothing.
	learnerAPI.put("/api/v1/guides/"+slug+"/steps/1/completion", nil).want(t, http.StatusOK)

	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	worker := &webhook.Worker{Queue: srv.Models.Webhooks, Settings: srv.Models.Settings, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go func() { worker.Run(runCtx); close(stopped) }()
	defer func() { stop(); <-stopped }()

	want := []struct {
		event string
		step  int
	}{{"guide.published", 0}, {"progress.step_completed", 2}, {"progress.step_completed", 1}, {"guide.completed", 0}}
	for i := range want {
		select {
		case <-rcv.more:
		case <-time.After(30 * time.Second): // a hang guard, not a speed check
			t.Fatalf("the receiver got %d of %d deliveries", i, len(want))
		}
	}
	rcv.mu.Lock()
	got := append([]signedEvent(nil), rcv.events...)
	rcv.mu.Unlock()
	for i, w := range want {
		got := got[i]
		if got.Event != w.event || got.Data.Guide.Slug != slug || got.Data.Step.Number != w.step {
			t.Errorf("delivery %d: got %s for %q step %d, want %s for %q step %d",
				i+1, got.Event, got.Data.Guide.Slug, got.Data.Step.Number, w.event, slug, w.step)
		}
		if w.event != "guide.published" && got.Data.User.ID != learner.ID {
			t.Errorf("delivery %d: user %d, want the learner %d", i+1, got.Data.User.ID, learner.ID)
		}
	}

	// The deliveries are listed on the subscription, delivered, with the
	// receiver's status code, once the worker has recorded each answer.
	type listed struct {
		Items []struct {
			Event          string `json:"event"`
			Status         string `json:"status"`
			LastStatusCode *int   `json:"last_status_code"`
		} `json:"items"`
	}
	var page listed
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		page = listed{}
		authorAPI.get("/api/v1/webhooks/"+itoa64(hook.ID)+"/deliveries").want(t, http.StatusOK).JSON(t, &page)
		pending := 0
		for _, d := range page.Items {
			if d.Status == models.DeliveryPending {
				pending++
			}
		}
		if pending == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(page.Items) != len(want) {
		t.Fatalf("%d deliveries listed, want %d", len(page.Items), len(want))
	}
	for _, d := range page.Items {
		if d.Status != models.DeliveryDelivered || d.LastStatusCode == nil || *d.LastStatusCode != http.StatusOK {
			t.Errorf("delivery %s: status %s, code %v; want delivered with 200", d.Event, d.Status, d.LastStatusCode)
		}
	}
}
