// Package guidezip reads and writes a guide as a zip archive in the
// built-in guides' format (guide.md, one Markdown file per step, images/),
// refusing an uploaded archive that is unsafe or malformed before any of
// it is stored. What an archive holds, and storing it, are the models
// package's (models.GuideArchive, Images.ImportGuide and ExportGuide).
package guidezip

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"stepwise/models"
)

// Write writes the archive as a zip in the built-in guides' format: a
// folder named after the slug holding guide.md, NN-title.md per step and
// images/ with the pictures.
func Write(w io.Writer, a models.GuideArchive) error {
	zw := zip.NewWriter(w)
	dir := a.Guide.Slug
	if dir == "" || !fs.ValidPath(dir) || strings.Contains(dir, "/") {
		dir = "guide"
	}
	put := func(name string, data []byte, method uint16) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: dir + "/" + name, Method: method})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	src, err := markdownFile(a.Guide, a.Guide.Body)
	if err != nil {
		return err
	}
	if err := put("guide.md", src, zip.Deflate); err != nil {
		return err
	}
	width := max(2, len(fmt.Sprint(len(a.Steps))))
	for i, st := range a.Steps {
		src, err := markdownFile(st, st.Body)
		if err != nil {
			return err
		}
		slug := models.Slugify(st.Title)
		if slug == "" {
			slug = "step"
		}
		if err := put(fmt.Sprintf("%0*d-%s.md", width, i+1, slug), src, zip.Deflate); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(a.Images))
	for n := range a.Images {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := put("images/"+n, a.Images[n], zip.Store); err != nil { // already compressed
			return err
		}
	}
	return zw.Close()
}

// markdownFile is front matter (meta as YAML between --- lines) and body,
// what models.ParseFrontMatter reads back.
func markdownFile(meta any, body string) ([]byte, error) {
	y, err := yaml.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(y)
	b.WriteString("---\n")
	b.WriteString(strings.TrimSpace(body))
	b.WriteString("\n")
	return b.Bytes(), nil
}
