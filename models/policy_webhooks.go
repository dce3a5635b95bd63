package models

// CanManageWebhooks reports whether u may have webhooks at all: the
// webhooks list and the create form. Authors and admins may.
func CanManageWebhooks(u *User) bool {
	return u != nil && (u.Role == RoleAuthor || u.Role == RoleAdmin)
}

// CanManageWebhook reports whether u may see, redeliver or delete w: only
// its owner, who must still be an author or an admin.
func CanManageWebhook(u *User, w Webhook) bool {
	return CanManageWebhooks(u) && w.UserID == u.ID
}

// CanSubscribe reports whether u may subscribe a webhook to event. Admins
// may subscribe to every event, authors to the guide events only.
func CanSubscribe(u *User, event string) bool {
	if !CanManageWebhooks(u) {
		return false
	}
	return validWebhookEvent(event) && (u.IsAdmin() || event != EventUserCreated)
}

// EventAudience is what CanReceive decides on: the event, and whether the
// subscriber owns or co-authors the guide the event is about.
type EventAudience struct {
	Event  string
	Editor bool
}

// CanReceive reports whether one event may be delivered to a webhook u
// owns; it is decided again when the event happens. A learner's progress
// is shown to the editors of the guide it is in and to admins; a new
// account to admins alone; a published guide is public. A locked account
// receives nothing.
func CanReceive(u *User, a EventAudience) bool {
	if u == nil || u.LockedAt != nil {
		return false
	}
	switch {
	case u.IsAdmin():
		return validWebhookEvent(a.Event)
	case u.Role != RoleAuthor:
		return false
	case a.Event == EventGuidePublished:
		return true
	case a.Event == EventStepCompleted, a.Event == EventGuideCompleted:
		return a.Editor
	}
	return false
}
