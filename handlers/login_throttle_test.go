package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stepwise/handlers/root"
	"stepwise/models"
)

// Repeated wrong passwords slow the account down: after the free attempts
// the login answers 429 with Retry-After, even for the right password,
// and says the same for an unknown email, so nothing reveals whether an
// account exists.
func TestLoginIsThrottled(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := srv.client()
	owner.signup("slow@example.com", "Slow", strongPassword)
	c := srv.client()

	for i := 1; i <= models.AccountLimit.Free+1; i++ {
		wantStatus(t, c.login("slow@example.com", "wrong guess", ""), http.StatusUnauthorized)
	}
	r := c.login("slow@example.com", strongPassword, "")
	wantStatus(t, r, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After: %q", r.Header.Get("Retry-After"))
	}
	if msg := r.testid(t, "form-error").Text(); !strings.Contains(msg, "Too many attempts") {
		t.Errorf("throttled message: %q", msg)
	}
	if got := r.doc(t).Find(`input[name="email"]`).AttrOr("value", ""); got != "slow@example.com" {
		t.Errorf("email kept: %q", got)
	}
	if countEvents(t, srv, models.EventLoginThrottled) != 1 || countEvents(t, srv, models.EventLoginFailure) != models.AccountLimit.Free+1 {
		t.Errorf("audit: want %d failures and 1 throttled", models.AccountLimit.Free+1)
	}

	// An unknown email is throttled exactly the same way.
	for i := 1; i <= models.AccountLimit.Free+1; i++ {
		wantStatus(t, c.login("ghost@example.com", "wrong guess", ""), http.StatusUnauthorized)
	}
	wantStatus(t, c.login("ghost@example.com", "wrong guess", ""), http.StatusTooManyRequests)
}

// testClock is a settable time shared by the test and the server's
// request goroutines.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newThrottleServer starts the app behind a trusted proxy on loopback, so
// a test gives each request its client address in X-Forwarded-For, with
// the throttle reading clk: delays are stepped through, never slept.
func newThrottleServer(t *testing.T) (*server, *testClock) {
	t.Helper()
	srv := newServer(t, func(d *root.Config) {
		d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		// Every client is the same peer (the loopback "proxy"); the
		// addresses under test are the forwarded ones.
		d.Limits.MaxConnsPerIP = -1
	})
	clk := &testClock{t: time.Now().UTC()}
	srv.Models.Throttle.SetClock(clk.now)
	return srv, clk
}

// loginFrom posts the login form from the client address ip.
func (c *client) loginFrom(ip, email, password string) *response {
	c.t.Helper()
	tok := c.csrf("/login")
	return c.post("/login", url.Values{"csrf_token": {tok}, "email": {email}, "password": {password}}, "X-Forwarded-For", ip)
}

// signupFrom posts the sign-up form from ip.
func (c *client) signupFrom(ip, email, name, password string) *response {
	c.t.Helper()
	tok := c.csrf("/signup")
	return c.post("/signup", url.Values{"csrf_token": {tok}, "email": {email}, "display_name": {name}, "password": {password}}, "X-Forwarded-For", ip)
}

// codeFrom posts a two-factor code from ip.
func (c *client) codeFrom(ip, code string) *response {
	c.t.Helper()
	tok := c.csrf("/login/two-factor")
	return c.post("/login/two-factor", url.Values{"csrf_token": {tok}, "code": {code}}, "X-Forwarded-For", ip)
}

// tokenFrom asks POST /api/v1/tokens for a token from ip.
func (c *client) tokenFrom(ip, email, password string) *response {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"email": email, "password": password, "name": "script", "scopes": []string{"read"}})
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/v1/tokens", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	return c.do(req)
}

// retryAfter reads a 429's Retry-After.
func retryAfter(t *testing.T, r *response) time.Duration {
	t.Helper()
	s, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || s < 1 {
		t.Fatalf("Retry-After: %q", r.Header.Get("Retry-After"))
	}
	return time.Duration(s) * time.Second
}

