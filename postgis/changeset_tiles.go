package postgis

import "context"

// ChangeSetTile draws tile z/x/y of change set id's draft as a Mapbox Vector Tile: one layer
// per level (named like the public tileset's, so a copy of the public style can draw it),
// each unit with code, name, parent_code and edited (true for the set's own edits). Drafts
// are few and change on every edit, so they are drawn by PostGIS per request, not cached.
func (db *DB) ChangeSetTile(ctx context.Context, id int64, z, x, y uint32) ([]byte, error) {
	cs, err := db.ChangeSet(ctx, id)
	if err != nil {
		return nil, err
	}
	var tile []byte
	if err := db.pool.QueryRow(ctx, changeSetTileSQL, id, cs.Parent, int(z), int(x), int(y)).Scan(&tile); err != nil {
		return nil, unavailable(err)
	}
	return tile, nil
}

// changeSetTileSQL: $1 set, $2 its parent, $3-$5 z, x, y. ST_AsMVT makes one layer per
// group; a tile is the concatenation of its layers.
const changeSetTileSQL = `
WITH env AS (SELECT ST_TileEnvelope($3, $4, $5) AS merc),
units AS (
    SELECT v.level, v.code, v.name, v.parent_code, v.revision > 0 AS edited,
           ST_AsMVTGeom(ST_Transform(v.geom, 3857), env.merc, 4096, 64, true) AS geom
    FROM changeset_view($1, $2) v, env
    WHERE NOT v.deleted AND v.geom && ST_Transform(env.merc, 4326)
)
SELECT coalesce(string_agg(layer, ''::bytea), ''::bytea)
FROM (SELECT ST_AsMVT(u, u.level, 4096, 'geom') AS layer
      FROM units u WHERE u.geom IS NOT NULL GROUP BY u.level) layers`
