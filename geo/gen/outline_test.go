package gen

import (
	"math"
	"os"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// TestRealOutlineIsTheBorder: from the repaired real outline, the county is that outline
// (its sliver holes filled) and not a staircase of pixels: the same area and every one of
// its vertices on the county's border; the units along it were cut, none failed; and the
// children still tile their parents (checkExact, checkPartition).
func TestRealOutlineIsTheBorder(t *testing.T) {
	c := shuicheng(t)
	if !c.RealOutline || len(c.CutFailures) > 0 || c.CutUnits < 100 {
		t.Fatalf("real outline %v, %d units cut, failures %v", c.RealOutline, c.CutUnits, c.CutFailures)
	}
	_, _, outline, _ := loadSample(t, "520204")
	const sliver = 16 * DefaultPixelDeg * DefaultPixelDeg
	want, holes := 0.0, 0
	vertices := map[orb.Point]bool{}
	for _, p := range outline {
		for k, r := range p {
			a := ringArea(r)
			if k > 0 && math.Abs(a) < sliver {
				holes++
				continue
			}
			want += math.Abs(a)
			if k > 0 {
				want -= 2 * math.Abs(a)
			}
			for _, q := range r {
				vertices[q] = true
			}
		}
	}
	got, err := mpArea2Float(c.Units[0].Geom, c.Units[0].Geom.Bound().Min)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got/2-want) > cutTolerance {
		t.Errorf("county area %.12g square degrees, the outline's %.12g", got/2, want)
	}
	for _, p := range c.Units[0].Geom {
		for _, r := range p {
			for _, q := range r {
				delete(vertices, q)
			}
		}
	}
	if len(vertices) > 0 || holes != 3 {
		t.Errorf("%d of the outline's vertices are not on the county's border; %d sliver holes filled, want 3", len(vertices), holes)
	}
}

// TestInvalidOutlineIsRasterized: the raw source outline is not OGC-valid, so the county is
// its rasterized form, on the lattice, as before there was a repaired outline.
func TestInvalidOutlineIsRasterized(t *testing.T) {
	f, err := os.Open(sampleDir + "611023-county-source.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	code, name, mp, err := ReadOutline(f)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, divs := loadSample(t, "611023")
	c, err := Generate(code, name, mp, divs, Options{Seed: 3, GridsPerVillage: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c.RealOutline || c.CutUnits != 0 || c.Units[0].Attrs["rasterized"] != true {
		t.Fatalf("real outline %v, %d units cut, attrs %v: want the rasterized county", c.RealOutline, c.CutUnits, c.Units[0].Attrs)
	}
	for _, u := range c.Units {
		if !onLattice(u.Geom, int64(c.PixelDeg*fixScale)) {
			t.Fatalf("%s %s is off the lattice", u.Level, u.Code)
		}
	}
	if c.CountLevel(geo.Town) != 10 {
		t.Errorf("%d towns", c.CountLevel(geo.Town))
	}
}
