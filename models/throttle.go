package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"stepwise/db"
)

// Limit says how failures slow a key down and then lock it.
type Limit struct {
	Free      int           // failures allowed before any delay
	Base      time.Duration // the first delay; each further failure doubles it
	Max       time.Duration // the longest growing delay
	LockAfter int           // failures that lock the key for LockFor
	LockFor   time.Duration
	Window    time.Duration // failures older than this are forgotten
}

// Limits for guessing secrets. Failures are counted per account at one
// client address (keyed by the email typed, so the answer is the same
// whether or not it is registered) and per address, which allows more
// because addresses are shared: neither can be driven up from elsewhere.
// An account's browsers that have signed in before carry a device cookie
// and count only against DeviceLimit, their own; the rest share the
// account's SharedLimit, the one count that failures from many addresses
// can lock, so a distributed guesser locks out new browsers and never the
// owner's usual one (OWASP's "device cookies"). Every Window is at most
// staleAfter.
var (
	AccountLimit = Limit{Free: 3, Base: time.Second, Max: time.Minute, LockAfter: 10, LockFor: 15 * time.Minute, Window: 15 * time.Minute}
	AddressLimit = Limit{Free: 20, Base: time.Second, Max: time.Minute, LockAfter: 100, LockFor: 15 * time.Minute, Window: 15 * time.Minute}
	SharedLimit  = Limit{Free: 10, Base: time.Second, Max: time.Minute, LockAfter: 20, LockFor: 15 * time.Minute, Window: 15 * time.Minute}
	DeviceLimit  = Limit{Free: 3, Base: time.Second, Max: time.Minute, LockAfter: 10, LockFor: 15 * time.Minute, Window: 15 * time.Minute}
)

// Sign-up allowances: per client address, a burst of 10 and then one a
// minute; overall, a burst of 60 and then one a second. Each is
// Requests at once, refilled evenly over Window.
var (
	SignupAddressRate = RateLimit{Requests: 10, Window: 10 * time.Minute}
	SignupOverallRate = RateLimit{Requests: 60, Window: time.Minute}
)

// staleAfter is how long a throttle row is kept once it neither delays
// anyone nor counts toward a window.
const staleAfter = time.Hour

// delay is how long a key must wait after its nth failure.
func (l Limit) delay(n int) time.Duration {
	switch {
	case n >= l.LockAfter:
		return l.LockFor
	case n <= l.Free:
		return 0
	}
	d := l.Base << (n - l.Free - 1)
	if d > l.Max || d <= 0 {
		return l.Max
	}
	return d
}

// Throttle keeps failure counts in the database, so every instance behind
// a load balancer sees the same counts.
type Throttle struct {
	db  *db.DB
	now func() time.Time
}

// SetClock replaces the throttle's clock (tests step through delays
// without sleeping).
func (t *Throttle) SetClock(now func() time.Time) { t.now = now }

// Wait returns how long the caller must wait before trying any of keys
// again (zero when it may try now).
func (t *Throttle) Wait(ctx context.Context, keys ...string) (time.Duration, error) {
	var wait time.Duration
	for _, k := range keys {
		var next time.Time
		err := t.db.Get(ctx, &next, `SELECT next_allowed_at FROM throttle WHERE key = ?`, k)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("throttle wait: %w", err)
		}
		if d := next.Sub(t.now()); d > wait {
			wait = d
		}
	}
	return wait, nil
}

// Fail records a failure for key under l.
func (t *Throttle) Fail(ctx context.Context, l Limit, key string) error {
	return t.db.WithTx(ctx, func(ctx context.Context) error {
		now := t.now()
		var row struct {
			Failures    int       `db:"failures"`
			WindowStart time.Time `db:"window_start"`
		}
		err := t.db.Get(ctx, &row, `SELECT failures, window_start FROM throttle WHERE key = ?`, key)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && now.Sub(row.WindowStart) > l.Window):
			row.Failures, row.WindowStart = 0, now
			// A new window: also forget other keys' stale windows.
			if err := t.prune(ctx, now, l.Window); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("throttle read: %w", err)
		}
		row.Failures++
		_, err = t.db.Exec(ctx, `
			INSERT INTO throttle (key, failures, window_start, next_allowed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
				window_start = excluded.window_start, next_allowed_at = excluded.next_allowed_at`,
			key, row.Failures, row.WindowStart, now.Add(l.delay(row.Failures)))
		if err != nil {
			return fmt.Errorf("throttle fail: %w", err)
		}
		return nil
	})
}

