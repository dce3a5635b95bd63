package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"stepwise/db"
	"stepwise/models/secretbox"
)

// secretKeyFile is where a key generated on first start is kept, beside
// the database file (so a backup of the data directory holds both).
const secretKeyFile = "secret.key"

// secretKeyConfig is where the secret key comes from.
type secretKeyConfig struct {
	// Current is STEPWISE_SECRET_KEY: base64 of 32 bytes. Empty means
	// the key file.
	Current string
	// Old is STEPWISE_SECRET_KEY_OLD: earlier keys, comma-separated,
	// used only to open what they sealed.
	Old string
	// File is the key file used when Current is empty.
	File string
}

// secretKeyFromEnv reads the key configuration from the environment; the
// key file sits beside a SQLite database. PostgreSQL has no "beside", and
// its instances must all hold the same key, so there STEPWISE_SECRET_KEY
// is the only source (File stays empty).
func secretKeyFromEnv(database string) secretKeyConfig {
	k := secretKeyConfig{
		Current: env("STEPWISE_SECRET_KEY", ""),
		Old:     env("STEPWISE_SECRET_KEY_OLD", ""),
	}
	if !db.IsPostgresURL(database) {
		k.File = filepath.Join(filepath.Dir(database), secretKeyFile)
	}
	return k
}

// errSecretKeyRequired refuses to start instances that would each
// generate a key of their own.
var errSecretKeyRequired = errors.New("STEPWISE_SECRET_KEY is required with PostgreSQL: every instance must seal and open " +
	"two-factor and webhook secrets with the same key, and one that generated its own could not open what the others sealed; " +
	"generate one with: openssl rand -base64 32, and give it to every instance")

// sealer builds the sealer for two-factor secrets. With create, a missing
// key file is generated (mode 0600) with a warning to back it up; without,
// a missing key is an error. The key itself is never logged.
func (k secretKeyConfig) sealer(create bool, log *slog.Logger) (*secretbox.Sealer, error) {
	current, err := k.current(create, log)
	if err != nil {
		return nil, err
	}
	var old [][]byte
	for i, s := range strings.Split(k.Old, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		key, err := parseSecretKey(s)
		if err != nil {
			return nil, fmt.Errorf("STEPWISE_SECRET_KEY_OLD, key %d: %w", i+1, err)
		}
		old = append(old, key)
	}
	return secretbox.New(current, old...)
}

func (k secretKeyConfig) current(create bool, log *slog.Logger) ([]byte, error) {
	if k.Current != "" {
		key, err := parseSecretKey(k.Current)
		if err != nil {
			return nil, fmt.Errorf("STEPWISE_SECRET_KEY: %w", err)
		}
		return key, nil
	}
	if k.File == "" {
		return nil, errSecretKeyRequired
	}
	b, err := os.ReadFile(filepath.Clean(k.File))
	switch {
	case err == nil:
		if fi, err := os.Stat(k.File); err == nil && fi.Mode().Perm()&0o077 != 0 {
			log.Warn("the secret key file can be read by other users; chmod 600 it", "file", k.File)
		}
		key, err := parseSecretKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("secret key file %s: %w", k.File, err)
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("secret key file: %w", err)
	case !create:
		return nil, fmt.Errorf("no secret key: set STEPWISE_SECRET_KEY or keep %s", k.File)
	}
	key, err := generateSecretKey(k.File)
	if err != nil {
		return nil, err
	}
	log.Warn("WARNING: generated a new secret key, which seals two-factor secrets. Back it up with the database "+
		"(without it only recovery codes can sign in users who use two-factor); in production set STEPWISE_SECRET_KEY instead",
		"file", k.File)
	return key, nil
}

// generateSecretKey writes a new random key to path, readable by its owner
// only. O_EXCL keeps two first starts from each writing their own.
func generateSecretKey(path string) ([]byte, error) {
	key, err := secretbox.NewKey()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Clean(path), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create secret key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write secret key file: %w", err)
	}
	return key, nil
}

// parseSecretKey decodes a key given as base64 (standard or URL alphabet,
// padded or not) and checks its length.
func parseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "=")
	key, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil {
		return nil, errors.New("not base64; generate a key with: openssl rand -base64 32")
	}
	if len(key) != secretbox.KeySize {
		return nil, fmt.Errorf("got %d bytes, want %d; generate a key with: openssl rand -base64 32", len(key), secretbox.KeySize)
	}
	return key, nil
}
