package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// A surveyor's point in Gauss–Krüger metres (EPSG:4544, CM 105°E, and the zone-prefixed
// EPSG:4523) resolves to the same grid as its longitude/latitude; bad input names its field.
func TestResolveGaussKruger(t *testing.T) {
	db, _ := sampleServer(t)
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Ready: db.Ping, Project: db}))
	t.Cleanup(srv.Close)
	target := gridInterior(t, db)
	for _, epsg := range []int{4544, 4523} {
		var x, y float64
		if err := pgtest.Pool(t).QueryRow(t.Context(),
			`SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3::int) p`,
			target.Lon, target.Lat, epsg).Scan(&x, &y); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get(fmt.Sprintf("%s/v1/resolve?crs=EPSG:%d&x=%.3f&y=%.3f", srv.URL, epsg, x, y))
		if err != nil {
			t.Fatal(err)
		}
		var a struct {
			Point struct{ Lon, Lat float64 }
			Chain []struct{ Code string }
		}
		err = json.NewDecoder(res.Body).Decode(&a)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 || len(a.Chain) == 0 || a.Chain[len(a.Chain)-1].Code != target.Code {
			t.Fatalf("EPSG:%d: %d %v %+v, want grid %s", epsg, res.StatusCode, err, a, target.Code)
		}
		if d := (a.Point.Lon-target.Lon)*(a.Point.Lon-target.Lon) + (a.Point.Lat-target.Lat)*(a.Point.Lat-target.Lat); d > 1e-14 {
			t.Errorf("EPSG:%d: point %v, want %v,%v", epsg, a.Point, target.Lon, target.Lat)
		}
	}
	for _, c := range []struct{ query, field string }{
		{"crs=EPSG:4544&y=2932800", "x"},
		{"crs=EPSG:4544&x=480561&y=0x10", "y"},
		{"crs=EPSG:4544&x=2932800&y=480561", "y"},
		{"crs=EPSG:3857&x=1&y=2", "crs"},
	} {
		res, err := http.Get(srv.URL + "/v1/resolve?" + c.query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 400 || !strings.Contains(string(body), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s", c.query, res.StatusCode, body)
		}
	}
}
