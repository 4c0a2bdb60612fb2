package baseline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// countyExtent is the bounding box of every county: west, south, east, north.
const countyExtent = `
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(geom)::geometry AS e FROM units WHERE level = 'county') x`

// CountyBox returns the bounding box of the counties in the database (west, south, east,
// north), the area the bench draws its random points from. It fails when no county has a
// boundary.
func (db *DB) CountyBox(ctx context.Context) ([4]float64, error) {
	var x [4]float64
	if err := db.pool.QueryRow(ctx, countyExtent).Scan(&x[0], &x[1], &x[2], &x[3]); err != nil {
		return x, fmt.Errorf("the counties' extent (is data loaded?): %w", err)
	}
	return x, nil
}

// gridAt is the smallest-code grid whose boundary covers the point $1, $2 (the edge rule of
// the lookups): the one query a plain PostGIS lookup needs.
const gridAt = `
SELECT code FROM units
WHERE level = 'grid' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
ORDER BY code
LIMIT 1`

// GridAt returns the code of the grid that owns the point, or "" when none covers it: the
// raw PostGIS lookup, without the chain.
func (db *DB) GridAt(ctx context.Context, lon, lat float64) (string, error) {
	var code string
	err := db.pool.QueryRow(ctx, gridAt, lon, lat).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return code, err
}

// createBatchPoints is the temporary table a batch of points is copied into.
const createBatchPoints = `CREATE TEMP TABLE bench_points (i int, lon float8, lat float8)`

// batchGrids picks for every copied point the smallest-code grid whose boundary covers it
// (the edge rule of the lookups), or NULL.
const batchGrids = `
SELECT p.i, g.code
FROM bench_points p
LEFT JOIN LATERAL (
	SELECT code FROM units u
	WHERE u.level = 'grid' AND ST_Covers(u.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
	ORDER BY code LIMIT 1) g ON true`

// BatchGrids resolves the points in PostGIS as a database-side batch would: COPY them into
// a temporary table, then one query that picks for every point the grid that owns it,
// reading every row back. It returns the whole time, the COPY's part of it and the grid of
// each point ("" where none covers it).
func (db *DB) BatchGrids(ctx context.Context, pts [][2]float64) (total, copied time.Duration, grids []string, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, createBatchPoints); err != nil {
		return 0, 0, nil, err
	}
	defer conn.Exec(context.Background(), `DROP TABLE IF EXISTS bench_points`)
	start := time.Now()
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"bench_points"}, []string{"i", "lon", "lat"},
		pgx.CopyFromSlice(len(pts), func(i int) ([]any, error) { return []any{i, pts[i][0], pts[i][1]}, nil }))
	if err != nil {
		return 0, 0, nil, err
	}
	copied = time.Since(start)
	rows, err := conn.Query(ctx, batchGrids)
	if err != nil {
		return 0, 0, nil, err
	}
	grids = make([]string, len(pts))
	for rows.Next() {
		var i int
		var code *string
		if err := rows.Scan(&i, &code); err != nil {
			rows.Close()
			return 0, 0, nil, err
		}
		if code != nil {
			grids[i] = *code
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, nil, err
	}
	return time.Since(start), copied, grids, nil
}
