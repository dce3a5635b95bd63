package mail

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// MailboxSize is how many messages the development mailbox keeps.
const MailboxSize = 50

// Sent is a message the mailbox received, and when.
type Sent struct {
	Message
	At time.Time
}

// Mailbox is the development mailer, used when no SMTP server is
// configured: it keeps the last MailboxSize messages in memory (shown at
// /dev/mailbox) and writes each to the log, links and all, so someone
// trying Stepwise locally can follow them. Never use it in production:
// the log would hold working tokens.
type Mailbox struct {
	log *slog.Logger

	mu   sync.Mutex
	msgs []Sent // oldest first
}

// NewMailbox returns an empty mailbox that logs to log.
func NewMailbox(log *slog.Logger) *Mailbox {
	return &Mailbox{log: log}
}

// Send keeps m and logs it; it never fails.
func (b *Mailbox) Send(ctx context.Context, m Message) error {
	s := Sent{Message: m, At: time.Now().UTC()}
	b.mu.Lock()
	b.msgs = append(b.msgs, s)
	if len(b.msgs) > MailboxSize {
		b.msgs = slices.Delete(b.msgs, 0, len(b.msgs)-MailboxSize)
	}
	b.mu.Unlock()
	b.log.InfoContext(ctx, "dev mailbox: mail not sent, kept for /dev/mailbox",
		"to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// Messages returns the kept messages, newest first.
func (b *Mailbox) Messages() []Sent {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Clone(b.msgs)
	slices.Reverse(out)
	return out
}
