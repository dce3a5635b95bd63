package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"stepwise/db"
	"stepwise/models/imagestore"
)

// migrateData runs "stepwise migrate-data -from sqlite:PATH -to
// postgres://…": a whole SQLite installation, its images included, copied
// into PostgreSQL for running as several instances. See db.CopyData: one
// transaction per table, verified by row count and checksum, resumable.
func migrateData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate-data", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the SQLite installation to copy, as sqlite:PATH (or the file's path); its server must be stopped")
	to := fs.String("to", "", "the PostgreSQL database to copy into, as a postgres:// URL; it is migrated first and must hold no other data")
	imagesDir := fs.String("images-dir", "", "copy the images into this directory instead of the database's image_blobs table (the -images-dir the instances will be given)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: stepwise migrate-data -from sqlite:PATH -to postgres://…\n\n"+
			"Copies every table and the images of a SQLite installation into PostgreSQL, one transaction per table,\n"+
			"each verified by row count and checksum. A run that stopped can be started again: tables already\n"+
			"copied are checked and skipped. Sessions are not copied: people sign in again.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	source := strings.TrimPrefix(*from, "sqlite:")
	switch {
	case source == "" || *to == "":
		fs.Usage()
		return errors.New("migrate-data: give both -from and -to")
	case db.IsPostgresURL(source):
		return errors.New("migrate-data: -from is a SQLite file (sqlite:PATH)")
	case !db.IsPostgresURL(*to):
		return errors.New("migrate-data: -to is a postgres:// URL")
	}

	// The server must be stopped: its writes after the copy would be lost.
	lock, err := db.LockDatabase(source)
	if err != nil {
		return err
	}
	defer func() { _ = lock.Release() }()
	src, _, err := openDatabase(ctx, source)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, _, err := openDatabase(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()

	bar := &progressBar{w: stderr}
	// Sessions stay behind (their expiry is stored differently by the two
	// official stores; people sign in again); a SQLite installation keeps
	// its images in files, copied below, not in image_blobs.
	copied, err := db.CopyData(ctx, src, dst, db.CopyOptions{Skip: []string{"sessions", "image_blobs"}, Progress: bar.show})
	bar.end()
	if err != nil {
		return err
	}
	rows := 0
	for _, tc := range copied {
		state := "copied"
		if tc.Skipped {
			state = "already there"
		}
		fmt.Fprintf(stdout, "%-24s %8d rows  %s  sha256 %.16s…\n", tc.Table, tc.Rows, state, tc.Checksum)
		rows += tc.Rows
	}

	images, err := copyImagesInto(ctx, src, filepath.Join(filepath.Dir(source), "images"), *imagesDir, dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %d tables (%d rows) and %d images from %s to %s; start the instances with -database set to it\n",
		len(copied), rows, images, source, db.Redact(*to))
	return nil
}

// copyImagesInto puts every file the images table names, from the SQLite
// installation's images/ directory, into the target store (the table, or
// dir when given), and checks each arrived whole.
func copyImagesInto(ctx context.Context, src *db.DB, from, dir string, dst *db.DB) (int, error) {
	var keys []string
	if err := src.Select(ctx, &keys, `SELECT DISTINCT sha256 || '.' || ext FROM images ORDER BY 1`); err != nil {
		return 0, fmt.Errorf("migrate-data: images: %w", err)
	}
	in, err := imagestore.NewDir(from)
	if err != nil {
		return 0, err
	}
	var out imagestore.Store = imagestore.NewTable(dst)
	if dir != "" {
		if out, err = imagestore.NewDir(dir); err != nil {
			return 0, err
		}
	}
	for _, k := range keys {
		data, err := in.Get(ctx, k)
		if err != nil {
			return 0, fmt.Errorf("migrate-data: image %s: %w", k, err)
		}
		if err := out.Put(ctx, k, data); err != nil {
			return 0, fmt.Errorf("migrate-data: image %s: %w", k, err)
		}
		back, err := out.Get(ctx, k)
		if err != nil || len(back) != len(data) {
			return 0, fmt.Errorf("migrate-data: image %s did not arrive whole: %v", k, err)
		}
	}
	return len(keys), nil
}

// progressBar draws one line per table on a terminal-like writer.
type progressBar struct {
	w     io.Writer
	table string
}

func (p *progressBar) show(table string, done, total int) {
	if table != p.table && p.table != "" {
		fmt.Fprintln(p.w)
	}
	p.table = table
	const width = 30
	filled := width
	if total > 0 {
		filled = width * done / total
	}
	fmt.Fprintf(p.w, "\r%-24s [%s%s] %d/%d", table, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
}

func (p *progressBar) end() {
	if p.table != "" {
		fmt.Fprintln(p.w)
	}
}
