package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// auditLog is what handlers need to record security events.
type auditLog interface {
	Record(ctx context.Context, e models.AuditEntry) error
}

// auditEntry describes event for the request: who acted, on whom, from
// which address and browser. detail must never hold a secret.
func auditEntry(c *fiber.Ctx, event string, actor, target int64, detail string) models.AuditEntry {
	return models.AuditEntry{
		Event:     event,
		ActorID:   models.ID(actor),
		TargetID:  models.ID(target),
		IP:        c.IP(),
		UserAgent: c.Get(fiber.HeaderUserAgent),
		Detail:    detail,
	}
}

// record writes event to the audit log; a security event that cannot be
// recorded fails the request rather than passing unlogged.
func record(c *fiber.Ctx, log auditLog, event string, actor, target int64, detail string) error {
	return log.Record(c.UserContext(), auditEntry(c, event, actor, target, detail))
}

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
