package postgis_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// importRepairing imports content as a file of kind with ImportOptions.Repair set.
func importRepairing(t *testing.T, db *postgis.DB, kind importfile.Kind, content string) (postgis.ImportReport, error) {
	t.Helper()
	return db.ImportWith(context.Background(), kind, kind.File, strings.NewReader(content), postgis.ImportOptions{Repair: true})
}

// TestImportRepair imports invalid shapes without and with Repair: without, the file is
// refused and the message points at -repair; with it, each shape is stored valid and its
// repair reported with the reason, the place and the area change.
func TestImportRepair(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	// A bow-tie: the ring crosses itself at 82.55,40.05; its two halves cancel out in the
	// area the ring describes, and ST_MakeValid makes two triangles of them.
	bowTie := [][]float64{{82.5, 40}, {82.6, 40.1}, {82.6, 40}, {82.5, 40.1}, {82.5, 40}}
	// A ring that touches itself at 82.55,40.05: two triangles joined at their tip, drawn
	// as one ring. Its area is right; only the ring is not simple.
	touching := [][]float64{{82.5, 40}, {82.6, 40}, {82.55, 40.05}, {82.6, 40.1}, {82.5, 40.1}, {82.55, 40.05}, {82.5, 40}}
	triangles := 2 * 0.5 * 0.1 * 0.05 // square degrees, both shapes
	cases := []struct {
		name, code     string
		ring           [][]float64
		reason         string
		wantAreaBefore float64 // share of the triangles' area
	}{
		{"bow-tie", "990141", bowTie, "ring self-intersects", 0},
		{"self-touching ring", "990142", touching, "ring touches itself", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := collection("", unitFeature(tc.code, "修复县", "county", "", tc.ring))
			_, err := importKind(db, "units", file)
			if err == nil || !strings.Contains(err.Error(), "feature 1 ("+tc.code+"): geometry: "+tc.reason+" near 82.550000,40.050000") ||
				!strings.Contains(err.Error(), "import with -repair") {
				t.Fatalf("without repair: got %v, want the invalid ring refused with a hint at -repair", err)
			}
			rep, err := importRepairing(t, db, importfile.Units, file)
			if err != nil {
				t.Fatalf("with repair: %v", err)
			}
			if rep.Counts != (postgis.ImportCounts{Rows: 1, Inserted: 1}) {
				t.Errorf("counts %+v, want one unit inserted", rep.Counts)
			}
			if len(rep.Repairs) != 1 {
				t.Fatalf("repairs %+v, want one", rep.Repairs)
			}
			r := rep.Repairs[0]
			if r.Index != 1 || r.Key != tc.code || r.Reason != tc.reason || !r.HasLocation ||
				math.Abs(r.Lon-82.55) > 1e-9 || math.Abs(r.Lat-40.05) > 1e-9 {
				t.Errorf("repair %+v: want feature 1 (%s), %q at 82.55,40.05", r, tc.code, tc.reason)
			}
			var valid bool
			var area, stored float64
			err = pgtest.Pool(t).QueryRow(ctx, `SELECT ST_IsValid(geom), ST_Area(geom), ST_Area(geom::geography) FROM units WHERE code = $1`, tc.code).
				Scan(&valid, &area, &stored)
			if err != nil {
				t.Fatal(err)
			}
			if !valid || math.Abs(area-triangles) > 1e-12 {
				t.Errorf("stored: valid %v, area %g square degrees, want valid and %g", valid, area, triangles)
			}
			if math.Abs(r.AreaAfter-stored) > 1e-3*stored || math.Abs(r.AreaBefore-tc.wantAreaBefore*stored) > 1e-3*stored {
				t.Errorf("areas before/after %.0f/%.0f m², want %.0f/%.0f", r.AreaBefore, r.AreaAfter, tc.wantAreaBefore*stored, stored)
			}
			d := r.Describe("feature")
			if !strings.Contains(d, "feature 1 ("+tc.code+"): repaired: "+tc.reason+" near 82.550000,40.050000; area ") {
				t.Errorf("described as %q", d)
			}
		})
	}

	t.Run("feature", func(t *testing.T) {
		f := newFixture("990143", 84.0, 40.0)
		f.load(t, db)
		file := collection("", feature(map[string]any{"id": "990143-bow", "layer": "courtyard"}, "Polygon",
			[][][]float64{{{84.01, 40.01}, {84.02, 40.02}, {84.02, 40.01}, {84.01, 40.02}, {84.01, 40.01}}}))
		rep, err := importRepairing(t, db, importfile.Features, file)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Repairs) != 1 || rep.Repairs[0].Key != "990143-bow" || rep.Repairs[0].Reason != "ring self-intersects" {
			t.Fatalf("repairs %+v, want the bow-tie courtyard", rep.Repairs)
		}
		var gtype string
		if err := pgtest.Pool(t).QueryRow(ctx, `SELECT GeometryType(geom) FROM features WHERE id = '990143-bow' AND ST_IsValid(geom)`).Scan(&gtype); err != nil {
			t.Fatalf("the repaired courtyard is not stored valid: %v", err)
		}
		if gtype != "MULTIPOLYGON" {
			t.Errorf("stored as %s, want the two triangles as a MULTIPOLYGON", gtype)
		}
	})

	t.Run("nothing polygonal left", func(t *testing.T) {
		flat := [][]float64{{82.5, 40}, {82.6, 40}, {82.7, 40}, {82.5, 40}} // a ring along one line
		_, err := importRepairing(t, db, importfile.Units, collection("", unitFeature("990144", "扁县", "county", "", flat)))
		if err == nil || !strings.Contains(err.Error(), "-repair cannot mend it") {
			t.Fatalf("got %v, want the collapsed ring refused even with repair", err)
		}
	})
}

