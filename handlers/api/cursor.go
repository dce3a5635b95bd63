package api

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// List page sizes.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// List is one page of a collection. NextCursor, when set, fetches the
// next page; it is also in a Link header (rel="next").
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// cursor is what an opaque cursor holds: the key of the last item seen.
// Callers must treat it as opaque; only this file knows its shape.
type cursor struct {
	After int64 `json:"a"`
}

// page reads ?limit and ?cursor. A malformed value is a 400 that says so.
func page(c *fiber.Ctx) (after int64, limit int, err error) {
	limit = defaultLimit
	if s := c.Query("limit"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > maxLimit {
			return 0, 0, queryProblem("limit", "Use a whole number from 1 to 100.")
		}
		limit = n
	}
	if s := c.Query("cursor"); s != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(s)
		var cur cursor
		if derr != nil || json.Unmarshal(raw, &cur) != nil || cur.After < 0 {
			return 0, 0, queryProblem("cursor", "Use the next_cursor value of the previous page, unchanged.")
		}
		after = cur.After
	}
	return after, limit, nil
}

// listOf returns the page items (fetched with limit+1 rows to learn
// whether there is more) with the cursor of the next page, keyed by key.
func listOf[T any](c *fiber.Ctx, items []T, limit int, key func(T) int64) List[T] {
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	return pageOf(c, items, more, key)
}

// pageOf returns items as a page, with the cursor of the next one when
// there is more, keyed by key.
func pageOf[T any](c *fiber.Ctx, items []T, more bool, key func(T) int64) List[T] {
	l := List[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if more && len(items) > 0 {
		raw, _ := json.Marshal(cursor{After: key(items[len(items)-1])})
		next := base64.RawURLEncoding.EncodeToString(raw)
		l.NextCursor = &next
		q := c.Request().URI().QueryArgs()
		args := fiber.AcquireArgs()
		defer fiber.ReleaseArgs(args)
		q.CopyTo(args)
		args.Set("cursor", next)
		c.Append(fiber.HeaderLink, "<"+c.Path()+"?"+args.String()+`>; rel="next"`)
	}
	return l
}

// queryProblem is a 400 for a query parameter, with the parameter named.
func queryProblem(param, detail string) *Problem {
	p := problem(fiber.StatusBadRequest, "The query parameter "+param+" is not acceptable.")
	p.Errors = []FieldError{{Field: param, Detail: detail}}
	return p
}
