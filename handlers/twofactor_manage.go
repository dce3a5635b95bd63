package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// Disable turns two-factor off after the password and a current code (or
// a recovery code) are given.
func (h *TwoFactor) Disable(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	if !u.TwoFactor() {
		return redirect(c, "/account")
	}
	status, errs, err := h.confirm(c, *u, "disable")
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.Account.show(c, status, func(d *pages.AccountData) { d.TwoFactorErrors = errs })
	}
	if err := h.TwoFactor.Disable(ctx, u.ID); err != nil {
		return err
	}
	// A privilege change: the session gets a new token.
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventTwoFactorOff, u.ID, u.ID, ""); err != nil {
		return err
	}
	return redirect(c, "/account?done=twofactor-off")
}

// RegenerateCodes replaces the recovery codes after the password and a
// current code are given, and shows the new set once.
func (h *TwoFactor) RegenerateCodes(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	if !u.TwoFactor() {
		return redirect(c, "/account")
	}
	status, errs, err := h.confirm(c, *u, "regenerate")
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.Account.show(c, status, func(d *pages.AccountData) { d.TwoFactorErrors = errs })
	}
	codes, err := h.TwoFactor.RegenerateRecoveryCodes(c.UserContext(), u.ID)
	if errors.Is(err, models.ErrConflict) { // turned off meanwhile
		return redirect(c, "/account")
	}
	if err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventRecoveryCodesNew, u.ID, u.ID, ""); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.RecoveryCodes(h.page(c, "Your new recovery codes", true),
		pages.RecoveryCodesData{Codes: codes}))
}

// confirm checks the <form>_password and <form>_code fields of an account
// form that changes two-factor. The code is checked only after the right
// password, so a mistyped password does not use up a recovery code. It
// returns the status and errors to show, if any.
func (h *TwoFactor) confirm(c *fiber.Ctx, u models.User, form string) (int, models.FieldErrors, error) {
	pwField, codeField := form+"_password", form+"_code"
	password, code := c.FormValue(pwField), c.FormValue(codeField)
	errs := models.FieldErrors{}
	switch ok, err := confirmPassword(c.UserContext(), h.Users, u, password); {
	case err != nil:
		return 0, nil, err
	case !ok:
		errs.Add(pwField, "That is not your password.")
	}
	if strings.TrimSpace(code) == "" {
		errs.Add(codeField, codeMissing)
	}
	if errs.Any() {
		return fiber.StatusUnprocessableEntity, errs, nil
	}
	factor, wait, err := h.secondFactor(c, u, code, u.ID)
	switch {
	case err != nil:
		return 0, nil, err
	case wait > 0:
		errs.Add(codeField, tooManyAttempts(wait))
		return fiber.StatusTooManyRequests, errs, nil
	case factor == models.FactorNone:
		errs.Add(codeField, codeWrong)
		return fiber.StatusUnprocessableEntity, errs, nil
	}
	return fiber.StatusOK, nil, nil
}
