package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"stepwise/models"
)

// clock is a settable time for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestThrottleGrowsThenLocksThenForgets(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// Sign-ups: an address may make SignupAddressRate.Requests at once, then
// one per interval; everyone together SignupOverallRate.Requests. A
// refusal spends nothing, from either allowance.
func TestSignupAllowances(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	m.SetClock(clk.now)
	take := func(ip string) (string, time.Duration) {
		t.Helper()
		refused, wait, err := m.Throttle.Take(ctx, models.SignupAllowances(ip)...)
		if err != nil {
			t.Fatal(err)
		}
		return refused, wait
	}
	addr := models.SignupAddressRate
	interval := addr.Window / time.Duration(addr.Requests)
	for i := range addr.Requests {
		if refused, _ := take("192.0.2.1"); refused != "" {
			t.Fatalf("sign-up %d from one address refused by %s", i+1, refused)
		}
	}
	for range 3 { // hammering does not lengthen the wait
		if refused, wait := take("192.0.2.1"); refused != "signup:ip:192.0.2.1" || wait != interval {
			t.Fatalf("over the address's allowance: refused by %q, wait %v; want the address, %v", refused, wait, interval)
		}
	}
	clk.advance(interval)
	if refused, _ := take("192.0.2.1"); refused != "" {
		t.Fatalf("after %v: refused by %s", interval, refused)
	}
	if refused, _ := take("192.0.2.1"); refused == "" {
		t.Fatalf("a second sign-up within the interval was allowed")
	}

	// Everyone together, once both allowances are full again.
	all := models.SignupOverallRate
	clk.advance(addr.Window + all.Window)
	for i := range all.Requests {
		if refused, _ := take(fmt.Sprintf("198.51.100.%d", i)); refused != "" {
			t.Fatalf("sign-up %d overall refused by %s", i+1, refused)
		}
	}
	refused, wait := take("203.0.113.9")
	if refused != models.SignupOverallKey || wait <= 0 || wait > all.Window/time.Duration(all.Requests) {
		t.Fatalf("over the overall allowance: refused by %q, wait %v", refused, wait)
	}
	// That refusal spent nothing from 203.0.113.9's own allowance.
	clk.advance(wait)
	for i := range addr.Requests {
		if i > 0 {
			clk.advance(all.Window / time.Duration(all.Requests))
		}
		if refused, _ := take("203.0.113.9"); refused != "" {
			t.Fatalf("sign-up %d from a fresh address refused by %s", i+1, refused)
		}
	}
}

// IPv6 clients are counted by their /64, which one subscriber holds.
func TestAddressKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.7":                   "192.0.2.7",
		"::ffff:192.0.2.7":            "192.0.2.7",
		"2001:db8:1:2:aaaa::1":        "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::abc": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":             "2001:db8:1:3::/64",
		"not an address":              "not an address",
	} {
		if got := models.AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
	if models.LoginBudget("a@example.com", "2001:db8::1", "")[1].Key != models.LoginBudget("a@example.com", "2001:db8::2", "")[1].Key {
		t.Errorf("two addresses of one /64 have different login budgets")
	}
}

// Failures from many addresses lock the account's shared budget, which
// only browsers without a device cookie use; a recognised device and the
// API's per-address budgets are untouched. One address guessing locks
// itself for the account, not the account.
func TestLoginBudgetsKeepOtherAddressesOut(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	m.SetClock(clk.now)
	const email = "owner@example.com"
	wait := func(b models.Budget) time.Duration {
		t.Helper()
		d, err := m.Throttle.Check(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// A guesser rotating addresses, waiting out every delay.
	for i := 0; i < models.SharedLimit.LockAfter; i++ {
		b := models.LoginBudget(email, fmt.Sprintf("198.51.100.%d", i), "")
		if d := wait(b); d > 0 {
			clk.advance(d)
		}
		if err := m.Throttle.Failed(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if d := wait(models.LoginBudget(email, "192.0.2.1", "")); d != models.SharedLimit.LockFor {
		t.Errorf("a new browser at a new address: wait %v, want the shared %v lock", d, models.SharedLimit.LockFor)
	}
	if d := wait(models.LoginBudget(email, "192.0.2.1", "device-nonce")); d != 0 {
		t.Errorf("the owner's recognised browser: wait %v, want 0", d)
	}
	if d := wait(models.APILoginBudget(email, "192.0.2.1")); d != 0 {
		t.Errorf("the API from the owner's address: wait %v, want 0", d)
	}
	if d := wait(models.LoginBudget("other@example.com", "192.0.2.1", "")); d != 0 {
		t.Errorf("another account: wait %v, want 0", d)
	}

	// One address guessing: locked for this account at this address.
	b := models.LoginBudget("one@example.com", "203.0.113.5", "")
	for i := 0; i < models.AccountLimit.LockAfter; i++ {
		if d := wait(b); d > 0 {
			clk.advance(d)
		}
		if err := m.Throttle.Failed(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if d := wait(b); d != models.AccountLimit.LockFor {
		t.Errorf("the guessing address: wait %v, want the %v lock", d, models.AccountLimit.LockFor)
	}
	if d := wait(models.APILoginBudget("one@example.com", "203.0.113.5")); d != models.AccountLimit.LockFor {
		t.Errorf("the guessing address through the API: wait %v, want the %v lock", d, models.AccountLimit.LockFor)
	}
	if d := wait(models.LoginBudget("one@example.com", "192.0.2.1", "")); d != 0 {
		t.Errorf("the account from another address: wait %v, want 0", d)
	}

	// A success forgets the guesser's own counts, never the address's.
	if err := m.Throttle.Succeeded(ctx, b); err != nil {
		t.Fatal(err)
	}
	if d := wait(models.LoginBudget("one@example.com", "203.0.113.5", "")); d != 0 {
		t.Errorf("after a success: wait %v, want 0", d)
	}
}
