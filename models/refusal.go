package models

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// RefusalKind says why an operation declined to act. Each kind maps to
// one HTTP status, the same on the pages and in the API
// (handlers/refusal holds the table; the README lists it).
type RefusalKind uint8

// The kinds of refusal.
const (
	// RefusedNotFound: the thing does not exist, or the actor may not
	// know that it does (a draft guide of someone else's).
	RefusedNotFound RefusalKind = iota + 1
	// RefusedForbidden: the actor may see the thing but not do this.
	RefusedForbidden
	// RefusedConflict: the change collides with the current state (a
	// taken slug or email, a stale version).
	RefusedConflict
	// RefusedInvalid: the input is not acceptable; Fields says why.
	RefusedInvalid
	// RefusedRule: the input is fine but a rule forbids the change now
	// (a step's quiz not passed yet, the last admin demoted); Reason says
	// which.
	RefusedRule
	// RefusedThrottled: too many attempts; RetryAfter says when to retry.
	RefusedThrottled
	// RefusedCredentials: the email, password, code or token does not
	// prove who the caller is.
	RefusedCredentials
)

// String names the kind, for logs and tests.
func (k RefusalKind) String() string {
	switch k {
	case RefusedNotFound:
		return "not found"
	case RefusedForbidden:
		return "forbidden"
	case RefusedConflict:
		return "conflict"
	case RefusedInvalid:
		return "invalid"
	case RefusedRule:
		return "refused by rule"
	case RefusedThrottled:
		return "throttled"
	case RefusedCredentials:
		return "bad credentials"
	}
	return "refused"
}

// Refusal is an operation's typed "no": what kind, a sentence for the
// user, a stable code for API clients and tests, and, for invalid input,
// a message per field. Operations return it as their error; adapters map
// it with errors.As (AsRefusal).
type Refusal struct {
	Kind RefusalKind
	// Code is stable and machine-readable, such as "quiz_not_passed".
	Code string
	// Reason is one sentence the user can act on.
	Reason string
	// Fields holds a message per field of an invalid input.
	Fields FieldErrors
	// RetryAfter, for a throttled attempt, is when to try again.
	RetryAfter time.Duration
}

func (r *Refusal) Error() string {
	if r.Reason == "" {
		return r.Kind.String()
	}
	return r.Kind.String() + ": " + r.Reason
}

// Is lets a refusal match the store's sentinels, so code that checks
// errors.Is(err, ErrNotFound) keeps working on an operation's result.
func (r *Refusal) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return r.Kind == RefusedNotFound
	case ErrConflict:
		return r.Kind == RefusedConflict
	case ErrInvalidCredentials:
		return r.Kind == RefusedCredentials
	}
	return false
}

// Refuse returns a refusal of kind with a stable code and a reason.
func Refuse(kind RefusalKind, code, reason string) *Refusal {
	return &Refusal{Kind: kind, Code: code, Reason: reason}
}

// Invalid refuses input whose fields fe failed validation.
func Invalid(fe FieldErrors) *Refusal {
	return &Refusal{Kind: RefusedInvalid, Code: "invalid", Reason: "Some fields are not acceptable.", Fields: fe}
}

// AsRefusal returns err's refusal, if it is one. The store's sentinels
// count as refusals too: ErrNotFound, ErrConflict and
// ErrInvalidCredentials become the matching kind.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	switch {
	case err == nil:
		return nil, false
	case errors.As(err, &r):
		return r, true
	case errors.Is(err, ErrNotFound):
		return Refuse(RefusedNotFound, "not_found", "There is no such thing, or you may not see it."), true
	case errors.Is(err, ErrConflict):
		return Refuse(RefusedConflict, "conflict", "That conflicts with what is already there."), true
	case errors.Is(err, ErrInvalidCredentials):
		return Refuse(RefusedCredentials, "invalid_credentials", "Those details do not match an account."), true
	}
	return nil, false
}

// Origin is who asks for an operation and from where: the acting user
// (zero for a visitor) and the request's address and browser. Operations
// write it into the audit rows they record in their transaction.
type Origin struct {
	ActorID   int64
	IP        string
	UserAgent string
	// APITokenID is the id (never the text) of the API token the request
	// came with, if any; every audit row names it.
	APITokenID int64
}

// Entry is the audit row of event on target by o, with a detail that
// must never hold a secret.
func (o Origin) Entry(event string, target int64, detail string) AuditEntry {
	if o.APITokenID != 0 {
		detail = strings.TrimSpace(detail + " via api token " + strconv.FormatInt(o.APITokenID, 10))
	}
	return AuditEntry{Event: event, ActorID: ID(o.ActorID), TargetID: ID(target), IP: o.IP, UserAgent: o.UserAgent, Detail: detail}
}

// As returns o acting as user id (after a sign-in, the actor is known).
func (o Origin) As(id int64) Origin { o.ActorID = id; return o }
