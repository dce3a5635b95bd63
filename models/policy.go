package models

// Action is something a user may or may not do. Every handler asks Can
// before acting, so the rules live here and nowhere else.
type Action string

// Actions.
const (
	// ReadGuide: see a guide and its steps (resource: Guide).
	ReadGuide Action = "guide.read"
	// TrackProgress: mark steps of a guide complete (resource: Guide).
	TrackProgress Action = "progress.track"
	// ManageAccount: change an account's password, sessions, two-factor,
	// data (resource: *User, the account).
	ManageAccount Action = "account.manage"
	// ListUsers: the admin users page.
	ListUsers Action = "admin.users.list"
	// ChangeRole, LockUser, ForceReset: admin actions on another account
	// (resource: *User, the target).
	ChangeRole Action = "admin.users.role"
	LockUser   Action = "admin.users.lock"
	ForceReset Action = "admin.users.force_reset"
	// ReadAudit: the full audit log.
	ReadAudit Action = "admin.audit.read"
	// UseDevMailbox: the local development mailbox.
	UseDevMailbox Action = "dev.mailbox"
	// CreateGuide: start a new guide (authors and admins).
	CreateGuide Action = "guide.create"
	// EditGuide: see a draft, change a guide, its steps, quizzes, images
	// and co-authors, see its revisions and quiz statistics (resource:
	// Editable). Its author and co-authors may, and admins.
	EditGuide Action = "guide.edit"
	// ManageCoAuthors: add and remove a guide's co-authors (resource:
	// Editable). Its owner may, and admins.
	ManageCoAuthors Action = "guide.coauthors"
	// DeleteGuide: delete a guide for good (resource: Editable). Its owner
	// may, and admins; not co-authors, who did not start it.
	DeleteGuide Action = "guide.delete"
	// ManageWebhooks: the webhooks pages (resource: nil for the list and
	// the create form, or a Webhook, which only its owner manages).
	// Authors and admins may.
	ManageWebhooks Action = "webhooks.manage"
	// SubscribeEvent: subscribe a webhook to an event (resource: the
	// event's name). Admins may subscribe to every event, authors to the
	// guide events only.
	SubscribeEvent Action = "webhooks.subscribe"
	// ReceiveEvent: have one event delivered to a webhook the user owns
	// (resource: EventAudience), decided again when the event happens.
	ReceiveEvent Action = "webhooks.receive"
	// ChangeSettings: the site settings page.
	ChangeSettings Action = "admin.settings"
)

// EventAudience is what ReceiveEvent decides on: the event, and whether
// the subscriber owns or co-authors the guide the event is about.
type EventAudience struct {
	Event  string
	Editor bool
}

// Roles lists the site roles, least privileged first.
var Roles = []string{RoleLearner, RoleAuthor, RoleAdmin}

// ValidRole reports whether r is a site role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Can reports whether u (nil for a visitor) may do a to res.
func Can(u *User, a Action, res any) bool {
	switch a {
	case ReadGuide:
		g, ok := res.(Guide)
		return ok && g.PublishedAt != nil
	case TrackProgress:
		g, ok := res.(Guide)
		return u != nil && ok && g.PublishedAt != nil
	case ManageAccount:
		target, ok := res.(*User)
		return u != nil && ok && target != nil && target.ID == u.ID
	case ListUsers, ReadAudit:
		return u.IsAdmin()
	case ChangeRole, LockUser, ForceReset:
		// Admins act on other accounts; their own goes through the
		// account page, so an admin cannot lock themselves out.
		target, ok := res.(*User)
		return u.IsAdmin() && ok && target != nil && target.ID != u.ID
	case CreateGuide:
		return u != nil && (u.Role == RoleAuthor || u.Role == RoleAdmin)
	case EditGuide:
		e, ok := res.(Editable)
		if !ok || u == nil {
			return false
		}
		owner := e.Guide.AuthorID != nil && *e.Guide.AuthorID == u.ID
		return u.IsAdmin() || owner || e.CoAuthor
	case ManageCoAuthors:
		e, ok := res.(Editable)
		if !ok || u == nil {
			return false
		}
		return u.IsAdmin() || e.Guide.AuthorID != nil && *e.Guide.AuthorID == u.ID
	case DeleteGuide:
		e, ok := res.(Editable)
		return ok && Can(u, ManageCoAuthors, e)
	case ManageWebhooks:
		if u == nil || u.Role != RoleAuthor && u.Role != RoleAdmin {
			return false
		}
		if w, ok := res.(Webhook); ok {
			return w.UserID == u.ID
		}
		return res == nil
	case SubscribeEvent:
		ev, ok := res.(string)
		if !ok || !Can(u, ManageWebhooks, nil) {
			return false
		}
		return validWebhookEvent(ev) && (u.IsAdmin() || ev != EventUserCreated)
	case ReceiveEvent:
		// A learner's progress is shown to the editors of the guide it is
		// in and to admins; a new account to admins alone; a published
		// guide is public. A locked account receives nothing.
		a, ok := res.(EventAudience)
		if !ok || u == nil || u.LockedAt != nil {
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
	case ChangeSettings:
		return u.IsAdmin()
	case UseDevMailbox:
		return true // further limited to local requests without SMTP by its handler
	}
	return false
}
