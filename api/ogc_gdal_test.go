package api_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// gdalTool returns the path of a GDAL command-line tool (Debian's gdal-bin, which
// scripts/pg.sh installs). Without it the test is skipped, except under CI=true, where a
// missing tool is a failure.
func gdalTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (Debian's gdal-bin): scripts/test.sh installs it", name)
		}
		t.Skipf("%s is not installed (apt-get install gdal-bin, or run scripts/test.sh): GDAL's OAPIF driver is not tried", name)
	}
	return path
}

// runGDAL runs a GDAL tool and returns its standard output; a failure shows its error output.
// env adds configuration (VAR=value).
func runGDAL(t *testing.T, tool string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool, args...)
	// No configuration from the machine's environment: no proxy, no cache between runs.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GDAL_HTTP_TIMEOUT=60", "CPL_VSIL_CURL_USE_CACHE=NO"}, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(tool), strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// GDAL's OGC API - Features driver lists every collection of /ogc with its feature count.
func TestGDALListsEveryCollection(t *testing.T) {
	ogrinfo := gdalTool(t, "ogrinfo")
	srv := ogcServer(t)
	out := runGDAL(t, ogrinfo, nil, "-ro", "-al", "-so", "OAPIF:"+srv.URL+"/ogc")
	layers := regexp.MustCompile(`(?m)^Layer name: (\S+)$`).FindAllStringSubmatch(out, -1)
	var names []string
	for _, l := range layers {
		names = append(names, l[1])
	}
	var want []string
	for _, c := range geo.Collections {
		want = append(want, c.ID)
	}
	if !slices.Equal(names, want) {
		t.Fatalf("ogrinfo lists %v, want %v:\n%s", names, want, out)
	}
	grids := len(dbCodes(t, `SELECT code FROM units WHERE level = 'grid'`))
	if !regexp.MustCompile(`(?m)^Layer name: grid\n(?:.*\n)*?Feature Count: ` + itoa(grids) + `\n`).MatchString(out) {
		t.Fatalf("ogrinfo does not count %d grids:\n%s", grids, out)
	}
}

// ogr2ogr reads every grid through the driver, page by page, with its code and geometry.
func TestGDALReadsEveryGrid(t *testing.T) {
	ogr2ogr := gdalTool(t, "ogr2ogr")
	srv := ogcServer(t)
	dst := filepath.Join(t.TempDir(), "grids.geojson")
	runGDAL(t, ogr2ogr, nil, "-f", "GeoJSON", dst, "OAPIF:"+srv.URL+"/ogc", "grid", "-oo", "PAGE_SIZE=500")
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range fc.Features {
		code, _ := f.Properties["code"].(string)
		if f.Geometry == nil || f.Geometry.Type != "MultiPolygon" {
			t.Fatalf("grid %s came without its MultiPolygon", code)
		}
		codes = append(codes, code)
	}
	slices.Sort(codes)
	want := dbCodes(t, `SELECT code FROM units WHERE level = 'grid' ORDER BY code`)
	if !slices.Equal(codes, want) {
		t.Fatalf("ogr2ogr read %d grids, the database holds %d", len(codes), len(want))
	}

	// The areas GDAL wrote agree with the database's, grid by grid, to a square metre.
	var mismatched int
	if err := pgtest.Pool(t).QueryRow(context.Background(), `
		SELECT count(*) FROM units u
		JOIN (SELECT f->'properties'->>'code' AS code, ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326) AS g
		      FROM jsonb_array_elements($1::jsonb->'features') f) r USING (code)
		WHERE abs(ST_Area(u.geom::geography) - ST_Area(r.g::geography)) > 1`, string(raw)).Scan(&mismatched); err != nil {
		t.Fatal(err)
	}
	if mismatched != 0 {
		t.Fatalf("%d grids read by GDAL differ from the database's", mismatched)
	}
}

// A planner's GDAL reads a change set's own landing page with its API key: the levels under
// the set's parent and the set's units.
func TestGDALReadsAChangeSet(t *testing.T) {
	ogrinfo := gdalTool(t, "ogrinfo")
	f := ogcChangeSetFixture(t)
	out := runGDAL(t, ogrinfo, []string{"GDAL_HTTP_HEADERS=Authorization: Bearer " + f.planner},
		"-ro", "-al", "-geom=NO", "OAPIF:"+strings.TrimSuffix(f.set, "/"))
	layers := regexp.MustCompile(`(?m)^Layer name: (\S+)$`).FindAllStringSubmatch(out, -1)
	codes := regexp.MustCompile(`(?m)^  code \(String\) = (\d+)$`).FindAllStringSubmatch(out, -1)
	if len(layers) != 2 || layers[0][1] != "group" || layers[1][1] != "grid" || len(codes) != 2 || codes[0][1] != f.grid1 || codes[1][1] != f.grid2 {
		t.Fatalf("ogrinfo on the change set:\n%s", out)
	}
}
