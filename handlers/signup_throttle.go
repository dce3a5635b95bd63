package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// signupThrottled spends one sign-up from the client address's allowance
// and from everyone's (models.SignupAllowances), both kept in the
// database so every instance shares them. When either is used up nothing
// is spent: it audits the refusal, sets Retry-After and returns the
// message to show; otherwise "".
func (h *Auth) signupThrottled(c *fiber.Ctx) (string, error) {
	refused, wait, err := h.Throttle.Take(c.UserContext(), models.SignupAllowances(c.IP())...)
	if err != nil || refused == "" {
		return "", err
	}
	msg := "Too many sign-ups from your network; try again in " + inMinutes(wait) + "."
	detail := "address allowance used up"
	if refused == models.SignupOverallKey {
		msg = "Too many people are signing up right now; try again in " + inMinutes(wait) + "."
		detail = "overall allowance used up"
	}
	if err := record(c, h.Audit, models.EventSignupThrottled, 0, 0, detail); err != nil {
		return "", err
	}
	setRetryAfter(c, wait)
	return msg, nil
}

// inMinutes says wait in whole minutes, rounded up.
func inMinutes(wait time.Duration) string {
	n := int((wait + time.Minute - 1) / time.Minute)
	if n <= 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// setRetryAfter tells a throttled client how many seconds to wait,
// rounded up.
func setRetryAfter(c *fiber.Ctx, wait time.Duration) {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
}
