package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Assets serves the embedded static files under content-hashed names
// (css/app.3f2a….css), so they can be cached for a year and still change
// the moment their content does. Compressible files are gzipped once, at
// start-up.
type Assets struct {
	byURL  map[string]*asset // "css/app.3f2a….css" and "css/app.css" → file
	hashed map[string]string // "css/app.css" → "/static/css/app.3f2a….css"
}

type asset struct {
	body, gz    []byte
	contentType string
	immutable   bool
}

// NewAssets indexes every file in fsys.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{byURL: map[string]*asset{}, hashed: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashedName := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		f := &asset{body: body, contentType: ct, gz: gzipIfSmaller(body, ct)}
		a.byURL[name] = f
		a.byURL[hashedName] = &asset{body: body, gz: f.gz, contentType: ct, immutable: true}
		a.hashed[name] = "/static/" + hashedName
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return a, nil
}

func gzipIfSmaller(body []byte, contentType string) []byte {
	if !strings.HasPrefix(contentType, "text/") && !strings.Contains(contentType, "javascript") &&
		!strings.Contains(contentType, "svg") && !strings.Contains(contentType, "json") {
		return nil
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = w.Write(body)
	_ = w.Close()
	if buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// Path returns the content-hashed URL of a file under static/. An unknown
// name panics: it is a typo in a template, caught by any test that renders
// the page.
func (a *Assets) Path(name string) string {
	p, ok := a.hashed[name]
	if !ok {
		panic("static file not found: " + name)
	}
	return p
}

// Serve answers GET /static/*.
func (a *Assets) Serve(c *fiber.Ctx) error {
	f, ok := a.byURL[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	if f.immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if f.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}
