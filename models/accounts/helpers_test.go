package accounts_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/models/passhash"
	"stepwise/models/secretbox"
)

// password passes the strength check; every test user has it.
const password = "amber lantern quietly 42"

// fixture is the account operations over a fresh database, with a clock
// the test moves (tokens' expiry, the throttle's delays).
type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *db.DB
	m   *models.Models
	s   *accounts.Service
	clk *clock
	at  models.Origin // a browser at one address, not signed in
}

// clock is a settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	passhash.UseCheapHashingInTests()
	d := dbtest.New(t)
	clk := &clock{now: time.Now().UTC()}
	m := models.NewWithClock(d, clk.Now)
	sealer, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	m.TwoFactor.Sealer = sealer
	return &fixture{t: t, ctx: context.Background(), db: d, m: m, s: accounts.New(d, m), clk: clk,
		at: models.Origin{IP: "192.0.2.7", UserAgent: "test browser"}}
}

// user creates a learner with password.
func (f *fixture) user(email string) models.User {
	f.t.Helper()
	u, err := f.m.Users.Create(f.ctx, models.NewUser{Email: email, DisplayName: "User " + email[:3], Password: password})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// reload reads u again.
func (f *fixture) reload(u models.User) models.User {
	f.t.Helper()
	u, err := f.m.Users.ByID(f.ctx, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// exec runs SQL the operations have no reason to offer (locking, a
// forced reset), as an admin's change would.
func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(f.ctx, query, args...); err != nil {
		f.t.Fatal(err)
	}
}

// twoFactor turns two-factor on for u and returns its secret and
// recovery codes; the code for the next step is free for one sign-in.
func (f *fixture) twoFactor(u models.User) (secret string, codes []string) {
	f.t.Helper()
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Stepwise", AccountName: u.Email})
	if err != nil {
		f.t.Fatal(err)
	}
	code, _ := totp.GenerateCode(key.Secret(), time.Now())
	step, ok := f.m.TwoFactor.CheckNewSecret(key.Secret(), code)
	if !ok {
		f.t.Fatal("code refused")
	}
	codes, err = f.m.TwoFactor.Enable(f.ctx, u.ID, key.Secret(), step)
	if err != nil {
		f.t.Fatal(err)
	}
	return key.Secret(), codes
}

// nextCode is the TOTP code of the step after now's.
func nextCode(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrongCode is a six-digit code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// events counts u's audit rows of event.
func (f *fixture) events(event string) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(f.ctx, &n, `SELECT count(*) FROM audit_log WHERE event = ?`, event); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// wantRefusal fails t unless err is a refusal of kind with code.
func wantRefusal(t *testing.T, err error, kind models.RefusalKind, code string) *models.Refusal {
	t.Helper()
	r, ok := models.AsRefusal(err)
	var typed *models.Refusal
	if !ok || !errors.As(err, &typed) {
		t.Fatalf("got %v, want a %s refusal %q", err, kind, code)
	}
	if r.Kind != kind || r.Code != code {
		t.Fatalf("got %s refusal %q (%s), want %s %q", r.Kind, r.Code, r.Reason, kind, code)
	}
	return r
}

// ok fails t on err.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
