package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// commands are the subcommands whose flags an operator can set.
var commands = []string{"serve", "migrate", "create-admin", "seed-demo", "rotate-secret-key", "backup", "restore", "migrate-data"}

var (
	flagLineRE = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	envRE      = regexp.MustCompile(`\(env (STEPWISE_[A-Z0-9_]+)\)`)
)

// The README's reference names every flag of every command, as the
// commands themselves list them (-h), with its environment variable: a
// flag added without a line in the reference fails here.
func TestEveryFlagIsInTheReadme(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(readme)
	seen := 0
	for _, cmd := range commands {
		var help strings.Builder
		err := run(context.Background(), []string{cmd, "-h"}, io.Discard, &help)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%s -h: %v", cmd, err)
		}
		// One flag per entry: its name line and the indented usage after.
		entries := flagLineRE.FindAllStringSubmatchIndex(help.String(), -1)
		for i, e := range entries {
			end := len(help.String())
			if i+1 < len(entries) {
				end = entries[i+1][0]
			}
			name := help.String()[e[2]:e[3]]
			text := help.String()[e[0]:end]
			seen++
			if !strings.Contains(doc, "`-"+name+"`") {
				t.Errorf("%s -%s is not in the README", cmd, name)
			}
			if m := envRE.FindStringSubmatch(strings.Join(strings.Fields(text), " ")); m != nil && !strings.Contains(doc, "`"+m[1]+"`") {
				t.Errorf("%s -%s: its environment variable %s is not in the README", cmd, name, m[1])
			}
		}
	}
	if seen < 30 {
		t.Errorf("only %d flags found in the commands' help: the parsing broke", seen)
	}
}
