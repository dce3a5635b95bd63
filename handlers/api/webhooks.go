package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/admin"
)

// webhookStore is what the webhook endpoints read, and the test event
// they queue: the browser pages' own model calls.
type webhookStore interface {
	ForUser(ctx context.Context, userID int64) ([]models.Webhook, error)
	SendTest(ctx context.Context, hook models.Webhook) (models.WebhookDelivery, error)
	Deliveries(ctx context.Context, webhookID, before int64, limit int) ([]models.WebhookDelivery, bool, error)
}

// Webhooks serves /api/v1/webhooks: an author's or admin's own
// subscriptions, their deliveries and test events. Learners get 403;
// another user's webhook is 404. Creating and deleting are the pages'
// operations (admin.Service).
type Webhooks struct {
	Store webhookStore
	Admin *admin.Service
}

// Webhook is a subscription as the API shows it; Secret is only in the
// answer to its creation.
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	CreatedAt time.Time `json:"created_at"`
	Secret    string    `json:"secret,omitempty"`
}

func webhookOf(w models.Webhook) Webhook {
	return Webhook{ID: w.ID, URL: w.URL, Events: w.Events(), CreatedAt: w.CreatedAt.UTC()}
}

// Delivery is one queued event and what became of it. NextAttemptAt is
// set while the delivery is pending.
type Delivery struct {
	ID             int64           `json:"id"`
	Event          string          `json:"event"`
	Status         string          `json:"status"`
	Attempts       int             `json:"attempts"`
	NextAttemptAt  *time.Time      `json:"next_attempt_at"`
	LastAttemptAt  *time.Time      `json:"last_attempt_at"`
	LastStatusCode *int            `json:"last_status_code"`
	LastError      string          `json:"last_error"`
	CreatedAt      time.Time       `json:"created_at"`
	DeliveredAt    *time.Time      `json:"delivered_at"`
	Body           json.RawMessage `json:"body"`
}

func deliveryOf(d models.WebhookDelivery) Delivery {
	out := Delivery{
		ID: d.ID, Event: d.Event, Status: d.Status, Attempts: d.Attempts, LastAttemptAt: utc(d.LastAttemptAt),
		LastStatusCode: d.LastStatusCode, LastError: d.LastError, CreatedAt: d.CreatedAt.UTC(),
		DeliveredAt: utc(d.DeliveredAt), Body: d.Body(),
	}
	if d.Status == models.DeliveryPending {
		out.NextAttemptAt = utc(&d.NextAttemptAt)
	}
	return out
}

// webhookRequest is the body of POST /api/v1/webhooks.
type webhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// List answers GET /api/v1/webhooks: the caller's webhooks, newest first
// (at most models.WebhooksPerUser, so in one page).
func (h *Webhooks) List(c *fiber.Ctx) error {
	if !models.CanManageWebhooks(caller(c)) {
		return errForbidden
	}
	list, err := h.Store.ForUser(c.UserContext(), caller(c).ID)
	if err != nil {
		return err
	}
	items := make([]Webhook, len(list))
	for i, w := range list {
		items[i] = webhookOf(w)
	}
	return send(c, fiber.StatusOK, List[Webhook]{Items: items})
}

// Create answers POST /api/v1/webhooks with the new webhook and its
// signing secret, which is never shown again.
func (h *Webhooks) Create(c *fiber.Ctx) error {
	u := caller(c)
	if err := admin.MayManageWebhooks(u); err != nil {
		return err
	}
	var in webhookRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	created, err := h.Admin.CreateWebhook(c.UserContext(), u, origin(c), models.NewWebhook{URL: in.URL, Events: in.Events})
	if err != nil {
		return err
	}
	out := webhookOf(created.Webhook)
	out.Secret = created.Secret
	c.Set(fiber.HeaderLocation, "/api/v1/webhooks/"+strconv.FormatInt(out.ID, 10))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return send(c, fiber.StatusCreated, out)
}

// Show answers GET /api/v1/webhooks/{id}.
func (h *Webhooks) Show(c *fiber.Ctx) error {
	hook, err := h.webhook(c)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, webhookOf(hook))
}

// Delete answers DELETE /api/v1/webhooks/{id} (If-Match required): the
// webhook and its deliveries are gone.
func (h *Webhooks) Delete(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	_, err = h.Admin.DeleteWebhook(c.UserContext(), caller(c), origin(c), admin.WebhookDeletion{
		ID:           id,
		Precondition: func(current models.Webhook) error { return requireMatch(c, webhookOf(current)) },
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Deliveries answers GET /api/v1/webhooks/{id}/deliveries: newest first,
// in pages.
func (h *Webhooks) Deliveries(c *fiber.Ctx) error {
	hook, err := h.webhook(c)
	if err != nil {
		return err
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	list, _, err := h.Store.Deliveries(c.UserContext(), hook.ID, before, limit+1)
	if err != nil {
		return err
	}
	items := make([]Delivery, len(list))
	for i, d := range list {
		items[i] = deliveryOf(d)
	}
	return send(c, fiber.StatusOK, listOf(c, items, limit, func(d Delivery) int64 { return d.ID }))
}

// SendTest answers POST /api/v1/webhooks/{id}/test: a webhook.test
// delivery is queued (202) behind anything already queued for the webhook.
func (h *Webhooks) SendTest(c *fiber.Ctx) error {
	hook, err := h.webhook(c)
	if err != nil {
		return err
	}
	d, err := h.Store.SendTest(c.UserContext(), hook)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, fmt.Sprintf("/api/v1/webhooks/%d/deliveries", hook.ID))
	return send(c, fiber.StatusAccepted, deliveryOf(d))
}

// webhook loads the caller's webhook the route names: 403 for a caller
// who may have no webhooks, 404 for another user's.
func (h *Webhooks) webhook(c *fiber.Ctx) (models.Webhook, error) {
	if !models.CanManageWebhooks(caller(c)) {
		return models.Webhook{}, errForbidden
	}
	id, err := idParam(c, "id")
	if err != nil {
		return models.Webhook{}, err
	}
	return h.Admin.Webhook(c.UserContext(), caller(c), id)
}
