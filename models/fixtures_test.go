package models_test

import (
	"fmt"
	"testing/fstest"
)

// guideFS is a guide folder in the built-in format with n steps.
func guideFS(slug string, n int) fstest.MapFS {
	fs := fstest.MapFS{
		slug + "/guide.md": {Data: []byte(fmt.Sprintf("---\nslug: %s\ntitle: \"Guide %s\"\nsummary: A test guide.\ndifficulty: beginner\nminutes: 10\n---\nIntro to **%s**.\n", slug, slug, slug))},
	}
	for i := 1; i <= n; i++ {
		fs[fmt.Sprintf("%s/%02d-step.md", slug, i)] = &fstest.MapFile{
			Data: []byte(fmt.Sprintf("---\ntitle: \"Step %d\"\n---\n## Part %d\n\nBody of step %d.\n", i, i, i)),
		}
	}
	return fs
}
