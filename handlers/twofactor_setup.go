package handlers

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/models/totp"
	"stepwise/views/pages"
)

// sessionTOTPSetup holds a secret being set up, as "<user id>:<secret>",
// until a code confirms it: an unconfirmed secret never reaches the
// database. The user id keeps one user's pending secret from being offered
// to the next user who signs in on the same browser.
const sessionTOTPSetup = "totp_setup"

// qrSize is the QR code's width and height in pixels.
const qrSize = 240

// SetupForm shows a new secret as a QR code and as text, and asks for a
// code from the app to confirm it. Reloading shows the same secret.
func (h *TwoFactor) SetupForm(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if !models.CanManageAccount(u, u) {
		return errForbidden
	}
	if u.TwoFactor() {
		return redirect(c, "/account")
	}
	secret := h.setupSecret(c, u.ID)
	if secret == "" {
		var err error
		if secret, err = totp.NewSecret(); err != nil {
			return err
		}
		h.Sessions.Put(c.UserContext(), sessionTOTPSetup, strconv.FormatInt(u.ID, 10)+":"+secret)
	}
	return h.renderSetup(c, fiber.StatusOK, u, secret, nil)
}

// Setup confirms the secret with a code from the app, turns two-factor on
// (accounts.EnableTwoFactor) and shows the recovery codes, once. A wrong
// code shows the same secret again with a message.
func (h *TwoFactor) Setup(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	secret := h.setupSecret(c, u.ID)
	if secret == "" { // the session ended or was renewed meanwhile
		return redirect(c, "/account/two-factor/setup")
	}
	codes, err := h.Accounts.EnableTwoFactor(ctx, origin(c), u, accounts.TwoFactorSetup{Secret: secret, Code: c.FormValue("code")})
	if r, ok := models.AsRefusal(err); ok && r.Code == "two_factor_on" { // on already, or turned on in another tab
		return redirect(c, "/account")
	}
	if status, r, ok := formRefusal(c, err); ok && r.Kind == models.RefusedInvalid {
		return h.renderSetup(c, status, u, secret, r.Fields)
	}
	if err != nil {
		return err
	}
	h.Sessions.Remove(ctx, sessionTOTPSetup)
	// A privilege change: the session gets a new token.
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.RecoveryCodes(h.page(c, "Save your recovery codes", true),
		pages.RecoveryCodesData{Codes: codes, Enabled: true}))
}

// setupSecret is the secret this user is setting up, or "".
func (h *TwoFactor) setupSecret(c *fiber.Ctx, userID int64) string {
	id, secret, ok := strings.Cut(h.Sessions.GetString(c.UserContext(), sessionTOTPSetup), ":")
	if !ok || id != strconv.FormatInt(userID, 10) {
		return ""
	}
	return secret
}

func (h *TwoFactor) renderSetup(c *fiber.Ctx, status int, u *models.User, secret string, errs models.FieldErrors) error {
	key, err := totp.Key(secret, u.Email)
	if err != nil {
		return err
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	return render(c, status, pages.TwoFactorSetup(h.page(c, "Set up two-factor authentication", true), pages.TwoFactorSetupData{
		// A data: URL: the CSP allows them for images, and the secret
		// never travels in a second request.
		QRCode:    templ.SafeURL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())),
		ManualKey: groupKey(secret),
		Size:      qrSize,
		Errors:    errs,
	}))
}

// groupKey shows a base32 secret in groups of four, easier to type.
func groupKey(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
