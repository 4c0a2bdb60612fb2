package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

// The three imports on the sample county, through the command line: a grid
// overlapping grid 520204103200002 by a large area and a small grid wholly inside it are
// refused; 002 made smaller is refused without -allow-gaps and loaded with it, the gap
// report naming the area; `gridmap coverage` then finds the gap.
func TestImportCoverageOnTheSample(t *testing.T) {
	pgtest.DB(t)
	bin := gridmap(t)
	env := []string{"DATABASE_URL=" + pgtest.URL()}
	dir := t.TempDir()
	county, err := genfiles.Generate("../../data/sample/520204-county.geojson", "../../data/sample/520204-divisions.csv", gen.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if err := genfiles.WriteDir(county, dir); err != nil {
		t.Fatal(err)
	}
	if out, code := run(bin, env, "import", "-q", "units", filepath.Join(dir, "units.geojson")); code != 0 {
		t.Fatalf("the sample's units: exit %d\n%s", code, out)
	}
	const village, grid = "520204103200", "520204103200002"
	var g002 orb.MultiPolygon
	for _, u := range county.Units {
		if u.Code == grid {
			g002 = u.Geom
		}
	}
	if g002 == nil {
		t.Fatalf("no grid %s in the sample", grid)
	}
	b := g002.Bound()
	westHalf := clip.MultiPolygon(orb.Bound{Min: b.Min, Max: orb.Point{(b.Min[0] + b.Max[0]) / 2, b.Max[1]}}, orb.Clone(g002).(orb.MultiPolygon))
	c := coverage.PointOn(g002)
	const d = 0.0002 // about 20 m
	small := orb.Polygon{{{c[0] - d, c[1] - d}, {c[0] + d, c[1] - d}, {c[0] + d, c[1] + d}, {c[0] - d, c[1] + d}, {c[0] - d, c[1] - d}}}
	file := func(code string, g orb.Geometry) string {
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"code": code, "name": "新网格", "level": "grid", "parent_code": village}
		fc := geojson.NewFeatureCollection().Append(f)
		data, err := json.Marshal(fc)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "units.geojson")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cases := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"a grid over half of 002", []string{"import", "units", file(village+"098", westHalf)}, 2,
			[]string{village + "098", "overlaps " + grid + " by "}},
		{"a small grid inside 002", []string{"import", "units", file(village+"099", small)}, 2,
			[]string{village + "099", "overlaps " + grid + " by "}},
		{"002 smaller", []string{"import", "units", file(grid, westHalf)}, 2,
			[]string{village + ": geometry: its children leave ", "of it covered by none", "-allow-gaps"}},
		{"002 smaller, allowed", []string{"import", "-allow-gaps", "units", file(grid, westHalf)}, 0,
			[]string{"coverage report", "error: gap under " + village, "1 updated"}},
		{"the report", []string{"coverage", village}, 0,
			[]string{"parents checked 1, clean 0", "findings: gap 1", "error: gap under " + village}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := run(bin, env, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, out)
			}
			for _, w := range c.wants {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	// The gap is the east half of 002, as the report's GeoJSON says too.
	path := filepath.Join(t.TempDir(), "gap.geojson")
	if out, code := run(bin, env, "coverage", village, "-geojson", path); code != 0 {
		t.Fatalf("coverage -geojson: exit %d\n%s", code, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 || fc.Features[0].Properties["kind"] != string(geo.Gap) || fc.ExtraMembers["summary"] == nil {
		t.Fatalf("GeoJSON %s", data)
	}
	want := orbgeo.Area(g002) - orbgeo.Area(westHalf) // on a sphere: within a percent
	if got := fc.Features[0].Properties["area_m2"].(float64); got < 0.95*want || got > 1.05*want {
		t.Errorf("gap of %.0f m², want about %.0f (002's east half)", got, want)
	}
}