// patiently repeats try, waiting out each 429 on clk, until it answers
// something else.
func patiently(t *testing.T, clk *testClock, try func() *response) *response {
	t.Helper()
	for {
		r := try()
		if r.StatusCode != http.StatusTooManyRequests {
			return r
		}
		clk.advance(retryAfter(t, r))
	}
}

// guessFromManyAddresses makes n wrong-password logins for email, each
// from a fresh browser at a new address (198.51.100.first…), waiting out
// every delay like a patient botnet: n failures are counted.
func guessFromManyAddresses(t *testing.T, srv *server, clk *testClock, email string, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		ip := fmt.Sprintf("198.51.100.%d", i)
		wantStatus(t, patiently(t, clk, func() *response { return srv.client().loginFrom(ip, email, "wrong guess") }),
			http.StatusUnauthorized)
	}
}

const homeIP = "192.0.2.10"

// ownerAtHome signs up email from homeIP and signs out again; the browser
// keeps its device cookie.
func ownerAtHome(t *testing.T, srv *server, email string) *client {
	t.Helper()
	owner := srv.client()
	wantStatus(t, owner.signupFrom(homeIP, email, "Owner", strongPassword), http.StatusSeeOther)
	owner.logOut()
	return owner
}

// The attack: 12 wrong passwords from 12 addresses used to lock
// the account for 15 minutes, the right password included. The owner's
// usual browser, which has signed in before, is not slowed at all.
func TestLoginOwnersBrowserIgnoresGuessesFromElsewhere(t *testing.T) {
	t.Parallel()
	srv, clk := newThrottleServer(t)
	owner := ownerAtHome(t, srv, "owner@example.com")

	guessFromManyAddresses(t, srv, clk, "owner@example.com", 0, 12)
	wantStatus(t, owner.loginFrom(homeIP, "owner@example.com", strongPassword), http.StatusSeeOther)
	if !owner.isSignedIn() {
		t.Fatalf("the owner is not signed in")
	}
}

// A browser that never signed in to the account shares its budget with
// every other such browser: after 12 failures elsewhere it waits a few
// seconds; once the guessers reach SharedLimit.LockAfter it is locked for
// LockFor. Browsers that signed in before, after sign-up or after a
// login, are let in throughout.
func TestLoginNewBrowserSharesTheAccountsBudget(t *testing.T) {
	t.Parallel()
	srv, clk := newThrottleServer(t)
	const email = "shared@example.com"
	owner := ownerAtHome(t, srv, email)

	guessFromManyAddresses(t, srv, clk, email, 0, 12)
	laptop := srv.client()
	r := laptop.loginFrom("192.0.2.20", email, strongPassword)
	wantStatus(t, r, http.StatusTooManyRequests)
	if wait := retryAfter(t, r); wait > models.SharedLimit.Max+time.Second {
		t.Errorf("after 12 failures elsewhere a new browser waits %v, want a delay, not a lock", wait)
	}
	if msg := r.testid(t, "form-error").Text(); !strings.Contains(msg, "Too many attempts") {
		t.Errorf("throttled message: %q", msg)
	}
	clk.advance(retryAfter(t, r))
	wantStatus(t, laptop.loginFrom("192.0.2.20", email, strongPassword), http.StatusSeeOther)
	laptop.logOut()

	// The guessers carry on to the lock: new browsers are locked out, the
	// laptop (recognised since its login) and the owner's browser are not.
	guessFromManyAddresses(t, srv, clk, email, 100, models.SharedLimit.LockAfter)
	r = srv.client().loginFrom("192.0.2.30", email, strongPassword)
	wantStatus(t, r, http.StatusTooManyRequests)
	if wait := retryAfter(t, r); wait < models.SharedLimit.LockFor-time.Minute {
		t.Errorf("a new browser after %d failures elsewhere waits %v, want the %v lock", models.SharedLimit.LockAfter, wait, models.SharedLimit.LockFor)
	}
	wantStatus(t, laptop.loginFrom("192.0.2.20", email, strongPassword), http.StatusSeeOther)
	wantStatus(t, owner.loginFrom(homeIP, email, strongPassword), http.StatusSeeOther)
}

