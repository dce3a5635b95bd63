package handlers

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// apiTokenStore is what the tokens page needs from the models.
type apiTokenStore interface {
	List(ctx context.Context, userID int64) ([]models.APIToken, error)
	Get(ctx context.Context, userID, id int64) (models.APIToken, error)
	Create(ctx context.Context, userID int64, n models.NewAPIToken) (models.APIToken, string, error)
	Revoke(ctx context.Context, userID, id int64) error
}

// AccountTokens serves the personal access tokens of the signed-in user:
// the list with the create form, the page that shows a new token once,
// and revoking. A user sees and revokes their own tokens only.
type AccountTokens struct {
	Tokens apiTokenStore
	Audit  auditLog
	viewer
}

// defaultTokenExpiry is the expiry the form starts with: long enough for
// a trial integration, short enough that a forgotten token dies.
const defaultTokenExpiry = "90"

// tokenExpiryDays maps the form's expiry choices to days; "never" is
// absent (no expiry).
var tokenExpiryDays = map[string]int{"30": 30, "90": 90, "365": 365}

// tokenNotices are the confirmations ?done= may ask for.
var tokenNotices = map[string]string{
	"revoked": "The token was revoked. Anything still using it now gets 401 Unauthorized.",
}

// Index lists the user's tokens and the form to create one.
func (h *AccountTokens) Index(c *fiber.Ctx) error {
	if err := allow(c, models.ManageAccount, CurrentUser(c)); err != nil {
		return err
	}
	form := pages.TokenForm{Scopes: []string{models.ScopeRead}, Expires: defaultTokenExpiry}
	return h.index(c, fiber.StatusOK, form, tokenNotices[c.Query("done")])
}

func (h *AccountTokens) index(c *fiber.Ctx, status int, form pages.TokenForm, notice string) error {
	u := CurrentUser(c)
	list, err := h.Tokens.List(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return render(c, status, pages.AccountTokens(h.page(c, "Access tokens", true), pages.AccountTokensData{
		Tokens: list, Form: form, Scopes: offeredScopes(u), Notice: notice, Now: time.Now(),
	}))
}

// offeredScopes are the scope checkboxes u sees: admin only for admins
// (the model refuses it to anyone else too).
func offeredScopes(u *models.User) []string {
	var out []string
	for _, s := range models.Scopes {
		if s != models.ScopeAdmin || u.IsAdmin() {
			out = append(out, s)
		}
	}
	return out
}

// Create makes a token and shows its text, once.
func (h *AccountTokens) Create(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	form := pages.TokenForm{Name: c.FormValue("name"), Expires: c.FormValue("expires"), Errors: models.FieldErrors{}}
	for _, v := range c.Request().PostArgs().PeekMulti("scopes") {
		form.Scopes = append(form.Scopes, string(v))
	}
	now := time.Now()
	in := models.NewAPIToken{Name: form.Name, Scopes: slices.Clone(form.Scopes)}
	if days, ok := tokenExpiryDays[form.Expires]; ok {
		at := now.AddDate(0, 0, days)
		in.ExpiresAt = &at
	} else if form.Expires != "never" {
		form.Errors.Add("expires", "Choose one of the expiries offered.")
	}
	for field, msg := range in.Validate(u, now) {
		if field == "expires_at" {
			field = "expires"
		}
		form.Errors.Add(field, msg)
	}
	if form.Errors.Any() {
		return h.index(c, fiber.StatusUnprocessableEntity, form, "")
	}
	tok, text, err := h.Tokens.Create(c.UserContext(), u.ID, in)
	if err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventAPITokenCreated, u.ID, u.ID, tok.AuditDetail()); err != nil {
		return err
	}
	// routes.go serves /account/tokens with Cache-Control: no-store, so
	// no cache keeps this page and its token.
	return render(c, fiber.StatusCreated, pages.AccountTokenCreated(h.page(c, "Your new access token", true), tok, text))
}

// Revoke stops one of the user's tokens from working. Another user's
// token is not found.
func (h *AccountTokens) Revoke(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ErrNotFound
	}
	ctx := c.UserContext()
	tok, err := h.Tokens.Get(ctx, u.ID, id)
	if err != nil {
		return err
	}
	if err := h.Tokens.Revoke(ctx, u.ID, tok.ID); err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventAPITokenRevoked, u.ID, u.ID, tok.AuditDetail()); err != nil {
		return err
	}
	return redirect(c, "/account/tokens?done=revoked")
}
