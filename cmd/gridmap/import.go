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
	"github.com/gridmap/gridmap/postgis"
)

func init() {
	register("import", "load a file of units, divisions, features, ten-household units, people or households", runImport)
}

// importFunc is one of postgis.DB's Import methods.
type importFunc func(ctx context.Context, file string, r io.Reader, progress postgis.Progress) (postgis.ImportCounts, error)

// importKinds lists the kinds in the order `import dir` loads them (docs/formats.md): each
// file refers only to what the files before it load.
var importKinds = []struct {
	kind, file string
	method     func(db *postgis.DB) importFunc
}{
	{"divisions", "divisions.csv", func(db *postgis.DB) importFunc { return db.ImportDivisions }},
	{"units", "units.geojson", func(db *postgis.DB) importFunc { return db.ImportUnits }},
	{"features", "features.geojson", func(db *postgis.DB) importFunc { return db.ImportFeatures }},
	{"tenhh", "tenhh.csv", func(db *postgis.DB) importFunc { return db.ImportTenHH }},
	{"people", "people.csv", func(db *postgis.DB) importFunc { return db.ImportPeople }},
	{"households", "households.csv", func(db *postgis.DB) importFunc { return db.ImportHouseholds }},
}

func runImport(ctx context.Context, args []string) error {
	fs := newFlags("import", "<units|divisions|features|tenhh|people|households> FILE\n       gridmap import dir DIR")
	quiet := fs.Bool("q", false, "print no progress, only the summary line of each file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return geo.Errorf(geo.Invalid, "expected a kind and a file, or dir and a directory")
	}
	kind, path := fs.Arg(0), fs.Arg(1)
	var kinds []string
	for _, k := range importKinds {
		kinds = append(kinds, k.kind)
	}
	if kind == "dir" {
		return importDir(ctx, path, *quiet)
	}
	for _, k := range importKinds {
		if k.kind != kind {
			continue
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
		return importFile(ctx, k.method(db), path, *quiet)
	}
	return geo.Errorf(geo.Invalid, "unknown kind %q: expected one of %s, or dir", kind, strings.Join(kinds, ", "))
}

// importDir loads the files of DIR that are present, in the order of importKinds, each in
// its own transaction. It stops at the first file refused, since later files refer to what
// earlier ones load.
func importDir(ctx context.Context, dir string, quiet bool) error {
	var found []int
	for i, k := range importKinds {
		if _, err := os.Stat(filepath.Join(dir, k.file)); err == nil {
			found = append(found, i)
		}
	}
	if len(found) == 0 {
		var names []string
		for _, k := range importKinds {
			names = append(names, k.file)
		}
		return geo.Errorf(geo.Invalid, "%s holds none of the import files (%s)", dir, strings.Join(names, ", "))
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	for n, i := range found {
		k := importKinds[i]
		if err := importFile(ctx, k.method(db), filepath.Join(dir, k.file), quiet); err != nil {
			if n > 0 {
				fmt.Fprintf(os.Stderr, "the %d file(s) before %s stay loaded\n", n, k.file)
			}
			return err
		}
	}
	fmt.Printf("%s: %d files loaded in %s\n", dir, len(found), time.Since(start).Round(time.Millisecond))
	return nil
}

// importFile runs one import and prints its summary line. A refused file has its whole
// problem list printed to stderr; the error returned is then its one-line summary.
func importFile(ctx context.Context, run importFunc, path string, quiet bool) error {
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
	if !quiet {
		progress = newProgressPrinter(name, os.Stderr, start).report
	}
	c, err := run(ctx, name, r, progress)
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
