package handlers

import (
	"context"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// twoFactorStore is what the two-factor pages need from the two-factor
// store.
type twoFactorStore interface {
	CheckNewSecret(secret, code string) (step int64, ok bool)
	Enable(ctx context.Context, userID int64, secret string, step int64) ([]string, error)
	Verify(ctx context.Context, u models.User, input string) (models.SecondFactor, error)
	Disable(ctx context.Context, userID int64) error
	RegenerateRecoveryCodes(ctx context.Context, userID int64) ([]string, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
}

// twoFactorUsers is what the two-factor pages need from the user store.
type twoFactorUsers interface {
	ByID(ctx context.Context, id int64) (models.User, error)
	CheckPassword(ctx context.Context, user models.User, password string) (bool, error)
}

// TwoFactor serves setting up two-factor authentication, signing in with
// a code, and turning it off. Every action is on the signed-in (or, for
// the login step, the pending) user only: no route takes a user id.
type TwoFactor struct {
	Users        twoFactorUsers
	TwoFactor    twoFactorStore
	UserSessions sessionStarter
	Throttle     throttle
	Audit        auditLog
	Sessions     *scs.SessionManager
	// Devices recognises browsers that signed in before (device_cookie.go).
	Devices *devices
	// Account shows the account page again with a form's errors.
	Account *Account
	viewer
}

// noStore keeps pages that show a secret (the TOTP key, recovery codes)
// out of every cache, the browser's history cache included. It sits
// outside the session middleware, whose own Cache-Control would replace
// a handler's.
func noStore(c *fiber.Ctx) error {
	err := c.Next()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return err
}

// secondFactor checks input as u's TOTP code or recovery code. Wrong
// codes are throttled like passwords (models.TwoFactorBudget): a browser
// with a device cookie for u on its own budget, any other per account at
// its address, per address and on the account's budget shared by
// unrecognised browsers; and audited. actor is who is acting (0 while
// signing in). It returns the factor that matched (FactorNone for a wrong
// code) or, when throttled, how long to wait before trying again.
func (h *TwoFactor) secondFactor(c *fiber.Ctx, u models.User, input string, actor int64) (models.SecondFactor, time.Duration, error) {
	ctx := c.UserContext()
	budget := models.TwoFactorBudget(u.ID, c.IP(), h.Devices.recognise(c, u.Email))
	wait, err := h.Throttle.Check(ctx, budget)
	if err != nil {
		return models.FactorNone, 0, err
	}
	if wait > 0 {
		return models.FactorNone, wait, record(c, h.Audit, models.EventLoginThrottled, actor, u.ID, "two-factor code")
	}
	f, err := h.TwoFactor.Verify(ctx, u, input)
	if err != nil {
		return models.FactorNone, 0, err
	}
	if f == models.FactorNone {
		if err := h.Throttle.Failed(ctx, budget); err != nil {
			return f, 0, err
		}
		return f, 0, record(c, h.Audit, models.EventTwoFactorFailure, actor, u.ID, "")
	}
	if err := h.Throttle.Succeeded(ctx, budget); err != nil {
		return f, 0, err
	}
	if f == models.FactorRecoveryCode {
		return f, 0, record(c, h.Audit, models.EventRecoveryCodeUsed, actor, u.ID, "")
	}
	return f, 0, nil
}

// Messages for a wrong or missing second factor.
const (
	codeMissing = "Enter the 6-digit code from your authenticator app, or a recovery code."
	codeWrong   = "That code is not right, or was already used. Enter the newest code from your app, or a recovery code."
)
