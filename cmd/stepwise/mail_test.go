package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"stepwise/handlers/mail"
)

func TestBaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct{ raw, addr, want string }{
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"", ":8080", "http://localhost:8080"},
		{"", "0.0.0.0:80", "http://localhost:80"},
		{"", "[::]:8080", "http://localhost:8080"},
		{"https://learn.example.com/", "x", "https://learn.example.com"},
		{"http://10.0.0.5:8080", "x", "http://10.0.0.5:8080"},
	}
	for _, tc := range cases {
		got, err := baseURL(tc.raw, tc.addr)
		if err != nil || got != tc.want {
			t.Errorf("baseURL(%q, %q): got %q, %v; want %q", tc.raw, tc.addr, got, err, tc.want)
		}
	}
	for _, bad := range []string{"learn.example.com", "ftp://x", "https://", "https://x/app", "https://x?a=b", "https://u:p@x", "https://x/#f"} {
		if _, err := baseURL(bad, "127.0.0.1:8080"); err == nil {
			t.Errorf("baseURL(%q): got no error", bad)
		}
	}
}

func TestMailFlags(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := mailFlags{}
	m, base, err := f.mailer("127.0.0.1:8080", false, log)
	if _, ok := m.(*mail.Mailbox); err != nil || !ok || base != "http://127.0.0.1:8080" {
		t.Errorf("no SMTP: got %T, %q, %v; want the dev mailbox", m, base, err)
	}

	f = mailFlags{smtpURL: "smtps://u:secret@mail.example.com"}
	if _, _, err := f.mailer("127.0.0.1:8080", false, log); err == nil || !strings.Contains(err.Error(), "-base-url") {
		t.Errorf("SMTP without a base URL: got %v", err)
	}
	f.baseURL = "https://learn.example.com"
	if _, _, err := f.mailer("127.0.0.1:8080", false, log); err == nil || !strings.Contains(err.Error(), "-mail-from") {
		t.Errorf("SMTP without a sender: got %v", err)
	}
	f.from = "Stepwise <stepwise@example.com>"
	m, base, err = f.mailer("127.0.0.1:8080", false, log)
	if _, ok := m.(*mail.SMTP); err != nil || !ok || base != "https://learn.example.com" {
		t.Errorf("SMTP: got %T, %q, %v", m, base, err)
	}
	f.smtpURL = "smtp://u:secret@host:nope"
	if _, _, err := f.mailer("127.0.0.1:8080", false, log); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad SMTP URL: got %v, want an error without the password", err)
	}
}
