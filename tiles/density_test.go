package tiles

import (
	"context"
	"math"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// The public grid layer carries each grid's household count and density, and follows
// households as they come, move and go; the households themselves stay out of it.
func TestServiceDrawsGridDensityAndFollowsHouseholds(t *testing.T) {
	sq := func(x0, y0, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}}}
	}
	units := []geo.Unit{
		{Code: "990001", Level: geo.County, Name: "测试县", Geom: sq(120, 30, 0.02)},
		{Code: "990001001", Level: geo.Town, Name: "镇", ParentCode: "990001", Geom: sq(120, 30, 0.02)},
		{Code: "990001001001", Level: geo.Village, Name: "村", ParentCode: "990001001", Geom: sq(120, 30, 0.02)},
		{Code: "990001001001001", Level: geo.Grid, Name: "一格", ParentCode: "990001001001", Geom: sq(120, 30, 0.01)},
		{Code: "990001001001002", Level: geo.Grid, Name: "二格", ParentCode: "990001001001", Geom: sq(120.01, 30, 0.01)},
	}
	hs := []geo.Household{
		{ID: "h1", UnitCode: "990001001001001001", Members: 2, Point: orb.Point{120.005, 30.005}},
		{ID: "h2", UnitCode: "990001001001001001", Members: 3, Point: orb.Point{120.006, 30.005}},
		{ID: "h3", UnitCode: "990001001001002001", Members: 1, Point: orb.Point{120.015, 30.005}},
	}
	svc, err := NewService(geo.State{Seq: 1, Units: units, Households: hs}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(orb.Point{120.01, 30.005}, 13)
	grids := func() map[string]map[string]any {
		t.Helper()
		e, err := svc.Tile(context.Background(), Public, uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := mvt.Unmarshal(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]any{}
		for _, l := range ls {
			if l.Name == LayerHousehold {
				t.Errorf("the public tile has a household layer")
			}
			if l.Name == string(geo.Grid) {
				for _, f := range l.Features {
					out[f.Properties["code"].(string)] = f.Properties
				}
			}
		}
		return out
	}
	// A grid of 0.01° at 30°N is about 1.11 km × 0.96 km.
	km2 := 1.1132 * 0.9640
	check := func(stage string, want map[string]int) {
		t.Helper()
		got := grids()
		for code, n := range want {
			p := got[code]
			if p == nil {
				t.Fatalf("%s: grid %s is not in the tile", stage, code)
			}
			if hh, _ := p["households"].(float64); int(hh) != n {
				if hi, _ := p["households"].(int64); int(hi) != n {
					t.Errorf("%s: grid %s has households %v; want %d", stage, code, p["households"], n)
				}
			}
			d, _ := p["density"].(float64)
			if want := float64(n) / km2; math.Abs(d-want) > 0.02*want+0.1 {
				t.Errorf("%s: grid %s has density %v; want about %.1f", stage, code, p["density"], want)
			}
		}
	}
	check("at start", map[string]int{"990001001001001": 2, "990001001001002": 1})
	steps := []struct {
		name string
		ch   geo.Changes
		want map[string]int
	}{
		{"a household moves", geo.Changes{Seq: 2, Households: []geo.Household{{ID: "h2", UnitCode: "990001001001002001", Members: 3, Point: orb.Point{120.016, 30.005}}}},
			map[string]int{"990001001001001": 1, "990001001001002": 2}},
		{"a household goes", geo.Changes{Seq: 3, DeletedHouseholds: []string{"h1"}},
			map[string]int{"990001001001001": 0, "990001001001002": 2}},
		{"a household comes", geo.Changes{Seq: 4, Households: []geo.Household{{ID: "h9", UnitCode: "990001001001001002", Members: 1, Point: orb.Point{120.004, 30.004}}}},
			map[string]int{"990001001001001": 1, "990001001001002": 2}},
	}
	for _, st := range steps {
		if err := svc.Apply(st.ch); err != nil {
			t.Fatal(err)
		}
		check(st.name, st.want)
	}
}
