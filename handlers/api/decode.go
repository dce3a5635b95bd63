package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// decode reads the request body into dst: a JSON content type, exactly
// one JSON object, no field dst does not have, and no string holding a
// NUL (nul_fields.go). Each refusal says
// precisely what is wrong, so an integrator can fix the request at once.
func decode(c *fiber.Ctx, dst any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON && mt != "application/merge-patch+json" {
		return problem(fiber.StatusUnsupportedMediaType, "Send the body as JSON, with Content-Type: application/json.")
	}
	body := c.Body()
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return bodyProblem("The request body is empty; send a JSON object.")
	}
	if trimmed[0] != '{' {
		// json.Decoder takes null into a struct as "no change", and
		// would name an array or string by Go's types; say it plainly.
		return bodyProblem("The body must be a JSON object ({…}).")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return bodyProblem(describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bodyProblem("The body holds more than one JSON value; send exactly one object.")
	}
	if fe := nulFields(dst); fe != nil {
		return invalid(fe)
	}
	return nil
}

// bodyProblem is a 400 for a body that is not the JSON the route takes.
func bodyProblem(detail string) *Problem {
	p := problem(fiber.StatusBadRequest, detail)
	p.Type = "/api/docs#malformed"
	return p
}

func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("The body is not valid JSON (at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("Field %q must be %s, not a JSON %s.", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return fmt.Sprintf("The body must be a JSON object, not a JSON %s.", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The body ends in the middle of a JSON value."
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Sprintf("Unknown field %s; the reference at /api/docs lists the fields this route takes.",
			strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return "The body could not be read as JSON."
}

// jsonKind names a Go kind the way a JSON user would.
func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "true or false"
	case k == "string":
		return "a string"
	case k == "slice", k == "array":
		return "an array"
	case k == "map", k == "struct", k == "ptr":
		return "an object"
	}
	return "another type"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
