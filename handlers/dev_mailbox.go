package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/mail"
	"stepwise/views/components"
	"stepwise/views/pages"
)

// DevMailbox shows the development mailbox: the emails Stepwise kept
// instead of sending, because no SMTP server is configured. Its links
// hold working tokens, so only this machine may see it.
type DevMailbox struct {
	Mailbox *mail.Mailbox
	viewer
}

// Show lists the kept emails, newest first.
func (h *DevMailbox) Show(c *fiber.Ctx) error {
	var entries []pages.MailboxEntry
	for _, m := range h.Mailbox.Messages() {
		entries = append(entries, pages.MailboxEntry{To: m.To, Subject: m.Subject, At: components.When(m.At), Text: m.Text})
	}
	return render(c, fiber.StatusOK, pages.DevMailbox(h.page(c, "Dev mailbox", false), entries))
}

// localOnly answers 404, as if the page did not exist, unless the request
// comes straight from this machine: the connection's own address (never a
// header a client or proxy sets) is loopback, and no proxy forwarded it.
func localOnly(c *fiber.Ctx) error {
	if !c.Context().RemoteIP().IsLoopback() {
		return fiber.ErrNotFound
	}
	for _, h := range []string{fiber.HeaderXForwardedFor, "Forwarded", "X-Real-Ip"} {
		if c.Get(h) != "" {
			return fiber.ErrNotFound
		}
	}
	return c.Next()
}
