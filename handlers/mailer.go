package handlers

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/mail"
)

// Mailer sends one email: mail.SMTP in production, mail.Mailbox when no
// SMTP server is configured.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// mailTimeout bounds how long a request waits for the mail server.
const mailTimeout = 10 * time.Second

// postman sends the app's emails, with links under the configured base URL
// (never the request's Host header, which a client chooses).
type postman struct {
	mailer  Mailer
	baseURL string
}

// link is the absolute URL of path carrying token.
func (p postman) link(path, token string) string {
	return p.baseURL + path + "?token=" + url.QueryEscape(token)
}

// send delivers m within mailTimeout.
func (p postman) send(c *fiber.Ctx, m mail.Message) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), mailTimeout)
	defer cancel()
	if err := p.mailer.Send(ctx, m); err != nil {
		return fmt.Errorf("mail %q: %w", m.Subject, err)
	}
	return nil
}

// sendOrLog delivers m and, when that fails, logs why (with the request
// id, never the message, which may hold a link) instead of failing the
// request: for mails whose failure the user must not see or cannot act
// on.
func (p postman) sendOrLog(c *fiber.Ctx, m mail.Message, why string) {
	if err := p.send(c, m); err != nil {
		Logger(c.UserContext()).Error("mail not sent: "+why, "err", err)
	}
}
