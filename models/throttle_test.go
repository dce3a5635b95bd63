package models_test

import (
	"context"
	"testing"
	"time"

	"stepwise/models"
)

// clock is a settable time for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestThrottleGrowsThenLocksThenForgets(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	m.SetClock(clk.now)
	l := models.AccountLimit
	key := "login:email:x@example.com"

	wait := func() time.Duration {
		t.Helper()
		d, err := m.Throttle.Wait(ctx, key, "login:ip:192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// The first failures are free.
	for i := 1; i <= l.Free; i++ {
		if err := m.Throttle.Fail(ctx, l, key); err != nil {
			t.Fatal(err)
		}
		if d := wait(); d != 0 {
			t.Fatalf("after %d failures: wait %v, want 0", i, d)
		}
	}
	// Then each failure doubles the wait: 1s, 2s, 4s, …
	want := l.Base
	for i := l.Free + 1; i < l.LockAfter; i++ {
		if err := m.Throttle.Fail(ctx, l, key); err != nil {
			t.Fatal(err)
		}
		if d := wait(); d != min(want, l.Max) {
			t.Fatalf("after %d failures: wait %v, want %v", i, d, min(want, l.Max))
		}
		clk.advance(min(want, l.Max)) // wait it out, as a patient guesser would
		want *= 2
	}
	// The tenth failure locks the key.
	if err := m.Throttle.Fail(ctx, l, key); err != nil {
		t.Fatal(err)
	}
	if d := wait(); d != l.LockFor {
		t.Fatalf("after %d failures: wait %v, want the %v lock", l.LockAfter, d, l.LockFor)
	}
	// After the lock and the window, everything is forgotten.
	clk.advance(l.LockFor + l.Window)
	if d := wait(); d != 0 {
		t.Fatalf("after the lock: wait %v, want 0", d)
	}
	if err := m.Throttle.Fail(ctx, l, key); err != nil {
		t.Fatal(err)
	}
	if d := wait(); d != 0 {
		t.Errorf("first failure of a new window: wait %v, want 0", d)
	}
	// A success clears the key.
	for range l.Free + 1 {
		_ = m.Throttle.Fail(ctx, l, key)
	}
	if err := m.Throttle.Clear(ctx, key); err != nil {
		t.Fatal(err)
	}
	if d := wait(); d != 0 {
		t.Errorf("after clear: wait %v, want 0", d)
	}
}

func TestSessionsExpireWhenIdleOrOld(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	m.SetClock(clk.now)
	u := newUser(t, m, "idle@example.com")

	idle, _ := m.Sessions.Create(ctx, u.ID, "192.0.2.1", "test")
	busy, _ := m.Sessions.Create(ctx, u.ID, "192.0.2.1", "test")
	// busy is used every day; idle is left alone.
	for day := 0; day < 8; day++ {
		clk.advance(24 * time.Hour)
		if _, err := m.Sessions.Current(ctx, busy, "192.0.2.1"); err != nil {
			t.Fatalf("day %d: busy session ended: %v", day+1, err)
		}
	}
	if _, err := m.Sessions.Current(ctx, idle, "192.0.2.1"); err != models.ErrNotFound {
		t.Errorf("idle session after 8 days: got %v, want ErrNotFound", err)
	}
	// However busy, no session outlives the absolute timeout.
	for clk.t.Sub(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)) <= models.SessionAbsoluteTimeout {
		clk.advance(24 * time.Hour)
		if _, err := m.Sessions.Current(ctx, busy, "192.0.2.1"); err != nil {
			if clk.t.Sub(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)) <= models.SessionAbsoluteTimeout {
				t.Fatalf("busy session ended early, at %v", clk.t)
			}
		}
	}
	if _, err := m.Sessions.Current(ctx, busy, "192.0.2.1"); err != models.ErrNotFound {
		t.Errorf("session past the absolute timeout: got %v, want ErrNotFound", err)
	}
	if list, _ := m.Sessions.List(ctx, u.ID); len(list) != 0 {
		t.Errorf("expired sessions left in the list: %d", len(list))
	}
}
