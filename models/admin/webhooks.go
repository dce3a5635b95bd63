package admin

import (
	"context"
	"errors"
	"fmt"

	"stepwise/models"
)

// The refusals of the webhook operations, the same on the webhooks pages
// and in the API.
var (
	errNoWebhooks = models.Refuse(models.RefusedForbidden, "webhooks_forbidden", "Only authors and admins may have webhooks.")
	errNoWebhook  = models.Refuse(models.RefusedNotFound, "webhook_not_found", "There is no such webhook, or it is not yours.")
)

// MayManageWebhooks refuses u webhooks unless u is an author or an admin
// (RefusedForbidden). The webhook operations check it; the API checks it
// before reading a request's body too, so a learner learns that first.
func MayManageWebhooks(u *models.User) error {
	if !models.CanManageWebhooks(u) {
		return errNoWebhooks
	}
	return nil
}

// CreatedWebhook is a new subscription and its signing secret, which is
// shown once and never again.
type CreatedWebhook struct {
	Webhook models.Webhook
	Secret  string
}

// CreateWebhook subscribes owner to in's events at in's URL and records
// it in the audit log. It refuses a learner (RefusedForbidden), and
// input that fails NewWebhook.Validate, a private target the site
// settings do not allow, or one subscription too many (RefusedInvalid,
// with the field that says why).
func (s *Service) CreateWebhook(ctx context.Context, owner *models.User, origin models.Origin, in models.NewWebhook) (CreatedWebhook, error) {
	if err := MayManageWebhooks(owner); err != nil {
		return CreatedWebhook{}, err
	}
	fe := in.Validate(owner)
	if fe.Any() {
		return CreatedWebhook{}, models.Invalid(fe)
	}
	var out CreatedWebhook
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// Read in the transaction, so a subscription made while an admin
		// turns private targets off is checked against the new setting.
		allowPrivate, err := s.m.Settings.Bool(ctx, models.SettingPrivateWebhookTargets)
		if err != nil {
			return err
		}
		if msg := checkTarget(in.URL, allowPrivate); msg != "" {
			return models.Invalid(models.FieldErrors{"url": msg})
		}
		hook, secret, err := s.m.Webhooks.Create(ctx, owner.ID, in)
		if errors.Is(err, models.ErrTooManyWebhooks) {
			return models.Invalid(models.FieldErrors{"url": fmt.Sprintf("You have %d webhooks already; delete one first.", models.WebhooksPerUser)})
		}
		if err != nil {
			return err
		}
		out = CreatedWebhook{Webhook: hook, Secret: secret}
		detail := hook.AuditDetail() + " for " + hook.EventList
		return s.m.Audit.Record(ctx, origin.Entry(models.EventWebhookCreated, owner.ID, detail))
	})
	if err != nil {
		return CreatedWebhook{}, err
	}
	return out, nil
}

// WebhookDeletion names the subscription to delete.
type WebhookDeletion struct {
	ID int64
	// Precondition, if set, sees the subscription inside the deletion's
	// transaction and may refuse (the API's If-Match); its error is
	// returned as it is.
	Precondition func(current models.Webhook) error
}

// Webhook is owner's subscription id: RefusedForbidden for a user who may
// have no webhooks, RefusedNotFound for one that is not owner's or does not
// exist (so another user's is not revealed). The pages, the API and
// DeleteWebhook look a subscription up through it.
func (s *Service) Webhook(ctx context.Context, owner *models.User, id int64) (models.Webhook, error) {
	if err := MayManageWebhooks(owner); err != nil {
		return models.Webhook{}, err
	}
	hook, err := s.m.Webhooks.ByID(ctx, owner.ID, id)
	if errors.Is(err, models.ErrNotFound) || err == nil && !models.CanManageWebhook(owner, hook) {
		return models.Webhook{}, errNoWebhook
	}
	return hook, err
}

// DeleteWebhook removes owner's subscription d.ID and its deliveries and
// records it in the audit log; it returns the subscription as it was. It
// refuses a learner (RefusedForbidden) and a subscription that is not
// owner's or does not exist (RefusedNotFound, so another user's is not
// revealed).
func (s *Service) DeleteWebhook(ctx context.Context, owner *models.User, origin models.Origin, d WebhookDeletion) (models.Webhook, error) {
	var hook models.Webhook
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if hook, err = s.Webhook(ctx, owner, d.ID); err != nil {
			return err
		}
		if d.Precondition != nil {
			if err := d.Precondition(hook); err != nil {
				return err
			}
		}
		if err := s.m.Webhooks.Delete(ctx, owner.ID, d.ID); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, origin.Entry(models.EventWebhookDeleted, owner.ID, hook.AuditDetail()))
	})
	if err != nil {
		return models.Webhook{}, err
	}
	return hook, nil
}
