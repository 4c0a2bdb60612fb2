package postgis

import (
	"context"

	"github.com/gridmap/gridmap/geo"
)

// ToLonLat converts a point given in metres of a CGCS2000 Gauss–Krüger zone (EPSG:4491–4554,
// as surveyors' instruments report it) to longitude/latitude with PostGIS, so PROJ does the
// projection. Any other code is refused naming the field crs.
func (db *DB) ToLonLat(ctx context.Context, epsg int, x, y float64) (float64, float64, error) {
	if !geo.GaussKrugerEPSG(epsg) {
		return 0, 0, geo.FieldError("crs", "EPSG:%d is not a CGCS2000 Gauss-Kruger zone (EPSG:4491-4554)", epsg)
	}
	var lon, lat float64
	err := db.pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), $1), 4326) p`, epsg, x, y).Scan(&lon, &lat)
	return lon, lat, err
}
