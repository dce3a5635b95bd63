package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stepwise/handlers/mail"
	"stepwise/handlers/mail/mailtest"
)

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw  string
		want mail.SMTPConfig
	}{
		{"smtp://user:p%40ss@mail.example.com", mail.SMTPConfig{Host: "mail.example.com", Port: 587, Username: "user", Password: "p@ss", TLS: mail.StartTLS}},
		{"smtp://mail.example.com:2525", mail.SMTPConfig{Host: "mail.example.com", Port: 2525, TLS: mail.StartTLS}},
		{"smtps://u:p@mail.example.com", mail.SMTPConfig{Host: "mail.example.com", Port: 465, Username: "u", Password: "p", TLS: mail.ImplicitTLS}},
		{"smtp://127.0.0.1:25?tls=none", mail.SMTPConfig{Host: "127.0.0.1", Port: 25, TLS: mail.NoTLS}},
	}
	for _, tc := range cases {
		got, err := mail.ParseSMTPURL(tc.raw)
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.raw, got, tc.want)
		}
	}
	for _, bad := range []string{
		"", "mail.example.com", "http://mail.example.com", "smtp://", "smtp://host:0", "smtp://host:99999",
		"smtp://host?tls=maybe", "smtps://host?tls=none", "smtp://host?foo=bar", "smtp://user:secret@host:bad",
	} {
		_, err := mail.ParseSMTPURL(bad)
		if err == nil {
			t.Errorf("%q: got no error", bad)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error reveals the password: %v", bad, err)
		}
	}
}

func TestNewSMTPNeedsSender(t *testing.T) {
	t.Parallel()
	if _, err := mail.NewSMTP(mail.SMTPConfig{Host: "localhost", Port: 25}); err == nil {
		t.Errorf("no sender: got no error")
	}
	if _, err := mail.NewSMTP(mail.SMTPConfig{Host: "localhost", Port: 25, From: "Stepwise <no-reply@example.com>"}); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

func TestSMTPDelivers(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	cfg, err := mail.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Stepwise <no-reply@example.com>"
	m, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	link := "http://stepwise.test/email/verify?token=" + strings.Repeat("Ab-_", 11)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = m.Send(ctx, mail.Message{To: "ada@example.com", Subject: "Grüße from Stepwise", Text: "Open this link:\n\n" + link + "\n"})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "no-reply@example.com" || len(got.To) != 1 || got.To[0] != "ada@example.com" {
		t.Errorf("envelope: from %q to %v", got.From, got.To)
	}
	if subj, err := got.Subject(); err != nil || subj != "Grüße from Stepwise" {
		t.Errorf("subject: got %q, %v", subj, err)
	}
	text, err := got.Text()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, link) {
		t.Errorf("body does not hold the link intact:\n%s", text)
	}
}

func TestSMTPFailsFast(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1 of the loopback address.
	m, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: mail.NoTLS, From: "a@example.com", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), mail.Message{To: "b@example.com", Subject: "s", Text: "t"}); err == nil {
		t.Errorf("send to a closed port: got no error")
	}
}

func TestStartTLSIsRequiredByDefault(t *testing.T) {
	t.Parallel()
	// The test server offers no STARTTLS: smtp:// without tls=none must
	// refuse to send in clear.
	srv := mailtest.NewServer(t)
	cfg, err := mail.ParseSMTPURL("smtp://" + srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "a@example.com"
	m, _ := mail.NewSMTP(cfg)
	if err := m.Send(context.Background(), mail.Message{To: "b@example.com", Subject: "s", Text: "t"}); err == nil {
		t.Errorf("sent without TLS")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}
