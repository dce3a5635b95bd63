package handlers

import (
	"errors"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/api"
	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views"
	"stepwise/views/pages"
)

// Auth serves sign-up, login and logout; the rules are the accounts
// operations', shared with POST /api/v1/tokens.
type Auth struct {
	Accounts *accounts.Service
	Sessions *scs.SessionManager
	// Devices recognises browsers that signed in before (device_cookie.go).
	Devices *devices
	// Verification mails a new user the link that verifies their address.
	Verification interface {
		SendFirst(c *fiber.Ctx, u models.User, token string)
	}
	viewer
}

// SignupForm shows the sign-up page.
func (h *Auth) SignupForm(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, pages.Signup(h.page(c, "Sign up", true),
		pages.SignupForm{Next: SafeNext(c.Query("next"))}))
}

// Signup creates the account and signs the new user in (accounts.SignUp);
// a refusal shows the form again with the input kept and a message per
// field, or for the whole form (throttled).
func (h *Auth) Signup(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return redirect(c, "/")
	}
	f := pages.SignupForm{
		Email:       models.NormalizeEmail(c.FormValue("email")),
		DisplayName: c.FormValue("display_name"),
		Next:        SafeNext(c.FormValue("next")),
	}
	out, err := h.Accounts.SignUp(c.UserContext(), origin(c), accounts.NewAccount{
		Email: f.Email, DisplayName: f.DisplayName, Password: c.FormValue("password"),
	})
	if status, r, ok := formRefusal(c, err); ok {
		f.Errors, f.Failed = r.Fields, formMessage(r)
		return render(c, status, pages.Signup(h.page(c, "Sign up", true), f))
	}
	if err != nil {
		return err
	}
	Logger(c.UserContext()).Info("user signed up", "user_id", out.User.ID)
	if err := signedIn(c, h.Sessions, h.Devices, out.User, out.SessionID); err != nil {
		return err
	}
	h.Verification.SendFirst(c, out.User, out.VerifyToken)
	return redirect(c, orHome(f.Next))
}

// LoginForm shows the login page.
func (h *Auth) LoginForm(c *fiber.Ctx) error {
	next := SafeNext(c.Query("next"))
	if CurrentUser(c) != nil {
		return c.Redirect(orHome(next), fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, pages.Login(h.page(c, "Log in", true), pages.LoginForm{Next: next, Notice: loginNotices[c.Query("done")]}))
}

// Login signs in with a password (accounts.SignIn, throttled there: a
// browser with a device cookie for the email counts on its own budget).
// It then either signs the user in or, with two-factor on, asks for a
// code; a refusal shows the form again with the email kept. It returns
// them to ?next (local paths only).
func (h *Auth) Login(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return redirect(c, "/")
	}
	ctx := c.UserContext()
	f := pages.LoginForm{Email: models.NormalizeEmail(c.FormValue("email")), Next: SafeNext(c.FormValue("next"))}
	out, err := h.Accounts.SignIn(ctx, origin(c), accounts.Credentials{
		Email: f.Email, Password: c.FormValue("password"), Device: h.Devices.recognise(c, f.Email), Via: accounts.Browser,
	})
	if status, r, ok := formRefusal(c, err); ok {
		f.Errors, f.Failed = r.Fields, formMessage(r)
		return render(c, status, pages.Login(h.page(c, "Log in", true), f))
	}
	if err != nil {
		return err
	}
	if out.NeedsSecondFactor {
		// The password was right; the session remembers that (and
		// nothing more) until the second factor is given.
		if err := h.Sessions.RenewToken(ctx); err != nil {
			return err
		}
		startPendingLogin(ctx, h.Sessions, out.User.ID)
		return redirect(c, "/login/two-factor"+views.NextQuery(f.Next))
	}
	if err := signedIn(c, h.Sessions, h.Devices, out.User, out.SessionID); err != nil {
		return err
	}
	return redirect(c, orHome(f.Next))
}

// Logout ends the browser's session (accounts.SignOut deletes its row
// and records it).
func (h *Auth) Logout(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := h.Accounts.SignOut(ctx, origin(c), CurrentUser(c), h.Sessions.GetString(ctx, sessionID)); err != nil {
		return err
	}
	// Nothing of the session is worth keeping: delete its row and expire
	// the cookie, so the browser is a visitor again with no row.
	if err := h.Sessions.Destroy(ctx); err != nil {
		return err
	}
	return redirect(c, "/")
}

// signedIn binds the browser to user's new session row sid (the
// operation made it and recorded the sign-in): it renews the session
// token (so a token planted before login is useless after it) and the
// CSRF token, and gives the browser a device cookie for the account.
// Login, two-factor login and sign-up share it.
func signedIn(c *fiber.Ctx, sm *scs.SessionManager, d *devices, user models.User, sid string) error {
	ctx := c.UserContext()
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionID, sid)
	sm.Remove(ctx, sessionPending)
	sm.Remove(ctx, sessionCSRF)
	d.remember(c, user.Email)
	return nil
}

// formRefusal is how a form shows an operation's refusal: with the
// status refusal.Status gives its kind (and Retry-After when throttled).
// ok is false for an error that is not a refusal, which the error
// handler answers.
func formRefusal(c *fiber.Ctx, err error) (status int, r *models.Refusal, ok bool) {
	if !errors.As(err, &r) {
		return 0, nil, false
	}
	if r.RetryAfter > 0 {
		api.SetRetryAfter(c, r.RetryAfter)
	}
	return refusal.Status(r.Kind), r, true
}

// formMessage is the refusal's message for the whole form: none when
// its fields say what is wrong.
func formMessage(r *models.Refusal) string {
	if len(r.Fields) > 0 {
		return ""
	}
	return r.Reason
}

func orHome(next string) string {
	if next == "" {
		return "/"
	}
	return next
}
