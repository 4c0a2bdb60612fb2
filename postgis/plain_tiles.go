package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/gridmap/gridmap/tiles"
)

// Plain tiles: each tile made by one ST_AsMVT query, the way a generic PostGIS tile server
// would. gridmap serves tiles rendered in memory (package tiles); this path exists as the
// baseline its speed is measured against, and to check that both draw the same features.

// plainLayerSources maps a layer to the rows it draws: the attributes, then geom (4326).
// $4 is the list of unit levels whose labels show at the tile's zoom (every query names it,
// so that PostgreSQL can type it).
var plainLayerSources = map[string]string{
	tiles.LayerCounty:  `SELECT code, name, level, geom FROM units WHERE level = 'county'`,
	tiles.LayerTown:    `SELECT code, name, level, geom FROM units WHERE level = 'town'`,
	tiles.LayerVillage: `SELECT code, name, level, geom FROM units WHERE level = 'village'`,
	tiles.LayerGroup:   `SELECT code, name, level, geom FROM units WHERE level = 'group'`,
	tiles.LayerGrid: `SELECT u.code, u.name, u.level,
		(SELECT string_agg(p.name, '、' ORDER BY p.name) FROM responsibilities r JOIN people p ON p.id = r.person_id
		 WHERE r.unit_code = u.code AND r.role = 'grid_worker') AS grid_worker, u.geom
		FROM units u WHERE u.level = 'grid'`,
	tiles.LayerLabel: `SELECT code, name, level, ST_PointOnSurface(geom) AS geom FROM units
		WHERE geom IS NOT NULL AND level = ANY($4::text[])`,
	tiles.LayerCourtyard:      `SELECT id, name, layer, geom FROM features WHERE layer = 'courtyard'`,
	tiles.LayerRelocationSite: `SELECT id, name, layer, geom FROM features WHERE layer = 'relocation_site'`,
	tiles.LayerValley:         `SELECT id, name, layer, geom FROM features WHERE layer = 'valley'`,
	tiles.LayerRoad:           `SELECT id, name, layer, geom FROM features WHERE layer = 'road'`,
	tiles.LayerCompound:       `SELECT id, name, layer, geom FROM features WHERE layer = 'compound'`,
	tiles.LayerEnterprise:     `SELECT id, name, layer, geom FROM features WHERE layer = 'enterprise'`,
	tiles.LayerHousehold:      `SELECT id, unit_code, members, geom FROM households`,
}

// plainTileSQL builds the query for the layers shown at zoom z: one ST_AsMVT per layer over
// the rows whose box meets the tile (with its buffer), concatenated. $1-$3 are z, x, y.
func plainTileSQL(specs []tiles.LayerSpec, z int) (string, error) {
	var parts []string
	for _, s := range specs {
		if z < s.MinZoom || z > s.MaxZoom {
			continue
		}
		src, ok := plainLayerSources[s.Name]
		if !ok {
			return "", fmt.Errorf("plain tiles: no source for layer %q", s.Name)
		}
		parts = append(parts, fmt.Sprintf(`(SELECT coalesce(ST_AsMVT(t, '%s', %d, 'mvtgeom'), ''::bytea) FROM (
	SELECT s.*, ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.env, %d, %d, true) AS mvtgeom
	FROM (%s) s, b
	WHERE s.geom && b.env4326) t WHERE mvtgeom IS NOT NULL)`, s.Name, tiles.Extent, tiles.Extent, tiles.Buffer, src))
	}
	if len(parts) == 0 {
		return "SELECT ''::bytea", nil
	}
	// The attribute columns of t include the raw geom; ST_AsMVT names the geometry column
	// and drops the other geometry, which keeps each source a plain SELECT.
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
	for _, lv := range []string{"county", "town", "village", "group", "grid"} {
		if z >= tiles.LabelZoom(lv) {
			levels = append(levels, lv)
		}
	}
	var mvt []byte
	if err := db.Pool.QueryRow(ctx, sql, z, x, y, levels).Scan(&mvt); err != nil {
		return nil, unavailable(err)
	}
	return mvt, nil
}
