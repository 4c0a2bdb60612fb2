package main_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ogr2ogr runs GDAL in the test itself, to write files the way other departments' tools do.
func ogr2ogr(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
}

func needGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogr2ogr is missing: scripts/pg.sh installs gdal-bin")
		}
		t.Skip("ogr2ogr is missing (gdal-bin)")
	}
}

// ownDatabase makes an empty database for one test, migrated by the binary, and drops it at
// the end: the round trips reload the whole sample county, which other tests of the package
// change in the shared database.
func ownDatabase(t *testing.T, bin string) (*pgxpool.Pool, string) {
	t.Helper()
	pgtest.DB(t)
	name := fmt.Sprintf("gridmap_gdal_%d", os.Getpid())
	admin := pgtest.Pool(t)
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(pgtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	if out, code := run(bin, []string{"DATABASE_URL=" + u.String()}, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", out)
	}
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return pool, u.String()
}

// unitAreas reads every sample unit's code, name and area on the spheroid.
func unitAreas(t *testing.T, pool *pgxpool.Pool) map[string][2]any {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		`SELECT code, name, ST_Area(geom::geography) FROM units WHERE county_code = '520204' AND geom IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string][2]any{}
	for rows.Next() {
		var code, name string
		var area float64
		if err := rows.Scan(&code, &name, &area); err != nil {
			t.Fatal(err)
		}
		m[code] = [2]any{name, area}
	}
	return m
}

// The sample county goes out through files GDAL writes (a GK-projected Shapefile with a GBK
// .dbf and no .cpg, a CGCS2000 GeoPackage, KML) and comes back in with every unit's area
// within 0.01 m² per km² and its code and name intact; a projected file without .prj is
// refused naming its zone, GBK text without -encoding is refused, and an export read back by
// GDAL changes nothing.
func TestGDALRoundTrips(t *testing.T) {
	needGDAL(t)
	bin := gridmap(t)
	pool, dbURL := ownDatabase(t, bin)
	env := []string{"DATABASE_URL=" + dbURL}
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen")
	if out, code := run(bin, env, "generate", "-county", "../../data/sample/520204-county.geojson",
		"-divisions", "../../data/sample/520204-divisions.csv", "-out", gen); code != 0 {
		t.Fatalf("generate: %s", out)
	}
	units := filepath.Join(gen, "units.geojson")
	if out, code := run(bin, env, "import", "-q", "units", units); code != 0 {
		t.Fatalf("import: %s", out)
	}
	want := unitAreas(t, pool)
	if len(want) < 2000 {
		t.Fatalf("%d units loaded", len(want))
	}
	same := func(t *testing.T) {
		t.Helper()
		got := unitAreas(t, pool)
		if len(got) != len(want) {
			t.Fatalf("%d units after the round trip, %d before", len(got), len(want))
		}
		for code, w := range want {
			g, ok := got[code]
			if !ok || g[0] != w[0] {
				t.Fatalf("unit %s: %v after the round trip, %v before", code, g, w)
			}
			wa, ga := w[1].(float64), g[1].(float64)
			if math.Abs(ga-wa) > 0.01*wa/1e6+1e-6 {
				t.Fatalf("unit %s: area %.4f m² after the round trip, %.4f before", code, ga, wa)
			}
		}
	}

	shp := filepath.Join(dir, "units4544.shp")
	ogr2ogr(t, "-f", "ESRI Shapefile", shp, units, "-t_srs", "EPSG:4544", "-lco", "ENCODING=CP936")
	os.Remove(strings.TrimSuffix(shp, ".shp") + ".cpg") // as desktop tools often leave it
	// A Shapefile's field names have at most 10 characters: parent_code arrives as parent_cod.
	t.Run("GBK without -encoding is refused", func(t *testing.T) {
		out, code := run(bin, env, "import", "units", shp)
		if code != 2 || !strings.Contains(out, "-encoding") || !strings.Contains(out, "GBK") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("Shapefile EPSG:4544 GBK", func(t *testing.T) {
		if out, code := run(bin, env, "import", "-q", "-encoding", "GBK", "-map", "parent_code=parent_cod", "units", shp); code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		same(t)
	})
	t.Run("projected without .prj names the zone", func(t *testing.T) {
		os.Remove(strings.TrimSuffix(shp, ".shp") + ".prj")
		out, code := run(bin, env, "import", "-encoding", "GBK", "-map", "parent_code=parent_cod", "units", shp)
		if code != 2 || !strings.Contains(out, "EPSG:4544") || !strings.Contains(out, "-s_srs") {
			t.Fatalf("exit %d\n%s", code, out)
		}
		if out, code := run(bin, env, "import", "-q", "-encoding", "GBK", "-s_srs", "EPSG:4544", "-map", "parent_code=parent_cod", "units", shp); code != 0 {
			t.Fatalf("with -s_srs: exit %d\n%s", code, out)
		}
		same(t)
	})
	t.Run("GeoPackage EPSG:4490", func(t *testing.T) {
		gpkg := filepath.Join(dir, "units4490.gpkg")
		ogr2ogr(t, "-f", "GPKG", gpkg, units, "-t_srs", "EPSG:4490", "-nln", "grids")
		if out, code := run(bin, env, "import", "-q", "units", gpkg); code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		same(t)
	})
	t.Run("KML with a field map", func(t *testing.T) {
		kml := filepath.Join(dir, "units.kml")
		ogr2ogr(t, "-f", "KML", kml, units, "-nln", "units")
		out, code := run(bin, env, "import", "-dry-run", "-map", "name=Name", "units", kml)
		if code != 0 || !strings.Contains(out, "features would load") || !strings.Contains(out, "name=水城区") {
			t.Fatalf("dry run: exit %d\n%s", code, out)
		}
		if out, code := run(bin, env, "import", "-q", "-map", "name=Name", "units", kml); code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		same(t)
		out, code = run(bin, env, "import", "-map", "name=NAME_X", "units", kml)
		if code != 2 || !strings.Contains(out, "-map") || !strings.Contains(out, "NAME_X") {
			t.Fatalf("unknown field: exit %d\n%s", code, out)
		}
	})
	t.Run("export read back identically", func(t *testing.T) {
		for _, level := range []string{"county", "town", "village", "grid"} {
			gpkg := filepath.Join(dir, level+".gpkg")
			out, code := run(bin, env, "export", "-under", "520204", level, gpkg)
			if code != 0 {
				t.Fatalf("export %s: exit %d\n%s", level, code, out)
			}
			out, code = run(bin, env, "import", "-q", "units", gpkg)
			if code != 0 || !strings.Contains(out, " 0 inserted, 0 updated") {
				t.Fatalf("%s read back: exit %d\n%s", level, code, out)
			}
		}
		for _, f := range []string{"shp", "kml", "csv", "geojson", "fgb"} {
			out := filepath.Join(dir, "grids."+f)
			if o, code := run(bin, env, "export", "-t_srs", "EPSG:4544", "grid", out); code != 0 {
				t.Fatalf("export %s: exit %d\n%s", f, code, o)
			}
			info, err := exec.Command("ogrinfo", "-ro", "-so", "-al", out).CombinedOutput()
			if err != nil || !strings.Contains(string(info), "Feature Count: 2268") {
				t.Fatalf("ogrinfo %s: %v\n%s", f, err, info)
			}
		}
	})
}
