package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis"
)

func init() {
	register("import", "load a file of units, divisions, features, ten-household units, people or households", runImport)
}

func runImport(ctx context.Context, args []string) error {
	var names []string
	for _, k := range importfile.Kinds {
		names = append(names, k.Name)
	}
	fs := newFlags("import", "<"+strings.Join(names, "|")+"> FILE\n       gridmap import dir DIR")
	quiet := fs.Bool("q", false, "print no progress, only the summary line of each file")
	var gd gdalFlags
	gd.register(fs)
	allowGaps := fs.Bool("allow-gaps", false, "load a units file that leaves part of a parent covered by none of its children (the gaps are printed either way; overlaps are always refused)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return geo.Errorf(geo.Invalid, "expected a kind and a file, or dir and a directory")
	}
	name, path := fs.Arg(0), fs.Arg(1)
	if name == "dir" {
		return importDir(ctx, path, *quiet, *allowGaps)
	}
	kind, ok := importfile.KindNamed(name)
	if !ok {
		return geo.Errorf(geo.Invalid, "unknown kind %q: expected one of %s, or dir", name, strings.Join(names, ", "))
	}
	if path != "-" {
		if _, err := os.Stat(path); err != nil {
			return geo.Errorf(geo.Invalid, "%v", err)
		}
	}
	var r io.Reader
	if gd.viaGDAL(path) {
		var nearLon float64
		if db, err := openDB(ctx); err == nil { // only to name a zone; a dry run needs no database
			nearLon, _ = db.StoredLongitude(ctx)
			db.Close()
		}
		var err error
		if r, err = gd.convert(ctx, kind, path, nearLon); err != nil {
			return err
		}
	}
	if *gd.dryRun {
		if r == nil {
			in, err := openInput(path)
			if err != nil {
				return err
			}
			defer in.Close()
			r = in
		}
		if kind.File != importfile.Units.File && kind.File != importfile.Features.File {
			return geo.Errorf(geo.Invalid, "-dry-run reads units and features files")
		}
		return printDryRun(os.Stdout, filepath.Base(path), r)
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return importFile(ctx, db, kind, path, r, *quiet, *allowGaps)
}

// importDir loads the files of DIR that are present, in the order of importfile.Kinds, each
// in its own transaction. It stops at the first file refused, since later files refer to
// what earlier ones load.
func importDir(ctx context.Context, dir string, quiet, allowGaps bool) error {
	var found []importfile.Kind
	for _, k := range importfile.Kinds {
		if _, err := os.Stat(filepath.Join(dir, k.File)); err == nil {
			found = append(found, k)
		}
	}
	if len(found) == 0 {
		var files []string
		for _, k := range importfile.Kinds {
			files = append(files, k.File)
		}
		return geo.Errorf(geo.Invalid, "%s holds none of the import files (%s)", dir, strings.Join(files, ", "))
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	for n, k := range found {
		if err := importFile(ctx, db, k, filepath.Join(dir, k.File), nil, quiet, allowGaps); err != nil {
			if n > 0 {
				fmt.Fprintf(os.Stderr, "the %d file(s) before %s stay loaded\n", n, k.File)
			}
			return err
		}
	}
	fmt.Printf("%s: %d files loaded in %s\n", dir, len(found), time.Since(start).Round(time.Millisecond))
	return nil
}

// importFile runs one import and prints its summary line. A refused file has its whole
// problem list printed to stderr; the error returned is then its one-line summary. r, when
// not nil, is the file already converted (by GDAL); otherwise path is read. The coverage
// findings of a units file that loads (gaps allowed by allowGaps, slivers) are printed to
// stderr too.
func importFile(ctx context.Context, db *postgis.DB, kind importfile.Kind, path string, r io.Reader, quiet, allowGaps bool) error {
	name := filepath.Base(path)
	if path == "-" {
		name = "stdin"
	}
	if r == nil {
		in, err := openInput(path)
		if err != nil {
			return err
		}
		defer in.Close()
		r = in
	}
	start := time.Now()
	var progress postgis.Progress
	if !quiet {
		progress = newProgressPrinter(name, os.Stderr, start).report
	}
	c, err := db.ImportWith(ctx, kind, name, r, postgis.ImportOptions{Progress: progress, AllowGaps: allowGaps,
		Coverage: func(fs []geo.Finding) {
			fmt.Fprintf(os.Stderr, "%s: coverage report (loaded all the same):\n%s", name, formatFindings(fs))
		}})
	var ie *geo.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintln(os.Stderr, ie.Format(0))
		return &geo.Error{Kind: geo.Invalid, Message: ie.Summary(), Err: err}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Printf("%s: %d rows: %d inserted, %d updated, %d unchanged (%s)\n",
		name, c.Rows, c.Inserted, c.Updated, c.Unchanged, time.Since(start).Round(time.Millisecond))
	return nil
}

// progressPrinter prints an import's progress at most twice a second, so a long import
// shows it is alive without flooding a terminal or a log.
type progressPrinter struct {
	name string
	out  io.Writer
	last time.Time
}

const progressEvery = 500 * time.Millisecond

func newProgressPrinter(name string, out io.Writer, start time.Time) *progressPrinter {
	return &progressPrinter{name: name, out: out, last: start}
}

func (p *progressPrinter) report(stage string, done, total int) {
	now := time.Now()
	if now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	switch {
	case total <= 0:
		fmt.Fprintf(p.out, "%s: %s\n", p.name, stage)
	case done == 0:
		fmt.Fprintf(p.out, "%s: %s %d rows\n", p.name, stage, total)
	default:
		fmt.Fprintf(p.out, "%s: %s %d/%d (%d%%)\n", p.name, stage, done, total, 100*done/total)
	}
}
