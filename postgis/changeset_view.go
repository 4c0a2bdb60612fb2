package postgis

import (
	"context"
	"fmt"
	"sort"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// setView is a change set's picture of the units under its parent: the stored ones with
// the set's edits laid over them.
type setView struct {
	cs     geo.ChangeSet
	parent geo.Unit             // the set's parent as stored
	units  map[string]*viewUnit // by code, deleted ones included
	codes  []string             // the codes in order
}

// viewUnit is one unit of a view; revision 0 means the set has not edited it.
type viewUnit struct {
	geo.EditedUnit
	revision    int
	deleted     bool
	parentLevel string
}

// changeSetViewSQL: $1 set id, $2 its parent code: the set's view (changeset_view,
// migration 012), deleted units included.
const changeSetViewSQL = `
SELECT code, level, name, coalesce(parent_code, ''), coalesce(parent_level, ''), ST_AsBinary(geom), attrs,
       version, revision, deleted
FROM changeset_view($1, $2)
ORDER BY 1`

const storedUnitSQL = `
SELECT code, level, name, coalesce(parent_code, ''), ST_AsBinary(geom), version FROM units WHERE code = $1`

// loadView reads the view of set cs through q.
func loadView(ctx context.Context, q querier, cs geo.ChangeSet) (*setView, error) {
	v := &setView{cs: cs, units: map[string]*viewUnit{}}
	rows, err := q.Query(ctx, storedUnitSQL, cs.Parent)
	if err != nil {
		return nil, unavailable(err)
	}
	ps, err := scanUnits(rows)
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, geo.Errorf(geo.Conflict, "the change set's parent %s is no longer stored", cs.Parent)
	}
	v.parent = ps[0]
	rows, err = q.Query(ctx, changeSetViewSQL, cs.ID, cs.Parent)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		u := &viewUnit{}
		var g []byte
		if err := rows.Scan(&u.Code, &u.Level, &u.Name, &u.ParentCode, &u.parentLevel, &g, &u.Attrs,
			&u.Version, &u.revision, &u.deleted); err != nil {
			return nil, err
		}
		if u.Geom, err = multiPolygonOf(g); err != nil {
			return nil, fmt.Errorf("unit %s: %w", u.Code, err)
		}
		u.Edited, u.New = u.revision > 0, u.Version == 0
		u.ETag = geo.UnitETag(u.Version, u.revision)
		v.units[u.Code] = u
		v.codes = append(v.codes, u.Code)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	return v, nil
}

// multiPolygonOf reads WKB that holds a MultiPolygon, a Polygon, or nothing (NULL).
func multiPolygonOf(b []byte) (orb.MultiPolygon, error) {
	if b == nil {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("geometry is %s, not polygons", g.GeoJSONType())
}

// live returns the unit with code unless the set deletes it.
func (v *setView) live(code string) (*viewUnit, bool) {
	u, ok := v.units[code]
	if !ok || u.deleted {
		return nil, false
	}
	return u, true
}

// children returns the live units directly under code, in code order.
func (v *setView) children(code string) []*viewUnit {
	var out []*viewUnit
	for _, c := range v.codes {
		if u := v.units[c]; !u.deleted && u.ParentCode == code {
			out = append(out, u)
		}
	}
	return out
}

// geomOf returns the boundary of the set's parent or of a live unit of the view.
func (v *setView) geomOf(code string) (orb.MultiPolygon, bool) {
	if code == v.cs.Parent {
		return v.parent.Geom, true
	}
	u, ok := v.live(code)
	if !ok {
		return nil, false
	}
	return u.Geom, true
}

// levelOf returns the level of the set's parent or of a live unit of the view.
func (v *setView) levelOf(code string) (geo.Level, bool) {
	if code == v.cs.Parent {
		return v.parent.Level, true
	}
	u, ok := v.live(code)
	if !ok {
		return "", false
	}
	return u.Level, true
}

// ChangeSetUnits returns the units under the set's parent as the set would leave them:
// stored units, the set's edits in their place, its new units, without the ones it
// deletes; in code order, each with its ETag. It returns NotFound for an unknown set.
func (db *DB) ChangeSetUnits(ctx context.Context, id int64) ([]geo.EditedUnit, error) {
	var out []geo.EditedUnit
	err := db.readView(ctx, id, func(_ pgx.Tx, v *setView) error {
		out = make([]geo.EditedUnit, 0, len(v.codes))
		for _, c := range v.codes {
			if u, ok := v.live(c); ok {
				out = append(out, u.EditedUnit)
			}
		}
		return nil
	})
	return out, err
}

// readView runs fn on change set id's view, read in one read-only snapshot (fn may query
// more in tx). It returns NotFound for an unknown set.
func (db *DB) readView(ctx context.Context, id int64, fn func(tx pgx.Tx, v *setView) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return unavailable(err)
	}
	defer tx.Rollback(ctx)
	cs, err := readChangeSet(ctx, tx, id, false)
	if err != nil {
		return err
	}
	v, err := loadView(ctx, tx, cs)
	if err != nil {
		return err
	}
	return fn(tx, v)
}

// sortedCodes returns the keys of m in order.
func sortedCodes(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
