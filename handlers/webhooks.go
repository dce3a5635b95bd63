package handlers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/admin"
	"stepwise/views/pages"
)

// webhookStore is what the webhook pages read from the models, and the
// test event they queue; creating and deleting are admin.Service's
// operations, shared with the API.
type webhookStore interface {
	ForUser(ctx context.Context, userID int64) ([]models.Webhook, error)
	SendTest(ctx context.Context, hook models.Webhook) (models.WebhookDelivery, error)
	Deliveries(ctx context.Context, webhookID, before int64, limit int) ([]models.WebhookDelivery, bool, error)
}

// deliveriesPerPage is how many deliveries a webhook's page lists at once.
const deliveriesPerPage = 25

// Webhooks serves an author's or admin's webhook subscriptions: the list
// with the create form, one subscription's deliveries, a test event and
// deleting. A user sees and changes their own subscriptions only.
type Webhooks struct {
	Store webhookStore
	Admin *admin.Service
	viewer
}

// Index lists the user's webhooks and the form to add one.
func (h *Webhooks) Index(c *fiber.Ctx) error {
	if !models.CanManageWebhooks(CurrentUser(c)) {
		return errForbidden
	}
	return h.index(c, fiber.StatusOK, pages.WebhookForm{}, webhookNotices[c.Query("done")])
}

// webhookNotices are the confirmations ?done= may ask for.
var webhookNotices = map[string]string{
	"deleted": "The webhook was deleted.",
	"test":    "A test event was queued; it appears below once it was sent.",
}

func (h *Webhooks) index(c *fiber.Ctx, status int, form pages.WebhookForm, notice string) error {
	list, err := h.Store.ForUser(c.UserContext(), CurrentUser(c).ID)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	var events []string
	for _, ev := range models.WebhookEvents {
		if models.CanSubscribe(u, ev) {
			events = append(events, ev)
		}
	}
	return render(c, status, pages.Webhooks(h.page(c, "Webhooks", true), pages.WebhooksData{
		Webhooks: list, Form: form, Events: events, Notice: notice,
	}))
}

// Create adds a webhook and shows its signing secret, once.
func (h *Webhooks) Create(c *fiber.Ctx) error {
	in := models.NewWebhook{URL: c.FormValue("url")}
	for _, v := range c.Request().PostArgs().PeekMulti("events") {
		in.Events = append(in.Events, string(v))
	}
	created, err := h.Admin.CreateWebhook(c.UserContext(), CurrentUser(c), origin(c), in)
	if r, ok := models.AsRefusal(err); ok && r.Kind == models.RefusedInvalid {
		form := pages.WebhookForm{URL: in.URL, Events: in.Events, Errors: r.Fields}
		return h.index(c, refusal.Status(r.Kind), form, "")
	}
	if err != nil {
		return err
	}
	err = h.show(c, fiber.StatusCreated, created.Webhook, created.Secret, "", "")
	// The page holds the secret: no cache may keep it (set after render,
	// which sets its own Cache-Control).
	c.Set(fiber.HeaderCacheControl, "no-store")
	return err
}

// webhook loads the webhook in the URL: learners are forbidden the pages,
// and another user's webhook is not found.
func (h *Webhooks) webhook(c *fiber.Ctx) (models.Webhook, error) {
	if !models.CanManageWebhooks(CurrentUser(c)) {
		return models.Webhook{}, errForbidden
	}
	id, err := paramID(c)
	if err != nil {
		return models.Webhook{}, err
	}
	return h.Admin.Webhook(c.UserContext(), CurrentUser(c), id)
}

// Show lists one webhook's deliveries, newest first; ?before= pages on.
func (h *Webhooks) Show(c *fiber.Ctx) error {
	hook, err := h.webhook(c)
	if err != nil {
		return err
	}
	return h.show(c, fiber.StatusOK, hook, "", webhookNotices[c.Query("done")], "")
}

func (h *Webhooks) show(c *fiber.Ctx, status int, hook models.Webhook, secret, notice, deleteErr string) error {
	before, err := strconv.ParseInt(c.Query("before"), 10, 64)
	if err != nil || before < 0 {
		before = 0
	}
	list, more, err := h.Store.Deliveries(c.UserContext(), hook.ID, before, deliveriesPerPage)
	if err != nil {
		return err
	}
	d := pages.WebhookData{
		Webhook: hook, Secret: secret, Deliveries: list, Notice: notice, DeleteError: deleteErr, Paged: before > 0,
	}
	if more {
		d.Before = list[len(list)-1].ID
	}
	return render(c, status, pages.WebhookPage(h.page(c, "Webhook", true), d))
}

// SendTest queues a webhook.test delivery.
func (h *Webhooks) SendTest(c *fiber.Ctx) error {
	hook, err := h.webhook(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.SendTest(c.UserContext(), hook); err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/account/webhooks/%d?done=test", hook.ID))
}

// Delete removes the webhook and its deliveries once the user ticked the
// confirmation.
func (h *Webhooks) Delete(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		hook, err := h.webhook(c)
		if err != nil {
			return err
		}
		return h.show(c, fiber.StatusUnprocessableEntity, hook, "", "", "Tick the box to confirm that deliveries should stop.")
	}
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := h.Admin.DeleteWebhook(c.UserContext(), CurrentUser(c), origin(c), admin.WebhookDeletion{ID: id}); err != nil {
		return err
	}
	return redirect(c, "/account/webhooks?done=deleted")
}
