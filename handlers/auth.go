package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views"
	"stepwise/views/pages"
)

// userStore is what sign-up and login need from the user store.
type userStore interface {
	Create(ctx context.Context, in models.NewUser) (models.User, error)
	Authenticate(ctx context.Context, email, password string) (models.User, error)
}

// Auth serves sign-up, login and logout.
type Auth struct {
	Users        userStore
	UserSessions userSessionStore
	Throttle     throttle
	Audit        auditLog
	Sessions     *scs.SessionManager
	// Devices recognises browsers that signed in before (device_cookie.go).
	Devices *devices
	// Verification mails a new user the link that verifies their address.
	Verification interface {
		SendFirst(c *fiber.Ctx, u models.User)
	}
	viewer
}

// userSessionStore is what auth needs from the user_sessions store.
type userSessionStore interface {
	sessionStarter
	Delete(ctx context.Context, userID int64, id string) error
}

// throttle is what auth needs from the brute-force throttle: single keys,
// the budgets a guess at a secret counts against, and allowances.
type throttle interface {
	Wait(ctx context.Context, keys ...string) (time.Duration, error)
	Fail(ctx context.Context, l models.Limit, key string) error
	Clear(ctx context.Context, key string) error
	Check(ctx context.Context, b models.Budget) (time.Duration, error)
	Failed(ctx context.Context, b models.Budget) error
	Succeeded(ctx context.Context, b models.Budget) error
	Take(ctx context.Context, as ...models.Allowance) (refused string, wait time.Duration, err error)
}

// signupForm is the decoded sign-up form.
type signupForm struct {
	Email       string
	DisplayName string
	Password    string
	Next        string
}

func decodeSignup(c *fiber.Ctx) signupForm {
	return signupForm{
		Email:       models.NormalizeEmail(c.FormValue("email")),
		DisplayName: c.FormValue("display_name"),
		Password:    c.FormValue("password"),
		Next:        SafeNext(c.FormValue("next")),
	}
}

// Validate returns a message per invalid field.
func (f signupForm) Validate() models.FieldErrors {
	errs := models.FieldErrors{}
	if m := models.CheckEmail(f.Email); m != "" {
		errs.Add("email", m)
	}
	if m := models.CheckDisplayName(f.DisplayName); m != "" {
		errs.Add("display_name", m)
	}
	if m := models.CheckNewPassword(f.Password, f.Email, f.DisplayName); m != "" {
		errs.Add("password", m)
	}
	return errs
}

// SignupForm shows the sign-up page.
func (h *Auth) SignupForm(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, pages.Signup(h.page(c, "Sign up", true),
		pages.SignupForm{Next: SafeNext(c.Query("next"))}))
}

// Signup creates the account and signs the new user in; bad input shows
// the form again (422) with the input kept and a message per field. Valid
// sign-ups are throttled per address and overall (signup_throttle.go):
// over the allowance the form comes back 429 with the input kept.
func (h *Auth) Signup(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return redirect(c, "/")
	}
	f := decodeSignup(c)
	errs := f.Validate()
	if !errs.Any() {
		msg, err := h.signupThrottled(c)
		if err != nil {
			return err
		}
		if msg != "" {
			return render(c, fiber.StatusTooManyRequests, pages.Signup(h.page(c, "Sign up", true),
				pages.SignupForm{Email: f.Email, DisplayName: f.DisplayName, Next: f.Next, Failed: msg}))
		}
		user, err := h.Users.Create(c.UserContext(), models.NewUser{Email: f.Email, DisplayName: f.DisplayName, Password: f.Password})
		switch {
		case errors.Is(err, models.ErrConflict):
			errs.Add("email", "An account with this email already exists. Log in instead?")
		case err != nil:
			return err
		default:
			Logger(c.UserContext()).Info("user signed up", "user_id", user.ID)
			if err := h.signIn(c, user, models.EventSignup); err != nil {
				return err
			}
			h.Verification.SendFirst(c, user)
			return redirect(c, orHome(f.Next))
		}
	}
	return render(c, fiber.StatusUnprocessableEntity, pages.Signup(h.page(c, "Sign up", true),
		pages.SignupForm{Email: f.Email, DisplayName: f.DisplayName, Next: f.Next, Errors: errs}))
}

