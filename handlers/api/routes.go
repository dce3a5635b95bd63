package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/models/admin"
	"stepwise/models/authoring"
	"stepwise/models/learning"
)

// Deps are what the API needs; the app builds them.
type Deps struct {
	Models *models.Models
	// The operations the API shares with the pages, one per domain.
	Accounts  *accounts.Service
	Learning  *learning.Service
	Authoring *authoring.Service
	Admin     *admin.Service
	// RateLimit is each token's allowance; zero means DefaultRateLimit.
	RateLimit models.RateLimit
	// Library is the guides' image rows (images.go lists them); the
	// Authoring operations upload, delete, import and export through it.
	Library *models.Images
	// Logger returns the request's logger (with its request id); nil
	// means slog's default.
	Logger func(context.Context) *slog.Logger
}

// Register installs every /api/v1 route on app. It runs before the
// session middleware: the API never reads the session cookie. The
// handlers are built in endpoints.go.
func Register(app *fiber.App, d Deps) {
	e := newEndpoints(d)
	v1 := app.Group("/api/v1")

	// Without a token: the document, and creating a token with a password.
	v1.Get("/openapi.json", serveDocument)
	v1.Post("/tokens", e.tokens.Create)

	// Everything else: a token with the method's scope, within its rate.
	v1.Use(e.authenticate, e.rateLimit)
	admin := needScope(models.ScopeAdmin)

	v1.Get("/me", Me)
	v1.Get("/tokens", e.tokens.List)
	v1.Get("/tokens/:id", e.tokens.Show)
	v1.Delete("/tokens/:id", e.tokens.Revoke)

	// Guides and their steps: reading, and authoring with the browser's
	// rules (guides.go, guides_write.go, steps.go).
	v1.Get("/guides", e.guides.List)
	v1.Post("/guides", e.guides.Create)
	v1.Get("/guides/:slug", e.guides.Show)
	v1.Patch("/guides/:slug", e.guides.Update)
	v1.Delete("/guides/:slug", e.guides.Delete)
	v1.Post("/guides/:slug/publish", e.guides.Publish)
	v1.Post("/guides/:slug/unpublish", e.guides.Unpublish)
	v1.Get("/guides/:slug/steps", e.steps.List)
	v1.Post("/guides/:slug/steps", e.steps.Create)
	v1.Get("/guides/:slug/steps/:n", e.steps.Show)
	v1.Patch("/guides/:slug/steps/:n", e.steps.Update)
	v1.Delete("/guides/:slug/steps/:n", e.steps.Delete)
	v1.Post("/guides/:slug/steps/:n/move", e.steps.Move)

	// A learner's side of a step: its quiz (questions for the guide's
	// editors), completion, notes, progress and "My learning".
	v1.Get("/guides/:slug/steps/:n/quiz", e.quizzes.Show)
	v1.Post("/guides/:slug/steps/:n/quiz/attempts", e.quizzes.Attempt)
	v1.Post("/guides/:slug/steps/:n/quiz/questions", e.quizzes.AddQuestion)
	v1.Get("/guides/:slug/steps/:n/quiz/questions/:id", e.quizzes.ShowQuestion)
	v1.Patch("/guides/:slug/steps/:n/quiz/questions/:id", e.quizzes.UpdateQuestion)
	v1.Delete("/guides/:slug/steps/:n/quiz/questions/:id", e.quizzes.DeleteQuestion)
	v1.Get("/guides/:slug/progress", e.progress.Show)
	v1.Put("/guides/:slug/steps/:n/completion", e.progress.Complete)
	v1.Delete("/guides/:slug/steps/:n/completion", e.progress.Uncomplete)
	v1.Get("/notes", e.notes.List)
	v1.Get("/guides/:slug/steps/:n/note", e.notes.Show)
	v1.Put("/guides/:slug/steps/:n/note", e.notes.Put)
	v1.Delete("/guides/:slug/steps/:n/note", e.notes.Delete)
	v1.Get("/me/learning", e.learning.Show)

	// The rest of an author's pages: co-authors, revisions, quiz
	// statistics, images and zip archives (coauthors.go, revisions.go,
	// quiz_stats.go, images.go, archives.go), with the pages' rules.
	v1.Get("/guides/:slug/authors", e.coAuthors.List)
	v1.Post("/guides/:slug/authors", e.coAuthors.Add)
	v1.Get("/guides/:slug/authors/:id", e.coAuthors.Show)
	v1.Delete("/guides/:slug/authors/:id", e.coAuthors.Remove)
	v1.Get("/guides/:slug/steps/:n/revisions", e.revisions.List)
	v1.Get("/guides/:slug/steps/:n/revisions/:id", e.revisions.Show)
	v1.Post("/guides/:slug/steps/:n/revisions/:id/restore", e.revisions.Restore)
	v1.Get("/guides/:slug/quiz-stats", e.quizStats.Show)
	v1.Get("/guides/:slug/images", e.images.List)
	v1.Post("/guides/:slug/images", e.images.Upload)
	v1.Get("/guides/:slug/images/:id", e.images.Show)
	v1.Delete("/guides/:slug/images/:id", e.images.Delete)
	v1.Get("/guides/:slug/export", e.archives.Export)
	v1.Post("/guides/import", e.archives.Import)

	// Certificates anyone may verify (certificates.go), and the caller's
	// own data download, audited like the account page's (export.go).
	v1.Get("/certificates/:code", e.certificates.Show)
	v1.Get("/me/export", e.export.Show)

	// Admin: accounts, with the admin page's rules and audit events.
	v1.Get("/users", admin, e.users.List)
	v1.Get("/users/:id", admin, e.users.Show)
	v1.Patch("/users/:id", admin, e.users.Update)

	// Webhooks (webhooks.go): the caller's own subscriptions, with the
	// account page's rules and audit events.
	v1.Get("/webhooks", e.webhooks.List)
	v1.Post("/webhooks", e.webhooks.Create)
	v1.Get("/webhooks/:id", e.webhooks.Show)
	v1.Delete("/webhooks/:id", e.webhooks.Delete)
	v1.Get("/webhooks/:id/deliveries", e.webhooks.Deliveries)
	v1.Post("/webhooks/:id/test", e.webhooks.SendTest)
}
