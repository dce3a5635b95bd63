package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"
)

// The OpenAPI document is written by hand in YAML, one file per resource
// beside the handlers it describes, and merged into one JSON document at
// start-up. The contract tests keep it true: every route is documented,
// every documented operation exists, and every response the tests see
// validates against it.
//
//go:embed openapi/*.yaml
var openapiFiles embed.FS

var document = sync.OnceValues(buildDocument)

// Document returns the OpenAPI 3.1 document as JSON.
func Document() []byte {
	doc, err := document()
	if err != nil {
		panic(err) // the embedded files are fixed at build time; a test catches this
	}
	return doc
}

// buildDocument merges openapi/*.yaml in name order: maps merge key by
// key (a key defined twice is an error, so two files cannot silently
// disagree), lists such as tags are concatenated.
func buildDocument() ([]byte, error) {
	names, err := fs.Glob(openapiFiles, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	merged := map[string]any{}
	for _, name := range names {
		raw, err := openapiFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var part map[string]any
		if err := yaml.Unmarshal(raw, &part); err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", name, err)
		}
		if err := mergeInto(merged, part, name); err != nil {
			return nil, err
		}
	}
	return json.Marshal(merged)
}

func mergeInto(dst, src map[string]any, where string) error {
	for k, v := range src {
		old, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		switch o := old.(type) {
		case map[string]any:
			n, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("openapi: %s: %q is a map elsewhere", where, k)
			}
			if err := mergeInto(o, n, where+": "+k); err != nil {
				return err
			}
		case []any:
			n, ok := v.([]any)
			if !ok {
				return fmt.Errorf("openapi: %s: %q is a list elsewhere", where, k)
			}
			dst[k] = append(o, n...)
		default:
			return fmt.Errorf("openapi: %s: %q is defined twice", where, k)
		}
	}
	return nil
}

// serveDocument answers GET /api/v1/openapi.json, to anyone: the API's
// shape is no secret.
func serveDocument(c *fiber.Ctx) error {
	doc, err := document()
	if err != nil {
		return err
	}
	tag := etag(doc)
	c.Set(fiber.HeaderETag, tag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	if matches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(doc)
}
