package tiles

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// shifted returns mp moved east by dx degrees.
func shifted(mp orb.MultiPolygon, dx float64) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i][0] += dx
			}
		}
	}
	return out
}

// tilesAround lists the tiles of zoom z within d tiles of the one holding p.
func tilesAround(p orb.Point, z uint32, d uint32) []maptile.Tile {
	c := tileAt(p, z)
	var out []maptile.Tile
	for x := c.X - d; x <= c.X+d; x++ {
		for y := c.Y - d; y <= c.Y+d; y++ {
			out = append(out, maptile.New(x, y, maptile.Zoom(z)))
		}
	}
	return out
}

func TestUpdateOneGrid(t *testing.T) {
	c, s := loadSample(t)
	grids := unitsOf(c, geo.Grid)
	g := grids[len(grids)/3]
	moved := shifted(g.Geom, 1.0/2048)
	up := Feature{Key: g.Code, Geom: moved, Props: map[string]any{"code": g.Code, "name": "改过的网格", "level": "grid"}}

	ns, touched, err := s.Update(string(geo.Grid), []Feature{up}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := unionBound(g.Geom.Bound(), moved.Bound()); touched != want {
		t.Errorf("touched %v, want the union of the old and new bounds %v", touched, want)
	}
	if ns.Len(string(geo.Grid)) != s.Len(string(geo.Grid)) {
		t.Errorf("grid count %d after replacing one, want %d", ns.Len(string(geo.Grid)), s.Len(string(geo.Grid)))
	}

	// The same data built from scratch: Update must give exactly what NewSet gives.
	data := Data(c.Units, c.Features, c.People, nil)
	for i, f := range data[string(geo.Grid)] {
		if f.Key == g.Code {
			data[string(geo.Grid)][i] = up
		}
	}
	fresh, err := NewSet("public", PublicLayers(), data)
	if err != nil {
		t.Fatal(err)
	}

	tb := boundToWorld(touched)
	changedOver := 0
	for _, z := range []uint32{10, 12, 14, 16} {
		for _, tile := range tilesAround(LabelPoint(g.Geom), z, 3) {
			z, x, y := uint32(tile.Z), tile.X, tile.Y
			before, _ := s.Render(z, x, y)
			after, _ := ns.Render(z, x, y)
			want, _ := fresh.Render(z, x, y)
			if !bytes.Equal(after, want) {
				t.Errorf("tile %v: the updated set renders %d bytes, a set built with the change %d", tile, len(after), len(want))
			}
			over := tileBox(z, x, y).intersects(tb)
			switch {
			case !over && !bytes.Equal(before, after):
				t.Errorf("tile %v is away from the change but renders differently", tile)
			case over && z >= 12 && !bytes.Equal(before, after):
				changedOver++
			}
		}
	}
	if changedOver == 0 {
		t.Errorf("no tile over the grid renders differently after the update")
	}
	// The tile under the grid holds the new name; the old set still the old one.
	tile := tileAt(LabelPoint(moved), 14)
	if got := gridName(t, ns, tile, g.Code); got != "改过的网格" {
		t.Errorf("updated set: grid %s is named %q", g.Code, got)
	}
	if got := gridName(t, s, tile, g.Code); got != g.Name {
		t.Errorf("the old set changed: grid %s is named %q, want %q", g.Code, got, g.Name)
	}
}

func gridName(t *testing.T, s *Set, tile maptile.Tile, code string) string {
	t.Helper()
	l := layerOf(decode(t, s, tile), string(geo.Grid))
	if l == nil {
		return ""
	}
	for _, f := range l.Features {
		if f.Properties["code"] == code {
			name, _ := f.Properties["name"].(string)
			return name
		}
	}
	return ""
}

func TestUpdateDeleteAndAdd(t *testing.T) {
	c, s := loadSample(t)
	grids := unitsOf(c, geo.Grid)
	g := grids[100]
	tile := tileAt(LabelPoint(g.Geom), 15)

	ns, touched, err := s.Update(string(geo.Grid), nil, []string{g.Code, "no-such-grid"})
	if err != nil {
		t.Fatal(err)
	}
	if touched != g.Geom.Bound() {
		t.Errorf("delete touched %v, want the grid's bound %v", touched, g.Geom.Bound())
	}
	if gridName(t, ns, tile, g.Code) != "" || ns.Len(string(geo.Grid)) != s.Len(string(geo.Grid))-1 {
		t.Errorf("deleted grid %s still drawn (or counted)", g.Code)
	}
	if gridName(t, s, tile, g.Code) != g.Name {
		t.Errorf("deleting from the new set removed the grid from the old one")
	}

	// Add it back under another key: it is drawn again.
	back := Feature{Key: "new-grid", Geom: g.Geom, Props: map[string]any{"code": "new-grid", "name": "新网格"}}
	nns, _, err := ns.Update(string(geo.Grid), []Feature{back}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gridName(t, nns, tile, "new-grid") != "新网格" {
		t.Errorf("added grid is not drawn")
	}

	// Nothing to do: an empty touched bound.
	if _, touched, err := s.Update(string(geo.Grid), nil, []string{"no-such-grid"}); err != nil || !touched.IsEmpty() {
		t.Errorf("no-op update: touched %v, err %v; want an empty bound", touched, err)
	}
}

// TestUpdateLabelZoom moves a label to a zoom no label started at before: it gets a tier of
// its own and appears from that zoom only.
func TestUpdateLabelZoom(t *testing.T) {
	c, s := loadSample(t)
	g := unitsOf(c, geo.Grid)[7]
	p := LabelPoint(g.Geom)
	ns, _, err := s.Update(LayerLabel, []Feature{{Key: g.Code, Geom: p, Props: map[string]any{"code": g.Code, "level": "grid"}, MinZoom: 15}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for z, want := range map[uint32]bool{14: false, 15: true, 16: true} {
		has := false
		if l := layerOf(decode(t, ns, tileAt(p, z)), LayerLabel); l != nil {
			for _, f := range l.Features {
				has = has || f.Properties["code"] == g.Code
			}
		}
		if has != want {
			t.Errorf("z%d: label drawn = %v, want %v", z, has, want)
		}
	}
}

func TestUpdateErrors(t *testing.T) {
	_, s := loadSample(t)
	sq := orb.Polygon{{{105, 26.5}, {105.01, 26.5}, {105.01, 26.51}, {105, 26.5}}}
	for _, tc := range []struct {
		name    string
		layer   string
		upserts []Feature
		deletes []string
	}{
		{"unknown layer", "nope", nil, nil},
		{"twice", string(geo.Grid), []Feature{{Key: "a", Geom: sq}, {Key: "a", Geom: sq}}, nil},
		{"upserted and deleted", string(geo.Grid), []Feature{{Key: "a", Geom: sq}}, []string{"a"}},
		{"line in a polygon layer", string(geo.Grid), []Feature{{Key: "a", Geom: orb.LineString{{105, 26.5}, {105.1, 26.5}}}}, nil},
		{"polygon in a point layer", LayerLabel, []Feature{{Key: "a", Geom: sq}}, nil},
		{"bad property", string(geo.Grid), []Feature{{Key: "a", Geom: sq, Props: map[string]any{"x": []int{1}}}}, nil},
		{"NaN", string(geo.Grid), []Feature{{Key: "a", Geom: orb.Polygon{{{105, 26.5}, {105.01, 26.5}, {105.01, math.NaN()}}}}}, nil},
		{"empty key", string(geo.Grid), []Feature{{Geom: sq}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := s.Update(tc.layer, tc.upserts, tc.deletes); err == nil {
				t.Errorf("no error")
			} else {
				t.Log(err)
			}
		})
	}
}

func TestNewSetErrors(t *testing.T) {
	sq := orb.Polygon{{{105, 26.5}, {105.01, 26.5}, {105.01, 26.51}, {105, 26.5}}}
	specs := []LayerSpec{{"a", Polygon, 0, 16}}
	for _, tc := range []struct {
		name  string
		specs []LayerSpec
		data  map[string][]Feature
	}{
		{"no layers", nil, nil},
		{"duplicate layer", []LayerSpec{{"a", Polygon, 0, 16}, {"a", Line, 0, 16}}, nil},
		{"bad zooms", []LayerSpec{{"a", Polygon, 10, 5}}, nil},
		{"zoom too deep", []LayerSpec{{"a", Polygon, 0, MaxZoom + 1}}, nil},
		{"bad kind", []LayerSpec{{"a", 0, 0, 16}}, nil},
		{"unknown layer in data", specs, map[string][]Feature{"b": {{Key: "x", Geom: sq}}}},
		{"duplicate key", specs, map[string][]Feature{"a": {{Key: "x", Geom: sq}, {Key: "x", Geom: sq}}}},
		{"lon/lat swapped", specs, map[string][]Feature{"a": {{Key: "x", Geom: orb.Point{26, 105}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSet("t", tc.specs, tc.data); err == nil {
				t.Errorf("no error")
			}
		})
	}
}

// TestUpdateSharesUntouchedData checks the copy-on-write: an update of one grid copies a
// few shards and buckets, not the layer.
func TestUpdateSharesUntouchedData(t *testing.T) {
	c, s := loadSample(t)
	g := unitsOf(c, geo.Grid)[42]
	ns, _, err := s.Update(string(geo.Grid), []Feature{{Key: g.Code, Geom: g.Geom}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.layers {
		if s.specs[i].Name != string(geo.Grid) && s.layers[i] != ns.layers[i] {
			t.Errorf("layer %s was copied", s.specs[i].Name)
		}
	}
	ol, nl := s.layer(string(geo.Grid)), ns.layer(string(geo.Grid))
	sharedShards := 0
	for i := range ol.byKey.shards {
		if fmt.Sprintf("%p", ol.byKey.shards[i]) == fmt.Sprintf("%p", nl.byKey.shards[i]) {
			sharedShards++
		}
	}
	if sharedShards < nShards-1 {
		t.Errorf("only %d of %d key shards are shared", sharedShards, nShards)
	}
}

// TestRenderWhileUpdating renders from a Set while other goroutines derive new Sets from it
// (run with -race): the Set's tiles never change.
func TestRenderWhileUpdating(t *testing.T) {
	c, s := loadSample(t)
	tiles := sampleTiles(c, geo.Grid, 14, 8, 5)
	want := make([][]byte, len(tiles))
	for i, tl := range tiles {
		want[i], _ = s.Render(uint32(tl.Z), tl.X, tl.Y)
	}
	grids := unitsOf(c, geo.Grid)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A chain of sets, each derived from the last, sharing buckets with s.
			cur := s
			for i := 0; i < 50; i++ {
				g := grids[(w*50+i)%len(grids)]
				next, _, err := cur.Update(string(geo.Grid), []Feature{{Key: g.Code, Geom: shifted(g.Geom, 1.0/4096)}}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				cur = next
				tl := tiles[i%len(tiles)]
				cur.Render(uint32(tl.Z), tl.X, tl.Y)
			}
		}()
	}
	for round := 0; round < 5; round++ {
		for i, tl := range tiles {
			got, _ := s.Render(uint32(tl.Z), tl.X, tl.Y)
			if !bytes.Equal(got, want[i]) {
				t.Fatalf("tile %v of the original set changed while it was being updated", tl)
			}
		}
	}
	wg.Wait()
}
