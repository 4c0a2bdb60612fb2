package postgis_test

import (
	"strings"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

// TestImportRefusesBadInput imports one bad file per case on top of a loaded county and
// checks that the error names the feature or line and the reason, and that nothing at all
// was stored.
func TestImportRefusesBadInput(t *testing.T) {
	db := pgtest.DB(t)
	f := newFixture("990102", 82.0, 40.0)
	f.load(t, db)

	county := func(ring [][]float64) string {
		return collection("", unitFeature("990103", "县", "county", "", ring))
	}
	const hh = "id,unit_code,address,members,lon,lat\n"
	const pp = "id,name,phone,role,unit_code\n"
	cases := []struct {
		name, kind, content string
		want                []string
	}{
		{"self-intersecting ring", "units",
			county([][]float64{{82.5, 40}, {82.6, 40.1}, {82.6, 40}, {82.5, 40.1}, {82.5, 40}}),
			[]string{"feature 1 (990103)", "self-intersects near 82.550000,40.050000"}},
		{"unclosed ring", "units",
			county([][]float64{{82.5, 40}, {82.6, 40}, {82.6, 40.1}, {82.5, 40.1}}),
			[]string{"feature 1 (990103)", "outer ring is not closed"}},
		{"ring of three points", "units",
			county([][]float64{{82.5, 40}, {82.6, 40}, {82.5, 40}}),
			[]string{"feature 1 (990103)", "has 3 points"}},
		{"swapped lon/lat", "units", county(box(40, 82.5, 40.1, 82.6)),
			[]string{"feature 1 (990103)", "coordinates look swapped (lat,lon): GeoJSON and CSV take lon first"}},
		{"outside China", "units", county(box(10, 50, 10.1, 50.1)),
			[]string{"feature 1 (990103)", "outside China"}},
		{"projected coordinates", "units", county(box(500000, 4400000, 501000, 4401000)),
			[]string{"feature 1 (990103)", "not longitude/latitude"}},
		{"unknown level", "units",
			collection("", unitFeature("990103", "省", "province", "", box(82.5, 40, 82.6, 40.1))),
			[]string{"feature 1 (990103)", `unknown level "province"`}},
		{"code does not fit level", "units",
			collection("", unitFeature("990103001", "县", "county", "", box(82.5, 40, 82.6, 40.1))),
			[]string{"feature 1 (990103001)", "has 9 digits, but a county code has 6"}},
		{"parent code not a prefix", "units",
			collection("", unitFeature("990103001", "镇", "town", "990102", box(82.5, 40, 82.6, 40.1))),
			[]string{"feature 1 (990103001)", `does not extend its parent_code "990102"`}},
		{"missing parent", "units",
			collection("", unitFeature("990109001", "镇", "town", "990109", box(82.5, 40, 82.6, 40.1))),
			[]string{"feature 1 (990109001)", "parent 990109 is neither in the file nor in the database"}},
		{"wrong parent level", "units",
			collection("", unitFeature(f.grid1+"001", "网格", "grid", f.grid1, f.box(0, 0, 0.05, 0.05))),
			[]string{"feature 1 (" + f.grid1 + "001)", "parent " + f.grid1 + " is a grid", "sits under a group"}},
		{"child sticks out of its parent", "units",
			collection("", unitFeature("990102002", "镇", "town", "990102", f.box(0.15, 0.1, 0.25, 0.2))),
			[]string{"feature 1 (990102002)", "sticks out of its parent 990102 by", "km² (near 82.2"}},
		{"valid rows are not stored with a bad one", "units",
			collection("", unitFeature("990107", "好县", "county", "", box(83, 40, 83.1, 40.1)),
				unitFeature("990108001", "镇", "town", "990108", box(83, 40, 83.1, 40.1))),
			[]string{"feature 2 (990108001)", "1 problem"}},
		{"code given twice", "units",
			collection("", unitFeature("990107", "好县", "county", "", box(83, 40, 83.1, 40.1)),
				unitFeature("990107", "好县", "county", "", box(83, 40, 83.1, 40.1))),
			[]string{"feature 2 (990107)", "given twice: also at feature 1"}},
		{"other CRS", "units",
			collection("urn:ogc:def:crs:EPSG::3857", unitFeature("990103", "县", "county", "", box(82.5, 40, 82.6, 40.1))),
			[]string{`CRS "urn:ogc:def:crs:EPSG::3857" is not accepted`}},
		{"not JSON", "units", `{"type": "FeatureCollection", "features": [}`,
			[]string{"not valid GeoJSON: line 1, column"}},
		{"float code", "units", strings.Replace(county(box(82.5, 40, 82.6, 40.1)), `"990103"`, `990103.0`, 1),
			[]string{"feature 1", "not a whole number"}},
		{"unit without geometry", "units",
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"990103","name":"x","level":"county"},"geometry":null}]}`,
			[]string{"feature 1 (990103)", "geometry: is missing"}},

		{"unknown layer", "features",
			collection("", feature(map[string]any{"id": "bad-f1", "layer": "lake"}, "Polygon", [][][]float64{f.box(0, 0, 0.01, 0.01)})),
			[]string{"feature 1 (bad-f1)", `unknown layer "lake"`}},
		{"road drawn as a polygon", "features",
			collection("", feature(map[string]any{"id": "bad-f1", "layer": "road"}, "Polygon", [][][]float64{f.box(0, 0, 0.01, 0.01)})),
			[]string{"feature 1 (bad-f1)", "a road is a LineString"}},
		{"feature outside every county", "features",
			collection("", feature(map[string]any{"id": "bad-f1", "layer": "courtyard"}, "Polygon", [][][]float64{box(90, 35, 90.01, 35.01)})),
			[]string{"feature 1 (bad-f1)", "no stored county covers the feature"}},
		{"feature county unknown", "features",
			collection("", feature(map[string]any{"id": "bad-f1", "layer": "courtyard", "county_code": "990199"}, "Polygon", [][][]float64{f.box(0, 0, 0.01, 0.01)})),
			[]string{"feature 1 (bad-f1)", "county 990199 is not in the database"}},
		{"self-intersecting feature", "features",
			collection("", feature(map[string]any{"id": "bad-f1", "layer": "courtyard"}, "Polygon",
				[][][]float64{{{82.01, 40.01}, {82.02, 40.02}, {82.02, 40.01}, {82.01, 40.02}, {82.01, 40.01}}})),
			[]string{"feature 1 (bad-f1)", "self-intersects near 82.015000,40.015000"}},

		{"ten-household unit under a group", "tenhh",
			"code,grid_code,name\n" + f.group + "001," + f.group + ",x\n",
			[]string{"line 2 (" + f.group + "001)", "is a group, not a grid"}},
		{"ten-household code not under its grid", "tenhh",
			"code,grid_code,name\n990102001001002001," + f.grid1 + ",x\n",
			[]string{"line 2", "is not its grid_code"}},

		{"household outside its grid", "households", hh + "bad-h1," + f.tenhh1 + ",,1,82.15,40.05\n",
			[]string{"line 2 (bad-h1)", "point 82.150000,40.050000 lies outside grid " + f.grid1}},
		{"household of an unknown unit", "households", hh + "bad-h1,990102001001001999,,1,82.05,40.05\n",
			[]string{"line 2 (bad-h1)", "ten-household unit 990102001001001999 is not in the database"}},
		{"household with swapped point", "households", hh + "bad-h1," + f.tenhh1 + ",,1,40.05,82.05\n",
			[]string{"line 2 (bad-h1)", "coordinates look swapped"}},
		{"household with NaN", "households", hh + "ok-h1," + f.tenhh1 + ",,1,82.05,40.05\nbad-h1," + f.tenhh1 + ",,1,NaN,40.05\n",
			[]string{"line 3 (bad-h1)", "not finite"}},
		{"household members", "households", hh + "bad-h1," + f.tenhh1 + ",,0,82.05,40.05\nbad-h2," + f.tenhh1 + ",,x,82.05,40.05\n",
			[]string{"line 2 (bad-h1): members: 0 is outside 1..100", `line 3 (bad-h2): members: "x" is not a whole number`}},
		{"bad CSV header", "households", "id,unit_code,address,members,lon\nh," + f.tenhh1 + ",,1,82.05\n",
			[]string{"line 1", "missing column lat"}},
		{"short CSV row", "households", hh + "bad-h1," + f.tenhh1 + ",,1\n",
			[]string{"line 2", "has 4 fields, the header has 6"}},

		{"unknown role", "people", pp + "bad-p1,甲,,boss," + f.town + "\n",
			[]string{"line 2 (bad-p1)", `unknown role "boss"`}},
		{"role code of the wrong length", "people", pp + "bad-p1,甲,,village_secretary," + f.town + "\n",
			[]string{"line 2 (bad-p1)", "a village_secretary answers for a village, whose code has 12 digits"}},
		{"role at the wrong level", "people", pp + "bad-p1,甲,,grid_head," + f.group + "\n",
			[]string{"line 2 (bad-p1)", "is a group, but a grid_head answers for a grid"}},
		{"unit head on a grid", "people", pp + "bad-p1,甲,,unit_head," + f.grid2 + "\n",
			[]string{"line 2 (bad-p1)", "is a grid, but a unit_head answers for a ten-household unit"}},
		{"role for an unknown unit", "people", pp + "bad-p1,甲,,village_secretary,990102001009\n",
			[]string{"line 2 (bad-p1)", "unit 990102001009 is not in the database"}},
		{"one person, two names", "people", pp + "bad-p1,甲,,grid_head," + f.grid1 + "\nbad-p1,乙,,grid_worker," + f.grid1 + "\n",
			[]string{"line 3 (bad-p1)", "differs"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := tableCounts(t, db)
			_, err := importKind(db, c.kind, c.content)
			ie := importError(t, err)
			msg := ie.Error()
			t.Log(msg)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not say %q:\n%s", w, msg)
				}
			}
			sameCounts(t, before, tableCounts(t, db))
		})
	}
}

// TestImportListsEveryProblem checks that one import reports all bad features, not the
// first, and caps the printed list.
func TestImportListsEveryProblem(t *testing.T) {
	db := pgtest.DB(t)
	var feats []map[string]any
	for i := 0; i < 60; i++ {
		feats = append(feats, unitFeature("99011"+string(rune('0'+i%10)), "", "county", "", box(84, 40, 84.1, 40.1)))
	}
	_, err := importKind(db, "units", collection("", feats...))
	ie := importError(t, err)
	if len(ie.Problems) < 60 {
		t.Fatalf("%d problems, want at least 60 (an empty name each)", len(ie.Problems))
	}
	if !strings.Contains(ie.Error(), "and ") || strings.Count(ie.Error(), "\n") > 52 {
		t.Errorf("the printed list is not capped:\n%s", ie.Error())
	}
}
