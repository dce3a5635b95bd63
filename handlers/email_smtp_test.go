package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"stepwise/handlers/mail"
	"stepwise/handlers/mail/mailtest"
	"stepwise/handlers/root"
)

// TestVerificationOverSMTP drives the real SMTP mailer against an SMTP
// server in the test process: sign up, receive the mail, follow its link.
func TestVerificationOverSMTP(t *testing.T) {
	t.Parallel()
	smtpd := mailtest.NewServer(t)
	cfg, err := mail.ParseSMTPURL(smtpd.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Stepwise <no-reply@stepwise.test>"
	mailer, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, func(d *root.Config) { d.Mailer = mailer })

	c := srv.client()
	c.signup("smtp@example.com", "Sam", strongPassword)
	msgs := smtpd.Messages()
	if len(msgs) != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1", len(msgs))
	}
	if msgs[0].From != "no-reply@stepwise.test" || len(msgs[0].To) != 1 || msgs[0].To[0] != "smtp@example.com" {
		t.Errorf("envelope: from %q to %v", msgs[0].From, msgs[0].To)
	}
	if subj, _ := msgs[0].Subject(); subj != "Confirm your email address for Stepwise" {
		t.Errorf("subject: got %q", subj)
	}
	text, err := msgs[0].Text()
	if err != nil {
		t.Fatal(err)
	}
	link := localLink(t, text)
	token := strings.TrimPrefix(link, "/email/verify?token=")

	wantStatus(t, c.get(link), http.StatusSeeOther)
	if c.get("/account").testid(t, "email-verified").Length() != 1 {
		t.Errorf("not verified after following the mailed link")
	}
	// Only the dev mailbox may log links; with SMTP the token appears
	// nowhere in the log, and there is no mailbox page.
	if strings.Contains(srv.Logs.String(), token) {
		t.Errorf("the token reached the log")
	}
	wantStatus(t, c.get("/dev/mailbox"), http.StatusNotFound)
}

// TestSignupSurvivesMailFailure: a mail server that cannot be reached
// does not fail the sign-up; the failure is logged with the request id.
func TestSignupSurvivesMailFailure(t *testing.T) {
	t.Parallel()
	mailer, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: mail.NoTLS, From: "a@stepwise.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, func(d *root.Config) { d.Mailer = mailer })
	c := srv.client()
	c.signup("nomail@example.com", "No Mail", strongPassword)
	if c.get("/account").testid(t, "resend-verification").Length() != 1 {
		t.Errorf("the account page offers no resend")
	}
	logs := srv.Logs.String()
	var line string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "verification mail not sent") {
			line = l
		}
	}
	if line == "" || !strings.Contains(line, "request_id=") {
		t.Errorf("want the failure logged with the request id; log:\n%.2000s", logs)
	}
	if strings.Contains(logs, "/email/verify?token=") {
		t.Errorf("the link reached the log")
	}
}