// TestImportRepairsTheRealOutlines imports the real county outlines of data/sample, which
// are not OGC-valid, with Repair (under made-up codes, so that the package's other tests
// keep their counties): each file is one feature and one repair, whose place and area
// change are logged.
func TestImportRepairsTheRealOutlines(t *testing.T) {
	db := pgtest.DB(t)
	for _, tc := range []struct{ file, code, as string }{
		{"../data/sample/520204-county-source.geojson", "520204", "990151"},
		{"../data/sample/611023-county-source.geojson", "611023", "990152"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			content := strings.Replace(string(b), `"`+tc.code+`"`, `"`+tc.as+`"`, 1)
			if _, err := importKind(db, "units", content); err == nil || !strings.Contains(err.Error(), "ring touches itself") {
				t.Fatalf("without repair: got %v, want the outline refused as invalid", err)
			}
			rep, err := importRepairing(t, db, importfile.Units, content)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Repairs) != 1 {
				t.Fatalf("repairs %+v, want one", rep.Repairs)
			}
			r := rep.Repairs[0]
			t.Log(r.Describe("feature"))
			if !r.HasLocation || !geoInChina(r.Lon, r.Lat) || math.Abs(r.AreaChange()) > 1e-3*r.AreaBefore {
				t.Errorf("repair %+v: want a place in the county and an area change under 0.1%%", r)
			}
			// The sample's outline (what gridmap generate starts from) is this repair.
			repaired, err := os.ReadFile("../data/sample/" + tc.code + "-county.geojson")
			if err != nil {
				t.Fatal(err)
			}
			var fc struct {
				Features []struct {
					Geometry json.RawMessage `json:"geometry"`
				} `json:"features"`
			}
			if err := json.Unmarshal(repaired, &fc); err != nil || len(fc.Features) != 1 {
				t.Fatalf("%s-county.geojson: %v", tc.code, err)
			}
			var equal bool
			var diff float64
			err = pgtest.Pool(t).QueryRow(context.Background(), `
				SELECT ST_Equals(u.geom, f.g), ST_Area(ST_SymDifference(u.geom, f.g))
				FROM units u, (SELECT ST_SetSRID(ST_GeomFromGeoJSON($2), 4326) AS g) f WHERE u.code = $1`,
				tc.as, string(fc.Features[0].Geometry)).Scan(&equal, &diff)
			if err != nil {
				t.Fatal(err)
			}
			if !equal || diff != 0 {
				t.Errorf("data/sample/%s-county.geojson is not the repaired source: equal %v, differing by %g square degrees", tc.code, equal, diff)
			}
		})
	}
}

func geoInChina(lon, lat float64) bool { return geo.CheckLonLat([2]float64{lon, lat}) == "" }