// Guessing from one address still slows down and then locks, for that
// address and account, even the right password; the owner's browser and
// other addresses are unaffected.
func TestLoginGuessingFromOneAddressIsLocked(t *testing.T) {
	t.Parallel()
	srv, clk := newThrottleServer(t)
	const email = "target@example.com"
	owner := ownerAtHome(t, srv, email)

	guesser := srv.client()
	const guesserIP = "203.0.113.66"
	for i := 0; i < models.AccountLimit.LockAfter; i++ {
		wantStatus(t, patiently(t, clk, func() *response { return guesser.loginFrom(guesserIP, email, "wrong guess") }),
			http.StatusUnauthorized)
	}
	r := guesser.loginFrom(guesserIP, email, strongPassword)
	wantStatus(t, r, http.StatusTooManyRequests)
	if wait := retryAfter(t, r); wait < models.AccountLimit.LockFor-time.Minute {
		t.Errorf("after %d failures from one address: wait %v, want the %v lock", models.AccountLimit.LockAfter, wait, models.AccountLimit.LockFor)
	}
	wantStatus(t, srv.client().loginFrom(guesserIP, email, strongPassword), http.StatusTooManyRequests) // a fresh browser there too
	wantStatus(t, owner.loginFrom(homeIP, email, strongPassword), http.StatusSeeOther)
	wantStatus(t, srv.client().loginFrom("192.0.2.99", email, strongPassword), http.StatusSeeOther)
}

