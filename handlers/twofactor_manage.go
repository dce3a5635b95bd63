package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views/pages"
)

// Disable turns two-factor off after the password and a current code (or
// a recovery code) are given (accounts.DisableTwoFactor).
func (h *TwoFactor) Disable(c *fiber.Ctx) error {
	ctx := c.UserContext()
	err := h.Accounts.DisableTwoFactor(ctx, origin(c), CurrentUser(c), h.confirmation(c, "disable"))
	if err != nil {
		return h.refused(c, err, "disable")
	}
	// A privilege change: the session gets a new token.
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	return redirect(c, "/account?done=twofactor-off")
}

// RegenerateCodes replaces the recovery codes after the password and a
// current code are given (accounts.RegenerateRecoveryCodes), and shows
// the new set once.
func (h *TwoFactor) RegenerateCodes(c *fiber.Ctx) error {
	codes, err := h.Accounts.RegenerateRecoveryCodes(c.UserContext(), origin(c), CurrentUser(c), h.confirmation(c, "regenerate"))
	if err != nil {
		return h.refused(c, err, "regenerate")
	}
	return render(c, fiber.StatusOK, pages.RecoveryCodes(h.page(c, "Your new recovery codes", true),
		pages.RecoveryCodesData{Codes: codes}))
}

// confirmation reads the <form>_password and <form>_code fields of an
// account form that changes two-factor.
func (h *TwoFactor) confirmation(c *fiber.Ctx, form string) accounts.TwoFactorConfirm {
	u := CurrentUser(c)
	return accounts.TwoFactorConfirm{
		Password: c.FormValue(form + "_password"), Code: c.FormValue(form + "_code"),
		Device: h.Devices.recognise(c, u.Email),
	}
}

// refused answers a refused change to two-factor: two-factor off goes
// back to the account page; a refusal about the form's fields shows the
// page again with them, on the <form>_ fields; anything else goes to
// the error handler.
func (h *TwoFactor) refused(c *fiber.Ctx, err error, form string) error {
	if r, ok := models.AsRefusal(err); ok && r.Code == "two_factor_off" {
		return redirect(c, "/account")
	}
	status, r, ok := formRefusal(c, err)
	if !ok || len(r.Fields) == 0 {
		return err
	}
	errs := models.FieldErrors{}
	for field, msg := range r.Fields {
		errs.Add(form+"_"+field, msg)
	}
	return h.Account.show(c, status, func(d *pages.AccountData) { d.TwoFactorErrors = errs })
}
