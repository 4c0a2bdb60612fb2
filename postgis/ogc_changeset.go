package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
)

// A change set's OGC API landing page serves the units under the set's parent as the set
// would leave them: the stored units with the set's edits in their place, its new units,
// without the ones it deletes (the view ChangeSetUnits reads, as SQL, so that paging, bbox
// and filters run as they do on the published units). Version is the stored version an
// edit is based on, and revision counts the set's edits of a unit: with the version it
// makes the ETag, as geo.UnitETag does for PutUnit and DeleteUnit.

// changeSetUnitsView: %[1]s the set's id, %[2]s its parent code (placeholders): the set's
// view (changeset_view, migration 012) without the units it deletes.
const changeSetUnitsView = `SELECT * FROM changeset_view(%[1]s, %[2]s) v WHERE NOT deleted`

// ChangeSetItems reads the units of change set id (over the unit parent) for its OGC API
// landing page. Reading an unknown set finds nothing; the caller checks the set exists.
func (db *DB) ChangeSetItems(id int64, parent string) geo.ItemReader {
	return &setItems{db: db, id: id, parent: parent}
}

type setItems struct {
	db     *DB
	id     int64
	parent string
}

func (s *setItems) view(args *sqlArgs) string {
	return fmt.Sprintf(changeSetUnitsView, args.add(s.id), args.add(s.parent)+"::text")
}

// source selects the set's units of the collection's level; a change set shows its draft
// as it stands, so it serves no other time.
func (s *setItems) source(c geo.Collection, at *geo.Interval, args *sqlArgs) (string, error) {
	if at != nil {
		return "", geo.FieldError("datetime", "a change set shows its draft as it stands: earlier versions are at /ogc")
	}
	if c.Level == "" {
		return "", geo.Errorf(geo.NotFound, "a change set edits units, not the reference layer %s", c.Layer)
	}
	return "SELECT * FROM (" + s.view(args) + ") w WHERE level = " + args.add(string(c.Level)), nil
}

func (s *setItems) Items(ctx context.Context, q geo.ItemQuery) (geo.ItemPage, error) {
	return s.db.items(ctx, q, s.source)
}

func (s *setItems) Item(ctx context.Context, c geo.Collection, id string, at *geo.Interval, srid int) (geo.Item, error) {
	return s.db.item(ctx, c, id, at, srid, s.source)
}

// Extents returns the extent of each level in the set's view; Since is the set's oldest
// stored unit's start.
func (s *setItems) Extents(ctx context.Context) (map[string]geo.Extent, error) {
	var args sqlArgs
	sql := `SELECT level, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), since FROM (
		SELECT level, ST_Extent(geom) AS e, min(valid_from) AS since FROM (` + s.view(&args) + `) w GROUP BY level) x`
	rows, err := s.db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, unavailable(err)
	}
	return scanExtents(rows)
}
