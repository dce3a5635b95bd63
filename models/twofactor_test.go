package models_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"stepwise/models"
	"stepwise/models/totp"
)

// twoFactorModels is a store with a sealer and a clock the test moves.
func twoFactorModels(t *testing.T) (*models.Models, *time.Time) {
	t.Helper()
	m := newModels(t)
	m.TwoFactor.Sealer = newSealer(t, newKey(t))
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	m.TwoFactor.SetClock(func() time.Time { return clock })
	return m, &clock
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := pqtotp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enable turns two-factor on for u with a new secret and returns it, the
// recovery codes and the user as now stored.
func enable(t *testing.T, m *models.Models, u models.User, at time.Time) (string, []string, models.User) {
	t.Helper()
	ctx := context.Background()
	secret, err := totp.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	step, ok := m.TwoFactor.CheckNewSecret(secret, code(t, secret, at))
	if !ok {
		t.Fatalf("CheckNewSecret refused the current code")
	}
	codes, err := m.TwoFactor.Enable(ctx, u.ID, secret, step)
	if err != nil {
		t.Fatalf("enable: %v", err)
	}
	u, err = m.Users.ByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return secret, codes, u
}

func TestTwoFactorEnableSealsTheSecret(t *testing.T) {
	t.Parallel()
	m, clock := twoFactorModels(t)
	u := newUser(t, m, "tf@example.com")
	secret, codes, u := enable(t, m, u, *clock)
	if !u.TwoFactor() {
		t.Fatalf("two-factor not on after Enable")
	}
	if bytes.Contains(u.TOTPSecret, []byte(secret)) || len(u.TOTPSecret) == 0 {
		t.Errorf("stored secret %q holds the plaintext (or nothing)", u.TOTPSecret)
	}
	if len(codes) != models.RecoveryCodeCount {
		t.Errorf("got %d recovery codes, want %d", len(codes), models.RecoveryCodeCount)
	}
	if n, _ := m.TwoFactor.RecoveryCodesLeft(context.Background(), u.ID); n != models.RecoveryCodeCount {
		t.Errorf("codes left: got %d, want %d", n, models.RecoveryCodeCount)
	}
	// On already: a second Enable is a conflict and changes nothing.
	other, _ := totp.NewSecret()
	if _, err := m.TwoFactor.Enable(context.Background(), u.ID, other, 0); !errors.Is(err, models.ErrConflict) {
		t.Errorf("enable twice: got %v, want ErrConflict", err)
	}
}

func TestTwoFactorCodeWorksOnceAndWithinTheSkew(t *testing.T) {
	t.Parallel()
	m, clock := twoFactorModels(t)
	ctx := context.Background()
	u := newUser(t, m, "tf@example.com")
	secret, _, u := enable(t, m, u, *clock)

	// The code that confirmed the set-up cannot sign in.
	if f, err := m.TwoFactor.Verify(ctx, u, code(t, secret, *clock)); err != nil || f != models.FactorNone {
		t.Errorf("set-up code replayed: got %v, %v; want FactorNone", f, err)
	}

	*clock = clock.Add(time.Minute)
	c := code(t, secret, *clock)
	if f, err := m.TwoFactor.Verify(ctx, u, c[:3]+" "+c[3:]); err != nil || f != models.FactorTOTP {
		t.Fatalf("current code: got %v, %v; want FactorTOTP", f, err)
	}
	if f, _ := m.TwoFactor.Verify(ctx, u, c); f != models.FactorNone {
		t.Errorf("same code again: got %v, want FactorNone", f)
	}

	// The next step's code is accepted a step early (clock drift), an
	// expired one is not.
	*clock = clock.Add(time.Minute)
	if f, _ := m.TwoFactor.Verify(ctx, u, code(t, secret, clock.Add(30*time.Second))); f != models.FactorTOTP {
		t.Errorf("code one step ahead: got %v, want FactorTOTP", f)
	}
	*clock = clock.Add(5 * time.Minute)
	if f, _ := m.TwoFactor.Verify(ctx, u, code(t, secret, clock.Add(-90*time.Second))); f != models.FactorNone {
		t.Errorf("code three steps old: got %v, want FactorNone", f)
	}
	for _, bad := range []string{"", "000000", "12345", "1234567", "abcdef", "１２３４５６"} {
		if f, err := m.TwoFactor.Verify(ctx, u, bad); err != nil || f != models.FactorNone {
			t.Errorf("Verify(%q): got %v, %v; want FactorNone", bad, f, err)
		}
	}
}

func TestRecoveryCodesWorkOnce(t *testing.T) {
	t.Parallel()
	m, clock := twoFactorModels(t)
	ctx := context.Background()
	u := newUser(t, m, "tf@example.com")
	_, codes, u := enable(t, m, u, *clock)

	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$`)
	seen := map[string]bool{}
	for _, c := range codes {
		if !shape.MatchString(c) {
			t.Errorf("code %q is not two groups of five readable characters", c)
		}
		if seen[c] {
			t.Errorf("code %q appears twice", c)
		}
		seen[c] = true
	}
	// Stored hashed: no row holds the code itself.
	var stored [][]byte
	if err := m.DB().Select(ctx, &stored, `SELECT code_hash FROM recovery_codes WHERE user_id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(codes) || !bytes.Equal(stored[0], models.RecoveryCodeHash(u.ID, codes[0])) {
		t.Errorf("stored hashes do not match the codes")
	}

	// Typed in capitals without the hyphen still counts.
	if f, err := m.TwoFactor.Verify(ctx, u, " "+upper(codes[0][:5])+upper(codes[0][6:])+" "); err != nil || f != models.FactorRecoveryCode {
		t.Fatalf("recovery code: got %v, %v; want FactorRecoveryCode", f, err)
	}
	if f, _ := m.TwoFactor.Verify(ctx, u, codes[0]); f != models.FactorNone {
		t.Errorf("recovery code used twice: got %v", f)
	}
	if n, _ := m.TwoFactor.RecoveryCodesLeft(ctx, u.ID); n != models.RecoveryCodeCount-1 {
		t.Errorf("codes left: got %d, want %d", n, models.RecoveryCodeCount-1)
	}

	// Another user's code is not this user's.
	v := newUser(t, m, "other@example.com")
	_, vcodes, _ := enable(t, m, v, *clock)
	if f, _ := m.TwoFactor.Verify(ctx, u, vcodes[0]); f != models.FactorNone {
		t.Errorf("another user's recovery code: got %v", f)
	}

	// A new set replaces the old one.
	fresh, err := m.TwoFactor.RegenerateRecoveryCodes(ctx, u.ID)
	if err != nil || len(fresh) != models.RecoveryCodeCount {
		t.Fatalf("regenerate: got %d codes, %v", len(fresh), err)
	}
	if f, _ := m.TwoFactor.Verify(ctx, u, codes[1]); f != models.FactorNone {
		t.Errorf("old set still works after regenerating")
	}
	if f, _ := m.TwoFactor.Verify(ctx, u, fresh[1]); f != models.FactorRecoveryCode {
		t.Errorf("new set: got %v, want FactorRecoveryCode", f)
	}
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }

func TestNormalizeRecoveryCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"abcde-fghjk":  "abcdefghjk",
		"ABCDE FGHJK":  "abcdefghjk",
		"0o1il-23456":  "00111" + "23456",
		"abcde-fghj":   "",
		"abcde-fghjkm": "",
		"abcde-fghju":  "",
		"abcde_fghjk":  "",
		"ａbcde-fghjk":  "",
		"":             "",
	} {
		got, ok := models.NormalizeRecoveryCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeRecoveryCode(%q): got %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestTwoFactorDisable(t *testing.T) {
	t.Parallel()
	m, clock := twoFactorModels(t)
	ctx := context.Background()
	u := newUser(t, m, "tf@example.com")
	_, codes, u := enable(t, m, u, *clock)
	if err := m.TwoFactor.Disable(ctx, u.ID); err != nil {
		t.Fatalf("disable: %v", err)
	}
	off, _ := m.Users.ByID(ctx, u.ID)
	if off.TwoFactor() || off.TOTPSecret != nil {
		t.Errorf("after Disable: enabled=%v secret=%q", off.TwoFactor(), off.TOTPSecret)
	}
	if n, _ := m.TwoFactor.RecoveryCodesLeft(ctx, u.ID); n != 0 {
		t.Errorf("codes left after Disable: %d", n)
	}
	// A stale copy of the user (two-factor still on) cannot use old codes.
	if f, _ := m.TwoFactor.Verify(ctx, u, codes[0]); f != models.FactorNone {
		t.Errorf("recovery code after Disable: got %v", f)
	}
	if _, err := m.TwoFactor.RegenerateRecoveryCodes(ctx, u.ID); !errors.Is(err, models.ErrConflict) {
		t.Errorf("regenerate with two-factor off: got %v, want ErrConflict", err)
	}
}

func TestTwoFactorResealAll(t *testing.T) {
	t.Parallel()
	m, clock := twoFactorModels(t)
	ctx := context.Background()
	oldKey := newKey(t)
	m.TwoFactor.Sealer = newSealer(t, oldKey)
	secret, _, u := enable(t, m, newUser(t, m, "tf@example.com"), *clock)

	currentKey := newKey(t)
	m.TwoFactor.Sealer = newSealer(t, currentKey, oldKey)
	n, err := m.TwoFactor.ResealAll(ctx)
	if err != nil || n != 1 {
		t.Fatalf("reseal: got %d, %v; want 1", n, err)
	}
	if n, _ := m.TwoFactor.ResealAll(ctx); n != 0 {
		t.Errorf("second reseal changed %d secrets, want 0", n)
	}

	// The old key is no longer needed.
	m.TwoFactor.Sealer = newSealer(t, currentKey)
	u, _ = m.Users.ByID(ctx, u.ID)
	*clock = clock.Add(time.Minute)
	if f, err := m.TwoFactor.Verify(ctx, u, code(t, secret, *clock)); err != nil || f != models.FactorTOTP {
		t.Errorf("code after rotation: got %v, %v; want FactorTOTP", f, err)
	}
}

func TestTwoFactorWithoutSealer(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	u := newUser(t, m, "tf@example.com")
	secret, _ := totp.NewSecret()
	if _, err := m.TwoFactor.Enable(context.Background(), u.ID, secret, 1); !errors.Is(err, models.ErrNoSealer) {
		t.Errorf("enable without a sealer: got %v, want ErrNoSealer", err)
	}
}
