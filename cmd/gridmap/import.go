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
	var opt importOptions
	fs.BoolVar(&opt.repair, "repair", false, "mend geometries that are not OGC-valid with ST_MakeValid (keeping the polygons of a polygon) instead of refusing the file, and print each repair")
	fs.StringVar(&opt.encoding, "encoding", "", "the file's text encoding when it does not say: utf-8 (default), or gb18030/gbk to convert; for a Shapefile's .dbf without .cpg, any name GDAL knows (GBK, CP936, ...)")
	fs.BoolVar(&opt.allowGaps, "allow-gaps", false, "load a units file that leaves part of a parent covered by none of its children (the gaps are printed either way; overlaps are always refused)")
	gd := gdalFlags{encoding: &opt.encoding}
	gd.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt.quiet = *quiet
	if fs.NArg() != 2 {
		fs.Usage()
		return geo.Errorf(geo.Invalid, "expected a kind and a file, or dir and a directory")
	}
	name, path := fs.Arg(0), fs.Arg(1)
	if name == "dir" {
		return importDir(ctx, path, opt)
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
	return importFile(ctx, db, kind, path, r, opt)
}

// importOptions are the import command's flags.
type importOptions struct {
	quiet     bool
	repair    bool
	encoding  string
	allowGaps bool
}

// importDir loads the files of DIR that are present, in the order of importfile.Kinds, each
// in its own transaction. It stops at the first file refused, since later files refer to
// what earlier ones load.
func importDir(ctx context.Context, dir string, opt importOptions) error {
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
		if err := importFile(ctx, db, k, filepath.Join(dir, k.File), nil, opt); err != nil {
			if n > 0 {
				fmt.Fprintf(os.Stderr, "the %d file(s) before %s stay loaded\n", n, k.File)
			}
			return err
		}
	}
	fmt.Printf("%s: %d files loaded in %s\n", dir, len(found), time.Since(start).Round(time.Millisecond))
	return nil
}

// importFile runs one import and prints the geometries it repaired and its summary line. A
// refused file has its whole problem list printed to stderr; the error returned is then its
// one-line summary. r, when not nil, is the file already converted (by GDAL, to UTF-8);
// otherwise path is read. The coverage findings of a units file that loads (gaps allowed by
// -allow-gaps, slivers) are printed to stderr too.
func importFile(ctx context.Context, db *postgis.DB, kind importfile.Kind, path string, r io.Reader, opt importOptions) error {
	name := filepath.Base(path)
	if path == "-" {
		name = "stdin"
	}
	enc := opt.encoding
	if r != nil {
		enc = "" // GDAL's output is UTF-8 whatever the file was
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
	if !opt.quiet {
		progress = newProgressPrinter(name, os.Stderr, start).report
	}
	rep, err := db.ImportWith(ctx, kind, name, r, postgis.ImportOptions{Progress: progress, Repair: opt.repair, Encoding: enc,
		AllowGaps: opt.allowGaps,
		Coverage: func(fs []geo.Finding) {
			fmt.Fprintf(os.Stderr, "%s: coverage report (loaded all the same):\n%s", name, formatFindings(fs))
		}})
	c := rep.Counts
	var ie *geo.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintln(os.Stderr, ie.Format(0))
		return &geo.Error{Kind: geo.Invalid, Message: ie.Summary(), Err: err}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(rep.Repairs) > 0 {
		fmt.Printf("%s: %d repaired with ST_MakeValid:\n", name, len(rep.Repairs))
		for _, r := range rep.Repairs {
			fmt.Printf("  %s\n", r.Describe(rep.Item))
		}
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
