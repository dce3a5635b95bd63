package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"stepwise/handlers"
)

// lifecycleFlags bound how long one request may run and how long a
// shutdown may take.
type lifecycleFlags struct {
	requestTimeout time.Duration
	shutdownGrace  time.Duration
	drainDelay     time.Duration
}

func (f *lifecycleFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&f.requestTimeout, "request-timeout", envDuration("STEPWISE_REQUEST_TIMEOUT", handlers.DefaultRequestTimeout),
		"longest a request may run; its database work is cancelled after that and the client gets a 503 (env STEPWISE_REQUEST_TIMEOUT)")
	fs.DurationVar(&f.shutdownGrace, "shutdown-grace", envDuration("STEPWISE_SHUTDOWN_GRACE", 15*time.Second),
		"how long in-flight requests get to finish after SIGTERM; must exceed -request-timeout (env STEPWISE_SHUTDOWN_GRACE)")
	fs.DurationVar(&f.drainDelay, "drain-delay", envDuration("STEPWISE_DRAIN_DELAY", time.Second),
		"after SIGTERM, how long to keep serving with /readyz at 503 and every answer closing its connection, so a load balancer "+
			"stops reusing its kept-alive connections before they are closed; part of -shutdown-grace (env STEPWISE_DRAIN_DELAY)")
}

func (f *lifecycleFlags) check() error {
	if f.requestTimeout <= 0 {
		return fmt.Errorf("-request-timeout must be a positive duration such as 10s")
	}
	if f.drainDelay < 0 || f.drainDelay >= f.shutdownGrace-f.requestTimeout {
		return fmt.Errorf("-drain-delay (%s) must be at least 0 and leave -shutdown-grace (%s) room for -request-timeout (%s)",
			f.drainDelay, f.shutdownGrace, f.requestTimeout)
	}
	if f.shutdownGrace <= f.requestTimeout {
		return fmt.Errorf("-shutdown-grace (%s) must be longer than -request-timeout (%s), so requests in flight can finish",
			f.shutdownGrace, f.requestTimeout)
	}
	return nil
}

// envDuration is env for a duration; a value that is not one becomes -1,
// which the flag's own check refuses.
func envDuration(key string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return d
}

// closeWithin runs close and gives up waiting after limit, so a shutdown
// never hangs on a resource that will not let go. Closing is not
// abandoned: the process exits right after and the operating system
// releases what is left; SQLite's WAL keeps every committed write.
func closeWithin(name string, limit time.Duration, log *slog.Logger, close func() error) {
	done := make(chan error, 1)
	go func() { done <- close() }()
	select {
	case err := <-done:
		if err != nil {
			log.Warn("close failed", "what", name, "err", err)
		}
	case <-time.After(limit):
		log.Error("close did not finish in time; exiting anyway", "what", name, "waited", limit)
	}
}
