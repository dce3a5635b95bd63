package handlers

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/api"
	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/views"
	"stepwise/views/components"
	"stepwise/views/pages"
)

// errorPages is the one place a failed request is logged and shown: a
// friendly page (or, for htmx, a message in the #flash region) carrying
// the request id that also appears in the log.
type errorPages struct {
	logger *slog.Logger
	assets *Assets
}

func (e *errorPages) handle(c *fiber.Ctx, err error) error {
	rid := RequestID(c)
	log := Logger(c.UserContext())
	if rid == "" { // refused before the middleware ran (e.g. body too large)
		log = e.logger
	}
	if api.IsAPI(c) { // API callers get problem details, not pages
		return api.HandleError(c, err, log, rid)
	}
	status, title, msg := classify(err)
	if models.IsStorageFull(err) {
		c.Set(fiber.HeaderRetryAfter, api.StorageFullRetryAfter)
	}
	if r, ok := models.AsRefusal(err); ok && r.RetryAfter > 0 {
		api.SetRetryAfter(c, r.RetryAfter)
	}
	if status >= 500 {
		log.Error("request failed", "err", err, "method", c.Method(), "path", c.Path())
	} else {
		log.Debug("request refused", "status", status, "reason", msg)
	}

	// Drop anything a handler may have written before failing.
	c.Response().ResetBody()
	c.Status(status)
	if isHTMX(c) {
		c.Set("HX-Retarget", "#flash")
		c.Set("HX-Reswap", "innerHTML")
		return render(c, status, components.ErrorFlash(msg, rid))
	}
	p := views.Page{Title: title, User: CurrentUser(c), Asset: e.assets.Path, Path: c.Path()}
	return render(c, status, pages.Error(p, pages.ErrorData{Status: status, Title: title, Message: msg, RequestID: rid}))
}

// classify maps an error to the status, title and message the user sees.
// Internal errors never show their text.
func classify(err error) (status int, title, msg string) {
	var fe *fiber.Error
	var r *models.Refusal
	switch {
	case models.IsStorageFull(err):
		// Nothing is wrong with the request, and pages that only read
		// keep working; say so rather than "something went wrong".
		return fiber.StatusServiceUnavailable, "Storage full", storageFullMessage
	case errors.Is(err, errBusy): // the request ran out of time (deadline.go)
		return errBusy.Code, "Try again in a moment", errBusy.Message
	case errors.As(err, &r) && r.Kind != models.RefusedNotFound:
		return refusal.Status(r.Kind), refusalTitle(r.Kind), r.Reason
	case errors.Is(err, models.ErrNotFound):
		return fiber.StatusNotFound, "Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			return fe.Code, "Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."
		case fiber.StatusForbidden:
			return fe.Code, "Not allowed", fe.Message
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, "Too large", "That request was larger than Stepwise accepts."
		case fiber.StatusMethodNotAllowed:
			return fe.Code, "Not allowed", "That action is not available at this address."
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return fe.Code, "Something is wrong with that request", userMessage(fe.Message)
		}
		if fe.Code >= 500 && fe.Code != fiber.StatusInternalServerError {
			return fe.Code, "Service unavailable", "Stepwise cannot answer right now. Please try again shortly."
		}
	}
	return fiber.StatusInternalServerError, "Something went wrong",
		"Stepwise hit an unexpected problem. It has been logged; please try again, and quote the reference below if it keeps happening."
}

// storageFullMessage is what a user sees when a write failed because the
// server's disk is full.
const storageFullMessage = "Storage is full — your change was not saved. Try again later."

// userMessage keeps a client-error message short and single-line.
func userMessage(s string) string {
	s = strings.TrimSpace(strings.SplitN(s, "\n", 2)[0])
	if s == "" || len(s) > 200 {
		return "The request could not be understood."
	}
	return s
}

// refusalTitle heads the error page of a refusal that reached the error
// handler rather than a re-rendered form.
func refusalTitle(k models.RefusalKind) string {
	switch k {
	case models.RefusedForbidden:
		return "Not allowed"
	case models.RefusedConflict, models.RefusedRule:
		return "That cannot be done now"
	case models.RefusedThrottled:
		return "Too many attempts"
	case models.RefusedCredentials:
		return "Not signed in"
	}
	return "Something is wrong with that request"
}
