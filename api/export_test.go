package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// /v1/export hands out the files `gridmap export` writes: GDAL reads each back with every
// grid of the sample; bad parameters are refused naming the parameter.
func TestExportEndpoint(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogrinfo is missing: scripts/pg.sh installs gdal-bin")
		}
		t.Skip("gdal-bin is not installed")
	}
	db, _ := sampleServer(t)
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Ready: db.Ping, Export: db}))
	t.Cleanup(srv.Close)
	var grids int
	if err := pgtest.Pool(t).QueryRow(t.Context(), `SELECT count(*) FROM units WHERE level = 'grid' AND county_code = '520204'`).Scan(&grids); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, ext, ctype string }{
		{"f=gpkg&under=520204", ".gpkg", "application/geopackage+sqlite3"},
		{"f=shp&crs=EPSG:4544&under=520204", ".shp.zip", "application/zip"},
		{"f=csv&under=520204", ".csv", "text/csv; charset=utf-8"},
		{"f=kml&under=520204", ".kml", "application/vnd.google-earth.kml+xml"},
	} {
		t.Run(c.query, func(t *testing.T) {
			res, err := http.Get(srv.URL + "/v1/export/grid?" + c.query)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != c.ctype ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "grid"+c.ext) {
				t.Fatalf("%d %q %q %.200s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), body)
			}
			f := filepath.Join(t.TempDir(), "grid"+c.ext)
			os.WriteFile(f, body, 0o644)
			info, err := exec.Command("ogrinfo", "-ro", "-so", "-al", f).CombinedOutput()
			if err != nil || !strings.Contains(string(info), "Feature Count: ") {
				t.Fatalf("ogrinfo: %v\n%s", err, info)
			}
			if !strings.Contains(string(info), "Feature Count: "+strconv.Itoa(grids)) {
				t.Errorf("want %d grids:\n%s", grids, info)
			}
			if strings.Contains(c.query, "4544") && !strings.Contains(string(info), "Gauss-Kruger CM 105E") {
				t.Errorf("not in EPSG:4544:\n%s", info)
			}
		})
	}
	for _, c := range []struct{ path, field string }{
		{"/v1/export/grid?f=dwg", "f"},
		{"/v1/export/grid?crs=4544", "crs"},
		{"/v1/export/grid?crs=EPSG:999999", "crs"},
		{"/v1/export/grid?under=52x", "under"},
		{"/v1/export/households", "collection"},
	} {
		res, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 400 || !strings.Contains(string(body), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s", c.path, res.StatusCode, body)
		}
	}
}