// Clear forgets key's failures (after a success).
func (t *Throttle) Clear(ctx context.Context, key string) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM throttle WHERE key = ?`, key); err != nil {
		return fmt.Errorf("throttle clear: %w", err)
	}
	return nil
}

// AddressKey names a client address for throttling: an IPv4 address
// itself, an IPv6 address by its /64, the block one subscriber is given
// (counting single IPv6 addresses would let one subscriber rotate
// through 2^64 of them).
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// A Budget is the throttle keys one guess at a secret counts against,
// each with its limit. The guess may be made when no key makes it wait;
// a wrong one counts against every key; a right one forgets the keys
// marked Clear (never a shared address's).
type Budget []Charge

// Charge is one key of a Budget.
type Charge struct {
	Key   string
	Limit Limit
	Clear bool
}

// LoginBudget is what a password typed into the login form counts
// against. device is the nonce of the browser's device cookie when it is
// valid for this email ("" otherwise): such a browser has signed in to the
// account before and counts only against its own budget, so nobody else's
// failures slow it down. Any other browser counts against the email at
// its address, its address, and the email's budget shared by every
// browser without a device cookie.
func LoginBudget(email, ip, device string) Budget {
	if device != "" {
		return Budget{{Key: "login:device:" + device, Limit: DeviceLimit, Clear: true}}
	}
	addr := AddressKey(ip)
	return Budget{
		{Key: "login:address-email:" + addr + " " + email, Limit: AccountLimit, Clear: true},
		{Key: "login:ip:" + addr, Limit: AddressLimit},
		{Key: "login:email:" + email, Limit: SharedLimit, Clear: true},
	}
}

// APILoginBudget is what a password (or code) given to POST
// /api/v1/tokens counts against: the email at the caller's address and
// the address, sharing those counts with the login form. There are no
// cookies, so no device; and no shared budget, so failures from other
// addresses never stop a script that has the right password.
func APILoginBudget(email, ip string) Budget {
	addr := AddressKey(ip)
	return Budget{
		{Key: "login:address-email:" + addr + " " + email, Limit: AccountLimit, Clear: true},
		{Key: "login:ip:" + addr, Limit: AddressLimit},
	}
}

// TwoFactorBudget is what a two-factor code counts against, shaped like
// LoginBudget: a recognised device (device is its cookie's nonce) only
// against its own budget; otherwise the account at this address, the
// address, and the account's budget shared by unrecognised browsers.
func TwoFactorBudget(userID int64, ip, device string) Budget {
	if device != "" {
		return Budget{{Key: "2fa:device:" + device, Limit: DeviceLimit, Clear: true}}
	}
	addr, id := AddressKey(ip), strconv.FormatInt(userID, 10)
	return Budget{
		{Key: "2fa:address-user:" + addr + " " + id, Limit: AccountLimit, Clear: true},
		{Key: "2fa:ip:" + addr, Limit: AddressLimit},
		{Key: "2fa:user:" + id, Limit: SharedLimit, Clear: true},
	}
}

// Check returns how long b's guesser must wait before guessing (zero
// when it may guess now).
func (t *Throttle) Check(ctx context.Context, b Budget) (time.Duration, error) {
	keys := make([]string, len(b))
	for i, ch := range b {
		keys[i] = ch.Key
	}
	return t.Wait(ctx, keys...)
}

// Failed counts a wrong guess against every key of b.
func (t *Throttle) Failed(ctx context.Context, b Budget) error {
	return t.db.WithTx(ctx, func(ctx context.Context) error {
		for _, ch := range b {
			if err := t.Fail(ctx, ch.Limit, ch.Key); err != nil {
				return err
			}
		}
		return nil
	})
}

// Succeeded forgets the failures of b's keys marked Clear.
func (t *Throttle) Succeeded(ctx context.Context, b Budget) error {
	for _, ch := range b {
		if !ch.Clear {
			continue
		}
		if err := t.Clear(ctx, ch.Key); err != nil {
			return err
		}
	}
	return nil
}

// Allowance is a key and the rate it may be spent at.
type Allowance struct {
	Key  string
	Rate RateLimit
}

// SignupOverallKey is the allowance every sign-up spends.
const SignupOverallKey = "signup:all"

// SignupAllowances are what one sign-up spends: its address's allowance
// and everyone's.
func SignupAllowances(ip string) []Allowance {
	return []Allowance{
		{Key: "signup:ip:" + AddressKey(ip), Rate: SignupAddressRate},
		{Key: SignupOverallKey, Rate: SignupOverallRate},
	}
}

// Take spends one event from each allowance, or, when any of them is used
// up, from none: it then returns that key and how long until it has room.
// A refusal spends nothing, so hammering does not lengthen the wait. Each
// key's row holds when its allowance is next full minus one interval
// (the "generic cell rate algorithm"): Rate.Requests may come at once,
// then one every Rate.Window/Rate.Requests.
func (t *Throttle) Take(ctx context.Context, as ...Allowance) (refused string, wait time.Duration, err error) {
	err = t.db.WithTx(ctx, func(ctx context.Context) error {
		now := t.now()
		next := make([]time.Time, len(as))
		fresh := false
		for i, a := range as {
			interval := a.Rate.Window / time.Duration(max(a.Rate.Requests, 1))
			var tat time.Time
			err := t.db.Get(ctx, &tat, `SELECT next_allowed_at FROM throttle WHERE key = ?`, a.Key)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				tat, fresh = now, true
			case err != nil:
				return fmt.Errorf("throttle take: %w", err)
			case tat.Before(now):
				tat = now
			}
			next[i] = tat.Add(interval)
			if d := next[i].Sub(now) - a.Rate.Window; d > wait {
				refused, wait = a.Key, d
			}
		}
		if refused != "" {
			return nil
		}
		if fresh {
			if err := t.prune(ctx, now, staleAfter); err != nil {
				return err
			}
		}
		for i, a := range as {
			_, err := t.db.Exec(ctx, `
				INSERT INTO throttle (key, failures, window_start, next_allowed_at) VALUES (?, 1, ?, ?)
				ON CONFLICT (key) DO UPDATE SET failures = throttle.failures + 1,
					window_start = excluded.window_start, next_allowed_at = excluded.next_allowed_at`,
				a.Key, now, next[i])
			if err != nil {
				return fmt.Errorf("throttle take: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	return refused, wait, nil
}

// prune forgets rows that delay nobody and were last touched more than
// age ago.
func (t *Throttle) prune(ctx context.Context, now time.Time, age time.Duration) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM throttle WHERE window_start < ? AND next_allowed_at < ?`, now.Add(-age), now); err != nil {
		return fmt.Errorf("throttle prune: %w", err)
	}
	return nil
}