// A device cookie counts only for the account it was issued to and only
// as issued: another account's, an altered one or a made-up one is
// ignored, so its guesses count against the shared budget like any
// unknown browser's.
func TestLoginIgnoresForgedDeviceCookies(t *testing.T) {
	t.Parallel()
	srv, clk := newThrottleServer(t)
	const email = "victim@example.com"
	victim := ownerAtHome(t, srv, email)
	mallory := ownerAtHome(t, srv, "mallory@example.com")

	base, _ := url.Parse(srv.URL)
	cookieOf := func(c *client) string {
		for _, ck := range c.http.Jar.Cookies(base) {
			if ck.Name == "stepwise_device" {
				return ck.Value
			}
		}
		t.Fatalf("no device cookie")
		return ""
	}
	real, malloryCookie := cookieOf(victim), cookieOf(mallory)
	parts := strings.Split(real, ".")
	if len(parts) != 3 {
		t.Fatalf("device cookie %q: want nonce.issued.mac", real)
	}
	alter := func(s string) string { return strings.Map(func(r rune) rune { return r ^ 1 }, s[:4]) + s[4:] }
	forged := []string{
		malloryCookie, // another account's
		parts[0] + "." + parts[1] + "." + alter(parts[2]),
		alter(parts[0]) + "." + parts[1] + "." + parts[2],
		parts[0] + "." + strconv.FormatInt(time.Now().Unix()+1, 10) + "." + parts[2],
		"AAAAAAAAAAAAAAAAAAAAAA." + parts[1] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"not a device cookie",
	}
	for i := range 12 {
		ip := fmt.Sprintf("198.51.100.%d", i)
		r := patiently(t, clk, func() *response {
			c := srv.client()
			c.http.Jar.SetCookies(base, []*http.Cookie{{Name: "stepwise_device", Value: forged[i%len(forged)]}})
			return c.loginFrom(ip, email, "wrong guess")
		})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	// All 12 counted against the shared budget, so a new browser waits...
	wantStatus(t, srv.client().loginFrom("192.0.2.50", email, strongPassword), http.StatusTooManyRequests)
	// ...and the victim's own browser does not.
	wantStatus(t, victim.loginFrom(homeIP, email, strongPassword), http.StatusSeeOther)
}

// Creating an API token with the password counts per account at the
// caller's address and per address only: failures from other addresses,
// however many, never refuse the owner's script (nor count against the
// login form's shared budget); guessing from one address is still
// throttled.
func TestAPITokenIsNotLockedByOtherAddresses(t *testing.T) {
	t.Parallel()
	srv, _ := newThrottleServer(t)
	const email = "script@example.com"
	ownerAtHome(t, srv, email)

	n := max(models.SharedLimit.LockAfter, models.AccountLimit.LockAfter) + 5
	for i := range n {
		wantStatus(t, srv.client().tokenFrom(fmt.Sprintf("198.51.100.%d", i), email, "wrong guess"), http.StatusUnauthorized)
	}
	wantStatus(t, srv.client().tokenFrom(homeIP, email, strongPassword), http.StatusCreated)
	wantStatus(t, srv.client().loginFrom("192.0.2.40", email, strongPassword), http.StatusSeeOther)

	guesser := srv.client()
	for range models.AccountLimit.Free + 1 {
		wantStatus(t, guesser.tokenFrom("203.0.113.7", email, "wrong guess"), http.StatusUnauthorized)
	}
	wantStatus(t, guesser.tokenFrom("203.0.113.7", email, strongPassword), http.StatusTooManyRequests)
}

// Wrong two-factor codes (from someone who has the password) are counted
// the same way: guessers at many addresses lock out new browsers, never
// the owner's.
func TestTwoFactorOwnersBrowserIgnoresCodeGuessesFromElsewhere(t *testing.T) {
	t.Parallel()
	srv, clk := newThrottleServer(t)
	const email = "twofa@example.com"
	owner := srv.client()
	wantStatus(t, owner.signupFrom(homeIP, email, "Owner", tfPassword), http.StatusSeeOther)
	secret, _ := owner.enrol()
	owner.logOut()
	bad := wrongCode(t, secret)

	for i := range models.SharedLimit.LockAfter {
		ip := fmt.Sprintf("198.51.100.%d", i)
		guesser := srv.client()
		wantStatus(t, guesser.loginFrom(ip, email, tfPassword), http.StatusSeeOther)
		wantStatus(t, patiently(t, clk, func() *response { return guesser.codeFrom(ip, bad) }), http.StatusUnauthorized)
	}

	srv.skipStep(email)
	stranger := srv.client()
	wantStatus(t, stranger.loginFrom("192.0.2.60", email, tfPassword), http.StatusSeeOther)
	r := stranger.codeFrom("192.0.2.60", totpCode(t, secret, time.Now()))
	wantStatus(t, r, http.StatusTooManyRequests)
	if wait := retryAfter(t, r); wait < models.SharedLimit.LockFor-time.Minute {
		t.Errorf("a new browser after %d wrong codes elsewhere waits %v, want the %v lock", models.SharedLimit.LockAfter, wait, models.SharedLimit.LockFor)
	}

	wantStatus(t, owner.loginFrom(homeIP, email, tfPassword), http.StatusSeeOther)
	wantStatus(t, owner.codeFrom(homeIP, totpCode(t, secret, time.Now())), http.StatusSeeOther)
	if !owner.isSignedIn() {
		t.Fatalf("the owner is not signed in")
	}
}

// 40 sign-ups at once from one address: SignupAddressRate.Requests are
// accepted, the rest answered 429 with the form kept and Retry-After, and
// audited; no account is made for them.
func TestSignupIsThrottledPerAddress(t *testing.T) {
	t.Parallel()
	srv, _ := newThrottleServer(t)
	const n = 40
	clients, toks := make([]*client, n), make([]string, n)
	for i := range n {
		clients[i] = srv.client()
		toks[i] = clients[i].csrf("/signup")
	}
	results := make([]*response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = clients[i].post("/signup", url.Values{"csrf_token": {toks[i]},
				"email": {fmt.Sprintf("bulk%d@example.com", i)}, "display_name": {fmt.Sprintf("Bulk %d", i)},
				"password": {strongPassword}}, "X-Forwarded-For", "198.51.100.40")
		}()
	}
	wg.Wait()

	accepted := 0
	for i, r := range results {
		switch r.StatusCode {
		case http.StatusSeeOther:
			accepted++
		case http.StatusTooManyRequests:
			retryAfter(t, r)
			doc := r.doc(t)
			if got := doc.Find(`input[name="email"]`).AttrOr("value", ""); got != fmt.Sprintf("bulk%d@example.com", i) {
				t.Errorf("refused sign-up %d: email kept as %q", i, got)
			}
			if got := doc.Find(`input[name="display_name"]`).AttrOr("value", ""); got != fmt.Sprintf("Bulk %d", i) {
				t.Errorf("refused sign-up %d: name kept as %q", i, got)
			}
			if msg := r.testid(t, "form-error").Text(); !strings.Contains(msg, "Too many sign-ups from your network; try again in 1 minute") {
				t.Errorf("refused sign-up %d: message %q", i, msg)
			}
		default:
			t.Errorf("sign-up %d: status %d", i, r.StatusCode)
		}
	}
	if want := models.SignupAddressRate.Requests; accepted != want {
		t.Errorf("accepted %d of %d sign-ups from one address, want %d", accepted, n, want)
	}
	var users int
	if err := srv.DB.Get(context.Background(), &users, `SELECT count(*) FROM users WHERE email LIKE 'bulk%'`); err != nil {
		t.Fatal(err)
	}
	if users != accepted {
		t.Errorf("%d accounts made for %d accepted sign-ups", users, accepted)
	}
	if got := countEvents(t, srv, models.EventSignupThrottled); got != n-accepted {
		t.Errorf("%s events: %d, want %d", models.EventSignupThrottled, got, n-accepted)
	}
	// Another address is not affected.
	wantStatus(t, srv.client().signupFrom("192.0.2.41", "neighbour@example.com", "Neighbour", strongPassword), http.StatusSeeOther)
}

