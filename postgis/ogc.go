package postgis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"
)

// The reads behind OGC API - Features: the units of a level or the features of a reference
// layer, now or as they were at a time (units ∪ unit_history). Each source selects the
// collection's queryables under their own names, valid_from, geom and the change-set
// revision of the row (0 for stored rows; with the version it makes the ETag); $1 is the
// level or layer.

const currentUnits = `
SELECT code, name, parent_code, version, valid_from, geom, 0 AS revision FROM units WHERE level = $1`

// unitsAt is, for each unit, its latest version valid during [$3, $2] (an instant when the
// two are equal); a version is valid from valid_from up to but not including valid_to.
const unitsAt = `
SELECT DISTINCT ON (code) code, name, parent_code, version, valid_from, geom, 0 AS revision FROM (
    SELECT code, name, parent_code, version, valid_from, 'infinity'::timestamptz AS valid_to, geom
    FROM units WHERE level = $1
    UNION ALL
    SELECT code, name, parent_code, version, valid_from, valid_to, geom
    FROM unit_history WHERE level = $1
) v
WHERE valid_from <= $2 AND valid_to > $3
ORDER BY code, valid_from DESC`

const currentFeatures = `
SELECT id, name, county_code, version, valid_from, geom, 0 AS revision FROM features WHERE layer = $1`

// featuresAt is unitsAt for reference features; feature_history does not keep the county
// code, which is the current row's (none once the feature is deleted).
const featuresAt = `
SELECT DISTINCT ON (id) id, name, county_code, version, valid_from, geom, 0 AS revision FROM (
    SELECT id, name, county_code, version, valid_from, 'infinity'::timestamptz AS valid_to, geom
    FROM features WHERE layer = $1
    UNION ALL
    SELECT h.id, h.name, f.county_code, h.version, h.valid_from, h.valid_to, h.geom
    FROM feature_history h LEFT JOIN features f ON f.id = h.id WHERE h.layer = $1
) v
WHERE valid_from <= $2 AND valid_to > $3
ORDER BY id, valid_from DESC`

// itemSource returns the SELECT that yields a collection's features at the time asked for,
// having added its arguments; an error when it cannot serve that time.
type itemSource func(c geo.Collection, at *geo.Interval, args *sqlArgs) (string, error)

// storedItems is the source of the published units and features.
func storedItems(c geo.Collection, at *geo.Interval, args *sqlArgs) (string, error) {
	kind, current, past := string(c.Level), currentUnits, unitsAt
	if c.Level == "" {
		kind, current, past = string(c.Layer), currentFeatures, featuresAt
	}
	args.add(kind)
	if at == nil {
		return current, nil
	}
	end, start := any(at.End), any(at.Start)
	if at.End.IsZero() {
		end = pgInfinity
	}
	if at.Start.IsZero() {
		start = pgNegInfinity
	}
	args.add(end)
	args.add(start)
	return past, nil
}

// The open ends of an interval, as PostgreSQL writes them (pgx sends a string parameter
// of a timestamptz placeholder as text, which PostgreSQL reads).
const (
	pgInfinity    = "infinity"
	pgNegInfinity = "-infinity"
)

// itemColumns selects the queryables (the first is the id), valid_from and the geometry, in
// CRS84 or, for srid a Gauss–Krüger zone, projected by PostGIS (PROJ) with northing first as
// the EPSG definition orders its axes (OGC API - Features Part 2).
func itemColumns(c geo.Collection, srid int) string {
	cols := make([]string, len(c.Queryables))
	for i, q := range c.Queryables {
		cols[i] = pgx.Identifier{q.Name}.Sanitize()
	}
	geom := "ST_AsBinary(geom)"
	if geo.GaussKrugerEPSG(srid) { // a number from a fixed range: safe in the SQL text
		geom = fmt.Sprintf("ST_AsBinary(ST_FlipCoordinates(ST_Transform(geom, %d)))", srid)
	}
	return strings.Join(cols, ", ") + ", valid_from, " + geom + ", revision"
}

// Items returns one page of a collection's features in the order of their ids, and how many
// match. The page and the count are read in one snapshot.
func (db *DB) Items(ctx context.Context, q geo.ItemQuery) (geo.ItemPage, error) {
	return db.items(ctx, q, storedItems)
}

// Item returns one feature of the collection at the time at selects (nil: now); a NotFound
// error when there is none.
func (db *DB) Item(ctx context.Context, c geo.Collection, id string, at *geo.Interval, srid int) (geo.Item, error) {
	return db.item(ctx, c, id, at, srid, storedItems)
}

