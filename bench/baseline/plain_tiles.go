package baseline

import (
	"context"
	"fmt"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/tiles"
)

// Plain tiles: each tile made by one ST_AsMVT query, the way a generic PostGIS tile server
// would. gridmap serves tiles rendered in memory (package tiles); this path exists as the
// baseline its speed is measured against, and to check that both draw the same features.

// plainSource returns the rows a layer draws: the attribute columns by name, then the tile
// geometry as mvtgeom (made by geom, the clipping call around a 4326 expression), over the
// rows whose box meets the tile with its buffer (b is the tile's envelope). $4 is the list
// of unit levels whose labels show at the tile's zoom (every query names it, so that
// PostgreSQL can type it).
func plainSource(layer string, geom func(expr string) string) (string, bool) {
	switch layer {
	case string(geo.County), string(geo.Town), string(geo.Village), string(geo.Group):
		return fmt.Sprintf(`SELECT code, name, level, %s AS mvtgeom FROM units, b
		WHERE level = '%s' AND geom && b.env4326`, geom("geom"), layer), true
	case string(geo.Grid):
		return fmt.Sprintf(`SELECT u.code, u.name, u.level,
		(SELECT string_agg(p.name, '、' ORDER BY p.name) FROM responsibilities r JOIN people p ON p.id = r.person_id
		 WHERE r.unit_code = u.code AND r.role = 'grid_worker') AS grid_worker, %s AS mvtgeom
		FROM units u, b WHERE u.level = 'grid' AND u.geom && b.env4326`, geom("u.geom")), true
	case tiles.LayerLabel:
		// The label point is computed only for units whose box meets the tile.
		return fmt.Sprintf(`SELECT code, name, level, %s AS mvtgeom FROM units, b
		WHERE geom && b.env4326 AND level = ANY($4::text[])`, geom("ST_PointOnSurface(geom)")), true
	case string(geo.Courtyard), string(geo.RelocationSite), string(geo.Valley), string(geo.Road),
		string(geo.Compound), string(geo.Enterprise):
		return fmt.Sprintf(`SELECT id, name, %s AS mvtgeom FROM features, b
		WHERE layer = '%s' AND geom && b.env4326`, geom("geom"), layer), true
	case tiles.LayerHousehold:
		return fmt.Sprintf(`SELECT id, unit_code, members, %s AS mvtgeom FROM households, b
		WHERE geom && b.env4326`, geom("geom")), true
	}
	return "", false
}

// plainTileSQL builds the query for the layers shown at zoom z: one ST_AsMVT per layer,
// concatenated. $1-$3 are z, x, y.
func plainTileSQL(specs []tiles.LayerSpec, z int) (string, error) {
	clip := func(expr string) string {
		return fmt.Sprintf("ST_AsMVTGeom(ST_Transform(%s, 3857), b.env, %d, %d, true)", expr, tiles.Extent, tiles.Buffer)
	}
	var parts []string
	for _, s := range specs {
		if z < s.MinZoom || z > s.MaxZoom {
			continue
		}
		src, ok := plainSource(s.Name, clip)
		if !ok {
			return "", fmt.Errorf("plain tiles: no source for layer %q", s.Name)
		}
		parts = append(parts, fmt.Sprintf(`(SELECT coalesce(ST_AsMVT(t, '%s', %d, 'mvtgeom'), ''::bytea)
	FROM (%s) t WHERE mvtgeom IS NOT NULL)`, s.Name, tiles.Extent, src))
	}
	if len(parts) == 0 {
		return "SELECT ''::bytea", nil
	}
	return fmt.Sprintf(`WITH b AS (
	SELECT ST_TileEnvelope($1, $2, $3) AS env, $4::text[] AS label_levels,
	       ST_Transform(ST_TileEnvelope($1, $2, $3, margin => %g), 4326) AS env4326)
SELECT %s`, float64(tiles.Buffer)/tiles.Extent, strings.Join(parts, "\n || ")), nil
}

// PlainTile renders one tile of the given layers with ST_AsMVT in PostGIS (uncompressed
// MVT; empty when nothing lies there).
func (db *DB) PlainTile(ctx context.Context, specs []tiles.LayerSpec, z, x, y int) ([]byte, error) {
	sql, err := plainTileSQL(specs, z)
	if err != nil {
		return nil, err
	}
	var levels []string
	for _, lv := range geo.Levels {
		if z >= tiles.LabelZoom(lv) {
			levels = append(levels, string(lv))
		}
	}
	var mvt []byte
	if err := db.pool.QueryRow(ctx, sql, z, x, y, levels).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("plain tile %d/%d/%d: %w", z, x, y, err)
	}
	return mvt, nil
}
