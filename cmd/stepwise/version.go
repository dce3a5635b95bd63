package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"stepwise"
	"stepwise/db"
)

// version is the release, set at build time by make build
// (-ldflags "-X main.version=…"); a plain go build says "devel".
var version = "devel"

// printVersion prints what an operator needs to report a problem: the
// release and commit, the schema version this binary migrates to, and
// the Go release it was built with.
func printVersion(stdout io.Writer) error {
	schema, err := db.LatestVersion(stepwise.SQLiteMigrations())
	if err != nil {
		return err
	}
	commit := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				commit = " (" + s.Value + ")"
			}
		}
	}
	fmt.Fprintf(stdout, "stepwise %s%s, schema version %d, %s\n", version, commit, schema, runtime.Version())
	return nil
}
