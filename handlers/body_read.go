package handlers

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Refusing a body means closing the connection after the answer: what is
// left of the body must not be read as the next request. So that the
// client reads the answer rather than a reset (which closing on unread
// data sends), the connection lingers first, as nginx's lingering close
// does: the answer is written, and what the client still sends is
// discarded for lingerGrace, and after that for as long as each
// lingerWindow brings at least lingerMinRead bytes, up to lingerTime and
// lingerBytes in all, on at most maxLingering connections at once (beyond
// that a refused connection just closes). A client sending a large body
// in full reads its answer even when a busy machine holds it up for a
// moment; one trickling bytes (the slow-body attack) is cut off after the
// grace.
const (
	lingerGrace   = 2 * time.Second
	lingerWindow  = time.Second
	lingerMinRead = 16 << 10
	lingerTime    = 30 * time.Second
	lingerBytes   = 64 << 20
	maxLingering  = 256
)

var (
	errBodyIncomplete = fiber.NewError(fiber.StatusBadRequest,
		"The request body ended before its announced length. Send the request again.")
	errBodyUnreadable = fiber.NewError(fiber.StatusBadRequest,
		"The request body could not be read. Send the request again.")
	errUploadsBusy = fiber.NewError(fiber.StatusServiceUnavailable,
		"Too many uploads are in progress. Try again in a moment.")
	errUploadsPerIP = fiber.NewError(fiber.StatusTooManyRequests,
		"You have too many uploads in progress. Wait for one to finish, then try again.")
)

// uploadRetryAfter is the Retry-After, in seconds, of a refused upload.
const uploadRetryAfter = "5"

// bodies is limitBodies' state: the limits, the upload slots and the
// lingering connections.
type bodies struct {
	limits  Limits
	uploads *uploadGate
	linger  chan struct{}
}

// readBody reads a body of announced length n (-1: chunked) from r, at
// most limit bytes. Its buffer grows as bytes arrive, never to an
// announced length ahead of them.
func readBody(r io.Reader, n, limit int) ([]byte, error) {
	size := prefetchSize
	if n >= 0 && n < size {
		size = n
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	got, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1))
	switch {
	case err != nil:
		return nil, readError(err)
	case got > int64(limit):
		return nil, errBodyTooLarge
	case n >= 0 && got != int64(n):
		return nil, errBodyIncomplete
	}
	return buf.Bytes(), nil
}

// upload reads an upload route's body, of announced length n (-1:
// chunked) and at most limit bytes, into a temporary file that becomes the
// request's body stream, removed once the route has answered. The upload
// holds a slot (Limits.MaxUploads, MaxUploadsPerIP) from before its first
// byte is read until then, and may take Limits.UploadTimeout to arrive.
func (b *bodies) upload(c *fiber.Ctx, n, limit int) error {
	release, err := b.uploads.acquire(strings.Clone(c.IP()))
	if err != nil {
		c.Set(fiber.HeaderRetryAfter, uploadRetryAfter)
		return b.refuse(c, err)
	}
	defer release()
	if err := c.Context().Conn().SetReadDeadline(time.Now().Add(b.limits.UploadTimeout)); err != nil {
		return b.refuse(c, readError(err))
	}
	f, err := os.CreateTemp("", "stepwise-upload-*")
	if err != nil {
		return err
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	src := &readErrors{r: c.Request().BodyStream()}
	got, err := io.Copy(f, io.LimitReader(src, int64(limit)+1))
	switch {
	case src.err != nil:
		return b.refuse(c, readError(src.err))
	case err != nil: // the disk's fault, not the client's
		return err
	case got > int64(limit):
		return b.refuse(c, errBodyTooLarge)
	case n >= 0 && got != int64(n):
		return b.refuse(c, errBodyIncomplete)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	c.Request().SetBodyStream(f, int(got))
	return c.Next()
}

// readErrors remembers the error of the reader it wraps, so a failed copy
// can tell the client's fault (a timeout, a broken chunk) from the disk's.
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.err = err
	}
	return n, err
}

// readError is the client's error for a body that could not be read: 408
// when it came too slowly, else 400.
func readError(err error) error {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return fiber.ErrRequestTimeout
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errBodyIncomplete
	}
	return errBodyUnreadable
}

// refuse answers err (through the error handler, like any response) and
// closes the connection after it, lingering first (see lingerTime).
func (b *bodies) refuse(c *fiber.Ctx, err error) error {
	c.Set(fiber.HeaderConnection, "close")
	fctx := c.Context()
	// Fiber's in-memory app.Test connection has no address and reads the
	// answer only once the request is served: it gets the plain close.
	if fctx.RemoteIP().IsUnspecified() {
		return err
	}
	select {
	case b.linger <- struct{}{}:
	default:
		return err
	}
	// fasthttp calls the hijack handler after this handler returns, with
	// the response complete, and releases fctx only once it returns: the
	// handler writes that response itself, then discards what follows.
	fctx.HijackSetNoResponse(true)
	fctx.Hijack(func(conn net.Conn) {
		defer func() { <-b.linger }()
		_ = conn.SetWriteDeadline(time.Now().Add(lingerTime))
		if _, err := fctx.Response.WriteTo(conn); err != nil {
			return
		}
		discardWhileSent(conn, time.Now())
	})
	return err
}

// discardWhileSent reads and drops what conn still sends, within the
// bounds described at lingerGrace.
func discardWhileSent(conn net.Conn, start time.Time) {
	buf := make([]byte, 32<<10)
	end := start.Add(lingerTime)
	window, inWindow := start.Add(lingerGrace), 0
	for read := 0; read < lingerBytes; {
		if err := conn.SetReadDeadline(earliest(window, end)); err != nil {
			return
		}
		n, err := conn.Read(buf)
		read += n
		inWindow += n
		var ne net.Error
		if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
			return // closed by the client, or broken
		}
		if now := time.Now(); !now.Before(window) {
			if inWindow < lingerMinRead || !now.Before(end) {
				return
			}
			window, inWindow = now.Add(lingerWindow), 0
			continue // a timeout that closed a busy window is no end
		}
		if err != nil {
			return
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// uploadGate counts the uploads being read or handled, in all and by
// client address.
type uploadGate struct {
	mu         sync.Mutex
	max, perIP int
	total      int
	byIP       map[string]int
}

func newUploadGate(max, perIP int) *uploadGate {
	return &uploadGate{max: max, perIP: perIP, byIP: map[string]int{}}
}

// acquire takes a slot for an upload from ip, or says why there is none;
// release gives it back.
func (g *uploadGate) acquire(ip string) (release func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byIP[ip] >= g.perIP {
		return nil, errUploadsPerIP
	}
	if g.total >= g.max {
		return nil, errUploadsBusy
	}
	g.total++
	g.byIP[ip]++
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.total--
		if g.byIP[ip]--; g.byIP[ip] == 0 {
			delete(g.byIP, ip)
		}
	}, nil
}

// formFileBytes reads an uploaded file whose size the caller has checked,
// in one allocation of that size. The file is the part of the multipart
// form that fasthttp kept on disk (or in memory when small).
func formFileBytes(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only
	data := make([]byte, fh.Size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	return data, nil
}
