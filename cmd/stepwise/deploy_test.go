package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// deploy/stepwise.service passes systemd-analyze verify: every key known,
// every value valid, with the binary it starts standing in for the real
// one (this test binary, which exists and is executable).
func TestSystemdUnitVerifies(t *testing.T) {
	t.Parallel()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze not found; install Debian's systemd (.ci/run does)")
		}
		t.Skip("systemd-analyze not found; install systemd to check deploy/stepwise.service")
	}
	unit, err := os.ReadFile("../../deploy/stepwise.service")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/stepwise", self)
	if text == string(unit) {
		t.Fatal("the unit does not start /usr/local/bin/stepwise")
	}
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=stepwise", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes"} {
		if !strings.Contains(text, "\n"+want+"\n") {
			t.Errorf("the unit lacks %s", want)
		}
	}
	path := filepath.Join(t.TempDir(), "stepwise.service")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	// #nosec G204 -- systemd-analyze on the unit the test wrote
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
