package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/secretbox"
)

// webhookModels is a store with a sealer, as cmd sets it up.
func webhookModels(t *testing.T) *models.Models {
	t.Helper()
	m, _ := webhookDB(t)
	return m
}

func webhookDB(t *testing.T) (*models.Models, *db.DB) {
	t.Helper()
	d := dbtest.New(t)
	m := models.New(d)
	s, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	m.Webhooks.Sealer = s
	return m, d
}

func userWithRole(t *testing.T, m *models.Models, email, role string) models.User {
	t.Helper()
	u := newUser(t, m, email)
	if err := m.Users.SetRole(context.Background(), u.ID, role); err != nil {
		t.Fatal(err)
	}
	u.Role = role
	return u
}

func subscribe(t *testing.T, m *models.Models, u models.User, events ...string) models.Webhook {
	t.Helper()
	in := models.NewWebhook{URL: "https://hooks.example.com/" + u.Email, Events: events}
	if errs := in.Validate(&u); errs.Any() {
		t.Fatalf("subscribe %s: %v", u.Email, errs)
	}
	hook, _, err := m.Webhooks.Create(context.Background(), u.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return hook
}

// queued returns the events queued for hook, oldest first.
func queued(t *testing.T, m *models.Models, hook models.Webhook) []models.WebhookDelivery {
	t.Helper()
	list, _, err := m.Webhooks.Deliveries(context.Background(), hook.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func eventNames(list []models.WebhookDelivery) string {
	var names []string
	for _, d := range list {
		names = append(names, d.Event)
	}
	return strings.Join(names, " ")
}

func TestWebhookValidate(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	author := userWithRole(t, m, "a@example.com", models.RoleAuthor)
	admin := userWithRole(t, m, "root@example.com", models.RoleAdmin)
	cases := []struct {
		name  string
		u     models.User
		in    models.NewWebhook
		field string // "" when valid
	}{
		{"author, guide events", author, models.NewWebhook{URL: "https://x.example/h", Events: []string{models.EventGuidePublished, models.EventStepCompleted}}, ""},
		{"author asks for user.created", author, models.NewWebhook{URL: "https://x.example/h", Events: []string{models.EventUserCreated}}, "events"},
		{"admin, user.created", admin, models.NewWebhook{URL: "http://x.example/h", Events: []string{models.EventUserCreated}}, ""},
		{"unknown event", admin, models.NewWebhook{URL: "https://x.example/h", Events: []string{"user.deleted"}}, "events"},
		{"no events", admin, models.NewWebhook{URL: "https://x.example/h"}, "events"},
		{"no URL", admin, models.NewWebhook{Events: []string{models.EventUserCreated}}, "url"},
		{"ftp", admin, models.NewWebhook{URL: "ftp://x.example/h", Events: []string{models.EventUserCreated}}, "url"},
		{"credentials", admin, models.NewWebhook{URL: "https://u:p@x.example/h", Events: []string{models.EventUserCreated}}, "url"},
		{"relative", admin, models.NewWebhook{URL: "/h", Events: []string{models.EventUserCreated}}, "url"},
		{"space", admin, models.NewWebhook{URL: "https://x.example/a b", Events: []string{models.EventUserCreated}}, "url"},
		{"too long", admin, models.NewWebhook{URL: "https://x.example/" + strings.Repeat("a", 2000), Events: []string{models.EventUserCreated}}, "url"},
	}
	for _, tc := range cases {
		errs := tc.in.Validate(&tc.u)
		switch {
		case tc.field == "" && errs.Any():
			t.Errorf("%s: got errors %v, want none", tc.name, errs)
		case tc.field != "" && errs[tc.field] == "":
			t.Errorf("%s: got errors %v, want one for %s", tc.name, errs, tc.field)
		}
	}
}

func TestWebhookCreateSealsTheSecretAndOwnerOnlySeesIt(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	a := userWithRole(t, m, "a@example.com", models.RoleAuthor)
	b := userWithRole(t, m, "b@example.com", models.RoleAuthor)
	in := models.NewWebhook{URL: "https://x.example/h", Events: []string{models.EventGuidePublished, models.EventGuidePublished}}
	in.Validate(&a)
	hook, secret, err := m.Webhooks.Create(ctx, a.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, models.WebhookSecretPrefix) || len(secret) != len(models.WebhookSecretPrefix)+64 {
		t.Errorf("secret %q: want whsec_ and 64 hex digits", secret)
	}
	if hook.EventList != models.EventGuidePublished {
		t.Errorf("events: got %q, want the one event once", hook.EventList)
	}
	if _, err := m.Webhooks.ByID(ctx, b.ID, hook.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another user's ByID: got %v, want ErrNotFound", err)
	}
	if err := m.Webhooks.Delete(ctx, b.ID, hook.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another user's Delete: got %v, want ErrNotFound", err)
	}
	// The database holds the secret sealed, and the worker gets it back.
	if _, err := m.Webhooks.SendTest(ctx, hook); err != nil {
		t.Fatal(err)
	}
	claimed, err := m.Webhooks.Claim(ctx, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: got %d, %v; want 1", len(claimed), err)
	}
	if string(claimed[0].Secret) != secret {
		t.Errorf("claimed secret does not match the one shown")
	}
	if n, err := m.Webhooks.ResealAll(ctx); err != nil || n != 0 {
		t.Errorf("reseal under the same key: got %d, %v; want 0", n, err)
	}
	if err := m.Webhooks.Delete(ctx, a.ID, hook.ID); err != nil {
		t.Errorf("owner's delete: %v", err)
	}
}

// ownedGuide creates a published guide of author's with one step, and
// returns it with the step.
func ownedGuide(t *testing.T, m *models.Models, author models.User, slug string) (models.Guide, models.Step) {
	t.Helper()
	ctx := context.Background()
	id, err := m.Authoring.CreateGuide(ctx, author.ID, models.GuideForm{Title: "G " + slug, Slug: slug, Difficulty: "beginner", Minutes: "5"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Authoring.AddStep(ctx, id, "Only step"); err != nil {
		t.Fatal(err)
	}
	if err := m.Authoring.SetPublished(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	g, err := m.Guides.BySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	step, err := m.Steps.At(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	return g, step
}

// Every subscriber gets only what they may see: admins everything, authors
// the progress in guides they write and every publication, nobody but
// admins new accounts; a locked admin nothing.
func TestWebhookEnqueuePrivacy(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	all := models.WebhookEvents
	guideEvents := []string{models.EventStepCompleted, models.EventGuideCompleted, models.EventGuidePublished}
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	locked := userWithRole(t, m, "locked@example.com", models.RoleAdmin)
	owner := userWithRole(t, m, "owner@example.com", models.RoleAuthor)
	coauthor := userWithRole(t, m, "co@example.com", models.RoleAuthor)
	stranger := userWithRole(t, m, "stranger@example.com", models.RoleAuthor)
	hooks := map[string]models.Webhook{
		"admin": subscribe(t, m, admin, all...), "locked": subscribe(t, m, locked, all...),
		"owner": subscribe(t, m, owner, guideEvents...), "coauthor": subscribe(t, m, coauthor, guideEvents...),
		"stranger": subscribe(t, m, stranger, guideEvents...),
	}
	if err := m.Users.SetLocked(ctx, locked.ID, true); err != nil {
		t.Fatal(err)
	}
	g, step := ownedGuide(t, m, owner, "owned")
	if err := m.Authoring.AddCoAuthor(ctx, g.ID, coauthor.Email); err != nil {
		t.Fatal(err)
	}
	// Publishing again is not a new publication.
	if err := m.Authoring.SetPublished(ctx, g.ID, true); err != nil {
		t.Fatal(err)
	}
	learner := newUser(t, m, "learner@example.com")
	if _, err := m.Progress.Toggle(ctx, learner.ID, step); err != nil {
		t.Fatal(err)
	}
	if code, err := m.Certificates.IssueIfComplete(ctx, learner, g); err != nil || code == "" {
		t.Fatalf("certificate: got %q, %v", code, err)
	}
	// A step already done is not completed again.
	if err := m.Progress.Set(ctx, learner.ID, step, true); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{
		"admin":    "guide.published user.created progress.step_completed guide.completed",
		"locked":   "",
		"owner":    "guide.published progress.step_completed guide.completed",
		"coauthor": "guide.published progress.step_completed guide.completed",
		"stranger": "guide.published",
	}
	for who, hook := range hooks {
		if got := eventNames(queued(t, m, hook)); got != want[who] {
			t.Errorf("%s's webhook: got [%s], want [%s]", who, got, want[who])
		}
	}

	// Payloads: the progress names guide, step and learner without the
	// learner's email; only user.created (admins only) carries one.
	for _, d := range queued(t, m, hooks["owner"]) {
		if strings.Contains(d.Payload, `"email"`) {
			t.Errorf("%s payload for an author holds the learner's email: %s", d.Event, d.Payload)
		}
	}
	var body struct {
		ID    string `json:"id"`
		Event string `json:"event"`
		Data  struct {
			Guide struct{ Slug, Title string }
			Step  struct {
				Number int
				Title  string
			}
			User struct {
				ID          int64
				DisplayName string `json:"display_name"`
			}
		}
	}
	step1 := queued(t, m, hooks["owner"])[1]
	if err := json.Unmarshal(step1.Body(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Event != models.EventStepCompleted || body.Data.Guide.Slug != "owned" || body.Data.Step.Number != 1 ||
		body.Data.Step.Title != "Only step" || body.Data.User.ID != learner.ID || body.Data.User.DisplayName != learner.DisplayName || body.ID == "" {
		t.Errorf("step_completed body: got %s", step1.Body())
	}
	created := queued(t, m, hooks["admin"])[1]
	if created.Event != models.EventUserCreated || !strings.Contains(created.Payload, `"email":"learner@example.com"`) {
		t.Errorf("user.created payload: got %s", created.Payload)
	}
}

// The event is queued in the transaction of the change: a change rolled
// back queues nothing.
func TestWebhookEnqueueJoinsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	m, d := webhookDB(t)
	ctx := context.Background()
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	hook := subscribe(t, m, admin, models.EventStepCompleted)
	g := seedGuide(t, m, "tx", 2)
	step, err := m.Steps.At(ctx, g.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = d.WithTx(ctx, func(ctx context.Context) error {
		if _, err := m.Progress.Toggle(ctx, admin.ID, step); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got := queued(t, m, hook); len(got) != 0 {
		t.Errorf("after rollback: got %d deliveries, want 0", len(got))
	}
	if _, err := m.Progress.Toggle(ctx, admin.ID, step); err != nil {
		t.Fatal(err)
	}
	if got := queued(t, m, hook); len(got) != 1 {
		t.Errorf("after commit: got %d deliveries, want 1", len(got))
	}
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := models.RetryDelay(i + 1); got != w {
			t.Errorf("RetryDelay(%d): got %v, want %v", i+1, got, w)
		}
	}
}

// A failing receiver is retried on the schedule, the last time a day
// after the first attempt, and then the delivery fails for good.
func TestWebhookRetriesThenGivesUpAfterADay(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	m.Webhooks.SetClock(c.now)
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	hook := subscribe(t, m, admin, models.EventUserCreated)
	if _, err := m.Webhooks.SendTest(ctx, hook); err != nil {
		t.Fatal(err)
	}
	first := c.t
	var gaps []time.Duration
	attempts := 0
	for {
		claimed, err := m.Webhooks.Claim(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(claimed) != 1 {
			t.Fatalf("attempt %d: claimed %d, want 1", attempts+1, len(claimed))
		}
		// Claimed, it is not handed out again while the attempt runs.
		if again, _ := m.Webhooks.Claim(ctx, 10); len(again) != 0 {
			t.Fatalf("a claimed delivery was claimed twice")
		}
		if err := m.Webhooks.Record(ctx, claimed[0], models.Attempt{StatusCode: 503}); err != nil {
			t.Fatal(err)
		}
		attempts++
		d := queued(t, m, hook)[0]
		if d.Attempts != attempts || d.LastStatusCode == nil || *d.LastStatusCode != 503 {
			t.Fatalf("after attempt %d: got attempts %d, code %v", attempts, d.Attempts, d.LastStatusCode)
		}
		if d.Status == models.DeliveryFailed {
			break
		}
		if d.Status != models.DeliveryPending {
			t.Fatalf("status %q", d.Status)
		}
		// Not due before its time.
		c.t = d.NextAttemptAt.Add(-time.Second)
		if early, _ := m.Webhooks.Claim(ctx, 10); len(early) != 0 {
			t.Fatalf("attempt %d: claimed a second early", attempts+1)
		}
		gaps = append(gaps, d.NextAttemptAt.Sub(*d.LastAttemptAt))
		c.t = d.NextAttemptAt
		if attempts > 100 {
			t.Fatal("never gave up")
		}
	}
	for i, g := range gaps[:7] {
		if g != models.RetryDelay(i+1) {
			t.Errorf("gap %d: got %v, want %v", i+1, g, models.RetryDelay(i+1))
		}
	}
	if got := c.t.Sub(first); got != models.RetryGiveUp {
		t.Errorf("gave up %v after the first attempt, want %v", got, models.RetryGiveUp)
	}
	// 1+2+4+8+16+32 minutes, then hourly until the day is over.
	if attempts < 24 || attempts > 30 {
		t.Errorf("attempts: got %d, want about 29", attempts)
	}
}

// A subscription's deliveries go out in order: a later one waits while an
// earlier one is pending, and other subscriptions are not held up.
func TestWebhookHeadOfLineOrdering(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	m.Webhooks.SetClock(c.now)
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	slow := subscribe(t, m, admin, models.EventUserCreated)
	other := subscribe(t, m, admin, models.EventUserCreated)
	newUser(t, m, "one@example.com")
	newUser(t, m, "two@example.com")

	claimIDs := func() map[int64]int64 { // webhook → delivery
		t.Helper()
		claimed, err := m.Webhooks.Claim(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]int64{}
		for _, d := range claimed {
			if _, dup := out[d.WebhookID]; dup {
				t.Fatalf("two deliveries of webhook %d claimed at once", d.WebhookID)
			}
			out[d.WebhookID] = d.ID
			ok := d.WebhookID == other.ID
			if err := m.Webhooks.Record(ctx, d, models.Attempt{StatusCode: map[bool]int{true: 200, false: 500}[ok]}); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	slowQ, otherQ := queued(t, m, slow), queued(t, m, other)
	got := claimIDs()
	if got[slow.ID] != slowQ[0].ID || got[other.ID] != otherQ[0].ID {
		t.Fatalf("first pass: got %v, want each webhook's first delivery", got)
	}
	// The slow webhook's first delivery failed: its second waits, even
	// when due; the other webhook moves on.
	got = claimIDs()
	if _, ok := got[slow.ID]; ok || got[other.ID] != otherQ[1].ID {
		t.Fatalf("second pass: got %v, want only the other webhook's second delivery", got)
	}
	c.t = c.t.Add(models.RetryFirst)
	got = claimIDs()
	if got[slow.ID] != slowQ[0].ID {
		t.Fatalf("retry: got %v, want the slow webhook's first delivery again", got)
	}
}

func TestWebhookDeliveriesPages(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	hook := subscribe(t, m, admin, models.EventUserCreated)
	for range 5 {
		if _, err := m.Webhooks.SendTest(ctx, hook); err != nil {
			t.Fatal(err)
		}
	}
	page1, more, err := m.Webhooks.Deliveries(ctx, hook.ID, 0, 3)
	if err != nil || len(page1) != 3 || !more {
		t.Fatalf("page 1: got %d, more %v, %v; want 3 and more", len(page1), more, err)
	}
	page2, more, err := m.Webhooks.Deliveries(ctx, hook.ID, page1[2].ID, 3)
	if err != nil || len(page2) != 2 || more {
		t.Fatalf("page 2: got %d, more %v, %v; want 2 and no more", len(page2), more, err)
	}
	if page1[0].ID <= page1[2].ID || page2[0].ID >= page1[2].ID {
		t.Errorf("pages are not newest first without overlap")
	}
}

func TestSettingsBool(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	key := models.SettingPrivateWebhookTargets
	if got, err := m.Settings.Bool(ctx, key); err != nil || got {
		t.Errorf("never set: got %v, %v; want false", got, err)
	}
	for _, want := range []bool{true, false} {
		if err := m.Settings.SetBool(ctx, key, want); err != nil {
			t.Fatal(err)
		}
		if got, err := m.Settings.Bool(ctx, key); err != nil || got != want {
			t.Errorf("after setting %v: got %v, %v", want, got, err)
		}
	}
}

// A worker that claimed a delivery and died (its instance was killed)
// never records the attempt: nobody takes the delivery while its lease
// runs, and the next claim after the lease takes it again, once.
func TestWebhookClaimOfADeadWorkerIsTakenAgainAfterItsLease(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	m.Webhooks.SetClock(c.now)
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	hook := subscribe(t, m, admin, models.EventUserCreated)
	if _, err := m.Webhooks.SendTest(ctx, hook); err != nil {
		t.Fatal(err)
	}
	dead, err := m.Webhooks.Claim(ctx, 10)
	if err != nil || len(dead) != 1 {
		t.Fatalf("first claim: %d, %v; want 1", len(dead), err)
	}
	// The worker dies here, before Record.
	c.t = c.t.Add(models.ClaimLease - time.Second)
	if again, _ := m.Webhooks.Claim(ctx, 10); len(again) != 0 {
		t.Fatal("taken again while the dead worker's lease runs")
	}
	c.t = c.t.Add(time.Second)
	again, err := m.Webhooks.Claim(ctx, 10)
	if err != nil || len(again) != 1 || again[0].ID != dead[0].ID {
		t.Fatalf("after the lease: %+v, %v; want the same delivery", again, err)
	}
	if err := m.Webhooks.Record(ctx, again[0], models.Attempt{StatusCode: 200}); err != nil {
		t.Fatal(err)
	}
	d := queued(t, m, hook)[0]
	if d.Status != models.DeliveryDelivered || d.Attempts != 1 {
		t.Errorf("after the retry: status %q, attempts %d; want delivered after 1 recorded attempt", d.Status, d.Attempts)
	}
}

// Workers claiming at once (instances, on PostgreSQL) never get the same
// delivery: twenty deliveries on twenty subscriptions, eight claimers.
func TestWebhookConcurrentClaimsNeverShareADelivery(t *testing.T) {
	t.Parallel()
	m := webhookModels(t)
	ctx := context.Background()
	admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
	const n = 20 // a user's most
	for i := range n {
		u := admin
		u.Email = fmt.Sprintf("hook%d@example.com", i) // a URL of its own
		hook := subscribe(t, m, u, models.EventUserCreated)
		if _, err := m.Webhooks.SendTest(ctx, hook); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		seen = map[int64]int{}
		wg   sync.WaitGroup
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				claimed, err := m.Webhooks.Claim(ctx, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(claimed) == 0 {
					return
				}
				mu.Lock()
				for _, d := range claimed {
					seen[d.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d deliveries, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("delivery %d claimed %d times", id, k)
		}
	}
}
