package accounts

import (
	"errors"

	"stepwise/models"
)

// linkRefusal turns the error of a mailed link's token into the
// refusal a link shows: one used or expired is RefusedRule (it was
// good once), one unknown, malformed or replaced by a newer mail is
// RefusedNotFound. Any other error passes unchanged.
func linkRefusal(err error) error {
	switch {
	case errors.Is(err, models.ErrTokenUsed):
		return models.Refuse(models.RefusedRule, "link_used", "This link was already used. Each link in our emails works once.")
	case errors.Is(err, models.ErrTokenExpired):
		return models.Refuse(models.RefusedRule, "link_expired", "This link has expired. Ask for a new one.")
	case errors.Is(err, models.ErrTokenInvalid):
		return models.Refuse(models.RefusedNotFound, "link_invalid",
			"This link is not valid: it may be incomplete, or a newer email replaced it. Ask for a new one.")
	}
	return err
}
