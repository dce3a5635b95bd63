// Package refusal is the one table from an operation's refusal kind to
// the HTTP status both surfaces answer with: a page re-rendered or shown
// as an error, and a problem detail under /api/v1. The README's
// "Refusals" section lists the same table.
package refusal

import (
	"net/http"

	"stepwise/models"
)

// Status is the HTTP status of a refusal of kind k, on the pages and in
// the API alike.
func Status(k models.RefusalKind) int {
	switch k {
	case models.RefusedNotFound:
		return http.StatusNotFound
	case models.RefusedForbidden:
		return http.StatusForbidden
	case models.RefusedConflict, models.RefusedRule:
		return http.StatusConflict
	case models.RefusedInvalid:
		return http.StatusUnprocessableEntity
	case models.RefusedThrottled:
		return http.StatusTooManyRequests
	case models.RefusedCredentials:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}
