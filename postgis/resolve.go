package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// Two words of the domain appear in the lookups below as SQL. ORDER BY code is geo.EdgeOrder
// (codes are digits, so every collation orders them as Go compares strings): of the units
// of one level that cover a point, the first owns it. 'grid' is geo.Deepest, written as a
// literal so that the planner uses the statistics of that level. The ranking of the levels
// is passed as a parameter, geo.LevelNames().

// deepestCoveringGrid finds the grid that owns a point: of the grids whose boundary covers
// it (more than one only on a shared edge or vertex), the first in geo.EdgeOrder.
const deepestCoveringGrid = `
SELECT code FROM units
WHERE level = 'grid' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
ORDER BY code
LIMIT 1`

// deepestCoveringUnit is the fallback when no grid covers the point: the deepest unit of any
// level that does ($3 lists the levels, largest first), first in geo.EdgeOrder among equals.
const deepestCoveringUnit = `
SELECT code FROM units
WHERE geom IS NOT NULL AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
ORDER BY array_position($3::text[], level) DESC, code
LIMIT 1`

// chainOf lists a unit and its ancestors from the county down, each with the people
// answerable for it.
var chainOf = chainFrom("units")

// chainFrom is chainOf over the units of a table or subquery (units now, or as they were:
// history.go), with the people answerable now.
func chainFrom(units string) string {
	return `
WITH RECURSIVE chain AS (
    SELECT u.code, u.name, u.level, u.parent_code, 0 AS depth FROM ` + units + ` u WHERE u.code = $1
    UNION ALL
    SELECT u.code, u.name, u.level, u.parent_code, c.depth + 1
    FROM ` + units + ` u JOIN chain c ON u.code = c.parent_code
)
SELECT c.level, c.code, c.name,
       coalesce(json_agg(json_build_object('role', r.role, 'name', p.name, 'phone', p.phone)
                         ORDER BY r.role, p.name, p.id) FILTER (WHERE p.id IS NOT NULL), '[]')
FROM chain c
LEFT JOIN responsibilities r ON r.unit_code = c.code
LEFT JOIN people p ON p.id = r.person_id
GROUP BY c.level, c.code, c.name, c.depth
ORDER BY c.depth DESC`
}

// Resolve implements geo.Resolver with a PostGIS query per call (the baseline the in-memory
// index is measured against).
func (db *DB) Resolve(ctx context.Context, lon, lat float64) (geo.Chain, error) {
	var code string
	err := db.pool.QueryRow(ctx, deepestCoveringGrid, lon, lat).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		err = db.pool.QueryRow(ctx, deepestCoveringUnit, lon, lat, levelNames).Scan(&code)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return geo.Chain{}, geo.Errorf(geo.NotFound, "no unit covers the point lon=%v lat=%v: it lies outside the data", lon, lat)
	}
	if err != nil {
		return geo.Chain{}, unavailable(err)
	}
	return db.ChainOf(ctx, code)
}

// ChainOf returns the chain from the county down to the unit with the given code. It
// returns a NotFound error for an unknown code.
func (db *DB) ChainOf(ctx context.Context, code string) (geo.Chain, error) {
	rows, err := db.pool.Query(ctx, chainOf, code)
	if err != nil {
		return geo.Chain{}, unavailable(err)
	}
	links, err := collectLinks(rows)
	if err != nil {
		return geo.Chain{}, err
	}
	if len(links) == 0 {
		return geo.Chain{}, geo.Errorf(geo.NotFound, "no unit has code %q", code)
	}
	return completeChain(links), nil
}

// levelNames ranks the levels in the lookups, largest first.
var levelNames = geo.LevelNames()

// completeChain marks a chain that does not end in a grid as incomplete.
func completeChain(links []geo.Link) geo.Chain {
	c := geo.Chain{Links: links, Complete: links[len(links)-1].Level == geo.Grid}
	if !c.Complete {
		c.Missing = string(geo.Grid)
	}
	return c
}

// unavailable wraps a database failure; context cancellation passes through unchanged.
func unavailable(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// The cause names hosts, sockets, users and databases: it goes to logs, not to clients.
	return &geo.Error{Kind: geo.Unavailable, Message: "the database is unavailable", Err: err}
}

// codesAt resolves many points in one statement: for each, the grid that owns it by the
// edge rule, or else the deepest unit that covers it, or ” — the same answer as Resolve
// per point, as one join. Tests compare the in-memory index with it, point by point.
const codesAt = `
SELECT coalesce(
    (SELECT code FROM units
     WHERE level = 'grid' AND ST_Covers(geom, pt) ORDER BY code LIMIT 1),
    (SELECT code FROM units
     WHERE geom IS NOT NULL AND ST_Covers(geom, pt)
     ORDER BY array_position($3::text[], level) DESC, code
     LIMIT 1),
    '')
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i),
     LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt) q
ORDER BY p.i`

// CodesAt returns, for each point lon[i], lat[i], the code of the unit that owns it (see
// Resolve), or "" where no unit covers it.
func (db *DB) CodesAt(ctx context.Context, lon, lat []float64) ([]string, error) {
	if len(lon) != len(lat) {
		return nil, fmt.Errorf("CodesAt: %d longitudes but %d latitudes", len(lon), len(lat))
	}
	rows, err := db.pool.Query(ctx, codesAt, lon, lat, levelNames)
	if err != nil {
		return nil, unavailable(err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, unavailable(err)
	}
	return codes, nil
}
