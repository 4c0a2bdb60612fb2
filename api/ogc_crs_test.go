package api_test

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

// Items in a Gauss–Krüger zone (crs=EPSG:4544): coordinates are PostGIS's projection of the
// stored boundary, northing first as EPSG orders the axes, and Content-Crs says so; a CRS
// gridmap does not serve is a 400 on crs.
func TestOGCItemsInGaussKruger(t *testing.T) {
	srv := ogcServer(t)
	var code string
	var north, east float64
	if err := pgtest.Pool(t).QueryRow(t.Context(), `
		SELECT code, ST_Y(p), ST_X(p)
		FROM (SELECT code, ST_PointN(ST_ExteriorRing(ST_GeometryN(ST_Transform(geom, 4544), 1)), 1) AS p
		      FROM units WHERE level = 'grid' AND county_code = '520204' ORDER BY code LIMIT 1) g`).Scan(&code, &north, &east); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"/ogc/collections/grid/items?code=" + code + "&crs=EPSG:4544",
		"/ogc/collections/grid/items/" + code + "?crs=http://www.opengis.net/def/crs/EPSG/0/4544",
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Features []json.RawMessage
			Geometry *struct{ Coordinates [][][][]float64 }
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %d %v", path, res.StatusCode, err)
		}
		if h := res.Header.Get("Content-Crs"); h != "<http://www.opengis.net/def/crs/EPSG/0/4544>" {
			t.Errorf("%s: Content-Crs %q", path, h)
		}
		g := body.Geometry
		if len(body.Features) == 1 {
			var f struct {
				Geometry *struct{ Coordinates [][][][]float64 }
			}
			json.Unmarshal(body.Features[0], &f)
			g = f.Geometry
		}
		if g == nil || len(g.Coordinates) == 0 {
			t.Fatalf("%s: no geometry", path)
		}
		p := g.Coordinates[0][0][0]
		if math.Abs(p[0]-north) > 0.001 || math.Abs(p[1]-east) > 0.001 {
			t.Errorf("%s: first point %v, want northing %.3f easting %.3f", path, p, north, east)
		}
	}
	res, err := http.Get(srv.URL + "/ogc/collections/grid/items?crs=EPSG:3857")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Errorf("crs=EPSG:3857: %d", res.StatusCode)
	}
}