// Sign-ups from many addresses together stop at SignupOverallRate, then
// are let in again as it refills.
func TestSignupOverallCapHoldsAcrossAddresses(t *testing.T) {
	t.Parallel()
	srv, clk := newThrottleServer(t)
	ctx := context.Background()
	// All but two of the overall allowance spent from other addresses.
	for i := range models.SignupOverallRate.Requests - 2 {
		if refused, _, err := srv.Models.Throttle.Take(ctx, models.SignupAllowances(fmt.Sprintf("10.0.%d.1", i))...); err != nil || refused != "" {
			t.Fatalf("spend %d: refused by %q, %v", i, refused, err)
		}
	}
	wantStatus(t, srv.client().signupFrom("198.51.100.1", "one@example.com", "One", strongPassword), http.StatusSeeOther)
	wantStatus(t, srv.client().signupFrom("198.51.100.2", "two@example.com", "Two", strongPassword), http.StatusSeeOther)

	late := srv.client()
	r := late.signupFrom("198.51.100.3", "three@example.com", "Three", strongPassword)
	wantStatus(t, r, http.StatusTooManyRequests)
	if msg := r.testid(t, "form-error").Text(); !strings.Contains(msg, "Too many people are signing up right now") {
		t.Errorf("message: %q", msg)
	}
	if got := r.doc(t).Find(`input[name="email"]`).AttrOr("value", ""); got != "three@example.com" {
		t.Errorf("email kept as %q", got)
	}
	clk.advance(retryAfter(t, r))
	wantStatus(t, late.signupFrom("198.51.100.3", "three@example.com", "Three", strongPassword), http.StatusSeeOther)
}
