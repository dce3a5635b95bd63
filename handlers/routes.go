package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/api"
	"stepwise/handlers/mail"
)

// registerRoutes is the one place every route is listed, with the
// middleware that runs before it, outermost first.
func registerRoutes(app *fiber.App, d Deps, e *errorPages) {
	// Every request: the client's address as a trusted proxy reports it;
	// a request id and a logger, one access-log line, and errors rendered
	// by e; then the security headers; the body, read within its route's
	// limit (so an upload's slow arrival does not eat the request's
	// deadline, which starts once it is in).
	app.Use(forwardedFor(d.TrustedProxies))
	app.Use(requestLog(d.Logger, e))
	app.Use(securityHeaders)
	app.Use(limitBodies(d.Limits))
	app.Use(requestDeadline(d.RequestTimeout))

	// Health and static files need no session.
	health := &Health{DB: d.Health, Draining: d.Draining}
	app.Get("/healthz", health.Live)
	app.Get("/readyz", health.Ready)
	app.Get("/static/*", d.Assets.Serve)

	// Uploaded images (files and rows) and guide archives, one store for
	// the pages and the API alike, so what one uploads the other serves.
	images := d.Images

	// The JSON API (package api) authenticates with tokens, never with
	// the session cookie, so it comes before the session middleware.
	api.Register(app, api.Deps{Models: d.Models,
		Accounts: d.Ops.Accounts, Learning: d.Ops.Learning, Authoring: d.Ops.Authoring, Admin: d.Ops.Admin,
		RateLimit: d.APIRateLimit, Library: images, Logger: Logger})

	// Two-factor pages show secrets (the key, recovery codes): no-store,
	// set outside the session middleware so nothing replaces it.
	app.Use("/account/two-factor", noStore)
	// So is the page that shows a new API token.
	app.Use("/account/tokens", noStore)

	// Pages: session, CSRF check on unsafe methods, the signed-in user.
	csrf := newCSRFTokens(d.Sessions, d.CSRFKey)
	app.Use(sessions(d.Sessions), csrf.check, loadUser(d.Sessions, d.Models.Sessions))

	v := viewer{csrf: csrf, assets: d.Assets}
	guides := &Guides{Guides: d.Models.Guides, Steps: d.Models.Steps, Progress: d.Models.Progress, Tags: d.Models.Tags, viewer: v}
	app.Get("/", guides.Index)
	search := &Search{Searcher: d.Models.Search, viewer: v}
	app.Get("/search", search.Show)
	app.Get("/guides/:slug", guides.Show)

	steps := &Steps{Steps: d.Models.Steps, Learning: d.Ops.Learning, viewer: v}
	app.Get("/guides/:slug/steps/:n", steps.Show)
	app.Post("/guides/:slug/steps/:n/complete", requireUser, steps.Complete)

	// Checkpoint quizzes: learners answer on the step page; the guide's
	// editors change the questions and read the statistics.
	steps.Quizzes = d.Models.Quizzes
	quizzes := &Quizzes{Ops: d.Ops.Authoring, Quizzes: d.Models.Quizzes, viewer: v}
	quizAnswers := &QuizAnswers{Learning: d.Ops.Learning, viewer: v}
	app.Post("/guides/:slug/steps/:n/quiz", requireUserForQuiz, quizAnswers.Answer)
	app.Get("/guides/:slug/steps/:n/quiz/edit", requireUser, quizzes.EditForm)
	app.Post("/guides/:slug/steps/:n/quiz/edit", requireUser, quizzes.Edit)
	app.Get("/guides/:slug/quiz-stats", requireUser, quizzes.Stats)

	// Learning: private notes on steps, "My learning", "My notes" and
	// certificates (whose pages are public: that is how they verify).
	steps.Notes = d.Models.Notes
	app.Post("/guides/:slug/steps/:n/note", requireUserForNote, steps.SaveNote)
	learning := &Learning{
		Notes: d.Models.Notes, Learning: d.Models.Learning, Certificates: d.Models.Certificates,
		BaseURL: d.BaseURL, viewer: v,
	}
	app.Get("/learning", requireUser, learning.Show)
	app.Get("/notes", requireUser, learning.NotesPage)
	app.Get("/notes/export.md", requireUser, learning.ExportNotes)
	app.Get("/certificates/:code", learning.Certificate)

	devices := newDevices(d.DeviceKey, d.Sessions)
	auth := &Auth{Accounts: d.Ops.Accounts, Sessions: d.Sessions, Devices: devices, viewer: v}
	app.Get("/signup", auth.SignupForm)
	app.Post("/signup", auth.Signup)
	app.Get("/login", auth.LoginForm)
	app.Post("/login", auth.Login)
	app.Post("/logout", auth.Logout)

	account := &Account{
		Accounts: d.Ops.Accounts, UserSessions: d.Models.Sessions, Audit: d.Models.Audit,
		TwoFactor: d.Models.TwoFactor, Sessions: d.Sessions, APITokens: d.Models.APITokens, viewer: v,
	}
	app.Get("/account", requireUser, account.Show)
	app.Post("/account/password", requireUser, account.ChangePassword)
	app.Post("/account/sessions/revoke-others", requireUser, account.RevokeOthers)
	app.Post("/account/sessions/:id/revoke", requireUser, account.RevokeSession)
	app.Get("/account/export", requireUser, account.Export)
	app.Post("/account/delete", requireUser, account.Delete)

	// Two-factor authentication: the login's second step, setting it up,
	// and the account page's forms. Every route acts on the signed-in (or
	// pending) user only.
	twoFactor := &TwoFactor{
		Accounts: d.Ops.Accounts, Users: d.Models.Users, Sessions: d.Sessions, Devices: devices,
		Account: account, viewer: v,
	}
	app.Get("/login/two-factor", twoFactor.LoginForm)
	app.Post("/login/two-factor", twoFactor.Login)
	app.Get("/account/two-factor/setup", requireUser, twoFactor.SetupForm)
	app.Post("/account/two-factor/setup", requireUser, twoFactor.Setup)
	app.Post("/account/two-factor/recovery-codes", requireUser, twoFactor.RegenerateCodes)
	app.Post("/account/two-factor/disable", requireUser, twoFactor.Disable)

	// Email: verification (sign-up sends the first link), password reset,
	// email change, and the dev mailbox when no SMTP server is configured.
	mailer := d.Mailer
	post := postman{mailer: mailer, baseURL: d.BaseURL}
	verification := &EmailVerification{Accounts: d.Ops.Accounts, post: post, viewer: v}
	auth.Verification = verification
	app.Post("/account/email/verify", requireUser, verification.Resend)
	app.Get("/email/verify", verification.Verify)
	reset := &PasswordReset{Accounts: d.Ops.Accounts, post: post, viewer: v}
	app.Get("/password/forgot", reset.ForgotForm)
	app.Post("/password/forgot", reset.Forgot)
	app.Get("/password/reset", reset.ResetForm)
	app.Post("/password/reset", reset.Reset)
	change := &EmailChange{Accounts: d.Ops.Accounts, post: post, account: account, viewer: v}
	app.Post("/account/email", requireUser, change.Request)
	app.Get("/account/email/confirm", change.Confirm)
	if mb, ok := mailer.(*mail.Mailbox); ok {
		mailbox := &DevMailbox{Mailbox: mb, viewer: v}
		app.Get("/dev/mailbox", localOnly, mailbox.Show)
	}

	// Administration: every handler checks the policy itself too.
	adminUsers := &AdminUsers{Users: d.Models.Users, Admin: d.Ops.Admin, viewer: v}
	app.Get("/admin/users", requireUser, adminUsers.Index)
	app.Post("/admin/users/:id/role", requireUser, adminUsers.SetRole)
	app.Post("/admin/users/:id/lock", requireUser, adminUsers.Lock)
	app.Post("/admin/users/:id/unlock", requireUser, adminUsers.Unlock)
	app.Post("/admin/users/:id/force-reset", requireUser, adminUsers.ForceReset)
	adminAudit := &AdminAudit{Audit: d.Models.Audit, Users: d.Models.Users, viewer: v}
	app.Get("/admin/audit", requireUser, adminAudit.Index)

	// Authoring in the browser (authoring*.go): every handler asks the
	// policy for the guide itself.
	author := &Authoring{Ops: d.Ops.Authoring, Store: d.Models.Authoring, Steps: d.Models.Steps, viewer: v}
	app.Get("/author", requireUser, author.Dashboard)
	app.Get("/author/guides/new", requireUser, author.NewGuideForm)
	app.Post("/author/guides/new", requireUser, author.CreateGuide)
	app.Get("/author/guides/:slug", requireUser, author.Settings)
	app.Post("/author/guides/:slug", requireUser, author.SaveSettings)
	app.Post("/author/guides/:slug/publish", requireUser, author.Publish)
	app.Post("/author/guides/:slug/unpublish", requireUser, author.Unpublish)
	app.Post("/author/guides/:slug/preview", requireUser, author.Preview)
	app.Get("/author/guides/:slug/preview/steps/:n", requireUser, author.PreviewStep)
	app.Post("/author/guides/:slug/steps", requireUser, author.AddStep)
	app.Get("/author/guides/:slug/steps/:n", requireUser, author.EditStep)
	app.Post("/author/guides/:slug/steps/:n", requireUser, author.SaveStep)
	app.Post("/author/guides/:slug/steps/:n/autosave", requireUser, author.Autosave)
	app.Get("/author/guides/:slug/steps/:n/delete", requireUser, author.DeleteStepForm)
	app.Post("/author/guides/:slug/steps/:n/delete", requireUser, author.DeleteStep)
	app.Post("/author/guides/:slug/steps/:n/move", requireUser, author.MoveStep)
	app.Get("/author/guides/:slug/steps/:n/revisions", requireUser, author.Revisions)
	app.Get("/author/guides/:slug/steps/:n/revisions/diff", requireUser, author.RevisionDiff)
	app.Post("/author/guides/:slug/steps/:n/revisions/:id/restore", requireUser, author.RestoreRevision)
	app.Post("/author/guides/:slug/authors", requireUser, author.AddCoAuthor)
	app.Post("/author/guides/:slug/authors/:id/remove", requireUser, author.RemoveCoAuthor)

	// Images, and guides as zip archives (guide_images.go, guide_archive.go).
	guideImages := &GuideImages{Ops: d.Ops.Authoring, Images: images, Files: images.Store, viewer: v}
	app.Get("/images/:file", guideImages.Serve)
	app.Get("/author/guides/:slug/images", requireUser, guideImages.Index)
	app.Post("/author/guides/:slug/images", requireUser, guideImages.Upload)
	app.Post("/author/guides/:slug/images/:id/delete", requireUser, guideImages.Delete)
	archives := &GuideArchives{Ops: d.Ops.Authoring, viewer: v}
	app.Get("/author/guides/:slug/export.zip", requireUser, archives.Export)
	app.Get("/author/import", requireUser, archives.ImportForm)
	app.Post("/author/import", requireUser, archives.Import)

	// Webhooks (webhooks.go): authors' and admins' own subscriptions, their
	// deliveries and test events; the admin's site settings (admin_settings.go),
	// which include whether webhooks may reach private networks. Deliveries
	// are sent by handlers/webhook's worker, never in a request.
	webhooks := &Webhooks{Store: d.Models.Webhooks, Admin: d.Ops.Admin, viewer: v}
	app.Get("/account/webhooks", requireUser, webhooks.Index)
	app.Post("/account/webhooks", requireUser, webhooks.Create)
	app.Get("/account/webhooks/:id", requireUser, webhooks.Show)
	app.Post("/account/webhooks/:id/test", requireUser, webhooks.SendTest)
	app.Post("/account/webhooks/:id/delete", requireUser, webhooks.Delete)
	adminSettings := &AdminSettings{Settings: d.Models.Settings, Admin: d.Ops.Admin, viewer: v}
	app.Get("/admin/settings", requireUser, adminSettings.Show)
	app.Post("/admin/settings", requireUser, adminSettings.Save)

	// Personal access tokens for the JSON API (account_tokens.go), and the
	// API's reference, rendered from its OpenAPI document (api_docs.go).
	tokens := &AccountTokens{Accounts: d.Ops.Accounts, Tokens: d.Models.APITokens, viewer: v}
	app.Get("/account/tokens", requireUser, tokens.Index)
	app.Post("/account/tokens", requireUser, tokens.Create)
	app.Post("/account/tokens/:id/revoke", requireUser, tokens.Revoke)
	apiDocs := &APIDocs{viewer: v}
	app.Get("/api/docs", apiDocs.Show)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
