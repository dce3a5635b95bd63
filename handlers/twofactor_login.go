package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views"
	"stepwise/views/pages"
)

// sessionPendingAt is when the pending login's password was given (Unix
// seconds), beside sessionPending.
const sessionPendingAt = "pending_at"

// pendingLoginTTL is how long a correct password waits for the second
// factor before the login has to start again.
const pendingLoginTTL = 5 * time.Minute

// startPendingLogin remembers, until the second factor is given, that
// userID gave the right password. The session holds nothing else of the
// user, so every page shows them as signed out meanwhile.
func startPendingLogin(ctx context.Context, sm *scs.SessionManager, userID int64) {
	sm.Put(ctx, sessionPending, userID)
	sm.Put(ctx, sessionPendingAt, time.Now().Unix())
}

// pendingUser returns the user waiting to give a second factor. A wait
// that expired, or whose user was locked, deleted or turned two-factor
// off meanwhile, is forgotten and reported as none.
func (h *TwoFactor) pendingUser(c *fiber.Ctx) (models.User, bool, error) {
	ctx := c.UserContext()
	id := h.Sessions.GetInt64(ctx, sessionPending)
	if id == 0 {
		return models.User{}, false, nil
	}
	forget := func() (models.User, bool, error) {
		h.Sessions.Remove(ctx, sessionPending)
		h.Sessions.Remove(ctx, sessionPendingAt)
		return models.User{}, false, nil
	}
	if time.Since(time.Unix(h.Sessions.GetInt64(ctx, sessionPendingAt), 0)) > pendingLoginTTL {
		return forget()
	}
	u, err := h.Users.ByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return forget()
	}
	if err != nil {
		return models.User{}, false, err
	}
	if u.Locked() || !u.TwoFactor() {
		return forget()
	}
	return u, true, nil
}

// LoginForm asks for the second factor after a correct password.
// Without a pending login it sends the visitor to log in.
func (h *TwoFactor) LoginForm(c *fiber.Ctx) error {
	next := SafeNext(c.Query("next"))
	if CurrentUser(c) != nil {
		return redirect(c, orHome(next))
	}
	_, ok, err := h.pendingUser(c)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(c, "/login"+views.NextQuery(next))
	}
	return render(c, fiber.StatusOK, pages.TwoFactorLogin(h.page(c, "Two-factor authentication", true),
		pages.TwoFactorLoginForm{Next: next}))
}

// Login checks the second factor (accounts.CompleteSignIn) and signs the
// pending user in: to ?next (local paths only), or, after a recovery
// code, to a page saying how many codes are left. A refusal shows the
// form again.
func (h *TwoFactor) Login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := pages.TwoFactorLoginForm{Next: SafeNext(c.FormValue("next"))}
	if CurrentUser(c) != nil {
		return redirect(c, orHome(f.Next))
	}
	user, ok, err := h.pendingUser(c)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(c, "/login"+views.NextQuery(f.Next))
	}
	out, err := h.Accounts.CompleteSignIn(ctx, origin(c), accounts.SecondStep{
		UserID: user.ID, Code: c.FormValue("code"), Device: h.Devices.recognise(c, user.Email),
	})
	if status, r, ok := formRefusal(c, err); ok {
		f.Errors, f.Failed = r.Fields, formMessage(r)
		return h.renderLogin(c, status, f)
	}
	if err != nil {
		return err
	}
	if err := signedIn(c, h.Sessions, h.Devices, out.User, out.SessionID); err != nil {
		return err
	}
	h.Sessions.Remove(ctx, sessionPendingAt)
	if out.Factor != models.FactorRecoveryCode {
		return redirect(c, orHome(f.Next))
	}
	// The header of this page shows the user signed in.
	c.Locals(userKey{}, &out.User)
	return render(c, fiber.StatusOK, pages.RecoveryCodeUsed(h.page(c, "Signed in with a recovery code", true),
		pages.RecoveryCodeUsedData{Left: out.RecoveryCodesLeft, Next: orHome(f.Next)}))
}

func (h *TwoFactor) renderLogin(c *fiber.Ctx, status int, f pages.TwoFactorLoginForm) error {
	return render(c, status, pages.TwoFactorLogin(h.page(c, "Two-factor authentication", true), f))
}
