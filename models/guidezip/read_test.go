package guidezip_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"stepwise/models"
	"stepwise/models/guidezip"
)

// zipOf writes files (name → content) as a zip, in name order.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawZip writes one entry whose header claims size bytes and whose
// compressed data unpacks to data: a zip bomb, honest or lying.
func rawZip(t testing.TB, name string, data []byte, size uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	_, _ = fw.Write(data)
	_ = fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(comp.Bytes())
	_ = zw.Close()
	return b.Bytes()
}

func TestReadRefusesHostileArchives(t *testing.T) {
	t.Parallel()
	guide := "---\nslug: g\ntitle: G\ndifficulty: beginner\n---\nIntro\n"
	step := "---\ntitle: S\n---\nBody\n"
	symlink := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, n := range []string{"guide.md", "01-s.md"} {
			w, _ := zw.Create(n)
			_, _ = w.Write([]byte(map[string]string{"guide.md": guide, "01-s.md": step}[n]))
		}
		h := &zip.FileHeader{Name: "02-link.md"}
		h.SetMode(fs.ModeSymlink | 0o777)
		w, _ := zw.CreateHeader(h)
		_, _ = w.Write([]byte("/etc/passwd"))
		_ = zw.Close()
		return b.Bytes()
	}
	many := map[string]string{"guide.md": guide}
	for i := 0; i < guidezip.MaxFiles+1; i++ {
		many[fmt.Sprintf("%03d-s.md", i)] = step
	}
	// 13 images whose headers claim 4 MiB each (> 50 MB in all): refused
	// from the headers, before anything is unpacked.
	bigImages := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("guide.md")
		_, _ = w.Write([]byte(guide))
		for i := 0; i < 13; i++ {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("images/%02d.png", i), Method: zip.Store, CompressedSize64: 1, UncompressedSize64: 4 << 20})
			_, _ = w.Write([]byte{0})
		}
		_ = zw.Close()
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("PK but not really"), "not a readable zip"},
		{"empty zip", zipOf(t, map[string]string{}), "no guide.md"},
		{"no guide.md", zipOf(t, map[string]string{"01-s.md": step}), "no guide.md"},
		{"traversal", zipOf(t, map[string]string{"guide.md": guide, "../01-s.md": step}), "unsafe file name"},
		{"nested traversal", zipOf(t, map[string]string{"g/guide.md": guide, "g/../../x.md": step}), "unsafe file name"},
		{"absolute", zipOf(t, map[string]string{"guide.md": guide, "/etc/01-s.md": step}), "unsafe file name"},
		{"backslash", zipOf(t, map[string]string{"guide.md": guide, `..\01-s.md`: step}), "unsafe file name"},
		{"symlink", symlink(), "symbolic link"},
		{"too many files", zipOf(t, many), "more than 500 files"},
		{"other file", zipOf(t, map[string]string{"guide.md": guide, "run.sh": "rm -rf /"}), `"run.sh"`},
		{"bad yaml", zipOf(t, map[string]string{"guide.md": "---\ntitle: [unclosed\n---\n"}), "guide.md"},
		{"no front matter", zipOf(t, map[string]string{"guide.md": guide, "01-s.md": "just text"}), "01-s.md"},
		{"two guides", zipOf(t, map[string]string{"a/guide.md": guide, "b/guide.md": guide}), "more than one guide.md"},
		{"big markdown", zipOf(t, map[string]string{"guide.md": guide, "01-s.md": step + strings.Repeat("x", guidezip.MaxMarkdown)}), "too large"},
		{"bomb with honest header", rawZip(t, "guide.md", make([]byte, 1<<10), 60<<20), "too large"},
		{"bomb with lying header", rawZip(t, "guide.md", append([]byte(guide), make([]byte, 2<<20)...), uint64(len(guide))), "could not be read"},
		{"too much in all", bigImages(), "more than 50 MB"},
		{"text named .png", zipOf(t, map[string]string{"guide.md": guide, "images/a.png": "not an image"}), "a.png"},
		{"too large upload", make([]byte, guidezip.MaxBytes+1), "larger than 20 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := guidezip.Read(tc.data)
			var ae *models.ArchiveError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an ArchiveError", err)
			}
			if !strings.Contains(ae.Msg, tc.want) {
				t.Errorf("got %q, want it to mention %q", ae.Msg, tc.want)
			}
		})
	}
}
