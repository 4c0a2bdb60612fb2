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
	fs.StringVar(&opt.encoding, "encoding", "utf-8", "the files' text encoding: utf-8, or gb18030 (GBK) to convert")
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
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return importFile(ctx, db, kind, path, opt)
}

// importOptions are the import command's flags.
type importOptions struct {
	quiet    bool
	repair   bool
	encoding string
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
		if err := importFile(ctx, db, k, filepath.Join(dir, k.File), opt); err != nil {
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
// one-line summary.
func importFile(ctx context.Context, db *postgis.DB, kind importfile.Kind, path string, opt importOptions) error {
	name := filepath.Base(path)
	var r io.Reader = os.Stdin
	if path == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return geo.Errorf(geo.Invalid, "%v", err)
		}
		defer f.Close()
		r = f
	}
	start := time.Now()
	var progress postgis.Progress
	if !opt.quiet {
		progress = newProgressPrinter(name, os.Stderr, start).report
	}
	rep, err := db.ImportWith(ctx, kind, name, r, postgis.ImportOptions{Progress: progress, Repair: opt.repair, Encoding: opt.encoding})
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
