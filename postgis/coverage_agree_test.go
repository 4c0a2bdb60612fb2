package postgis_test

import (
	"context"
	"testing"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
)

// family is a parent and its children as candidates.
type family struct {
	parent   geo.Candidate
	children []geo.Candidate
}

// sampleFamilies generates 水城区 (in memory: nothing is stored) and returns every parent
// with its children.
func sampleFamilies(t *testing.T) []family {
	t.Helper()
	c, err := genfiles.Generate("../data/sample/520204-county.geojson", "../data/sample/520204-divisions.csv", gen.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	kids := map[string][]geo.Candidate{}
	for _, u := range c.Units {
		if len(u.Geom) > 0 {
			kids[u.ParentCode] = append(kids[u.ParentCode], geo.Candidate{Code: u.Code, Geom: u.Geom, Level: u.Level})
		}
	}
	var out []family
	for _, u := range c.Units {
		if len(kids[u.Code]) > 0 && len(u.Geom) > 0 {
			out = append(out, family{geo.Candidate{Code: u.Code, Geom: u.Geom, Level: u.Level}, kids[u.Code]})
		}
	}
	if len(out) < 200 {
		t.Fatalf("only %d parents in the sample", len(out))
	}
	return out
}

func shapes(cs []geo.Candidate) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(cs))
	for i, c := range cs {
		out[i] = c.Geom
	}
	return out
}

// The edge prefilter and the PostGIS overlay agree on every parent of the sample county:
// each tiles exactly, and the overlay finds nothing.
func TestCoveragePrefilterAgreesOnTheSample(t *testing.T) {
	pool := pgtest.Pool(t)
	for _, f := range sampleFamilies(t) {
		tiles := coverage.Tiles(f.parent.Geom, shapes(f.children))
		fs, err := postgis.CheckCoverageOverlay(context.Background(), pool, f.parent, f.children, geo.DefaultTolerance)
		if err != nil {
			t.Fatal(err)
		}
		if !tiles || len(fs) > 0 {
			t.Errorf("%s (%d children): prefilter tiles=%v, overlay %d findings %+v", f.parent.Code, len(f.children), tiles, len(fs), fs)
		}
	}
}

// Perturbed copies of a village: the prefilter and the overlay both find it broken.
func TestCoveragePrefilterAgreesOnPerturbedCopies(t *testing.T) {
	pool := pgtest.Pool(t)
	var v family
	for _, f := range sampleFamilies(t) {
		if f.parent.Level == geo.Village && len(f.children) >= 4 {
			v = f
			break
		}
	}
	if v.parent.Code == "" {
		t.Fatal("no village with four grids in the sample")
	}
	moved := func(dx float64) []geo.Candidate {
		return moveSharedVertex(t, v, dx)
	}
	cases := []struct {
		name     string
		children []geo.Candidate
	}{
		{"vertex moved east", moved(1e-4)},
		{"vertex moved west", moved(-1e-4)},
		{"child removed", v.children[1:]},
		{"child twice", append(append([]geo.Candidate(nil), v.children...), geo.Candidate{Code: v.parent.Code + "999", Geom: v.children[0].Geom})},
	}
	kinds := map[geo.FindingKind]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if coverage.Tiles(v.parent.Geom, shapes(c.children)) {
				t.Error("the prefilter says the children tile the village")
			}
			fs, err := postgis.CheckCoverageOverlay(context.Background(), pool, v.parent, c.children, geo.DefaultTolerance)
			if err != nil {
				t.Fatal(err)
			}
			if !geo.HasErrors(fs) {
				t.Errorf("the overlay finds no error: %+v", fs)
			}
			for _, f := range fs {
				kinds[f.Kind] = true
			}
			// With the prefilter the answer is the same.
			with, err := postgis.CheckCoverage(context.Background(), pool, v.parent, c.children, geo.DefaultTolerance)
			if err != nil {
				t.Fatal(err)
			}
			if len(with) != len(fs) {
				t.Errorf("CheckCoverage gives %d findings, the overlay %d", len(with), len(fs))
			}
		})
	}
	if !kinds[geo.Gap] || !kinds[geo.Overlap] {
		t.Errorf("kinds found %v, want gaps and overlaps among them", kinds)
	}
}

// moveSharedVertex returns v's children with one vertex that the first child shares with
// exactly one sibling, away from the parent's boundary, moved by dx degrees in the first
// child only.
func moveSharedVertex(t *testing.T, v family, dx float64) []geo.Candidate {
	t.Helper()
	onParent := map[orb.Point]bool{}
	for _, p := range v.parent.Geom {
		for _, r := range p {
			for _, pt := range r {
				onParent[pt] = true
			}
		}
	}
	uses := map[orb.Point]int{}
	for _, c := range v.children {
		seen := map[orb.Point]bool{}
		for _, p := range c.Geom {
			for _, r := range p {
				for _, pt := range r {
					if !seen[pt] {
						seen[pt] = true
						uses[pt]++
					}
				}
			}
		}
	}
	first := v.children[0].Geom
	for pi, p := range first {
		ring := p[0]
		for i := 1; i < len(ring)-1; i++ { // not the closing vertex
			pt := ring[i]
			if uses[pt] != 2 || onParent[pt] {
				continue
			}
			geom := orb.Clone(first).(orb.MultiPolygon)
			geom[pi][0][i] = orb.Point{pt[0] + dx, pt[1]}
			out := append([]geo.Candidate(nil), v.children...)
			out[0] = geo.Candidate{Code: out[0].Code, Geom: geom, Level: out[0].Level}
			return out
		}
	}
	t.Fatalf("no vertex of %s shared with one sibling only", v.children[0].Code)
	return nil
}
