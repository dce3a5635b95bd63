package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"stepwise/handlers/mail"
)

func TestMailboxKeepsTheLatestAndLogs(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	b := mail.NewMailbox(slog.New(slog.NewTextHandler(&logs, nil)))
	for i := range mail.MailboxSize + 5 {
		if err := b.Send(context.Background(), mail.Message{To: "a@example.com", Subject: fmt.Sprint("n", i), Text: "link"}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := b.Messages()
	if len(msgs) != mail.MailboxSize {
		t.Fatalf("got %d messages, want %d", len(msgs), mail.MailboxSize)
	}
	if msgs[0].Subject != fmt.Sprint("n", mail.MailboxSize+4) || msgs[len(msgs)-1].Subject != "n5" {
		t.Errorf("got newest %q and oldest %q, want n%d and n5", msgs[0].Subject, msgs[len(msgs)-1].Subject, mail.MailboxSize+4)
	}
	if !strings.Contains(logs.String(), "subject=n54") {
		t.Errorf("the message was not logged: %.300s", logs.String())
	}
}
