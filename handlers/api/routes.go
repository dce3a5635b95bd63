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
// session middleware: the API never reads the session cookie.
func Register(app *fiber.App, d Deps) {
	m := d.Models
	limit := d.RateLimit
	if limit.Requests == 0 {
		limit = DefaultRateLimit
	}
	v1 := app.Group("/api/v1")

	// Without a token: the document, and creating a token with a password.
	v1.Get("/openapi.json", serveDocument)
	tokens := &Tokens{Accounts: d.Accounts, Tokens: m.APITokens}
	v1.Post("/tokens", tokens.Create)

	// Everything else: a token with the method's scope, within its rate.
	logger := d.Logger
	if logger == nil {
		logger = func(context.Context) *slog.Logger { return slog.Default() }
	}
	v1.Use(authenticate(m.APITokens, logger), rateLimit(m.APIRate, limit, logger))
	admin := needScope(models.ScopeAdmin)

	v1.Get("/me", Me)
	v1.Get("/tokens", tokens.List)
	v1.Get("/tokens/:id", tokens.Show)
	v1.Delete("/tokens/:id", tokens.Revoke)

	// Guides and their steps: reading, and authoring with the browser's
	// rules (guides.go, guides_write.go, steps.go).
	guides := &Guides{Ops: d.Authoring, Guides: m.Guides, Steps: m.Steps}
	v1.Get("/guides", guides.List)
	v1.Post("/guides", guides.Create)
	v1.Get("/guides/:slug", guides.Show)
	v1.Patch("/guides/:slug", guides.Update)
	v1.Delete("/guides/:slug", guides.Delete)
	v1.Post("/guides/:slug/publish", guides.Publish)
	v1.Post("/guides/:slug/unpublish", guides.Unpublish)
	steps := &Steps{Guides: guides, Store: m.Authoring}
	v1.Get("/guides/:slug/steps", steps.List)
	v1.Post("/guides/:slug/steps", steps.Create)
	v1.Get("/guides/:slug/steps/:n", steps.Show)
	v1.Patch("/guides/:slug/steps/:n", steps.Update)
	v1.Delete("/guides/:slug/steps/:n", steps.Delete)
	v1.Post("/guides/:slug/steps/:n/move", steps.Move)

	// A learner's side of a step: its quiz (questions for the guide's
	// editors), completion, notes, progress and "My learning".
	quizzes := &Quizzes{Guides: guides, Steps: m.Steps, Quizzes: m.Quizzes, Learning: d.Learning}
	v1.Get("/guides/:slug/steps/:n/quiz", quizzes.Show)
	v1.Post("/guides/:slug/steps/:n/quiz/attempts", quizzes.Attempt)
	v1.Post("/guides/:slug/steps/:n/quiz/questions", quizzes.AddQuestion)
	v1.Get("/guides/:slug/steps/:n/quiz/questions/:id", quizzes.ShowQuestion)
	v1.Patch("/guides/:slug/steps/:n/quiz/questions/:id", quizzes.UpdateQuestion)
	v1.Delete("/guides/:slug/steps/:n/quiz/questions/:id", quizzes.DeleteQuestion)
	progress := &Progress{Guides: guides, Steps: m.Steps, Certificates: m.Certificates, Learning: d.Learning}
	v1.Get("/guides/:slug/progress", progress.Show)
	v1.Put("/guides/:slug/steps/:n/completion", progress.Complete)
	v1.Delete("/guides/:slug/steps/:n/completion", progress.Uncomplete)
	notes := &Notes{Guides: guides, Steps: m.Steps, Notes: m.Notes, Learning: d.Learning}
	v1.Get("/notes", notes.List)
	v1.Get("/guides/:slug/steps/:n/note", notes.Show)
	v1.Put("/guides/:slug/steps/:n/note", notes.Put)
	v1.Delete("/guides/:slug/steps/:n/note", notes.Delete)
	learning := &Learning{Learning: m.Learning, Certificates: m.Certificates}
	v1.Get("/me/learning", learning.Show)

	// The rest of an author's pages: co-authors, revisions, quiz
	// statistics, images and zip archives (coauthors.go, revisions.go,
	// quiz_stats.go, images.go, archives.go), with the pages' rules.
	coAuthors := &CoAuthors{Guides: guides, Store: m.Authoring}
	v1.Get("/guides/:slug/authors", coAuthors.List)
	v1.Post("/guides/:slug/authors", coAuthors.Add)
	v1.Get("/guides/:slug/authors/:id", coAuthors.Show)
	v1.Delete("/guides/:slug/authors/:id", coAuthors.Remove)
	revisions := &Revisions{Steps: steps, Store: m.Authoring}
	v1.Get("/guides/:slug/steps/:n/revisions", revisions.List)
	v1.Get("/guides/:slug/steps/:n/revisions/:id", revisions.Show)
	v1.Post("/guides/:slug/steps/:n/revisions/:id/restore", revisions.Restore)
	quizStats := &QuizStats{Guides: guides, Quizzes: m.Quizzes}
	v1.Get("/guides/:slug/quiz-stats", quizStats.Show)
	images := &Images{Guides: guides, Images: d.Library}
	v1.Get("/guides/:slug/images", images.List)
	v1.Post("/guides/:slug/images", images.Upload)
	v1.Get("/guides/:slug/images/:id", images.Show)
	v1.Delete("/guides/:slug/images/:id", images.Delete)
	archives := &Archives{Ops: d.Authoring}
	v1.Get("/guides/:slug/export", archives.Export)
	v1.Post("/guides/import", archives.Import)

	// Certificates anyone may verify (certificates.go), and the caller's
	// own data download, audited like the account page's (export.go).
	certificates := &Certificates{Certificates: m.Certificates}
	v1.Get("/certificates/:code", certificates.Show)
	export := &Export{Accounts: d.Accounts}
	v1.Get("/me/export", export.Show)

	// Admin: accounts, with the admin page's rules and audit events.
	users := &Users{Users: m.Users, Admin: d.Admin}
	v1.Get("/users", admin, users.List)
	v1.Get("/users/:id", admin, users.Show)
	v1.Patch("/users/:id", admin, users.Update)

	// Webhooks (webhooks.go): the caller's own subscriptions, with the
	// account page's rules and audit events.
	webhooks := &Webhooks{Store: m.Webhooks, Admin: d.Admin}
	v1.Get("/webhooks", webhooks.List)
	v1.Post("/webhooks", webhooks.Create)
	v1.Get("/webhooks/:id", webhooks.Show)
	v1.Delete("/webhooks/:id", webhooks.Delete)
	v1.Get("/webhooks/:id/deliveries", webhooks.Deliveries)
	v1.Post("/webhooks/:id/test", webhooks.SendTest)
}
