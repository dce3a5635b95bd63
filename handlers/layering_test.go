package handlers_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The adapters (the pages in handlers, the API in handlers/api, and the
// packages beside them) parse, call an operation and map its answer; the
// transaction, the rules and the SQL live under models. This test keeps it
// so: no handler source may import the db package or open a transaction.
// The composition root (handlers/root) is the one exception, as it
// builds everything, the database's stores included.
func TestHandlersDoNotTouchTheDatabase(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == "root" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "stepwise/db" || strings.HasPrefix(p, "stepwise/db/") {
				t.Errorf("%s imports %s: handlers call operations (models/...), which own the database", path, p)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "WithTx" {
				t.Errorf("%s: %s calls WithTx: a transaction belongs inside an operation", path, fset.Position(sel.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked %d handler files; the walk must have missed the package", checked)
	}
}

// The operations and stores under models are what the adapters call; they
// must not depend on an adapter in turn.
func TestModelsDoNotImportHandlers(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("../models", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, "stepwise/handlers") {
				t.Errorf("%s imports %s: models may not depend on the handlers", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
