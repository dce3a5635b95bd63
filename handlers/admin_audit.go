package handlers

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// userByEmail finds the user an audit filter names.
type userByEmail interface {
	ByEmail(ctx context.Context, email string) (models.User, error)
}

// AdminAudit serves the audit log page.
type AdminAudit struct {
	Audit auditReader
	Users userByEmail
	viewer
}

// auditPerPage is how many entries one page of the log shows.
const auditPerPage = 50

// Index lists the audit log, newest first, filtered by ?event=, ?user=
// (an email), ?from= and ?to= (dates, inclusive) and paged by ?before=.
func (h *AdminAudit) Index(c *fiber.Ctx) error {
	if !models.CanReadAudit(CurrentUser(c)) {
		return errForbidden
	}
	form := pages.AuditFilterForm{
		Event: c.Query("event"), User: c.Query("user"), From: c.Query("from"), To: c.Query("to"),
		Errors: models.FieldErrors{},
	}
	f := models.AuditFilter{Limit: auditPerPage, Before: int64(max(c.QueryInt("before", 0), 0))}
	if form.Event != "" {
		if !slices.Contains(models.AuditEvents, form.Event) {
			form.Errors.Add("event", "Choose an event from the list.")
		}
		f.Event = form.Event
	}
	if form.User != "" {
		u, err := h.Users.ByEmail(c.UserContext(), form.User)
		switch {
		case errors.Is(err, models.ErrNotFound):
			form.Errors.Add("user", "No account has that email address.")
		case err != nil:
			return err
		}
		f.UserID = u.ID
	}
	var err error
	if f.From, err = parseDay(form.From); err != nil {
		form.Errors.Add("from", "Use a date like 2026-01-31.")
	}
	if f.To, err = parseDay(form.To); err != nil {
		form.Errors.Add("to", "Use a date like 2026-01-31.")
	} else if !f.To.IsZero() {
		f.To = f.To.Add(24 * time.Hour) // inclusive of the whole day
	}
	status := fiber.StatusOK
	var entries []models.AuditEntry
	more := false
	if form.Errors.Any() {
		status = fiber.StatusUnprocessableEntity
	} else if entries, more, err = h.Audit.List(c.UserContext(), f); err != nil {
		return err
	}
	return render(c, status, pages.AdminAudit(h.page(c, "Audit log", false), pages.AdminAuditData{
		Entries: entries, More: more, Filter: form, Events: models.AuditEvents,
	}))
}

// parseDay parses an optional YYYY-MM-DD date in UTC.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}
