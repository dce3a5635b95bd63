package handlers

import (
	"fmt"

	"stepwise/handlers/mail"
	"stepwise/models"
)

// The emails Stepwise sends, in one place so their wording stays
// consistent. Plain text: every client shows it, and links stay visible.

func verificationMail(u models.User, link string) mail.Message {
	return mail.Message{
		To:      u.Email,
		Subject: "Confirm your email address for Stepwise",
		Text: fmt.Sprintf(`Hello %s,

please confirm that this is your email address by opening this link:

%s

The link works once, for 24 hours. If you did not sign up for Stepwise,
you can ignore this email.
`, u.DisplayName, link),
	}
}

func passwordResetMail(u models.User, link string) mail.Message {
	return mail.Message{
		To:      u.Email,
		Subject: "Reset your Stepwise password",
		Text: fmt.Sprintf(`Hello %s,

someone (we hope you) asked to reset the password of your Stepwise account.
To choose a new password, open this link:

%s

The link works once, for one hour. Choosing a new password signs you out
everywhere. If you did not ask for this, ignore this email: your password
stays as it is.
`, u.DisplayName, link),
	}
}

func emailChangeMail(u models.User, newEmail, link string) mail.Message {
	return mail.Message{
		To:      newEmail,
		Subject: "Confirm your new email address for Stepwise",
		Text: fmt.Sprintf(`Hello %s,

you asked to use this address for your Stepwise account. To confirm it,
open this link:

%s

The link works once, for 24 hours. Until then your account keeps its
current address. If you did not ask for this, ignore this email.
`, u.DisplayName, link),
	}
}

func emailChangedMail(old models.User, newEmail string) mail.Message {
	return mail.Message{
		To:      old.Email,
		Subject: "Your Stepwise email address was changed",
		Text: fmt.Sprintf(`Hello %s,

the email address of your Stepwise account was changed from %s to %s.

If you made this change, there is nothing to do. If you did not, someone
may have your password: contact an administrator of this Stepwise site.
`, old.DisplayName, old.Email, newEmail),
	}
}
