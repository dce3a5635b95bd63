// Package mail delivers Stepwise's emails: through an SMTP server in
// production (SMTP), or into an in-memory development mailbox (Mailbox)
// when none is configured.
package mail

// Message is one plain-text email. The sender is the mailer's.
type Message struct {
	To      string
	Subject string
	Text    string
}
