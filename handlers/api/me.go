package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// Account is a user as they themselves, or an admin, see them.
type Account struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	DisplayName   string     `json:"display_name"`
	Role          string     `json:"role"`
	EmailVerified bool       `json:"email_verified"`
	TwoFactor     bool       `json:"two_factor"`
	Locked        bool       `json:"locked"`
	LockedAt      *time.Time `json:"locked_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

func accountOf(u models.User) Account {
	return Account{
		ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: u.Role,
		EmailVerified: u.EmailVerifiedAt != nil, TwoFactor: u.TwoFactor(),
		Locked: u.Locked(), LockedAt: utc(u.LockedAt), CreatedAt: u.CreatedAt.UTC(),
	}
}

// Me answers GET /api/v1/me: the token owner's profile.
func Me(c *fiber.Ctx) error {
	return send(c, fiber.StatusOK, accountOf(*caller(c)))
}
