package api

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// tokenStore is what authentication needs from the token table.
type tokenStore interface {
	Authenticate(ctx context.Context, token string) (models.APIToken, models.User, error)
	NoteUse(ctx context.Context, tok *models.APIToken) error
}

type callerKey struct{}
type tokenKey struct{}

// caller is the token's owner; every handler behind authenticate has one.
func caller(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(callerKey{}).(*models.User)
	return u
}

// callerToken is the token the request came with.
func callerToken(c *fiber.Ctx) models.APIToken {
	t, _ := c.Locals(tokenKey{}).(models.APIToken)
	return t
}

// TokenID is the id (never the text) of the request's token, for the
// access log; false before authentication or without a token.
func TokenID(c *fiber.Ctx) (int64, bool) {
	t, ok := c.Locals(tokenKey{}).(models.APIToken)
	return t.ID, ok
}

// authenticate accepts a request with a live personal access token whose
// scopes cover the method (read for GET and HEAD, write otherwise). The
// session cookie is never read: a browser cannot be tricked into an API
// call, so there is no CSRF to guard against. Noting the token's use is a
// write; when it fails a read is served anyway (bookkeepingFailed).
func authenticate(tokens tokenStore, logger func(context.Context) *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		scheme, text, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(text) == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="stepwise"`)
			return errUnauthorized
		}
		tok, u, err := tokens.Authenticate(c.UserContext(), strings.TrimSpace(text))
		if errors.Is(err, models.ErrAPITokenInvalid) || errors.Is(err, models.ErrNotFound) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="stepwise", error="invalid_token"`)
			return problem(fiber.StatusUnauthorized, "The token is unknown, revoked or expired. Create a new one on your account page.")
		}
		if err != nil {
			return err
		}
		if u.Locked() {
			return problem(fiber.StatusForbidden, "This account is locked. An administrator can unlock it.")
		}
		if err := tokens.NoteUse(c.UserContext(), &tok); err != nil {
			if err := bookkeepingFailed(c, logger, "noting the token's use", err); err != nil {
				return err
			}
		}
		c.Locals(callerKey{}, &u)
		c.Locals(tokenKey{}, tok)
		need := models.ScopeWrite
		if isRead(c) {
			need = models.ScopeRead
		}
		return checkScope(c, tok, need)
	}
}

// needScope is for routes that need a scope beyond the method's, such as
// the admin endpoints.
func needScope(scope string) fiber.Handler {
	return func(c *fiber.Ctx) error { return checkScope(c, callerToken(c), scope) }
}

func checkScope(c *fiber.Ctx, tok models.APIToken, scope string) error {
	if !tok.Has(scope) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="stepwise", error="insufficient_scope", scope="`+scope+`"`)
		return problem(fiber.StatusForbidden, "This token lacks the "+scope+" scope. Create a token with it on your account page.")
	}
	return c.Next()
}

// isRead reports whether the request only reads: GET and HEAD, which the
// read scope allows.
func isRead(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
}

// bookkeepingFailed decides what a failed bookkeeping write (counting the
// request against the rate limit, noting the token's use) does to the
// request. A read is served anyway, with a warning in the log: a full disk
// must not stop reads, and a read that escaped its count costs little. A
// change fails with err, which the error handler answers with 503 "Storage
// full" when that is the cause: the change could not be saved anyway.
func bookkeepingFailed(c *fiber.Ctx, logger func(context.Context) *slog.Logger, what string, err error) error {
	if !isRead(c) {
		return err
	}
	logger(c.UserContext()).Warn("serving a read although "+what+" failed",
		"err", err, "storage_full", models.IsStorageFull(err), "method", c.Method(), "path", c.Path())
	return nil
}

// origin is who makes the request and from where, for the operations
// that record it in their audit rows; the actor is the token's owner, if
// the request carried one, and the rows name the token.
func origin(c *fiber.Ctx) models.Origin {
	o := models.Origin{IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}
	if u := caller(c); u != nil {
		o.ActorID = u.ID
	}
	if id, ok := TokenID(c); ok {
		o.APITokenID = id
	}
	return o
}
