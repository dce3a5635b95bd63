package handlers

import (
	"sync"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/api"
	"stepwise/views/pages"
)

// APIDocs serves /api/docs, the API reference, to everyone. The page is
// derived from the same OpenAPI document the API serves and its contract
// tests check (api_docs_openapi.go), so it describes every operation
// there is and no other.
type APIDocs struct {
	viewer
}

// apiReference is the document as the page shows it; the document is
// fixed at build time, so it is read once.
var apiReference = sync.OnceValues(func() (pages.APIReference, error) {
	return buildAPIReference(api.Document())
})

// Show renders the reference.
func (h *APIDocs) Show(c *fiber.Ctx) error {
	ref, err := apiReference()
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.APIDocs(h.page(c, "API reference", false), ref))
}
