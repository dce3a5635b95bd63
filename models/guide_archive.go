package models

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits on an imported guide archive. Sizes are checked on the bytes
// actually read, not only on what the zip headers claim.
const (
	MaxArchiveBytes    = 20 << 20 // the uploaded zip
	MaxArchiveFiles    = 500      // entries, folders included
	MaxArchiveTotal    = 50 << 20 // uncompressed, all files together
	MaxArchiveMarkdown = 1 << 20  // uncompressed, one Markdown file
)

// ArchiveError is an archive refused for a reason the user can fix; its
// message says what is wrong.
type ArchiveError struct{ Msg string }

func (e *ArchiveError) Error() string { return e.Msg }

func archiveErr(format string, a ...any) error { return &ArchiveError{Msg: fmt.Sprintf(format, a...)} }

// GuideArchive is a guide as files: guide.md, one Markdown file per step
// and the images its Markdown references, by file name (sha256 + ext).
type GuideArchive struct {
	Guide  GuideFile
	Steps  []StepFile
	Images map[string][]byte
}

// ExportGuide reads guideID as a GuideArchive: the Markdown sources, tags
// and images (fetched from the store).
func (m *Images) ExportGuide(ctx context.Context, guideID int64) (GuideArchive, error) {
	var a GuideArchive
	var g struct {
		Slug       string `db:"slug"`
		Title      string `db:"title"`
		Summary    string `db:"summary"`
		Difficulty string `db:"difficulty"`
		Minutes    int    `db:"minutes"`
		IntroMD    string `db:"intro_md"`
	}
	err := m.db.Get(ctx, &g, `
		SELECT slug, title, summary, difficulty, minutes, intro_md FROM guides WHERE id = ?`, guideID)
	if err != nil {
		return a, fmt.Errorf("export guide: %w", err)
	}
	a.Guide = GuideFile{Slug: g.Slug, Title: g.Title, Summary: g.Summary, Difficulty: g.Difficulty, Minutes: g.Minutes, Body: g.IntroMD}
	if err := m.db.Select(ctx, &a.Guide.Tags, `SELECT tag FROM guide_tags WHERE guide_id = ? ORDER BY tag`, guideID); err != nil {
		return a, fmt.Errorf("export tags: %w", err)
	}
	var steps []struct {
		ID     int64  `db:"id"`
		Title  string `db:"title"`
		BodyMD string `db:"body_md"`
	}
	if err := m.db.Select(ctx, &steps, `SELECT id, title, body_md FROM steps WHERE guide_id = ? ORDER BY position`, guideID); err != nil {
		return a, fmt.Errorf("export steps: %w", err)
	}
	index := map[int64]int{}
	for i, s := range steps {
		a.Steps = append(a.Steps, StepFile{Title: s.Title, Body: s.BodyMD})
		index[s.ID] = i
	}
	var questions []Question
	err = m.db.Select(ctx, &questions, `
		SELECT q.id, q.step_id, q.position, q.kind, q.prompt, q.choices, q.explanation
		FROM quiz_questions q JOIN steps s ON s.id = q.step_id
		WHERE s.guide_id = ? ORDER BY s.position, q.position, q.id`, guideID)
	if err != nil {
		return a, fmt.Errorf("export quizzes: %w", err)
	}
	for _, q := range questions {
		qf := QuizFile{Question: q.Prompt, Kind: q.Kind, Answers: q.Correct(), Explanation: q.Explanation}
		for _, c := range q.Choices {
			qf.Choices = append(qf.Choices, c.Text)
		}
		i := index[q.StepID]
		a.Steps[i].Quiz = append(a.Steps[i].Quiz, qf)
	}
	imgs, err := m.ForGuide(ctx, guideID)
	if err != nil {
		return a, err
	}
	a.Images = map[string][]byte{}
	for _, img := range imgs {
		data, err := m.Store.Get(ctx, img.Key())
		if err != nil {
			return a, fmt.Errorf("export image %s: %w", img.Key(), err)
		}
		a.Images[img.Key()] = data
	}
	return a, nil
}

