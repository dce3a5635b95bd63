package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// registerRoutes is the one place every route is listed, with the
// middleware that runs before it, outermost first.
func registerRoutes(app *fiber.App, d Deps, e *errorPages) {
	// Every request: a request id and a logger, one access-log line, and
	// errors rendered by e; then the security headers.
	app.Use(requestLog(d.Logger, e))
	app.Use(securityHeaders)

	// Health and static files need no session.
	health := &Health{DB: d.DB}
	app.Get("/healthz", health.Live)
	app.Get("/readyz", health.Ready)
	app.Get("/static/*", d.Assets.Serve)

	// Pages: session, CSRF check on unsafe methods, the signed-in user.
	app.Use(sessions(d.Sessions), csrf(d.Sessions), loadUser(d.Sessions, d.Models.Sessions))

	v := viewer{sessions: d.Sessions, assets: d.Assets}
	guides := &Guides{Guides: d.Models.Guides, Steps: d.Models.Steps, Progress: d.Models.Progress, viewer: v}
	app.Get("/", guides.Index)
	app.Get("/guides/:slug", guides.Show)

	steps := &Steps{Guides: d.Models.Guides, Steps: d.Models.Steps, Progress: d.Models.Progress, viewer: v}
	app.Get("/guides/:slug/steps/:n", steps.Show)
	app.Post("/guides/:slug/steps/:n/complete", requireUser, steps.Complete)

	auth := &Auth{
		Users: d.Models.Users, UserSessions: d.Models.Sessions, Throttle: d.Models.Throttle,
		Audit: d.Models.Audit, Sessions: d.Sessions, viewer: v,
	}
	app.Get("/signup", auth.SignupForm)
	app.Post("/signup", auth.Signup)
	app.Get("/login", auth.LoginForm)
	app.Post("/login", auth.Login)
	app.Post("/logout", auth.Logout)

	account := &Account{
		Users: d.Models.Users, UserSessions: d.Models.Sessions, Audit: d.Models.Audit,
		TwoFactor: d.Models.TwoFactor, Sessions: d.Sessions, viewer: v,
	}
	app.Get("/account", requireUser, account.Show)
	app.Post("/account/password", requireUser, account.ChangePassword)
	app.Post("/account/sessions/revoke-others", requireUser, account.RevokeOthers)
	app.Post("/account/sessions/:id/revoke", requireUser, account.RevokeSession)
	app.Get("/account/export", requireUser, account.Export)
	app.Post("/account/delete", requireUser, account.Delete)

	// Administration: every handler checks the policy itself too.
	adminUsers := &AdminUsers{Users: d.Models.Users, Audit: d.Models.Audit, viewer: v}
	app.Get("/admin/users", requireUser, adminUsers.Index)
	app.Post("/admin/users/:id/role", requireUser, adminUsers.SetRole)
	app.Post("/admin/users/:id/lock", requireUser, adminUsers.Lock)
	app.Post("/admin/users/:id/unlock", requireUser, adminUsers.Unlock)
	app.Post("/admin/users/:id/force-reset", requireUser, adminUsers.ForceReset)
	adminAudit := &AdminAudit{Audit: d.Models.Audit, Users: d.Models.Users, viewer: v}
	app.Get("/admin/audit", requireUser, adminAudit.Index)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
