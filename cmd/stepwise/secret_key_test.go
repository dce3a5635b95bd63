package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"stepwise/db"
	"stepwise/models"
	"stepwise/models/secretbox"
	"stepwise/models/totp"
)

func testKey(b byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, secretbox.KeySize))
}

func TestSecretKeyGeneratedOnceIntoTheDataDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := secretKeyFromEnv(filepath.Join(dir, "stepwise.db"))
	cfg.Current, cfg.Old = "", ""
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	first, err := cfg.sealer(true, log)
	if err != nil {
		t.Fatalf("first start: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "STEPWISE_SECRET_KEY") {
		t.Errorf("no warning about the generated key; log: %s", logs.String())
	}
	key, _ := os.ReadFile(filepath.Join(dir, "secret.key"))
	if strings.Contains(logs.String(), strings.TrimSpace(string(key))) {
		t.Errorf("the key was logged")
	}

	// A later start reads the same key, without a warning.
	logs.Reset()
	second, err := cfg.sealer(true, log)
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	if logs.Len() != 0 {
		t.Errorf("second start logged: %s", logs.String())
	}
	sealed, _ := first.Seal([]byte("x"), nil)
	if _, err := second.Open(sealed, nil); err != nil {
		t.Errorf("second start opened with a different key: %v", err)
	}
}

func TestSecretKeyFromEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := secretKeyConfig{Current: testKey(1), File: filepath.Join(dir, "secret.key")}
	s1, err := cfg.sealer(true, log)
	if err != nil {
		t.Fatalf("env key: %v", err)
	}
	if _, err := os.Stat(cfg.File); !os.IsNotExist(err) {
		t.Errorf("a key file was written although STEPWISE_SECRET_KEY is set")
	}
	sealed, _ := s1.Seal([]byte("x"), nil)

	// Rotated: the old key goes to STEPWISE_SECRET_KEY_OLD and still opens.
	rotated, err := secretKeyConfig{Current: testKey(2), Old: " " + testKey(3) + "," + testKey(1) + ",", File: cfg.File}.sealer(false, log)
	if err != nil {
		t.Fatalf("rotated keys: %v", err)
	}
	if _, err := rotated.Open(sealed, nil); err != nil {
		t.Errorf("old key does not open: %v", err)
	}

	for name, c := range map[string]secretKeyConfig{
		"short key":       {Current: base64.StdEncoding.EncodeToString([]byte("short"))},
		"not base64":      {Current: "not base64 at all!"},
		"bad old key":     {Current: testKey(1), Old: "nope"},
		"no key, no file": {File: filepath.Join(dir, "missing.key")},
	} {
		if _, err := c.sealer(false, log); err == nil {
			t.Errorf("%s: got no error", name)
		} else if strings.Contains(err.Error(), testKey(1)) {
			t.Errorf("%s: the error shows the key", name)
		}
	}
}

func TestRotateSecretKeyCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "stepwise.db")
	t.Setenv("STEPWISE_SECRET_KEY", testKey(1))
	t.Setenv("STEPWISE_SECRET_KEY_OLD", "")
	if err := run(context.Background(), []string{"migrate", "-database", dbPath}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}

	// A user with two-factor on, sealed under key 1.
	d, err := db.Open(dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := models.New(d)
	m.TwoFactor.Sealer, _ = secretbox.New(bytes.Repeat([]byte{1}, secretbox.KeySize))
	ctx := context.Background()
	u, err := m.Users.Create(ctx, models.NewUser{Email: "rot@example.com", DisplayName: "Rot", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := totp.NewSecret()
	if _, err := m.TwoFactor.Enable(ctx, u.ID, secret, 1); err != nil {
		t.Fatal(err)
	}
	_ = d.Close()

	t.Setenv("STEPWISE_SECRET_KEY", testKey(2))
	t.Setenv("STEPWISE_SECRET_KEY_OLD", testKey(1))
	var out bytes.Buffer
	if err := run(ctx, []string{"rotate-secret-key", "-database", dbPath}, &out, io.Discard); err != nil {
		t.Fatalf("rotate-secret-key: %v", err)
	}
	if !strings.Contains(out.String(), "re-sealed 1 ") {
		t.Errorf("output: %q", out.String())
	}

	d, err = db.Open(dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	stored, err := models.New(d).Users.ByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The new key alone now opens it: a current code is accepted.
	m = models.New(d)
	m.TwoFactor.Sealer, _ = secretbox.New(bytes.Repeat([]byte{2}, secretbox.KeySize))
	code, _ := pqtotp.GenerateCode(secret, time.Now())
	if f, err := m.TwoFactor.Verify(ctx, stored, code); err != nil || f != models.FactorTOTP {
		t.Errorf("after rotation, with the new key alone: got %v, %v; want FactorTOTP", f, err)
	}
}