// LoginForm shows the login page.
func (h *Auth) LoginForm(c *fiber.Ctx) error {
	next := SafeNext(c.Query("next"))
	if CurrentUser(c) != nil {
		return c.Redirect(orHome(next), fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, pages.Login(h.page(c, "Log in", true), pages.LoginForm{Next: next, Notice: loginNotices[c.Query("done")]}))
}

// loginFailed is the one message for every wrong email or password, so the
// page never tells whether an email is registered.
const loginFailed = "That email and password do not match an account."

// Login checks the password, throttled by models.LoginBudget: a browser
// with a device cookie for the email on its own budget, any other per
// account at its address, per address and on the account's budget shared
// by unrecognised browsers. Then it either signs the user in or, with
// two-factor on, asks for a code. It returns them to ?next (local paths
// only).
func (h *Auth) Login(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return redirect(c, "/")
	}
	ctx := c.UserContext()
	f := pages.LoginForm{
		Email:  models.NormalizeEmail(c.FormValue("email")),
		Next:   SafeNext(c.FormValue("next")),
		Errors: models.FieldErrors{},
	}
	password := c.FormValue("password")
	if f.Email == "" {
		f.Errors.Add("email", "Enter your email address.")
	}
	if password == "" {
		f.Errors.Add("password", "Enter your password.")
	}
	if f.Errors.Any() {
		return render(c, fiber.StatusUnprocessableEntity, pages.Login(h.page(c, "Log in", true), f))
	}

	budget := models.LoginBudget(f.Email, c.IP(), h.Devices.recognise(c, f.Email))
	wait, err := h.Throttle.Check(ctx, budget)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := record(c, h.Audit, models.EventLoginThrottled, 0, 0, ""); err != nil {
			return err
		}
		f.Failed = tooManyAttempts(wait)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
		return render(c, fiber.StatusTooManyRequests, pages.Login(h.page(c, "Log in", true), f))
	}

	if len(password) > 4*models.PasswordMaxLen {
		password = "" // refuse without hashing megabytes
	}
	user, err := h.Users.Authenticate(ctx, f.Email, password)
	switch {
	case errors.Is(err, models.ErrInvalidCredentials):
		if err := h.Throttle.Failed(ctx, budget); err != nil {
			return err
		}
		if err := record(c, h.Audit, models.EventLoginFailure, 0, user.ID, ""); err != nil {
			return err
		}
		f.Failed = loginFailed
		return render(c, fiber.StatusUnprocessableEntity, pages.Login(h.page(c, "Log in", true), f))
	case err != nil:
		return err
	}
	if err := h.Throttle.Succeeded(ctx, budget); err != nil {
		return err
	}
	switch {
	case user.Locked():
		f.Failed = "This account is locked. Please contact an administrator."
		return render(c, fiber.StatusForbidden, pages.Login(h.page(c, "Log in", true), f))
	case user.MustResetPassword:
		f.Failed = "An administrator asked you to choose a new password. Use “Forgot your password?” to get a link by email."
		return render(c, fiber.StatusForbidden, pages.Login(h.page(c, "Log in", true), f))
	case user.TwoFactor():
		// The password was right; the session remembers that (and
		// nothing more) until the second factor is given.
		if err := h.Sessions.RenewToken(ctx); err != nil {
			return err
		}
		startPendingLogin(ctx, h.Sessions, user.ID)
		return redirect(c, "/login/two-factor"+views.NextQuery(f.Next))
	}
	if err := h.signIn(c, user, models.EventLoginSuccess); err != nil {
		return err
	}
	return redirect(c, orHome(f.Next))
}

// tooManyAttempts tells a throttled user how long to wait, rounded up.
func tooManyAttempts(wait time.Duration) string {
	if wait > time.Minute {
		return fmt.Sprintf("Too many attempts. Please wait about %d minutes and try again.", int(wait.Minutes())+1)
	}
	return fmt.Sprintf("Too many attempts. Please wait %d seconds and try again.", int(wait.Seconds())+1)
}

// Logout ends the browser's session and deletes it.
func (h *Auth) Logout(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if u := CurrentUser(c); u != nil {
		if err := h.UserSessions.Delete(ctx, u.ID, h.Sessions.GetString(ctx, sessionID)); err != nil {
			return err
		}
		if err := record(c, h.Audit, models.EventLogout, u.ID, u.ID, ""); err != nil {
			return err
		}
	}
	// Nothing of the session is worth keeping: delete its row and expire
	// the cookie, so the browser is a visitor again with no row.
	if err := h.Sessions.Destroy(ctx); err != nil {
		return err
	}
	return redirect(c, "/")
}

// signIn renews the session token (so a token planted before login is
// useless after it) and the CSRF token, records the browser as one of the
// user's sessions, writes event to the audit log, and gives the browser a
// device cookie for the account.
func (h *Auth) signIn(c *fiber.Ctx, user models.User, event string) error {
	if err := startSession(c, h.Sessions, h.UserSessions, h.Audit, user, event); err != nil {
		return err
	}
	h.Devices.remember(c, user.Email)
	return nil
}

// sessionStarter is what signing in needs from the user_sessions store.
type sessionStarter interface {
	Create(ctx context.Context, userID int64, ip, userAgent string) (string, error)
}

// startSession signs user in on this browser; two-factor login shares it.
func startSession(c *fiber.Ctx, sm *scs.SessionManager, us sessionStarter, log auditLog, user models.User, event string) error {
	ctx := c.UserContext()
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sid, err := us.Create(ctx, user.ID, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	sm.Put(ctx, sessionID, sid)
	sm.Remove(ctx, sessionPending)
	sm.Remove(ctx, sessionCSRF)
	return record(c, log, event, user.ID, user.ID, "")
}

func orHome(next string) string {
	if next == "" {
		return "/"
	}
	return next
}
