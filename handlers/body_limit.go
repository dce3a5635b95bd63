package handlers

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Request bodies are streamed (app.go): fasthttp reads at most
// prefetchSize bytes of one before the middleware runs, whatever length
// the client announced. limitBodies then reads the rest itself, bounded by
// the route's limit: into memory for the BodyLimit routes, into a
// temporary file for the upload and import routes, which alone take more
// (routeBodyLimit). A body announced larger than its route takes is
// refused from its Content-Length before any of it is read.

// prefetchSize is what fasthttp reads of a streamed body before the
// handler runs (its own constant, 8 KiB).
const prefetchSize = 8 << 10

// declaredLengthHeader carries, from refuseAnnouncedBodies to limitBodies,
// the Content-Length of a request refused for it. The header is the only
// thing fasthttp's hook can change; a client's own copy is deleted first,
// so the header is never the client's.
const declaredLengthHeader = "X-Stepwise-Refused-Length"

// errBodyTooLarge is the 413 for a body over its route's limit.
var errBodyTooLarge = fiber.ErrRequestEntityTooLarge

// errBodyEncoded is the 415 for a compressed request body, which could
// inflate far past any limit once a handler decoded it.
var errBodyEncoded = fiber.NewError(fiber.StatusUnsupportedMediaType,
	"Send the request body without a Content-Encoding; Stepwise reads bodies as they are sent.")

// routeBodyLimit is the largest body the route takes: ImportBodyLimit for
// a guide archive, ImageBodyLimit for an image, BodyLimit for everything
// else. The pages take their archive and image as a multipart form, so
// only that form gets the larger limit there (any other body would be
// parsed in memory). The path is the request's, as routing sees it;
// routing ignores case and a trailing slash, so a spelling this does not
// match gets the smaller limit, never a larger one.
func routeBodyLimit(method, path string, contentType []byte) int {
	if method != fiber.MethodPost {
		return BodyLimit
	}
	multipartForm := bytes.HasPrefix(contentType, []byte(fiber.MIMEMultipartForm))
	switch {
	case path == "/api/v1/guides/import":
		return ImportBodyLimit
	case path == "/author/import" && multipartForm:
		return ImportBodyLimit
	case strings.HasPrefix(path, "/api/v1/guides/") && strings.HasSuffix(path, "/images") && strings.Count(path, "/") == 5:
		return ImageBodyLimit
	case strings.HasPrefix(path, "/author/guides/") && strings.HasSuffix(path, "/images") && strings.Count(path, "/") == 4 && multipartForm:
		return ImageBodyLimit
	}
	return BodyLimit
}

// refuseAnnouncedBodies is fasthttp's HeaderReceived hook: it runs once a
// request's headers are read, before any of its body. A Content-Length
// over the route's limit is recorded in declaredLengthHeader and the
// request is given an empty body, so fasthttp reads none of it (nor
// answers an Expect: 100-continue, inviting it) and limitBodies refuses
// the request through the middleware every response goes through.
func refuseAnnouncedBodies(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(declaredLengthHeader)
	n := h.ContentLength()
	if n <= BodyLimit { // every route takes this much (and -1, -2: no length)
		return fasthttp.RequestConfig{}
	}
	u := fasthttp.AcquireURI()
	defer fasthttp.ReleaseURI(u)
	path := ""
	if u.Parse(h.Host(), h.RequestURI()) == nil {
		path = string(u.PathOriginal())
	}
	if n > routeBodyLimit(string(h.Method()), path, h.ContentType()) {
		h.Set(declaredLengthHeader, strconv.Itoa(n))
		h.SetContentLength(0)
		h.Del(fiber.HeaderExpect)
	}
	return fasthttp.RequestConfig{}
}

// limitBodies reads every request body before any session, CSRF or handler
// work, within the route's limit (routeBodyLimit), and refuses one over it
// with 413. A body of the BodyLimit routes is then in memory, as if never
// streamed; an upload's is in a temporary file, read as the request's body
// stream, and holds one of l's upload slots while it is read and handled.
// A compressed body is refused (415): the raw body is what is measured,
// and Fiber's c.Body (or a multipart parse) would inflate it unbounded.
func limitBodies(l Limits) fiber.Handler {
	l = l.withDefaults()
	b := &bodies{
		limits:  l,
		uploads: newUploadGate(l.MaxUploads, l.MaxUploadsPerIP),
		linger:  make(chan struct{}, maxLingering),
	}
	return b.limit
}

func (b *bodies) limit(c *fiber.Ctx) error {
	req := c.Request()
	if v := req.Header.Peek(declaredLengthHeader); len(v) != 0 {
		return b.refuse(c, errBodyTooLarge)
	}
	n := req.Header.ContentLength() // -1 for a chunked body
	if n == 0 || req.BodyStream() == nil {
		return c.Next()
	}
	if enc := req.Header.Peek(fiber.HeaderContentEncoding); len(enc) != 0 && !strings.EqualFold(string(enc), "identity") {
		return b.refuse(c, errBodyEncoded)
	}
	limit := routeBodyLimit(c.Method(), c.Path(), req.Header.ContentType())
	if n > limit {
		return b.refuse(c, errBodyTooLarge)
	}
	if limit > BodyLimit {
		return b.upload(c, n, limit)
	}
	body, err := readBody(req.BodyStream(), n, limit)
	if err != nil {
		return b.refuse(c, err)
	}
	req.SetBodyRaw(body)
	req.Header.SetContentLength(len(body))
	return c.Next()
}
