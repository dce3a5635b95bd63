package handlers

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views/pages"
)

// apiTokenLister is what the tokens page reads: the user's live tokens.
type apiTokenLister interface {
	List(ctx context.Context, userID int64) ([]models.APIToken, error)
}

// AccountTokens serves the personal access tokens of the signed-in user:
// the list with the create form, the page that shows a new token once,
// and revoking (accounts.CreateToken, RevokeToken). A user sees and
// revokes their own tokens only.
type AccountTokens struct {
	Accounts *accounts.Service
	Tokens   apiTokenLister
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
	if u := CurrentUser(c); !models.CanManageAccount(u, u) {
		return errForbidden
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

// Create makes a token and shows its text, once. Bad input shows the
// form again with its errors.
func (h *AccountTokens) Create(c *fiber.Ctx) error {
	u := CurrentUser(c)
	form := pages.TokenForm{Name: c.FormValue("name"), Expires: c.FormValue("expires"), Errors: models.FieldErrors{}}
	for _, v := range c.Request().PostArgs().PeekMulti("scopes") {
		form.Scopes = append(form.Scopes, string(v))
	}
	in := models.NewAPIToken{Name: form.Name, Scopes: slices.Clone(form.Scopes)}
	if days, ok := tokenExpiryDays[form.Expires]; ok {
		at := time.Now().AddDate(0, 0, days)
		in.ExpiresAt = &at
	} else if form.Expires != "never" {
		// The choice did not parse: show it with whatever else the
		// operation's validation finds, all at once.
		form.Errors.Add("expires", "Choose one of the expiries offered.")
		h.addTokenErrors(form.Errors, in.Validate(u, time.Now()))
		return h.index(c, fiber.StatusUnprocessableEntity, form, "")
	}
	out, err := h.Accounts.CreateToken(c.UserContext(), origin(c), u, in)
	if status, r, ok := formRefusal(c, err); ok && r.Kind == models.RefusedInvalid {
		h.addTokenErrors(form.Errors, r.Fields)
		return h.index(c, status, form, "")
	}
	if err != nil {
		return err
	}
	// routes.go serves /account/tokens with Cache-Control: no-store, so
	// no cache keeps this page and its token.
	return render(c, fiber.StatusCreated, pages.AccountTokenCreated(h.page(c, "Your new access token", true), out.Token, out.Text))
}

// addTokenErrors adds fe, a new token's field errors, to the form's
// errors under the form's names (its expiry is "expires").
func (h *AccountTokens) addTokenErrors(errs, fe models.FieldErrors) {
	for field, msg := range fe {
		if field == "expires_at" {
			field = "expires"
		}
		errs.Add(field, msg)
	}
}

// Revoke stops one of the user's tokens from working. Another user's
// token is not found.
func (h *AccountTokens) Revoke(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ErrNotFound
	}
	if err := h.Accounts.RevokeToken(c.UserContext(), origin(c), CurrentUser(c), id); err != nil {
		return err
	}
	return redirect(c, "/account/tokens?done=revoked")
}