// WriteZip writes the archive as a zip in the built-in guides' format: a
// folder named after the slug holding guide.md, NN-title.md per step and
// images/ with the pictures.
func (a GuideArchive) WriteZip(w io.Writer) error {
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
		slug := Slugify(st.Title)
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
// what ParseFrontMatter reads back.
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

// ReadGuideZip reads an uploaded guide archive, refusing anything unsafe
// or malformed with an *ArchiveError: more than MaxArchiveFiles entries,
// names with "..", absolute paths or backslashes, symlinks and other
// special files, files other than Markdown and images (macOS's __MACOSX/
// and .DS_Store are skipped), a Markdown file over MaxArchiveMarkdown or
// an image over MaxImageBytes, more than MaxArchiveTotal in all, no
// guide.md, or invalid front matter. guide.md sits at the top or in one
// top-level folder (as ExportGuide writes it); images sit in images/ beside
// it. The steps are read by the same code as the built-in guides.
func ReadGuideZip(data []byte) (GuideArchive, error) {
	var a GuideArchive
	if len(data) > MaxArchiveBytes {
		return a, archiveErr("The archive is larger than 20 MB.")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return a, archiveErr("That file is not a readable zip archive.")
	}
	if len(zr.File) > MaxArchiveFiles {
		return a, archiveErr("The archive holds more than %d files.", MaxArchiveFiles)
	}
	root := ""
	var total uint64
	for _, f := range zr.File {
		name := f.Name
		if strings.ContainsRune(name, '\\') || strings.HasPrefix(name, "/") || !fs.ValidPath(strings.TrimSuffix(name, "/")) {
			return a, archiveErr("The archive holds an unsafe file name (%q): names may not be absolute or contain \"..\" or backslashes.", clip(name))
		}
		mode := f.Mode()
		if mode&fs.ModeSymlink != 0 {
			return a, archiveErr("The archive holds a symbolic link (%q); only plain files are accepted.", clip(name))
		}
		if mode&fs.ModeType&^fs.ModeDir != 0 {
			return a, archiveErr("The archive holds a special file (%q); only plain files are accepted.", clip(name))
		}
		if mode.IsDir() || strings.HasSuffix(name, "/") {
			continue
		}
		if skipArchiveFile(name) {
			continue
		}
		limit := uint64(MaxArchiveMarkdown)
		switch {
		case strings.HasSuffix(name, ".md"):
		case isArchiveImage(name):
			limit = MaxImageBytes
		default:
			return a, archiveErr("The archive holds %q, which is neither Markdown (.md) nor an image in images/; remove it and try again.", clip(name))
		}
		if f.UncompressedSize64 > limit {
			return a, archiveErr("%q is too large (Markdown files may be 1 MB, images 5 MB).", clip(name))
		}
		total += f.UncompressedSize64
		if total > MaxArchiveTotal {
			return a, archiveErr("The archive unpacks to more than 50 MB.")
		}
		if path.Base(name) == "guide.md" {
			dir := path.Dir(name)
			if strings.Contains(dir, "/") {
				continue // deeper guide.md files are not the guide
			}
			if root != "" && root != dir {
				return a, archiveErr("The archive holds more than one guide.md; export one guide per archive.")
			}
			root = dir
		}
	}
	if root == "" {
		return a, archiveErr("The archive has no guide.md at its top or in a top-level folder.")
	}
	budget := &readBudget{left: MaxArchiveTotal}
	fsys := limitedFS{fsys: zr, budget: budget}
	guide, steps, err := readGuideFolder(fsys, root)
	if err != nil {
		var ae *ArchiveError
		if errors.As(err, &ae) {
			return a, err
		}
		return a, archiveErr("The archive could not be read: %s.", clip(err.Error()))
	}
	a.Guide, a.Steps = guide, steps
	a.Images = map[string][]byte{}
	imgDir := path.Join(root, "images")
	entries, err := fs.ReadDir(fsys, imgDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return a, archiveErr("The archive's images folder could not be read.")
	}
	for _, e := range entries {
		if e.IsDir() || skipArchiveFile(e.Name()) {
			continue
		}
		img, err := fs.ReadFile(fsys, path.Join(imgDir, e.Name()))
		if err != nil {
			var ae *ArchiveError
			if errors.As(err, &ae) {
				return a, err
			}
			return a, archiveErr("The image %q could not be read.", clip(e.Name()))
		}
		if _, err := CheckImage(img); err != nil {
			return a, archiveErr("The image %q was refused: %s.", clip(e.Name()), strings.TrimPrefix(err.Error(), ErrBadImage.Error()+": "))
		}
		a.Images[e.Name()] = img
	}
	return a, nil
}

func skipArchiveFile(name string) bool {
	return strings.HasPrefix(name, "__MACOSX/") || path.Base(name) == ".DS_Store"
}

func isArchiveImage(name string) bool {
	if path.Base(path.Dir(name)) != "images" {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp":
		return true
	}
	return false
}

// clip keeps a name quoted in a message short.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// readBudget counts the bytes an archive may still unpack.
type readBudget struct{ left int64 }

// limitedFS reads through an fs.FS, failing once more than the budget was
// read in all: the zip headers' sizes are checked before, this checks the
// bytes themselves.
type limitedFS struct {
	fsys   fs.FS
	budget *readBudget
}

func (l limitedFS) Open(name string) (fs.File, error) {
	f, err := l.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if _, ok := f.(fs.ReadDirFile); ok {
		return f, nil
	}
	return &limitedFile{File: f, budget: l.budget}, nil
}

type limitedFile struct {
	fs.File
	budget *readBudget
}

func (f *limitedFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.budget.left -= int64(n)
	if f.budget.left < 0 {
		return n, archiveErr("The archive unpacks to more than 50 MB.")
	}
	return n, err
}
