package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"stepwise/db/dbtest"
	"stepwise/handlers/webhook"
	"stepwise/models"
	"stepwise/models/secretbox"
)

// receiver is a webhook endpoint that checks every request's signature
// and timestamp, fails the first failFirst requests, and keeps the
// delivery ids it accepted, in order.
type receiver struct {
	t         *testing.T
	secret    string
	failFirst int

	mu       sync.Mutex
	requests int
	accepted []string
	events   []string
	got      chan struct{}
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := webhook.Verify([]byte(r.secret), req.Header.Get(webhook.HeaderSignature), body, time.Now()); err != nil {
		r.t.Errorf("receiver: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		r.t.Errorf("content type: got %q", ct)
	}
	var msg struct{ ID, Event string }
	if err := json.Unmarshal(body, &msg); err != nil || msg.ID != req.Header.Get(webhook.HeaderDelivery) || msg.Event != req.Header.Get(webhook.HeaderEvent) {
		r.t.Errorf("body %s does not match headers %v (%v)", body, req.Header, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.requests <= r.failFirst {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	r.accepted = append(r.accepted, msg.ID)
	r.events = append(r.events, msg.Event)
	if r.got != nil {
		select {
		case r.got <- struct{}{}:
		default:
		}
	}
}

type fixture struct {
	m      *models.Models
	worker *webhook.Worker
	hook   models.Webhook
	secret string
	clock  time.Time
}

// newFixture subscribes an admin to user.created at url, with private
// targets allowed or not.
func newFixture(t *testing.T, url string, allowPrivate bool) *fixture {
	t.Helper()
	ctx := context.Background()
	m := models.New(dbtest.New(t))
	s, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	m.Webhooks.Sealer = s
	f := &fixture{m: m, clock: time.Now().UTC()}
	m.Webhooks.SetClock(func() time.Time { return f.clock })
	admin, err := m.Users.Create(ctx, models.NewUser{Email: "admin@example.com", DisplayName: "Admin", Password: "amber lantern quietly 42"})
	if err != nil {
		t.Fatal(err)
	}
	admin.Role = models.RoleAdmin
	if err := m.Users.SetRole(ctx, admin.ID, models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	in := models.NewWebhook{URL: url, Events: []string{models.EventUserCreated}}
	if errs := in.Validate(&admin); errs.Any() {
		t.Fatal(errs)
	}
	if f.hook, f.secret, err = m.Webhooks.Create(ctx, admin.ID, in); err != nil {
		t.Fatal(err)
	}
	if err := m.Settings.SetBool(ctx, models.SettingPrivateWebhookTargets, allowPrivate); err != nil {
		t.Fatal(err)
	}
	f.worker = &webhook.Worker{Queue: m.Webhooks, Settings: m.Settings, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return f
}

func (f *fixture) deliveries(t *testing.T) []models.WebhookDelivery {
	t.Helper()
	list, _, err := f.m.Webhooks.Deliveries(context.Background(), f.hook.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (f *fixture) newUser(t *testing.T, email string) {
	t.Helper()
	if _, err := f.m.Users.Create(context.Background(), models.NewUser{Email: email, DisplayName: email, Password: "amber lantern quietly 42"}); err != nil {
		t.Fatal(err)
	}
}

// Deliveries arrive signed, failed attempts are retried when due, and a
// subscription's events arrive in the order they happened even though the
// first needed three attempts.
func TestWorkerSignsRetriesAndKeepsOrder(t *testing.T) {
	t.Parallel()
	rcv := &receiver{t: t, failFirst: 2}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	f := newFixture(t, srv.URL+"/hook", true) // httptest listens on loopback
	rcv.secret = f.secret
	var delivered, failed atomic.Int32
	f.worker.OnAttempt = func(ok bool) {
		if ok {
			delivered.Add(1)
		} else {
			failed.Add(1)
		}
	}
	ctx := context.Background()
	for _, e := range []string{"one@example.com", "two@example.com", "three@example.com"} {
		f.newUser(t, e)
	}
	if n, err := f.m.Webhooks.Pending(ctx); err != nil || n != 3 {
		t.Errorf("pending before the passes: %d (%v), want 3", n, err)
	}
	for pass := 0; pass < 10; pass++ {
		if _, err := f.worker.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(models.RetryMax) // every retry is due
	}
	list := f.deliveries(t)
	var want []string
	for i := len(list) - 1; i >= 0; i-- {
		d := list[i]
		want = append(want, itoa(d.ID))
		if d.Status != models.DeliveryDelivered || d.LastStatusCode == nil || *d.LastStatusCode != 200 {
			t.Errorf("delivery %d: status %s, code %v", d.ID, d.Status, d.LastStatusCode)
		}
	}
	if got := strings.Join(rcv.accepted, ","); got != strings.Join(want, ",") {
		t.Errorf("accepted in order %s, want %s", got, strings.Join(want, ","))
	}
	if first := list[len(list)-1]; first.Attempts != 3 {
		t.Errorf("first delivery: %d attempts, want 3 (two refused)", first.Attempts)
	}
	if rcv.requests != 5 {
		t.Errorf("receiver saw %d requests, want 5", rcv.requests)
	}
	if delivered.Load() != 3 || failed.Load() != 2 {
		t.Errorf("attempts told: %d delivered, %d failed; want 3 and 2", delivered.Load(), failed.Load())
	}
	if n, err := f.m.Webhooks.Pending(ctx); err != nil || n != 0 {
		t.Errorf("pending after: %d (%v), want 0", n, err)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// With the setting off (the default), a loopback target is refused at
// dial time, by name as well as by address, and the attempt is recorded.
func TestWorkerRefusesPrivateTargetsByDefault(t *testing.T) {
	t.Parallel()
	rcv := &receiver{t: t}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	for _, url := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		f := newFixture(t, url, false)
		if _, err := f.m.Webhooks.SendTest(context.Background(), f.hook); err != nil {
			t.Fatal(err)
		}
		if _, err := f.worker.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		d := f.deliveries(t)[0]
		if d.Status != models.DeliveryPending || d.Attempts != 1 || !strings.Contains(d.LastError, "refused") {
			t.Errorf("%s: got status %s, attempts %d, error %q; want a refused attempt to retry", url, d.Status, d.Attempts, d.LastError)
		}
	}
	if rcv.requests != 0 {
		t.Errorf("the loopback receiver got %d requests", rcv.requests)
	}
}

// A redirect is not followed: it is a failed attempt with its status.
func TestWorkerDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	rcv := &receiver{t: t}
	target := httptest.NewServer(rcv)
	defer target.Close()
	redirector := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusFound))
	defer redirector.Close()
	f := newFixture(t, redirector.URL, true)
	if _, err := f.m.Webhooks.SendTest(context.Background(), f.hook); err != nil {
		t.Fatal(err)
	}
	if _, err := f.worker.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := f.deliveries(t)[0]
	if d.Status != models.DeliveryPending || d.LastStatusCode == nil || *d.LastStatusCode != http.StatusFound {
		t.Errorf("got status %s, code %v; want a failed attempt with 302", d.Status, d.LastStatusCode)
	}
	if rcv.requests != 0 {
		t.Errorf("the redirect was followed")
	}
}

// Run delivers what is queued without waiting for a poll, and returns
// when its context ends.
func TestWorkerRunDeliversAndStops(t *testing.T) {
	t.Parallel()
	rcv := &receiver{t: t, got: make(chan struct{}, 1)}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	f := newFixture(t, srv.URL, true)
	rcv.secret = f.secret
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { f.worker.Run(ctx); close(stopped) }()
	if _, err := f.m.Webhooks.SendTest(context.Background(), f.hook); err != nil {
		t.Fatal(err)
	}
	select {
	case <-rcv.got:
	case <-time.After(10 * time.Second):
		t.Fatal("the test event was not delivered")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if rcv.events[0] != models.EventWebhookTest {
		t.Errorf("event: got %q, want %q", rcv.events[0], models.EventWebhookTest)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_test")
	body := []byte(`{"id":"1"}`)
	now := time.Now()
	header := webhook.Sign(secret, now, body)
	if err := webhook.Verify(secret, header, body, now.Add(time.Minute)); err != nil {
		t.Errorf("fresh signature: %v", err)
	}
	cases := map[string]error{
		"tampered body": webhook.Verify(secret, header, []byte(`{"id":"2"}`), now),
		"other secret":  webhook.Verify([]byte("whsec_other"), header, body, now),
		"replayed late": webhook.Verify(secret, header, body, now.Add(webhook.ReplayWindow+time.Second)),
		"garbage":       webhook.Verify(secret, "v1=zz", body, now),
	}
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPrivate(t *testing.T) {
	t.Parallel()
	private := []string{"127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"fd00::1", "169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "100.64.0.1", "::ffff:127.0.0.1",
		"::ffff:10.0.0.1", "64:ff9b::a00:1", "255.255.255.255"}
	public := []string{"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "192.169.0.1"}
	for _, s := range private {
		if !models.PrivateAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s: got public, want private", s)
		}
	}
	for _, s := range public {
		if models.PrivateAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s: got private, want public", s)
		}
	}
}
