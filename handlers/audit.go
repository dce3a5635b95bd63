package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// origin is who makes the request and from where, for the operations
// that record it in their audit rows; the actor is the signed-in user,
// if any.
func origin(c *fiber.Ctx) models.Origin {
	o := models.Origin{IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}
	if u := CurrentUser(c); u != nil {
		o.ActorID = u.ID
	}
	return o
}
