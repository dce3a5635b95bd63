package handlers

import (
	"context"
	"errors"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// userStore is what sign-up and login need from the user store.
type userStore interface {
	Create(ctx context.Context, in models.NewUser) (models.User, error)
	Authenticate(ctx context.Context, email, password string) (models.User, error)
}

// Auth serves sign-up, login and logout.
type Auth struct {
	Users    userStore
	Sessions *scs.SessionManager
	viewer
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
	if m := models.CheckPassword(f.Password); m != "" {
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
// the form again (422) with the input kept and a message per field.
func (h *Auth) Signup(c *fiber.Ctx) error {
	f := decodeSignup(c)
	errs := f.Validate()
	if !errs.Any() {
		user, err := h.Users.Create(c.UserContext(), models.NewUser{Email: f.Email, DisplayName: f.DisplayName, Password: f.Password})
		switch {
		case errors.Is(err, models.ErrConflict):
			errs.Add("email", "An account with this email already exists. Log in instead?")
		case err != nil:
			return err
		default:
			Logger(c.UserContext()).Info("user signed up", "user_id", user.ID)
			if err := h.signIn(c, user); err != nil {
				return err
			}
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
	return render(c, fiber.StatusOK, pages.Login(h.page(c, "Log in", true), pages.LoginForm{Next: next}))
}

// Login signs the user in and returns them to ?next (local paths only).
// A failure says only that the pair did not match, never which part.
func (h *Auth) Login(c *fiber.Ctx) error {
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
	if !f.Errors.Any() {
		if len(password) > 4*models.PasswordMaxLen {
			password = "" // refuse without hashing megabytes
		}
		user, err := h.Users.Authenticate(c.UserContext(), f.Email, password)
		switch {
		case errors.Is(err, models.ErrInvalidCredentials):
			f.Failed = "That email and password do not match an account."
			Logger(c.UserContext()).Info("login failed")
		case err != nil:
			return err
		default:
			Logger(c.UserContext()).Info("user logged in", "user_id", user.ID)
			if err := h.signIn(c, user); err != nil {
				return err
			}
			return redirect(c, orHome(f.Next))
		}
	}
	return render(c, fiber.StatusUnprocessableEntity, pages.Login(h.page(c, "Log in", true), f))
}

// Logout ends the session and renews its token.
func (h *Auth) Logout(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.Sessions.Remove(ctx, sessionUserID)
	h.Sessions.Remove(ctx, sessionCSRF)
	return redirect(c, "/")
}

// signIn renews the session token (so a token planted before login is
// useless after it) and a new CSRF token, and records the user.
func (h *Auth) signIn(c *fiber.Ctx, user models.User) error {
	ctx := c.UserContext()
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.Sessions.Put(ctx, sessionUserID, user.ID)
	h.Sessions.Remove(ctx, sessionCSRF)
	return nil
}

func orHome(next string) string {
	if next == "" {
		return "/"
	}
	return next
}
