package tiles

import (
	"context"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// A reference feature whose layer changes in an edit leaves its old layer: the tile over it
// shows it once, in the new layer.
func TestServiceMovesAFeatureBetweenLayers(t *testing.T) {
	square := func(x0, y0, d float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}}
	}
	county := geo.Unit{Code: "990001", Level: geo.County, Name: "测试县", Geom: orb.MultiPolygon{square(120, 30, 0.1)}}
	f := geo.Feature{ID: "f1", Layer: geo.Courtyard, Name: "院落", Geom: square(120.05, 30.05, 0.001)}
	svc, err := NewService(geo.State{Seq: 1, Units: []geo.Unit{county}, Features: []geo.Feature{f}}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(orb.Point{120.0505, 30.0505}, 15)
	layersWith := func() map[string]bool {
		t.Helper()
		e, err := svc.Tile(context.Background(), Public, uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := mvt.Unmarshal(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, l := range ls {
			for _, ft := range l.Features {
				if ft.Properties["id"] == "f1" {
					in[l.Name] = true
				}
			}
		}
		return in
	}
	if in := layersWith(); !in[string(geo.Courtyard)] || len(in) != 1 {
		t.Fatalf("before the edit, f1 is in %v", in)
	}
	f.Layer = geo.Valley
	if err := svc.Apply(geo.Changes{Seq: 2, Features: []geo.Feature{f}}); err != nil {
		t.Fatal(err)
	}
	if in := layersWith(); !in[string(geo.Valley)] || len(in) != 1 {
		t.Errorf("after moving it to valley, f1 is in %v", in)
	}
	if err := svc.Apply(geo.Changes{Seq: 3, DeletedFeatures: []string{"f1"}}); err != nil {
		t.Fatal(err)
	}
	if in := layersWith(); len(in) != 0 {
		t.Errorf("after deleting it, f1 is in %v", in)
	}
}
