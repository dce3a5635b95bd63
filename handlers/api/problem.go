package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
)

// Problem is an RFC 9457 problem detail. Errors lists what is wrong with
// each field of a request body that failed validation.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// RequestID is also on the server's log lines for the request.
	RequestID string `json:"request_id,omitempty"`
}

// FieldError is one field's problem. Field is the JSON name of the
// field, or a JSON Pointer-like path such as "answers.12".
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// problem returns a problem with status and detail; its title is the
// status's standard text.
func problem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// invalid is the 422 answer for a body whose fields failed validation.
func invalid(fe models.FieldErrors) *Problem {
	p := problem(fiber.StatusUnprocessableEntity, "Some fields are not acceptable; see errors.")
	p.Type = "/api/docs#validation"
	for _, k := range sortedKeys(fe) {
		p.Errors = append(p.Errors, FieldError{Field: k, Detail: fe[k]})
	}
	return p
}

// Common answers.
var (
	errUnauthorized = problem(fiber.StatusUnauthorized, "Send a personal access token: Authorization: Bearer <token>. Create one on your account page.")
	errNotFound     = problem(fiber.StatusNotFound, "There is no such resource, or you may not see it.")
	// errForbidden answers a policy's no (models.Can*) on a resource the
	// caller knows exists: hiding one is the handler's call, with
	// errNotFound.
	errForbidden = problem(fiber.StatusForbidden, "Your account may not do that.")
)

// storageFull is the answer when a write failed because the server's disk
// is full: nothing is wrong with the request, and reads keep working.
func storageFull() *Problem {
	return &Problem{
		Type: "/api/docs#storage-full", Title: "Storage full", Status: fiber.StatusServiceUnavailable,
		Detail: "The server's storage is full, so the change was not saved. Try again later (see Retry-After); reads still work.",
	}
}

// StorageFullRetryAfter is the Retry-After, in seconds, of a "storage
// full" answer (a page's too): freeing space takes an operator, not a
// moment.
const StorageFullRetryAfter = "60"

// IsAPI reports whether the request is for the JSON API, whose errors are
// problem details rather than pages.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/api/v1" || len(p) > len("/api/v1/") && p[:len("/api/v1/")] == "/api/v1/"
}

// HandleError writes err as a problem detail. It is the API's half of the
// app's error handler: internal errors are logged with the request id and
// never shown.
func HandleError(c *fiber.Ctx, err error, log *slog.Logger, requestID string) error {
	p := toProblem(err)
	if p.Status >= 500 {
		log.Error("api request failed", "err", err, "method", c.Method(), "path", c.Path())
	}
	if models.IsStorageFull(err) {
		c.Set(fiber.HeaderRetryAfter, StorageFullRetryAfter)
	}
	if r, ok := models.AsRefusal(err); ok && r.RetryAfter > 0 {
		SetRetryAfter(c, r.RetryAfter)
	}
	p.RequestID = requestID
	p.Instance = c.Path()
	c.Response().ResetBody()
	body, merr := json.Marshal(p)
	if merr != nil {
		return merr
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Send(body)
}

func toProblem(err error) *Problem {
	var p *Problem
	var r *models.Refusal
	var fe *fiber.Error
	switch {
	case errors.As(err, &p):
		cp := *p
		return &cp
	case errors.As(err, &r):
		return refusalProblem(r)
	case errors.Is(err, models.ErrNotFound):
		return problem(fiber.StatusNotFound, errNotFound.Detail)
	case models.IsStorageFull(err):
		return storageFull()
	case errors.Is(err, models.ErrConflict):
		return problem(fiber.StatusConflict, "That conflicts with an existing resource.")
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			return problem(fe.Code, "There is nothing at this address. The reference is at /api/docs.")
		case fiber.StatusRequestEntityTooLarge:
			return problem(fe.Code, "The request body is larger than this route accepts: 1 MiB of JSON, an image of 5 MB, a guide archive of 20 MB.")
		case fiber.StatusMethodNotAllowed:
			return problem(fe.Code, "That method is not available at this address.")
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return problem(fe.Code, fe.Message)
		}
		if fe.Code > 500 {
			return problem(fe.Code, "The service cannot answer right now; try again shortly.")
		}
	}
	return problem(fiber.StatusInternalServerError, "An unexpected error happened. It has been logged with the request id below.")
}

// refusalProblem is an operation's refusal as a problem detail, with the
// status refusal.Status gives its kind; invalid input lists its fields.
func refusalProblem(r *models.Refusal) *Problem {
	if r.Kind == models.RefusedInvalid {
		return invalid(r.Fields)
	}
	detail := r.Reason
	if detail == "" {
		detail = r.Kind.String()
	}
	return problem(refusal.Status(r.Kind), detail)
}

// SetRetryAfter sets the Retry-After header to d in whole seconds, at
// least 1, on a page or an API answer alike.
func SetRetryAfter(c *fiber.Ctx, d time.Duration) {
	s := int64((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(s, 10))
}
