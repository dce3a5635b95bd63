package guidezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"path"
	"strings"

	"stepwise/models"
	"stepwise/models/imagestore"
)

// Limits on an imported guide archive. Sizes are checked on the bytes
// actually read, not only on what the zip headers claim.
const (
	MaxBytes    = 20 << 20 // the uploaded zip
	MaxFiles    = 500      // entries, folders included
	MaxTotal    = 50 << 20 // uncompressed, all files together
	MaxMarkdown = 1 << 20  // uncompressed, one Markdown file
)

// Read reads an uploaded guide archive, refusing anything unsafe or
// malformed with a *models.ArchiveError: more than MaxFiles entries,
// names with "..", absolute paths or backslashes, symlinks and other
// special files, files other than Markdown and images (macOS's __MACOSX/
// and .DS_Store are skipped), a Markdown file over MaxMarkdown or
// an image over imagestore.MaxBytes, more than MaxTotal in all, no
// guide.md, or invalid front matter. guide.md sits at the top or in one
// top-level folder (as Write lays it out); images sit in images/ beside
// it. The steps are read by the same code as the built-in guides.
func Read(data []byte) (models.GuideArchive, error) {
	var a models.GuideArchive
	if len(data) > MaxBytes {
		return a, models.ArchiveErrorf("The archive is larger than 20 MB.")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return a, models.ArchiveErrorf("That file is not a readable zip archive.")
	}
	if len(zr.File) > MaxFiles {
		return a, models.ArchiveErrorf("The archive holds more than %d files.", MaxFiles)
	}
	root := ""
	var total uint64
	for _, f := range zr.File {
		name := f.Name
		if strings.ContainsRune(name, '\\') || strings.HasPrefix(name, "/") || !fs.ValidPath(strings.TrimSuffix(name, "/")) {
			return a, models.ArchiveErrorf("The archive holds an unsafe file name (%q): names may not be absolute or contain \"..\" or backslashes.", models.ClipName(name))
		}
		mode := f.Mode()
		if mode&fs.ModeSymlink != 0 {
			return a, models.ArchiveErrorf("The archive holds a symbolic link (%q); only plain files are accepted.", models.ClipName(name))
		}
		if mode&fs.ModeType&^fs.ModeDir != 0 {
			return a, models.ArchiveErrorf("The archive holds a special file (%q); only plain files are accepted.", models.ClipName(name))
		}
		if mode.IsDir() || strings.HasSuffix(name, "/") {
			continue
		}
		if skipArchiveFile(name) {
			continue
		}
		limit := uint64(MaxMarkdown)
		switch {
		case strings.HasSuffix(name, ".md"):
		case isArchiveImage(name):
			limit = imagestore.MaxBytes
		default:
			return a, models.ArchiveErrorf("The archive holds %q, which is neither Markdown (.md) nor an image in images/; remove it and try again.", models.ClipName(name))
		}
		if f.UncompressedSize64 > limit {
			return a, models.ArchiveErrorf("%q is too large (Markdown files may be 1 MB, images 5 MB).", models.ClipName(name))
		}
		total += f.UncompressedSize64
		if total > MaxTotal {
			return a, models.ArchiveErrorf("The archive unpacks to more than 50 MB.")
		}
		if path.Base(name) == "guide.md" {
			dir := path.Dir(name)
			if strings.Contains(dir, "/") {
				continue // deeper guide.md files are not the guide
			}
			if root != "" && root != dir {
				return a, models.ArchiveErrorf("The archive holds more than one guide.md; export one guide per archive.")
			}
			root = dir
		}
	}
	if root == "" {
		return a, models.ArchiveErrorf("The archive has no guide.md at its top or in a top-level folder.")
	}
	budget := &readBudget{left: MaxTotal}
	fsys := limitedFS{fsys: zr, budget: budget}
	guide, steps, err := models.ReadGuideFolder(fsys, root)
	if err != nil {
		var ae *models.ArchiveError
		if errors.As(err, &ae) {
			return a, err
		}
		return a, models.ArchiveErrorf("The archive could not be read: %s.", models.ClipName(err.Error()))
	}
	a.Guide, a.Steps = guide, steps
	a.Images = map[string][]byte{}
	imgDir := path.Join(root, "images")
	entries, err := fs.ReadDir(fsys, imgDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return a, models.ArchiveErrorf("The archive's images folder could not be read.")
	}
	for _, e := range entries {
		if e.IsDir() || skipArchiveFile(e.Name()) {
			continue
		}
		img, err := fs.ReadFile(fsys, path.Join(imgDir, e.Name()))
		if err != nil {
			var ae *models.ArchiveError
			if errors.As(err, &ae) {
				return a, err
			}
			return a, models.ArchiveErrorf("The image %q could not be read.", models.ClipName(e.Name()))
		}
		if _, err := imagestore.Check(img); err != nil {
			return a, models.ArchiveErrorf("The image %q was refused: %s.", models.ClipName(e.Name()), strings.TrimPrefix(err.Error(), imagestore.ErrBadImage.Error()+": "))
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
		return n, models.ArchiveErrorf("The archive unpacks to more than 50 MB.")
	}
	return n, err
}
