package handlers_test

import (
	"os"
	"testing"
)

// TestMain stops the Chromium the browser tests share once every test has
// run.
func TestMain(m *testing.M) {
	code := m.Run()
	sharedBrowser.stop()
	os.Exit(code)
}
