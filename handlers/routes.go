package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/api"
)

// registerRoutes is the one place every route is listed, with the
// middleware that runs before it, outermost first. The handlers are built
// in page_handlers.go.
func registerRoutes(app *fiber.App, d Deps, p *pageHandlers, e *errorPages) {
	// Every request: the client's address as a trusted proxy reports it;
	// a request id and a logger, one access-log line, and errors rendered
	// by e; then the security headers; the body, read within its route's
	// limit (so an upload's slow arrival does not eat the request's
	// deadline, which starts once it is in), refused if its text holds a
	// NUL (nul_text.go).
	// Metrics wrap the request log, which renders errors, so they count
	// the status the client got.
	app.Use(forwardedFor(d.TrustedProxies), closeWhenDraining(d.Draining))
	if d.Metrics != nil {
		app.Use(d.Metrics.Observe)
	}
	app.Use(requestLog(d.Logger, e))
	app.Use(securityHeaders)
	app.Use(limitBodies(d.Limits), refuseNULText)
	app.Use(requestDeadline(d.RequestTimeout))

	// Health and static files need no session.
	app.Get("/healthz", p.health.Live)
	app.Get("/readyz", p.health.Ready)
	app.Get("/static/*", d.Assets.Serve)

	// The JSON API (package api) authenticates with tokens, never with
	// the session cookie, so it comes before the session middleware.
	api.Register(app, api.Deps{Models: d.Models,
		Accounts: d.Ops.Accounts, Learning: d.Ops.Learning, Authoring: d.Ops.Authoring, Admin: d.Ops.Admin,
		RateLimit: d.APIRateLimit, Library: d.Images, Logger: Logger})

	// Two-factor pages show secrets (the key, recovery codes): no-store,
	// set outside the session middleware so nothing replaces it.
	app.Use("/account/two-factor", noStore)
	// So is the page that shows a new API token.
	app.Use("/account/tokens", noStore)

	// Pages: session, CSRF check on unsafe methods, the signed-in user.
	app.Use(sessions(d.Sessions), p.csrf.check, loadUser(d.Sessions, d.Models.Sessions))

	app.Get("/", p.guides.Index)
	app.Get("/search", p.search.Show)
	app.Get("/guides/:slug", p.guides.Show)
	app.Get("/guides/:slug/steps/:n", p.steps.Show)
	app.Post("/guides/:slug/steps/:n/complete", requireUser, p.steps.Complete)

	// Checkpoint quizzes: learners answer on the step page; the guide's
	// editors change the questions and read the statistics.
	app.Post("/guides/:slug/steps/:n/quiz", requireUserForQuiz, p.answers.Answer)
	app.Get("/guides/:slug/steps/:n/quiz/edit", requireUser, p.quizzes.EditForm)
	app.Post("/guides/:slug/steps/:n/quiz/edit", requireUser, p.quizzes.Edit)
	app.Get("/guides/:slug/quiz-stats", requireUser, p.quizzes.Stats)

	// Learning: private notes on steps, "My learning", "My notes" and
	// certificates (whose pages are public: that is how they verify).
	app.Post("/guides/:slug/steps/:n/note", requireUserForNote, p.steps.SaveNote)
	app.Get("/learning", requireUser, p.learn.Show)
	app.Get("/notes", requireUser, p.learn.NotesPage)
	app.Get("/notes/export.md", requireUser, p.learn.ExportNotes)
	app.Get("/certificates/:code", p.learn.Certificate)

	app.Get("/signup", p.auth.SignupForm)
	app.Post("/signup", p.auth.Signup)
	app.Get("/login", p.auth.LoginForm)
	app.Post("/login", p.auth.Login)
	app.Post("/logout", p.auth.Logout)

	app.Get("/account", requireUser, p.account.Show)
	app.Post("/account/password", requireUser, p.account.ChangePassword)
	app.Post("/account/sessions/revoke-others", requireUser, p.account.RevokeOthers)
	app.Post("/account/sessions/:id/revoke", requireUser, p.account.RevokeSession)
	app.Get("/account/export", requireUser, p.account.Export)
	app.Post("/account/delete", requireUser, p.account.Delete)

	// Two-factor authentication: the login's second step, setting it up,
	// and the account page's forms. Every route acts on the signed-in (or
	// pending) user only.
	app.Get("/login/two-factor", p.twoFactor.LoginForm)
	app.Post("/login/two-factor", p.twoFactor.Login)
	app.Get("/account/two-factor/setup", requireUser, p.twoFactor.SetupForm)
	app.Post("/account/two-factor/setup", requireUser, p.twoFactor.Setup)
	app.Post("/account/two-factor/recovery-codes", requireUser, p.twoFactor.RegenerateCodes)
	app.Post("/account/two-factor/disable", requireUser, p.twoFactor.Disable)

	// Email: verification (sign-up sends the first link), password reset,
	// email change, and the dev mailbox when no SMTP server is configured.
	app.Post("/account/email/verify", requireUser, p.verification.Resend)
	app.Get("/email/verify", p.verification.Verify)
	app.Get("/password/forgot", p.reset.ForgotForm)
	app.Post("/password/forgot", p.reset.Forgot)
	app.Get("/password/reset", p.reset.ResetForm)
	app.Post("/password/reset", p.reset.Reset)
	app.Post("/account/email", requireUser, p.emailChange.Request)
	app.Get("/account/email/confirm", p.emailChange.Confirm)
	if p.mailbox != nil {
		app.Get("/dev/mailbox", localOnly, p.mailbox.Show)
	}

	// Administration: every handler checks the policy itself too.
	app.Get("/admin/users", requireUser, p.adminUsers.Index)
	app.Post("/admin/users/:id/role", requireUser, p.adminUsers.SetRole)
	app.Post("/admin/users/:id/lock", requireUser, p.adminUsers.Lock)
	app.Post("/admin/users/:id/unlock", requireUser, p.adminUsers.Unlock)
	app.Post("/admin/users/:id/force-reset", requireUser, p.adminUsers.ForceReset)
	app.Get("/admin/audit", requireUser, p.adminAudit.Index)

	// Authoring in the browser (authoring*.go): every handler asks the
	// policy for the guide itself.
	a := p.author
	app.Get("/author", requireUser, a.Dashboard)
	app.Get("/author/guides/new", requireUser, a.NewGuideForm)
	app.Post("/author/guides/new", requireUser, a.CreateGuide)
	app.Get("/author/guides/:slug", requireUser, a.Settings)
	app.Post("/author/guides/:slug", requireUser, a.SaveSettings)
	app.Post("/author/guides/:slug/publish", requireUser, a.Publish)
	app.Post("/author/guides/:slug/unpublish", requireUser, a.Unpublish)
	app.Post("/author/guides/:slug/preview", requireUser, a.Preview)
	app.Get("/author/guides/:slug/preview/steps/:n", requireUser, a.PreviewStep)
	app.Post("/author/guides/:slug/steps", requireUser, a.AddStep)
	app.Get("/author/guides/:slug/steps/:n", requireUser, a.EditStep)
	app.Post("/author/guides/:slug/steps/:n", requireUser, a.SaveStep)
	app.Post("/author/guides/:slug/steps/:n/autosave", requireUser, a.Autosave)
	app.Get("/author/guides/:slug/steps/:n/delete", requireUser, a.DeleteStepForm)
	app.Post("/author/guides/:slug/steps/:n/delete", requireUser, a.DeleteStep)
	app.Post("/author/guides/:slug/steps/:n/move", requireUser, a.MoveStep)
	app.Get("/author/guides/:slug/steps/:n/revisions", requireUser, a.Revisions)
	app.Get("/author/guides/:slug/steps/:n/revisions/diff", requireUser, a.RevisionDiff)
	app.Post("/author/guides/:slug/steps/:n/revisions/:id/restore", requireUser, a.RestoreRevision)
	app.Post("/author/guides/:slug/authors", requireUser, a.AddCoAuthor)
	app.Post("/author/guides/:slug/authors/:id/remove", requireUser, a.RemoveCoAuthor)

	// Images, and guides as zip archives (guide_images.go, guide_archive.go).
	app.Get("/images/:file", p.images.Serve)
	app.Get("/author/guides/:slug/images", requireUser, p.images.Index)
	app.Post("/author/guides/:slug/images", requireUser, p.images.Upload)
	app.Post("/author/guides/:slug/images/:id/delete", requireUser, p.images.Delete)
	app.Get("/author/guides/:slug/export.zip", requireUser, p.archives.Export)
	app.Get("/author/import", requireUser, p.archives.ImportForm)
	app.Post("/author/import", requireUser, p.archives.Import)

	// Webhooks (webhooks.go): authors' and admins' own subscriptions, their
	// deliveries and test events; the admin's site settings (admin_settings.go),
	// which include whether webhooks may reach private networks. Deliveries
	// are sent by handlers/webhook's worker, never in a request.
	app.Get("/account/webhooks", requireUser, p.webhooks.Index)
	app.Post("/account/webhooks", requireUser, p.webhooks.Create)
	app.Get("/account/webhooks/:id", requireUser, p.webhooks.Show)
	app.Post("/account/webhooks/:id/test", requireUser, p.webhooks.SendTest)
	app.Post("/account/webhooks/:id/delete", requireUser, p.webhooks.Delete)
	app.Get("/admin/settings", requireUser, p.adminSettings.Show)
	app.Post("/admin/settings", requireUser, p.adminSettings.Save)

	// Personal access tokens for the JSON API (account_tokens.go), and the
	// API's reference, rendered from its OpenAPI document (api_docs.go).
	app.Get("/account/tokens", requireUser, p.tokens.Index)
	app.Post("/account/tokens", requireUser, p.tokens.Create)
	app.Post("/account/tokens/:id/revoke", requireUser, p.tokens.Revoke)
	app.Get("/api/docs", p.apiDocs.Show)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
