package postgis

import (
	"context"
	"io"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
)

// Import loads a file of kind from r (file names it in messages) through the kind's pipeline:
// the rules of each kind are in import_units.go, import_features.go, import_households.go
// and import_people.go. A row that exists is replaced only when something in it changed, so
// re-importing an unchanged file reports everything Unchanged. It returns a
// *geo.ImportError (Invalid) listing every problem when the file has any, storing nothing;
// an Unavailable error when the database cannot be reached; and an Invalid error for a
// kind that has no importer.
func (db *DB) Import(ctx context.Context, kind importfile.Kind, file string, r io.Reader, progress Progress) (ImportCounts, error) {
	return db.ImportWith(ctx, kind, file, r, ImportOptions{Progress: progress})
}

// ImportWith is Import with options: a units file that leaves gaps under a parent is
// refused unless opts.AllowGaps (import_coverage.go).
func (db *DB) ImportWith(ctx context.Context, kind importfile.Kind, file string, r io.Reader, opts ImportOptions) (ImportCounts, error) {
	imp, ok := importers[kind]
	if !ok {
		return ImportCounts{}, geo.Errorf(geo.Invalid, "no importer for files of kind %q", kind.Name)
	}
	return imp.run(ctx, db, file, r, opts)
}

// importer is a pipeline of any item type.
type importer interface {
	run(ctx context.Context, db *DB, file string, r io.Reader, opts ImportOptions) (ImportCounts, error)
}

// importers binds each of importfile.Kinds to the pipeline that loads it. Adding a kind
// of file takes a Kind and a reader in importfile, a pipeline here, and a line below.
var importers = map[importfile.Kind]importer{
	importfile.Divisions:  divisionPipeline,
	importfile.Units:      unitPipeline,
	importfile.Features:   featurePipeline,
	importfile.TenHH:      tenhhPipeline,
	importfile.People:     peoplePipeline,
	importfile.Households: householdPipeline,
}
