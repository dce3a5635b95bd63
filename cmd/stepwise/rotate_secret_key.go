package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"stepwise/models"
)

// rotateSecretKey re-seals every two-factor and webhook secret under the current key
// (STEPWISE_SECRET_KEY), opening them with the current or an old key
// (STEPWISE_SECRET_KEY_OLD). Afterwards the old keys can be dropped. It is
// safe to run while Stepwise serves, and to run again.
func rotateSecretKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("rotate-secret-key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	sealer, err := secretKeyFromEnv(cfg.database).sealer(false, log)
	if err != nil {
		return err
	}
	d, _, err := openDatabase(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer d.Close()
	m := models.New(d)
	m.TwoFactor.Sealer, m.Webhooks.Sealer = sealer, sealer
	n, err := m.TwoFactor.ResealAll(ctx)
	if err != nil {
		return err
	}
	hooks, err := m.Webhooks.ResealAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "re-sealed %d two-factor secret(s) and %d webhook secret(s) under the current key; keys in STEPWISE_SECRET_KEY_OLD are no longer needed\n", n, hooks)
	return nil
}
