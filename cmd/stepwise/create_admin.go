package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"stepwise/models"
)

// createAdmin makes -email an admin. An existing account is promoted; a
// new one is created with a password typed at a prompt (not echoed) or,
// when stdin is not a terminal, read from its first line.
func createAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.register(fs)
	email := fs.String("email", "", "the admin's email address (required)")
	name := fs.String("name", "Administrator", "display name for a new account")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr := models.NormalizeEmail(*email)
	if m := models.CheckEmail(addr); m != "" {
		return fmt.Errorf("-email: %s", m)
	}
	if m := models.CheckDisplayName(*name); m != "" {
		return fmt.Errorf("-name: %s", m)
	}

	d, _, err := openDatabase(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer d.Close()
	m := models.New(d)

	password := ""
	if _, err := m.Users.ByEmail(ctx, addr); errors.Is(err, models.ErrNotFound) {
		if password, err = readPassword(stdin, stderr); err != nil {
			return err
		}
		if msg := models.CheckNewPassword(password, addr, *name); msg != "" {
			return fmt.Errorf("password: %s", msg)
		}
	} else if err != nil {
		return err
	}
	created, err := m.Users.CreateAdmin(ctx, addr, *name, password)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "created admin %s\n", addr)
	} else {
		fmt.Fprintf(stdout, "%s is now an admin\n", addr)
	}
	return nil
}

// readPassword prompts on a terminal without echo, or reads one line.
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) { // #nosec G115 -- a file descriptor fits in int
		fmt.Fprint(prompt, "Password for the new admin: ")
		b, err := term.ReadPassword(int(f.Fd())) // #nosec G115 -- as above
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
