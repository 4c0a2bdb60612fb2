package postgis_test

import (
	"context"
	"sort"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
)

func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// Each kind the plain check knows is provoked once; a clean tiling gives nothing.
func TestCheckCoverageKinds(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	parent := geo.Candidate{Code: "520204103200", Geom: square(104.80, 26.50, 104.82, 26.52)}
	cases := []struct {
		name     string
		children []geo.Candidate
		want     []geo.FindingKind
	}{
		{"clean", []geo.Candidate{
			{Code: "520204103200001", Geom: square(104.80, 26.50, 104.81, 26.52)},
			{Code: "520204103200002", Geom: square(104.81, 26.50, 104.82, 26.52)}}, nil},
		{"gap", []geo.Candidate{
			{Code: "520204103200001", Geom: square(104.80, 26.50, 104.81, 26.52)},
			{Code: "520204103200002", Geom: square(104.812, 26.50, 104.82, 26.52)}}, []geo.FindingKind{geo.Gap}},
		{"overlap", []geo.Candidate{
			{Code: "520204103200001", Geom: square(104.80, 26.50, 104.812, 26.52)},
			{Code: "520204103200002", Geom: square(104.81, 26.50, 104.82, 26.52)}}, []geo.FindingKind{geo.Overlap}},
		{"outside and sliver gap", []geo.Candidate{
			{Code: "520204103200001", Geom: square(104.80, 26.50, 104.8099999, 26.52)},
			{Code: "520204103200002", Geom: square(104.81, 26.50, 104.83, 26.52)}}, []geo.FindingKind{geo.OutsideParent, geo.Sliver}},
		{"invalid", []geo.Candidate{
			{Code: "520204103200001", Geom: orb.MultiPolygon{{{{104.80, 26.50}, {104.82, 26.52}, {104.82, 26.50}, {104.80, 26.52}, {104.80, 26.50}}}}}},
			[]geo.FindingKind{geo.Gap, geo.InvalidShape}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := postgis.CheckCoverage(ctx, pool, parent, c.children, geo.DefaultTolerance)
			if err != nil {
				t.Fatal(err)
			}
			var got []geo.FindingKind
			for _, f := range fs {
				got = append(got, f.Kind)
				if f.Geom == nil {
					t.Errorf("%s has no place", f.Kind)
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
			if len(got) != len(c.want) {
				t.Fatalf("findings %v, want %v (%+v)", got, c.want, fs)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("findings %v, want %v", got, c.want)
				}
			}
			if geo.HasErrors(fs) != (len(c.want) > 0) {
				t.Errorf("HasErrors = %v", geo.HasErrors(fs))
			}
		})
	}
}
