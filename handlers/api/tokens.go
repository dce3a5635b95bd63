package api

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// Tokens serves /api/v1/tokens: creating a token with an email and
// password (so a script can start from nothing, as the README's walk-
// through does), and listing and revoking the caller's tokens.
type Tokens struct {
	Tokens    *models.APITokens
	Users     *models.Users
	TwoFactor *models.TwoFactor
	Throttle  *models.Throttle
	Audit     *models.Audit
}

// Token is a personal access token as the API lists it; Token (the text)
// is only present in the answer to its creation.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scopes     []string   `json:"scopes"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
	Token      string     `json:"token,omitempty"`
}

func tokenOf(t models.APIToken) Token {
	return Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: t.Scopes(), ExpiresAt: utc(t.ExpiresAt),
		LastUsedAt: utc(t.LastUsedAt), CreatedAt: t.CreatedAt.UTC()}
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Email    string   `json:"email"`
	Password string   `json:"password"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Scopes   []string `json:"scopes"`
	// ExpiresAt is RFC 3339; empty or absent means never.
	ExpiresAt *time.Time `json:"expires_at"`
}

// Create answers POST /api/v1/tokens. It is the one route that takes a
// password, so it is throttled per account at the caller's address and
// per address, counting with the login form (models.APILoginBudget);
// failures from other addresses never lock it. It asks for the second
// factor when the account has one, and is audited.
func (h *Tokens) Create(c *fiber.Ctx) error {
	var in tokenRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	email := models.NormalizeEmail(in.Email)
	fe := models.FieldErrors{}
	if email == "" {
		fe.Add("email", "Give your account's email address.")
	}
	if in.Password == "" {
		fe.Add("password", "Give your password.")
	}
	if fe.Any() {
		return invalid(fe)
	}
	budget := models.APILoginBudget(email, c.IP())
	wait, err := h.Throttle.Check(ctx, budget)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := h.audit(c, models.EventLoginThrottled, 0, 0, "api token request"); err != nil {
			return err
		}
		secs := strconv.Itoa(int(wait.Seconds()) + 1)
		c.Set(fiber.HeaderRetryAfter, secs)
		return problem(fiber.StatusTooManyRequests, "Too many failed attempts. Wait "+secs+" seconds, then try again.")
	}
	password := in.Password
	if len(password) > 4*models.PasswordMaxLen {
		password = "" // refuse without hashing megabytes
	}
	u, err := h.Users.Authenticate(ctx, email, password)
	if errors.Is(err, models.ErrInvalidCredentials) {
		return h.failed(c, budget, u.ID, "That email and password do not match an account.")
	}
	if err != nil {
		return err
	}
	switch {
	case u.Locked():
		return problem(fiber.StatusForbidden, "This account is locked. Please contact an administrator.")
	case u.MustResetPassword:
		return problem(fiber.StatusForbidden, "An administrator asked you to choose a new password first; use “Forgot your password?” on the login page.")
	case u.TwoFactor():
		if in.Code == "" {
			return invalid(models.FieldErrors{"code": "This account uses two-factor authentication: give a code from your app (or a recovery code)."})
		}
		factor, err := h.TwoFactor.Verify(ctx, u, in.Code)
		if err != nil {
			return err
		}
		if factor == models.FactorNone {
			if err := h.audit(c, models.EventTwoFactorFailure, u.ID, u.ID, "api token request"); err != nil {
				return err
			}
			return h.failed(c, budget, u.ID, "That code is not right (or was used already).")
		}
	}
	if err := h.Throttle.Succeeded(ctx, budget); err != nil {
		return err
	}
	n := models.NewAPIToken{Name: in.Name, Scopes: in.Scopes, ExpiresAt: in.ExpiresAt}
	if fe := n.Validate(&u, time.Now()); fe.Any() {
		return invalid(fe)
	}
	tok, text, err := h.Tokens.Create(ctx, u.ID, n)
	if err != nil {
		return err
	}
	if err := h.audit(c, models.EventAPITokenCreated, u.ID, u.ID, tok.AuditDetail()); err != nil {
		return err
	}
	out := tokenOf(tok)
	out.Token = text
	c.Set(fiber.HeaderLocation, "/api/v1/tokens/"+strconv.FormatInt(tok.ID, 10))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return send(c, fiber.StatusCreated, out)
}

// failed counts a wrong password or code against budget and answers 401
// without saying which part was wrong.
func (h *Tokens) failed(c *fiber.Ctx, budget models.Budget, userID int64, detail string) error {
	if err := h.Throttle.Failed(c.UserContext(), budget); err != nil {
		return err
	}
	if err := h.audit(c, models.EventLoginFailure, 0, userID, "api token request"); err != nil {
		return err
	}
	return problem(fiber.StatusUnauthorized, detail)
}

// List answers GET /api/v1/tokens: the caller's live tokens.
func (h *Tokens) List(c *fiber.Ctx) error {
	list, err := h.Tokens.List(c.UserContext(), caller(c).ID)
	if err != nil {
		return err
	}
	items := make([]Token, len(list))
	for i, t := range list {
		items[i] = tokenOf(t)
	}
	return send(c, fiber.StatusOK, List[Token]{Items: items})
}

// Show answers GET /api/v1/tokens/{id}; another user's token is 404.
func (h *Tokens) Show(c *fiber.Ctx) error {
	t, err := h.token(c)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, tokenOf(t))
}

// Revoke answers DELETE /api/v1/tokens/{id} (If-Match required). A token
// may revoke itself, which is how a leaked one is retired from a script.
func (h *Tokens) Revoke(c *fiber.Ctx) error {
	t, err := h.token(c)
	if err != nil {
		return err
	}
	if err := requireMatch(c, tokenOf(t)); err != nil {
		return err
	}
	u := caller(c)
	if err := h.Tokens.Revoke(c.UserContext(), u.ID, t.ID); err != nil {
		return err
	}
	if err := h.audit(c, models.EventAPITokenRevoked, u.ID, u.ID, t.AuditDetail()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Tokens) token(c *fiber.Ctx) (models.APIToken, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return models.APIToken{}, err
	}
	return h.Tokens.Get(c.UserContext(), caller(c).ID, id)
}

func (h *Tokens) audit(c *fiber.Ctx, event string, actor, target int64, detail string) error {
	return record(c, h.Audit, event, actor, target, detail)
}

// idParam reads a positive integer path parameter; anything else is 404
// (no such resource), never a 500.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound
	}
	return id, nil
}

// auditLog is what the API needs to record security events.
type auditLog interface {
	Record(ctx context.Context, e models.AuditEntry) error
}

// record writes a security event for the request, naming the token it
// came with (by id, never its text) in the detail.
func record(c *fiber.Ctx, log auditLog, event string, actor, target int64, detail string) error {
	if id, ok := TokenID(c); ok {
		detail = strings.TrimSpace(detail + " via api token " + strconv.FormatInt(id, 10))
	}
	return log.Record(c.UserContext(), models.AuditEntry{
		Event: event, ActorID: models.ID(actor), TargetID: models.ID(target),
		IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent), Detail: detail,
	})
}