func (db *DB) items(ctx context.Context, q geo.ItemQuery, from itemSource) (geo.ItemPage, error) {
	var args sqlArgs
	source, err := from(q.Collection, q.At, &args)
	if err != nil {
		return geo.ItemPage{}, err
	}
	var where []string
	if q.BBox != nil {
		where = append(where, bboxCondition(q, &args))
	}
	for _, name := range slices.Sorted(maps.Keys(q.Equal)) {
		cond, err := equalCondition(q.Collection, name, q.Equal[name], &args)
		if err != nil {
			return geo.ItemPage{}, err
		}
		where = append(where, cond)
	}
	if q.Filter != nil {
		cond, err := filterCondition(q.Collection, q.Filter, &args)
		if err != nil {
			return geo.ItemPage{}, err
		}
		where = append(where, cond)
	}
	cond := "true"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	rows := "(" + source + ") s WHERE " + cond
	countSQL := "SELECT count(*) FROM " + rows
	pageArgs := append(append(sqlArgs{}, args...), q.Limit, q.Offset)
	pageSQL := fmt.Sprintf("SELECT %s FROM %s ORDER BY 1 LIMIT $%d OFFSET $%d",
		itemColumns(q.Collection, q.SRID), rows, len(args)+1, len(args)+2)

	var page geo.ItemPage
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, countSQL, args...).Scan(&page.Matched); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, pageSQL, pageArgs...)
		if err != nil {
			return err
		}
		page.Items, err = scanItems(q.Collection, rows)
		return err
	})
	if err != nil {
		return geo.ItemPage{}, itemsError(err)
	}
	return page, nil
}

func (db *DB) item(ctx context.Context, c geo.Collection, id string, at *geo.Interval, srid int, from itemSource) (geo.Item, error) {
	var args sqlArgs
	source, err := from(c, at, &args)
	if err != nil {
		return geo.Item{}, err
	}
	sql := fmt.Sprintf("SELECT %s FROM (%s) s WHERE %s = %s",
		itemColumns(c, srid), source, pgx.Identifier{c.Queryables[0].Name}.Sanitize(), args.add(id))
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return geo.Item{}, itemsError(err)
	}
	items, err := scanItems(c, rows)
	if err != nil {
		return geo.Item{}, itemsError(err)
	}
	if len(items) == 0 {
		return geo.Item{}, geo.Errorf(geo.NotFound, "%s has no feature %q", c.ID, id)
	}
	return items[0], nil
}

func scanItems(c geo.Collection, rows pgx.Rows) ([]geo.Item, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Item, error) {
		vals := make([]any, len(c.Queryables))
		var validFrom *time.Time
		var g []byte
		var revision int
		dest := make([]any, 0, len(vals)+3)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := row.Scan(append(dest, &validFrom, &g, &revision)...); err != nil {
			return geo.Item{}, err
		}
		it := geo.Item{Props: make(map[string]any, len(vals)+1)}
		for i, q := range c.Queryables {
			if v, ok := vals[i].(int32); ok {
				vals[i] = int(v)
			}
			it.Props[q.Name] = vals[i]
		}
		it.ID, _ = vals[0].(string)
		it.Version, _ = it.Props["version"].(int)
		it.ETag = geo.UnitETag(it.Version, revision)
		if validFrom != nil { // a change set's edit is valid from its publish on
			it.Props["valid_from"] = validFrom.UTC().Format(time.RFC3339)
		}
		if g != nil {
			geom, err := wkb.Unmarshal(g)
			if err != nil {
				return it, fmt.Errorf("%s %s: %w", c.ID, it.ID, err)
			}
			it.Geom = geom
		}
		return it, nil
	})
}

// itemsError keeps a domain error as it is and reports anything else as the database being
// unavailable or failing.
func itemsError(err error) error {
	var ge *geo.Error
	if errors.As(err, &ge) {
		return err
	}
	return unavailable(err)
}

const extentsSQL = `
SELECT level, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), since FROM (
    SELECT level, ST_Extent(geom) AS e, min(valid_from) AS since FROM (
        SELECT level, geom, valid_from FROM units
        UNION ALL SELECT level, NULL, valid_from FROM unit_history) u
    GROUP BY level
    UNION ALL
    SELECT layer, ST_Extent(geom), min(valid_from) FROM (
        SELECT layer, geom, valid_from FROM features
        UNION ALL SELECT layer, NULL, valid_from FROM feature_history) f
    GROUP BY layer) x`

// Extents returns, for every collection with features, their bounding box and the start of
// the earliest version.
func (db *DB) Extents(ctx context.Context) (map[string]geo.Extent, error) {
	rows, err := db.pool.Query(ctx, extentsSQL)
	if err != nil {
		return nil, unavailable(err)
	}
	return scanExtents(rows)
}

// scanExtents reads rows of (collection, xmin, ymin, xmax, ymax, since) into extents: a
// NULL box is an empty collection, a NULL since none known.
func scanExtents(rows pgx.Rows) (map[string]geo.Extent, error) {
	defer rows.Close()
	out := map[string]geo.Extent{}
	for rows.Next() {
		var id string
		var x0, y0, x1, y1 *float64
		var since *time.Time
		if err := rows.Scan(&id, &x0, &y0, &x1, &y1, &since); err != nil {
			return nil, unavailable(err)
		}
		e := geo.Extent{Empty: x0 == nil}
		if since != nil {
			e.Since = *since
		}
		if x0 != nil {
			e.BBox.Min[0], e.BBox.Min[1], e.BBox.Max[0], e.BBox.Max[1] = *x0, *y0, *x1, *y1
		}
		out[id] = e
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}
