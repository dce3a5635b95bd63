package handlers

import (
	"stepwise/handlers/mail"
)

// pageHandlers are the page handlers and the middleware that need state, built
// once from Deps; routes.go only says which URL reaches which of them.
type pageHandlers struct {
	health  *Health
	csrf    *csrfTokens
	guides  *Guides
	search  *Search
	steps   *Steps
	quizzes *Quizzes
	answers *QuizAnswers
	learn   *Learning

	auth         *Auth
	account      *Account
	twoFactor    *TwoFactor
	verification *EmailVerification
	reset        *PasswordReset
	emailChange  *EmailChange
	tokens       *AccountTokens
	webhooks     *Webhooks
	// mailbox is nil unless mail goes to the development mailbox.
	mailbox *DevMailbox

	adminUsers    *AdminUsers
	adminAudit    *AdminAudit
	adminSettings *AdminSettings

	author   *Authoring
	images   *GuideImages
	archives *GuideArchives
	apiDocs  *APIDocs
}

// newPageHandlers wires every page handler to the stores and operations it uses.
func newPageHandlers(d Deps) *pageHandlers {
	csrf := newCSRFTokens(d.Sessions, d.CSRFKey)
	v := viewer{csrf: csrf, assets: d.Assets}
	m := d.Models
	p := &pageHandlers{
		health: &Health{DB: d.Health, Draining: d.Draining},
		csrf:   csrf,
		guides: &Guides{Guides: m.Guides, Steps: m.Steps, Progress: m.Progress, Tags: m.Tags, viewer: v},
		search: &Search{Searcher: m.Search, viewer: v},
		steps: &Steps{Steps: m.Steps, Learning: d.Ops.Learning, Quizzes: m.Quizzes, Notes: m.Notes,
			viewer: v},
		quizzes: &Quizzes{Ops: d.Ops.Authoring, Quizzes: m.Quizzes, viewer: v},
		answers: &QuizAnswers{Learning: d.Ops.Learning, viewer: v},
		learn: &Learning{Notes: m.Notes, Learning: m.Learning, Certificates: m.Certificates,
			BaseURL: d.BaseURL, viewer: v},

		adminUsers:    &AdminUsers{Users: m.Users, Admin: d.Ops.Admin, viewer: v},
		adminAudit:    &AdminAudit{Audit: m.Audit, Users: m.Users, viewer: v},
		adminSettings: &AdminSettings{Settings: m.Settings, Admin: d.Ops.Admin, viewer: v},

		author: &Authoring{Ops: d.Ops.Authoring, Store: m.Authoring, Steps: m.Steps, viewer: v},
		// One image library for the pages and the API alike, so what
		// one uploads the other serves.
		images:   &GuideImages{Ops: d.Ops.Authoring, Images: d.Images, Files: d.Images.Store, viewer: v},
		archives: &GuideArchives{Ops: d.Ops.Authoring, viewer: v},
		webhooks: &Webhooks{Store: m.Webhooks, Admin: d.Ops.Admin, viewer: v},
		tokens:   &AccountTokens{Accounts: d.Ops.Accounts, Tokens: m.APITokens, viewer: v},
		apiDocs:  &APIDocs{viewer: v},
	}

	// Accounts: signing in (with a device cookie that spares a known
	// browser the login throttle), the account page, two-factor, and the
	// mailed links, which the sign-up and account pages send.
	devices := newDevices(d.DeviceKey, d.Sessions)
	post := postman{mailer: d.Mailer, baseURL: d.BaseURL}
	p.verification = &EmailVerification{Accounts: d.Ops.Accounts, post: post, viewer: v}
	p.auth = &Auth{Accounts: d.Ops.Accounts, Sessions: d.Sessions, Devices: devices,
		Verification: p.verification, viewer: v}
	p.account = &Account{
		Accounts: d.Ops.Accounts, UserSessions: m.Sessions, Audit: m.Audit,
		TwoFactor: m.TwoFactor, Sessions: d.Sessions, APITokens: m.APITokens, viewer: v,
	}
	p.twoFactor = &TwoFactor{
		Accounts: d.Ops.Accounts, Users: m.Users, Sessions: d.Sessions, Devices: devices,
		Account: p.account, viewer: v,
	}
	p.reset = &PasswordReset{Accounts: d.Ops.Accounts, post: post, viewer: v}
	p.emailChange = &EmailChange{Accounts: d.Ops.Accounts, post: post, account: p.account, viewer: v}
	if mb, ok := d.Mailer.(*mail.Mailbox); ok {
		p.mailbox = &DevMailbox{Mailbox: mb, viewer: v}
	}
	return p
}
