package main

import (
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"stepwise/handlers"
)

func parseLimits(t *testing.T, behindProxy bool, args ...string) (handlers.Limits, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f limitFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f.limits(fs, behindProxy, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// TestLimitFlags: the defaults are handlers.DefaultLimits; -max-conns-per-ip
// 0 is no limit, and so is leaving it unset behind a trusted proxy (every
// connection is the proxy's), while setting it there keeps it; nonsense
// is refused by name.
func TestLimitFlags(t *testing.T) {
	t.Parallel()
	got, err := parseLimits(t, false)
	if err != nil || got != handlers.DefaultLimits() {
		t.Errorf("defaults: got %+v (%v), want %+v", got, err, handlers.DefaultLimits())
	}
	got, _ = parseLimits(t, false, "-max-conns-per-ip", "0", "-read-timeout", "5s", "-max-uploads", "3")
	if got.MaxConnsPerIP >= 0 || got.ReadTimeout != 5*time.Second || got.MaxUploads != 3 {
		t.Errorf("flags: got %+v", got)
	}
	if got, _ := parseLimits(t, true); got.MaxConnsPerIP >= 0 {
		t.Errorf("behind a proxy, unset: got MaxConnsPerIP %d, want no limit", got.MaxConnsPerIP)
	}
	if got, _ := parseLimits(t, true, "-max-conns-per-ip", "500"); got.MaxConnsPerIP != 500 {
		t.Errorf("behind a proxy, set to 500: got %d", got.MaxConnsPerIP)
	}
	for _, args := range [][]string{
		{"-max-conns", "0"}, {"-max-conns-per-ip", "-1"}, {"-read-timeout", "0s"},
		{"-upload-timeout", "-1s"}, {"-max-uploads", "0"}, {"-max-uploads-per-ip", "0"},
	} {
		if _, err := parseLimits(t, false, args...); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: got %v, want an error naming %s", args, err, args[0])
		}
	}
}
