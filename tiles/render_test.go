package tiles

import (
	"fmt"
	"math"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
)

func TestGridTileHoldsTheGrid(t *testing.T) {
	c, s := loadSample(t)
	workers := Workers(c.People)
	grids := unitsOf(c, geo.Grid)
	for _, g := range []geo.Unit{grids[0], grids[len(grids)/2], grids[len(grids)-1]} {
		for _, z := range []uint32{12, 14, 16} {
			t.Run(fmt.Sprintf("%s/z%d", g.Code, z), func(t *testing.T) {
				tile := tileAt(LabelPoint(g.Geom), z)
				ls := decode(t, s, tile)
				gl := layerOf(ls, string(geo.Grid))
				if gl == nil {
					t.Fatalf("tile %v has no grid layer; layers %v", tile, names(ls))
				}
				if gl.Extent != Extent || gl.Version != 2 {
					t.Errorf("grid layer extent %d version %d, want %d and 2", gl.Extent, gl.Version, Extent)
				}
				var found bool
				for _, f := range gl.Features {
					if f.Properties["code"] != g.Code {
						continue
					}
					found = true
					want := map[string]any{"code": g.Code, "name": g.Name, "level": "grid", "grid_worker": workers[g.Code]}
					for k, v := range want {
						if f.Properties[k] != v {
							t.Errorf("property %s = %v, want %v", k, f.Properties[k], v)
						}
					}
					if len(f.Properties) != len(want) {
						t.Errorf("properties %v, want exactly %v", f.Properties, want)
					}
					// The grid's label point, in tile coordinates, is inside the drawn polygon.
					lp := toTile(LabelPoint(g.Geom), tile)
					if !contains(f.Geometry, lp) {
						t.Errorf("label point %v of grid %s is not inside its tile geometry", lp, g.Code)
					}
				}
				if !found {
					t.Errorf("grid %s is not in tile %v", g.Code, tile)
				}
			})
		}
	}
}

