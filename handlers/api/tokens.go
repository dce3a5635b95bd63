package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
)

// Tokens serves /api/v1/tokens: creating a token with an email and
// password (so a script can start from nothing, as the README's walk-
// through does), and listing and revoking the caller's tokens. The rules
// are the accounts operations', shared with the login and token pages.
type Tokens struct {
	Accounts *accounts.Service
	Tokens   *models.APITokens
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
// password: accounts.CreateTokenWithPassword checks it (and the second
// factor, when the account has one) throttled per account at the
// caller's address and per address, counting with the login form
// (models.APILoginBudget), validates the request before any code is
// spent, and makes the token. Refusals are problem details.
func (h *Tokens) Create(c *fiber.Ctx) error {
	var in tokenRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := h.Accounts.CreateTokenWithPassword(c.UserContext(), origin(c),
		accounts.Credentials{Email: in.Email, Password: in.Password, Code: in.Code},
		models.NewAPIToken{Name: in.Name, Scopes: in.Scopes, ExpiresAt: in.ExpiresAt})
	if err != nil {
		return err
	}
	tok := tokenOf(out.Token)
	tok.Token = out.Text
	c.Set(fiber.HeaderLocation, "/api/v1/tokens/"+strconv.FormatInt(out.Token.ID, 10))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return send(c, fiber.StatusCreated, tok)
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
	if err := h.Accounts.RevokeToken(c.UserContext(), origin(c), caller(c), t.ID); err != nil {
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

// idParam reads a positive integer path parameter; anything else is 404
// (no such resource), never a 500.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound
	}
	return id, nil
}
