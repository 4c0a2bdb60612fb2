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
	rep, err := db.ImportWith(ctx, kind, file, r, ImportOptions{Progress: progress})
	return rep.Counts, err
}

// ImportOptions change how Import reads and checks a file.
type ImportOptions struct {
	// Progress, when set, is told how far the import has come.
	Progress Progress
	// Repair mends geometries that are not OGC-valid with ST_MakeValid (keeping only the
	// polygons of a polygon and the lines of a line) instead of refusing the file, and
	// reports each repair. A geometry ST_MakeValid leaves nothing of is still refused.
	Repair bool
	// Encoding is the file's text encoding: "" or "utf-8" (text that is not UTF-8 is
	// refused, naming the line or feature), or "gb18030" (also "gbk"), converted to UTF-8
	// before reading. See importfile.Decode.
	Encoding string
	// AllowGaps loads a units file that leaves a parent partly covered by its children
	// (`gridmap import -allow-gaps`). Overlaps are refused all the same.
	AllowGaps bool
	// Coverage, when set, is given the coverage findings of a units file that was loaded:
	// the gaps AllowGaps let through and the slivers. A file refused lists its findings in
	// its *geo.ImportError instead.
	Coverage func([]geo.Finding)
}

// ImportReport is what ImportWith did: its counts and the geometries it repaired.
type ImportReport struct {
	Counts  ImportCounts
	Repairs []geo.Repair
	// Item is what the repairs' Index counts ("feature").
	Item string
}

// ImportWith is Import with options: it can repair invalid geometries, read text in
// another encoding than UTF-8, and load a units file that leaves gaps under a parent
// (import_coverage.go). It returns the same errors as Import, and an Invalid error
// for an encoding it does not know.
func (db *DB) ImportWith(ctx context.Context, kind importfile.Kind, file string, r io.Reader, opt ImportOptions) (ImportReport, error) {
	imp, ok := importers[kind]
	if !ok {
		return ImportReport{}, geo.Errorf(geo.Invalid, "no importer for files of kind %q", kind.Name)
	}
	counts, repairs, err := imp.run(ctx, db, file, r, opt)
	return ImportReport{Counts: counts, Repairs: repairs, Item: "feature"}, err
}

// importer is a pipeline of any item type.
type importer interface {
	run(ctx context.Context, db *DB, file string, r io.Reader, opt ImportOptions) (ImportCounts, []geo.Repair, error)
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