// toTile converts lon/lat to the tile coordinates of tile (y down), unrounded.
func toTile(p orb.Point, tile maptile.Tile) orb.Point {
	n := math.Exp2(float64(tile.Z))
	x := (p[0] + 180) / 360 * n
	s := math.Sin(p[1] * math.Pi / 180)
	y := (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n
	return orb.Point{(x - float64(tile.X)) * Extent, (y - float64(tile.Y)) * Extent}
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

func names(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

func TestLayersOnlyInTheirZooms(t *testing.T) {
	c, _ := loadSample(t)
	s := loadPrivate(t)
	// A household's point: every layer has features near it at some zoom.
	p := c.Households[len(c.Households)/2].Point
	spec := map[string]LayerSpec{}
	for _, l := range s.Layers() {
		spec[l.Name] = l
	}
	for z := uint32(0); z <= 18; z++ {
		ls := decode(t, s, tileAt(p, z))
		got := map[string]bool{}
		for _, l := range ls {
			got[l.Name] = true
			sp, ok := spec[l.Name]
			if !ok || int(z) < sp.MinZoom || int(z) > sp.MaxZoom {
				t.Errorf("z%d: layer %s is drawn outside its zooms %d-%d", z, l.Name, sp.MinZoom, sp.MaxZoom)
			}
			if len(l.Features) == 0 {
				t.Errorf("z%d: layer %s is written with no feature", z, l.Name)
			}
		}
		// The layers that cover the whole county are there whenever their zoom allows.
		for _, name := range []string{string(geo.County), string(geo.Town), string(geo.Village), string(geo.Grid)} {
			sp := spec[name]
			if in := int(z) >= sp.MinZoom && int(z) <= sp.MaxZoom; in != got[name] {
				t.Errorf("z%d: layer %s present = %v, want %v", z, name, got[name], in)
			}
		}
		if z >= 15 && z <= 16 && !got[LayerHousehold] {
			t.Errorf("z%d: no household layer over a household", z)
		}
		// Labels appear from their level's zoom.
		if l := layerOf(ls, LayerLabel); l != nil {
			for _, f := range l.Features {
				lv, _ := f.Properties["level"].(string)
				if int(z) < LabelZoom(geo.Level(lv)) {
					t.Errorf("z%d: label of %s (%s) drawn before zoom %d", z, f.Properties["code"], lv, LabelZoom(geo.Level(lv)))
				}
			}
		}
	}
}

func TestHouseholdProperties(t *testing.T) {
	c, _ := loadSample(t)
	s := loadPrivate(t)
	h := c.Households[123]
	ls := decode(t, s, tileAt(h.Point, 16))
	l := layerOf(ls, LayerHousehold)
	if l == nil {
		t.Fatalf("no household layer")
	}
	for _, f := range l.Features {
		if f.Properties["id"] == h.ID {
			if f.Properties["unit_code"] != h.UnitCode || f.Properties["members"] != float64(h.Members) {
				t.Errorf("household %s: properties %v, want unit_code %s members %d", h.ID, f.Properties, h.UnitCode, h.Members)
			}
			if _, ok := f.Geometry.(orb.Point); !ok {
				t.Errorf("household geometry is %T, want a Point", f.Geometry)
			}
			return
		}
	}
	t.Errorf("household %s not in its tile", h.ID)
}

func TestPublicTilesHaveNoHouseholds(t *testing.T) {
	c, s := loadSample(t)
	ls := decode(t, s, tileAt(c.Households[0].Point, 16))
	if layerOf(ls, LayerHousehold) != nil {
		t.Errorf("the public tileset draws households")
	}
}

func TestEmptyTiles(t *testing.T) {
	_, s := loadSample(t)
	for _, tile := range []maptile.Tile{
		tileAt(orb.Point{0, 0}, 10),
		tileAt(orb.Point{-70, 40}, 4),
		tileAt(orb.Point{120, 30}, 16), // China, but not the county
	} {
		data, err := s.Render(uint32(tile.Z), tile.X, tile.Y)
		if err != nil {
			t.Fatal(err)
		}
		if data == nil || len(data) != 0 {
			t.Errorf("tile %v far from the data: %d bytes (nil %v), want an empty non-nil slice", tile, len(data), data == nil)
		}
	}
	// The world tile holds the county.
	if data, _ := s.Render(0, 0, 0); len(data) == 0 {
		t.Errorf("tile 0/0/0 is empty")
	}
}

func TestRenderRejectsBadTiles(t *testing.T) {
	_, s := loadSample(t)
	for _, tc := range []struct{ z, x, y uint32 }{{MaxZoom + 1, 0, 0}, {3, 8, 0}, {3, 0, 8}, {0, 1, 0}} {
		if _, err := s.Render(tc.z, tc.x, tc.y); err == nil {
			t.Errorf("Render(%d, %d, %d) gave no error", tc.z, tc.x, tc.y)
		}
	}
}

// TestRenderIsDeterministic: the same tile twice, and from a Set built from the data in
// another order, gives the same bytes.
func TestRenderIsDeterministic(t *testing.T) {
	c, s := loadSample(t)
	data := Data(c.Units, c.Features, c.People, nil)
	for _, fs := range data {
		for i, j := 0, len(fs)-1; i < j; i, j = i+1, j-1 {
			fs[i], fs[j] = fs[j], fs[i]
		}
	}
	r, err := NewSet("public", PublicLayers(), data)
	if err != nil {
		t.Fatal(err)
	}
	for z := uint32(8); z <= 16; z += 2 {
		for _, tile := range sampleTiles(c, geo.Grid, z, 3, int64(z)) {
			a, _ := s.Render(uint32(tile.Z), tile.X, tile.Y)
			b, _ := s.Render(uint32(tile.Z), tile.X, tile.Y)
			d, _ := r.Render(uint32(tile.Z), tile.X, tile.Y)
			if string(a) != string(b) || string(a) != string(d) {
				t.Errorf("tile %v renders differently (%d, %d, %d bytes)", tile, len(a), len(b), len(d))
			}
		}
	}
}

// TestTileSizes renders every tile over the county up to zoom 12 and a sample above, and
// checks none is above MaxTileBytes (500 KB).
func TestTileSizes(t *testing.T) {
	c, s := loadSample(t)
	largest, where, n := 0, maptile.Tile{}, 0
	check := func(tile maptile.Tile) {
		data, err := s.Render(uint32(tile.Z), tile.X, tile.Y)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if len(data) > largest {
			largest, where = len(data), tile
		}
	}
	for z := uint32(0); z <= 12; z++ {
		for _, tile := range coverTiles(s.Bounds(), z) {
			check(tile)
		}
	}
	for z := uint32(13); z <= 16; z++ {
		for _, tile := range sampleTiles(c, geo.Grid, z, 40, int64(z)) {
			check(tile)
		}
	}
	t.Logf("%d tiles, largest %d bytes at %d/%d/%d", n, largest, where.Z, where.X, where.Y)
	if largest > MaxTileBytes {
		t.Errorf("tile %v is %d bytes, above %d", where, largest, MaxTileBytes)
	}
}
