package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// importUnits imports a units file with opts, collecting the coverage report it hands back.
func importUnits(db *postgis.DB, content string, allowGaps bool) ([]geo.Finding, error) {
	var report []geo.Finding
	_, err := db.ImportWith(context.Background(), importfile.Units, "units.geojson", strings.NewReader(content),
		postgis.ImportOptions{AllowGaps: allowGaps, Coverage: func(fs []geo.Finding) { report = append(report, fs...) }})
	return report, err
}

// A village of two grids side by side (made-up county 990140), then the three cases of the
// issue: a grid overlapping grid 002, a small grid inside 002, and 002 made smaller.
func TestImportCoverage(t *testing.T) {
	db := pgtest.DB(t)
	const x, y = 83.5, 41.0
	b := func(x0, y0, x1, y1 float64) [][]float64 { return box(x+x0, y+y0, x+x1, y+y1) }
	const county, town, village = "990140", "990140001", "990140001001"
	grid := func(code string, ring [][]float64) string {
		return collection("", unitFeature(village+code, "网格"+code, "grid", village, ring))
	}
	base := collection("",
		unitFeature(county, "覆盖县", "county", "", b(0, 0, 0.02, 0.01)),
		unitFeature(town, "镇", "town", county, b(0, 0, 0.02, 0.01)),
		unitFeature(village, "村", "village", town, b(0, 0, 0.02, 0.01)),
		unitFeature(village+"001", "网格1", "grid", village, b(0, 0, 0.01, 0.01)),
		unitFeature(village+"002", "网格2", "grid", village, b(0.01, 0, 0.02, 0.01)))
	if report, err := importUnits(db, base, false); err != nil || len(report) != 0 {
		t.Fatalf("a village its grids tile: %v, report %v", err, report)
	}

	refused := []struct {
		name, file string
		want       []string
	}{
		{"grid overlapping 001 and 002", grid("003", b(0.005, 0, 0.015, 0.01)),
			[]string{"990140001001003", "overlaps 990140001001002 by 467142 m² (near 83.5125", "overlaps 990140001001001 by 467142 m² (near 83.5075"}},
		{"small grid inside 002", grid("004", b(0.012, 0.002, 0.013, 0.003)),
			[]string{"990140001001004", "overlaps 990140001001002 by ", " m² (near 83.512"}},
		{"002 smaller, no flag", grid("002", b(0.015, 0, 0.02, 0.01)),
			[]string{"990140001001", "leave 467142 m² of it covered by none", "-allow-gaps"}},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := importUnits(db, c.file, false)
			ie := importError(t, err)
			msg := ie.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
	t.Run("002 smaller, allowed", func(t *testing.T) {
		report, err := importUnits(db, grid("002", b(0.015, 0, 0.02, 0.01)), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(report) != 1 || report[0].Kind != geo.Gap || report[0].Parent != village {
			t.Fatalf("report %+v, want one gap under the village", report)
		}
		// 0.005° of longitude by 0.01° of latitude at 41°N: about 420 m by 1,112 m.
		if a := report[0].Area; a < 0.45e6 || a > 0.49e6 {
			t.Errorf("gap of %.0f m², want about 467,000", a)
		}
		var stored bool
		pgtest.Pool(t).QueryRow(context.Background(), `SELECT ST_XMin(geom) > 83.514 FROM units WHERE code = $1`, village+"002").Scan(&stored)
		if !stored {
			t.Error("the smaller 002 was not stored")
		}
	})
	t.Run("sliver accepted", func(t *testing.T) {
		// 002 back, its west edge 1e-9° (a tenth of a millimetre) off 001's east edge.
		report, err := importUnits(db, grid("002", b(0.010000001, 0, 0.02, 0.01)), false)
		if err != nil {
			t.Fatalf("a sliver refused: %v", err)
		}
		if len(report) != 1 || report[0].Kind != geo.Sliver || report[0].SliverOf != geo.Gap || report[0].Geom == nil {
			t.Fatalf("report %+v, want one gap sliver with its place", report)
		}
	})
	t.Run("a parent reimported over its children", func(t *testing.T) {
		// The village grows (its parents with it); its stored grids stay: the file's parent
		// against stored children.
		_, err := importUnits(db, collection("",
			unitFeature(county, "覆盖县", "county", "", b(0, 0, 0.02, 0.02)),
			unitFeature(town, "镇", "town", county, b(0, 0, 0.02, 0.02)),
			unitFeature(village, "村", "village", town, b(0, 0, 0.02, 0.02))), false)
		ie := importError(t, err)
		if !strings.Contains(ie.Error(), "990140001001") || !strings.Contains(ie.Error(), "covered by none") {
			t.Errorf("message: %s", ie.Error())
		}
	})
}
