package handlers

import (
	"runtime"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
)

// TestNewSessionsLeaksNoGoroutine: scs.New's memory store starts a
// clean-up goroutine, and NewSessions replaces that store, so it must not
// start one per manager (every test app made one that lived until the
// binary exited).
func TestNewSessionsLeaksNoGoroutine(t *testing.T) {
	t.Parallel()
	store := memstore.NewWithCleanupInterval(0) // no goroutine of its own
	NewSessions(store, false)                   // the process's one scs.New
	before := runtime.NumGoroutine()
	for range 50 {
		NewSessions(store, false)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after making 50 session managers, %d before", n, before)
	}
}
