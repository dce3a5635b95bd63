package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// endpoints are the API's handlers and its stateful middleware, built
// once from Deps; routes.go only says which URL reaches which of them.
type endpoints struct {
	authenticate fiber.Handler
	rateLimit    fiber.Handler

	tokens       *Tokens
	guides       *Guides
	steps        *Steps
	quizzes      *Quizzes
	progress     *Progress
	notes        *Notes
	learning     *Learning
	coAuthors    *CoAuthors
	revisions    *Revisions
	quizStats    *QuizStats
	images       *Images
	archives     *Archives
	certificates *Certificates
	export       *Export
	users        *Users
	webhooks     *Webhooks
}

// newEndpoints wires every API handler to the stores and operations it
// uses.
func newEndpoints(d Deps) *endpoints {
	m := d.Models
	limit := d.RateLimit
	if limit.Requests == 0 {
		limit = DefaultRateLimit
	}
	logger := d.Logger
	if logger == nil {
		logger = func(context.Context) *slog.Logger { return slog.Default() }
	}
	// Most handlers find the guide (and its step) the same way, so they
	// share guides and steps.
	guides := &Guides{Ops: d.Authoring, Guides: m.Guides, Steps: m.Steps}
	steps := &Steps{Guides: guides, Store: m.Authoring}
	return &endpoints{
		authenticate: authenticate(m.APITokens, logger),
		rateLimit:    rateLimit(m.APIRate, limit, logger),

		tokens:       &Tokens{Accounts: d.Accounts, Tokens: m.APITokens},
		guides:       guides,
		steps:        steps,
		quizzes:      &Quizzes{Guides: guides, Steps: m.Steps, Quizzes: m.Quizzes, Learning: d.Learning},
		progress:     &Progress{Guides: guides, Steps: m.Steps, Certificates: m.Certificates, Learning: d.Learning},
		notes:        &Notes{Guides: guides, Steps: m.Steps, Notes: m.Notes, Learning: d.Learning},
		learning:     &Learning{Learning: m.Learning, Certificates: m.Certificates},
		coAuthors:    &CoAuthors{Guides: guides, Store: m.Authoring},
		revisions:    &Revisions{Steps: steps, Store: m.Authoring},
		quizStats:    &QuizStats{Guides: guides, Quizzes: m.Quizzes},
		images:       &Images{Guides: guides, Images: d.Library},
		archives:     &Archives{Ops: d.Authoring},
		certificates: &Certificates{Certificates: m.Certificates},
		export:       &Export{Accounts: d.Accounts},
		users:        &Users{Users: m.Users, Admin: d.Admin},
		webhooks:     &Webhooks{Store: m.Webhooks, Admin: d.Admin},
	}
}
