package pages

import "stepwise/models"

// EmailForm is the change-email form's input and errors on the account
// page.
type EmailForm struct {
	NewEmail string
	Errors   models.FieldErrors
}
