package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp/totp"

	"stepwise/handlers"

	"stepwise/models"
)

const tfPassword = "a fine glacier orbit"

// totpCode is the code for secret at t, as the user's app would show it.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatalf("generate code: %v", err)
	}
	return c
}

// wrongCode is a six-digit code that is none of the codes the server
// accepts around now.
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	valid := map[string]bool{}
	for d := -2; d <= 2; d++ {
		valid[totpCode(t, secret, time.Now().Add(time.Duration(d)*30*time.Second))] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555"} {
		if !valid[c] {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// enrol sets up two-factor for c's user through the pages and returns the
// secret (as the page shows it) and the recovery codes.
func (c *client) enrol() (string, []string) {
	c.t.Helper()
	r := c.get("/account/two-factor/setup")
	wantStatus(c.t, r, http.StatusOK)
	secret := strings.ReplaceAll(r.testid(c.t, "totp-secret").Text(), " ", "")
	if len(secret) != 32 {
		c.t.Fatalf("manual key %q: want 32 base32 characters", secret)
	}
	tok, _ := r.doc(c.t).Find(`form[action="/account/two-factor/setup"] input[name="csrf_token"]`).Attr("value")
	r = c.post("/account/two-factor/setup", url.Values{"csrf_token": {tok}, "code": {totpCode(c.t, secret, time.Now())}})
	wantStatus(c.t, r, http.StatusOK)
	var codes []string
	r.testid(c.t, "recovery-code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
	if len(codes) != models.RecoveryCodeCount {
		c.t.Fatalf("got %d recovery codes, want %d; body: %.600s", len(codes), models.RecoveryCodeCount, r.Body)
	}
	return secret, codes
}

// loginCode posts code as the second step of a login, from the page.
func (c *client) loginCode(code, next string) *response {
	c.t.Helper()
	tok := c.csrf("/login/two-factor")
	return c.post("/login/two-factor", url.Values{"csrf_token": {tok}, "code": {code}, "next": {next}})
}

// passwordStep logs in with the password and checks it asks for a code.
func (c *client) passwordStep(email, next string) {
	c.t.Helper()
	r := c.login(email, tfPassword, next)
	wantStatus(c.t, r, http.StatusSeeOther)
	want := "/login/two-factor"
	if next != "" {
		want += "?next=" + url.QueryEscape(next)
	}
	if loc := r.Header.Get("Location"); loc != want {
		c.t.Fatalf("after the password: redirected to %q, want %q", loc, want)
	}
}

// isSignedIn reports whether the home page shows c as signed in.
func (c *client) isSignedIn() bool {
	c.t.Helper()
	return c.get("/").testid(c.t, "current-user").Length() > 0
}

// logOut posts the header's log-out form.
func (c *client) logOut() {
	c.t.Helper()
	wantStatus(c.t, c.post("/logout", url.Values{"csrf_token": {c.csrf("/")}}), http.StatusSeeOther)
}

// skipStep makes the server forget which TOTP step the user last used, as
// if the code's window had passed, so a test can use another code now.
func (s *server) skipStep(email string) {
	s.t.Helper()
	if _, err := s.DB.Exec(context.Background(), `UPDATE users SET totp_last_step = ? WHERE email = ?`,
		time.Now().Unix()/30-2, email); err != nil {
		s.t.Fatal(err)
	}
}

func (s *server) userByEmail(email string) models.User {
	s.t.Helper()
	u, err := s.Models.Users.ByEmail(context.Background(), email)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func (s *server) auditCount(email, event string) int {
	s.t.Helper()
	var n int
	err := s.DB.Get(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE event = ? AND target_id = (SELECT id FROM users WHERE email = ?)`, event, email)
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func (s *server) userSessionCount(email string) int {
	s.t.Helper()
	var n int
	if err := s.DB.Get(context.Background(), &n, `SELECT count(*) FROM user_sessions WHERE user_id = (SELECT id FROM users WHERE email = ?)`, email); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func wantNoStore(t *testing.T, r *response) {
	t.Helper()
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", r.Request.URL.Path, got)
	}
}

func TestTwoFactorEnrol(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("tess@example.com", "Tess", tfPassword)

	r := c.get("/account")
	if on, _ := r.testid(t, "twofactor-status").Attr("data-on"); on != "false" {
		t.Fatalf("two-factor status before: data-on=%q", on)
	}
	if href, _ := r.testid(t, "twofactor-setup").Attr("href"); href != "/account/two-factor/setup" {
		t.Errorf("set-up link: %q", href)
	}

	r = c.get("/account/two-factor/setup")
	wantStatus(t, r, http.StatusOK)
	wantNoStore(t, r)
	if src, _ := r.testid(t, "totp-qr").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("QR code src %.40q, want a PNG data URL", src)
	}
	shown := r.testid(t, "totp-secret").Text()
	if len(strings.Fields(shown)) != 8 {
		t.Errorf("manual key %q: want 8 groups of 4", shown)
	}
	secret := strings.ReplaceAll(shown, " ", "")
	if again := c.get("/account/two-factor/setup").testid(t, "totp-secret").Text(); again != shown {
		t.Errorf("reload shows another key: %q, want %q", again, shown)
	}

	// Wrong and malformed codes: the form again, the same key, nothing stored.
	tok := c.csrf("/account/two-factor/setup")
	for _, bad := range []string{wrongCode(t, secret), "12ab56", ""} {
		r = c.post("/account/two-factor/setup", url.Values{"csrf_token": {tok}, "code": {bad}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantNoStore(t, r)
		if r.testid(t, "code-error").Length() != 1 {
			t.Errorf("code %q: no error on the code field", bad)
		}
		if got := r.testid(t, "totp-secret").Text(); got != shown {
			t.Errorf("code %q: key changed to %q", bad, got)
		}
	}
	if u := srv.userByEmail("tess@example.com"); u.TwoFactor() || u.TOTPSecret != nil {
		t.Fatalf("unconfirmed secret stored: enabled=%v secret=%d bytes", u.TwoFactor(), len(u.TOTPSecret))
	}

	// The right code: on, and the recovery codes shown this once.
	cookieBefore := sessionToken(c)
	r = c.post("/account/two-factor/setup", url.Values{"csrf_token": {tok}, "code": {totpCode(t, secret, time.Now())}})
	wantStatus(t, r, http.StatusOK)
	wantNoStore(t, r)
	codes := r.testid(t, "recovery-code")
	if codes.Length() != models.RecoveryCodeCount {
		t.Fatalf("got %d recovery codes, want %d", codes.Length(), models.RecoveryCodeCount)
	}
	first := codes.First().Text()
	if href, _ := r.testid(t, "codes-saved").Attr("href"); href != "/account?done=twofactor-on" {
		t.Errorf("continue link %q", href)
	}
	if sessionToken(c) == cookieBefore {
		t.Errorf("session token not renewed after turning two-factor on")
	}

	u := srv.userByEmail("tess@example.com")
	if !u.TwoFactor() {
		t.Fatalf("two-factor not on")
	}
	if strings.Contains(string(u.TOTPSecret), secret) || strings.Contains(strings.ToLower(string(u.TOTPSecret)), strings.ToLower(secret[:8])) {
		t.Errorf("the database holds the secret in plain text")
	}
	if n := srv.auditCount("tess@example.com", models.EventTwoFactorOn); n != 1 {
		t.Errorf("%s events: %d, want 1", models.EventTwoFactorOn, n)
	}

	r = c.get("/account?done=twofactor-on")
	if on, _ := r.testid(t, "twofactor-status").Attr("data-on"); on != "true" {
		t.Errorf("account page: data-on=%q, want true", on)
	}
	if got := r.testid(t, "recovery-left").Text(); !strings.Contains(got, "10 of 10") {
		t.Errorf("recovery codes left: %q", got)
	}
	if strings.Contains(r.Body, first) || strings.Contains(r.Body, shown) {
		t.Errorf("the account page shows a recovery code or the key again")
	}
	// Set-up is over: its page sends the user back.
	r = c.get("/account/two-factor/setup")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/account" {
		t.Errorf("set-up page when on: redirected to %q", loc)
	}
}

// sessionToken is the value of c's session cookie.
func sessionToken(c *client) string {
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "stepwise_session") {
			return ck.Value
		}
	}
	return ""
}

func TestTwoFactorLoginNeedsTheCode(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "lou@example.com"
	c.signup(email, "Lou", tfPassword)
	secret, _ := c.enrol()
	enrolCode := totpCode(t, secret, time.Now())
	c.logOut()

	// No pending login: the code page sends you to log in.
	r := c.get("/login/two-factor?next=/account")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next=%2Faccount" {
		t.Errorf("code page without a password: redirected to %q", loc)
	}

	c.passwordStep(email, "/account")
	// Between the password and the code you are signed out everywhere.
	if c.isSignedIn() {
		t.Fatalf("signed in before the code")
	}
	if n := srv.userSessionCount(email); n != 0 {
		t.Errorf("user sessions before the code: %d, want 0", n)
	}
	wantStatus(t, c.get("/account"), http.StatusSeeOther)
	r = c.get("/login/two-factor?next=/account")
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "twofactor-login-page").Length() != 1 {
		t.Fatalf("no code page")
	}

	// A wrong code, and the code that confirmed the set-up, are refused.
	for _, bad := range []string{wrongCode(t, secret), enrolCode, "not a code"} {
		r = c.loginCode(bad, "/account")
		wantStatus(t, r, http.StatusUnauthorized)
		if r.testid(t, "code-error").Length() != 1 {
			t.Errorf("code %q: no error on the code field", bad)
		}
	}
	if n := srv.auditCount(email, models.EventTwoFactorFailure); n != 3 {
		t.Errorf("%s events: %d, want 3", models.EventTwoFactorFailure, n)
	}
	if c.isSignedIn() {
		t.Fatalf("signed in after wrong codes")
	}

	// The next code signs in and returns to ?next.
	next := totpCode(t, secret, time.Now().Add(30*time.Second))
	r = c.loginCode(next, "/account")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/account" {
		t.Errorf("after the code: redirected to %q, want /account", loc)
	}
	if !c.isSignedIn() {
		t.Fatalf("not signed in after the right code")
	}
	if n := srv.auditCount(email, models.EventLoginSuccess); n != 1 {
		t.Errorf("%s events: %d, want 1", models.EventLoginSuccess, n)
	}

	// The same code cannot be used again, even right after.
	c.logOut()
	c.passwordStep(email, "")
	r = c.loginCode(next, "")
	wantStatus(t, r, http.StatusUnauthorized)
	if c.isSignedIn() {
		t.Errorf("a used code signed in again")
	}
}

func TestTwoFactorRecoveryCodeWorksOnce(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "rory@example.com"
	c.signup(email, "Rory", tfPassword)
	_, codes := c.enrol()
	c.logOut()

	c.passwordStep(email, "/guides")
	r := c.loginCode(strings.ToUpper(codes[3]), "/guides")
	wantStatus(t, r, http.StatusOK)
	if got := r.testid(t, "recovery-left").Text(); !strings.Contains(got, "9") {
		t.Errorf("codes left message: %q", got)
	}
	if href, _ := r.testid(t, "continue").Attr("href"); href != "/guides" {
		t.Errorf("continue link %q, want /guides", href)
	}
	if r.testid(t, "current-user").Length() != 1 {
		t.Errorf("the page after a recovery code does not show the user signed in")
	}
	if !c.isSignedIn() {
		t.Fatalf("not signed in with a recovery code")
	}
	if n := srv.auditCount(email, models.EventRecoveryCodeUsed); n != 1 {
		t.Errorf("%s events: %d, want 1", models.EventRecoveryCodeUsed, n)
	}

	c.logOut()
	c.passwordStep(email, "")
	wantStatus(t, c.loginCode(codes[3], ""), http.StatusUnauthorized)
	if c.isSignedIn() {
		t.Errorf("a used recovery code signed in again")
	}
}

func TestTwoFactorWrongCodesAreThrottled(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "theo@example.com"
	c.signup(email, "Theo", tfPassword)
	secret, _ := c.enrol()
	c.logOut()
	c.passwordStep(email, "")

	bad := wrongCode(t, secret)
	var r *response
	for i := 0; i < models.AccountLimit.Free+3; i++ {
		if r = c.loginCode(bad, ""); r.StatusCode == http.StatusTooManyRequests {
			break
		}
		wantStatus(t, r, http.StatusUnauthorized)
	}
	wantStatus(t, r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After")
	}
	if got := r.testid(t, "form-error").Text(); !strings.Contains(got, "Too many attempts") {
		t.Errorf("throttled message: %q", got)
	}
	// Even the right code waits.
	wantStatus(t, c.loginCode(totpCode(t, secret, time.Now().Add(30*time.Second)), ""), http.StatusTooManyRequests)
	if c.isSignedIn() {
		t.Errorf("signed in while throttled")
	}
}

func TestTwoFactorPendingLoginExpires(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "eve@example.com"
	c.signup(email, "Eve", tfPassword)
	secret, _ := c.enrol()
	c.logOut()
	c.passwordStep(email, "")

	tok := c.csrf("/login/two-factor")
	srv.ageSession(sessionToken(c), "pending_at", 6*time.Minute)
	r := c.post("/login/two-factor", url.Values{"csrf_token": {tok}, "code": {totpCode(t, secret, time.Now().Add(30*time.Second))}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login" {
		t.Errorf("expired pending login: redirected to %q, want /login", loc)
	}
	if c.isSignedIn() {
		t.Errorf("signed in after the pending login expired")
	}
	// And it stays forgotten.
	wantStatus(t, c.get("/login/two-factor"), http.StatusSeeOther)
}

// ageSession moves the Unix time stored under key in the session with
// token back by d, as if that much time had passed.
func (s *server) ageSession(token, key string, d time.Duration) {
	s.t.Helper()
	ctx := context.Background()
	var data []byte
	if err := s.DB.Get(ctx, &data, `SELECT data FROM sessions WHERE token = ?`, token); err != nil {
		s.t.Fatalf("session: %v", err)
	}
	deadline, values, err := handlers.SessionCodec{}.Decode(data)
	if err != nil {
		s.t.Fatal(err)
	}
	at, ok := values[key].(int64)
	if !ok {
		s.t.Fatalf("session has no %s", key)
	}
	values[key] = at - int64(d.Seconds())
	if data, err = (handlers.SessionCodec{}).Encode(deadline, values); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.DB.Exec(ctx, `UPDATE sessions SET data = ? WHERE token = ?`, data, token); err != nil {
		s.t.Fatal(err)
	}
}

func TestTwoFactorDisableNeedsPasswordAndCode(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "dina@example.com"
	c.signup(email, "Dina", tfPassword)
	secret, codes := c.enrol()
	srv.skipStep(email)
	code := totpCode(t, secret, time.Now())

	tok := c.csrf("/account")
	for name, tc := range map[string]struct {
		form    url.Values
		errors  []string
		noError string
	}{
		"nothing":        {url.Values{}, []string{"disable_password-error", "disable_code-error"}, ""},
		"wrong password": {url.Values{"disable_password": {"not my password"}, "disable_code": {codes[0]}}, []string{"disable_password-error"}, "disable_code-error"},
		"wrong code":     {url.Values{"disable_password": {tfPassword}, "disable_code": {wrongCode(t, secret)}}, []string{"disable_code-error"}, "disable_password-error"},
	} {
		tc.form.Set("csrf_token", tok)
		r := c.post("/account/two-factor/disable", tc.form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		for _, id := range tc.errors {
			if r.testid(t, id).Length() != 1 {
				t.Errorf("%s: no %s", name, id)
			}
		}
		if tc.noError != "" && r.testid(t, tc.noError).Length() != 0 {
			t.Errorf("%s: unexpected %s", name, tc.noError)
		}
	}
	if u := srv.userByEmail(email); !u.TwoFactor() {
		t.Fatalf("turned off without password and code")
	}
	// The wrong password did not use up the recovery code sent with it.
	if n, _ := srv.Models.TwoFactor.RecoveryCodesLeft(context.Background(), srv.userByEmail(email).ID); n != models.RecoveryCodeCount {
		t.Errorf("recovery codes left: %d, want %d", n, models.RecoveryCodeCount)
	}

	before := sessionToken(c)
	r := c.post("/account/two-factor/disable", url.Values{"csrf_token": {tok}, "disable_password": {tfPassword}, "disable_code": {code}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/account?done=twofactor-off" {
		t.Errorf("after turning off: redirected to %q", loc)
	}
	if sessionToken(c) == before {
		t.Errorf("session token not renewed after turning two-factor off")
	}
	u := srv.userByEmail(email)
	if u.TwoFactor() || u.TOTPSecret != nil {
		t.Errorf("after turning off: enabled=%v, secret %d bytes", u.TwoFactor(), len(u.TOTPSecret))
	}
	if n, _ := srv.Models.TwoFactor.RecoveryCodesLeft(context.Background(), u.ID); n != 0 {
		t.Errorf("recovery codes left after turning off: %d", n)
	}
	if n := srv.auditCount(email, models.EventTwoFactorOff); n != 1 {
		t.Errorf("%s events: %d, want 1", models.EventTwoFactorOff, n)
	}

	// The password alone signs in again.
	c.logOut()
	r = c.login(email, tfPassword, "")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("login after turning off: redirected to %q, want /", loc)
	}
}

func TestTwoFactorRegenerateRecoveryCodes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "gene@example.com"
	c.signup(email, "Gene", tfPassword)
	_, old := c.enrol()

	tok := c.csrf("/account")
	r := c.post("/account/two-factor/recovery-codes", url.Values{"csrf_token": {tok}, "regenerate_password": {"wrong password"}, "regenerate_code": {old[0]}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "regenerate_password-error").Length() != 1 {
		t.Errorf("no password error")
	}

	r = c.post("/account/two-factor/recovery-codes", url.Values{"csrf_token": {tok}, "regenerate_password": {tfPassword}, "regenerate_code": {old[0]}})
	wantStatus(t, r, http.StatusOK)
	wantNoStore(t, r)
	fresh := r.testid(t, "recovery-code")
	if fresh.Length() != models.RecoveryCodeCount {
		t.Fatalf("got %d new codes", fresh.Length())
	}
	if strings.Contains(r.Body, old[1]) {
		t.Errorf("the new set holds an old code")
	}
	if n := srv.auditCount(email, models.EventRecoveryCodesNew); n != 1 {
		t.Errorf("%s events: %d, want 1", models.EventRecoveryCodesNew, n)
	}

	c.logOut()
	c.passwordStep(email, "")
	wantStatus(t, c.loginCode(old[1], ""), http.StatusUnauthorized)
	wantStatus(t, c.loginCode(fresh.Eq(1).Text(), ""), http.StatusOK)
}

// Every two-factor route acts on the signed-in user: another user's
// forms change nothing of yours, and visitors are sent to log in.
func TestTwoFactorOnlyYourOwn(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	alice, mallory := srv.client(), srv.client()
	alice.signup("alice@example.com", "Alice", tfPassword)
	aliceSecret, aliceCodes := alice.enrol()
	mallory.signup("mallory@example.com", "Mallory", tfPassword)

	// Mallory's set-up page has her own key.
	r := mallory.get("/account/two-factor/setup")
	if got := strings.ReplaceAll(r.testid(t, "totp-secret").Text(), " ", ""); got == aliceSecret || got == "" {
		t.Errorf("Mallory's set-up key %q is Alice's or missing", got)
	}
	// With two-factor off, her disable and regenerate posts do nothing,
	// whatever codes she sends.
	tok := mallory.csrf("/account")
	for _, path := range []string{"/account/two-factor/disable", "/account/two-factor/recovery-codes"} {
		prefix := "disable"
		if strings.HasSuffix(path, "codes") {
			prefix = "regenerate"
		}
		r := mallory.post(path, url.Values{"csrf_token": {tok}, prefix + "_password": {tfPassword}, prefix + "_code": {aliceCodes[0]}})
		wantStatus(t, r, http.StatusSeeOther)
	}
	if a := srv.userByEmail("alice@example.com"); !a.TwoFactor() {
		t.Fatalf("Alice's two-factor was turned off by Mallory")
	}
	if n, _ := srv.Models.TwoFactor.RecoveryCodesLeft(context.Background(), srv.userByEmail("alice@example.com").ID); n != models.RecoveryCodeCount {
		t.Errorf("Alice's recovery codes left: %d", n)
	}

	// Visitors: sent to log in (GET) or refused (POST without a session).
	visitor := srv.client()
	r = visitor.get("/account/two-factor/setup")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("visitor on the set-up page: redirected to %q", loc)
	}
	for _, path := range []string{"/account/two-factor/setup", "/account/two-factor/disable", "/account/two-factor/recovery-codes", "/login/two-factor"} {
		r := visitor.post(path, url.Values{"code": {"123456"}})
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("visitor POST %s without a CSRF token: got %d, want 403", path, r.StatusCode)
		}
	}
	// A visitor with a CSRF token but no pending login gets nowhere.
	r = visitor.post("/login/two-factor", url.Values{"csrf_token": {visitor.csrf("/login")}, "code": {aliceCodes[1]}})
	wantStatus(t, r, http.StatusSeeOther)
	if visitor.isSignedIn() {
		t.Errorf("a visitor signed in with a recovery code and no password")
	}
}

// Hostile input on every two-factor form while it matters (a key being
// set up, two-factor on, a login pending): refused, never a 500, never
// echoed unescaped.
func TestTwoFactorHostileInput(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	const email = "hal@example.com"
	c.signup(email, "Hal", tfPassword)
	check := func(what string, r *response) {
		t.Helper()
		if r.StatusCode >= 500 || r.StatusCode == http.StatusOK {
			t.Errorf("%s: status %d, want a refusal", what, r.StatusCode)
		}
		if strings.Contains(r.Body, "<script>alert(1)</script>") || strings.Contains(r.Body, "<img src=x onerror") {
			t.Errorf("%s: input echoed unescaped", what)
		}
	}

	tok := c.csrf("/account/two-factor/setup")
	for name, v := range hostile {
		check("setup code="+name, c.post("/account/two-factor/setup", url.Values{"csrf_token": {tok}, "code": {v}}))
	}
	c.enrol()
	tok = c.csrf("/account")
	for name, v := range hostile {
		check("disable "+name, c.post("/account/two-factor/disable", url.Values{"csrf_token": {tok}, "disable_password": {tfPassword}, "disable_code": {v}}))
		check("regenerate "+name, c.post("/account/two-factor/recovery-codes", url.Values{"csrf_token": {tok}, "regenerate_password": {v}, "regenerate_code": {v}}))
	}
	c.logOut()
	c.passwordStep(email, "")
	for name, v := range hostile {
		check("login code="+name, c.post("/login/two-factor", url.Values{"csrf_token": {c.csrf("/login/two-factor")}, "code": {v}, "next": {v}}))
	}
	if u := srv.userByEmail(email); !u.TwoFactor() {
		t.Errorf("two-factor turned off by hostile input")
	}
}
