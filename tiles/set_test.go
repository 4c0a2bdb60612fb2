package tiles

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func square(x, y, d float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
}

func TestPropertyTypes(t *testing.T) {
	props := map[string]any{
		"s": "网格", "i": 42, "neg": -7, "i64": int64(1) << 40, "u8": uint8(3), "f": 2.5,
		"f32": float32(0.5), "t": true, "no": false,
	}
	s, err := NewSet("t", []LayerSpec{{"a", Point, 0, 16}}, map[string][]Feature{
		"a": {{Key: "k", Geom: orb.Point{104.85, 26.55}, Props: props}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ls := decode(t, s, tileAt(orb.Point{104.85, 26.55}, 10))
	got := firstFeature(t, ls, "a").Properties
	// orb's decoder gives every number as float64.
	want := map[string]any{"s": "网格", "i": 42.0, "neg": -7.0, "i64": math.Exp2(40), "u8": 3.0, "f": 2.5, "f32": 0.5, "t": true, "no": false}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("property %s = %v (%T), want %v", k, got[k], got[k], v)
		}
	}
	if s.Name() != "t" || s.MinZoom() != 0 || s.MaxZoom() != 16 || s.Len("a") != 1 || s.Len("b") != 0 {
		t.Errorf("Name %q MinZoom %d MaxZoom %d Len %d", s.Name(), s.MinZoom(), s.MaxZoom(), s.Len("a"))
	}
	if b := s.Bounds(); b.Min != (orb.Point{104.85, 26.55}) || b.Max != b.Min {
		t.Errorf("Bounds %v", b)
	}
}

// TestBigFeatures: a feature far larger than the others of its layer is kept out of the
// cell grid (it would fill too many cells), and still drawn, updated and deleted.
func TestBigFeatures(t *testing.T) {
	var fs []Feature
	for i := 0; i < 10000; i++ {
		fs = append(fs, Feature{Key: fmt.Sprint("small", i), Geom: square(104+float64(i%100)*0.01, 26+float64(i/100)*0.01, 0.001)})
	}
	fs = append(fs, Feature{Key: "big", Geom: square(100, 22, 8)})
	s, err := NewSet("t", []LayerSpec{{"a", Polygon, 0, 16}}, map[string][]Feature{"a": fs})
	if err != nil {
		t.Fatal(err)
	}
	tr := s.layer("a").tiers[0]
	if len(tr.big) != 1 || tr.big[0].key != "big" {
		t.Fatalf("big list %v", len(tr.big))
	}
	far := orb.Point{107.5, 29.5} // inside the big square only
	if l := layerOf(decode(t, s, tileAt(far, 12)), "a"); l == nil || len(l.Features) != 1 {
		t.Errorf("the big feature is not drawn")
	}
	ns, touched, err := s.Update("a", nil, []string{"big"})
	if err != nil || touched != square(100, 22, 8).Bound() {
		t.Fatalf("delete: %v, %v", touched, err)
	}
	if data, _ := ns.Render(12, tileAt(far, 12).X, tileAt(far, 12).Y); len(data) != 0 {
		t.Errorf("deleted big feature still drawn")
	}
	if len(s.layer("a").tiers[0].big) != 1 || len(ns.layer("a").tiers[0].big) != 0 {
		t.Errorf("big lists after delete: old %d new %d", len(s.layer("a").tiers[0].big), len(ns.layer("a").tiers[0].big))
	}
	back, _, err := ns.Update("a", []Feature{{Key: "big", Geom: square(100, 22, 8)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Render(12, tileAt(far, 12).X, tileAt(far, 12).Y)
	b, _ := back.Render(12, tileAt(far, 12).X, tileAt(far, 12).Y)
	if string(a) != string(b) {
		t.Errorf("re-added big feature renders differently")
	}
}

// TestLines: a road crossing a tile is cut at the buffer and drawn in pieces.
func TestLines(t *testing.T) {
	// A zigzag from the tile's centre that leaves it by the top and comes back.
	tl := tileAt(orb.Point{104.85, 26.55}, 14)
	b := tl.Bound()
	p := b.Center()
	w := b.Max[0] - b.Min[0]
	line := orb.LineString{{b.Min[0] - w, p[1]}, {p[0], p[1]}, {p[0], b.Max[1] + w}, {p[0] + w/4, b.Max[1] + w}, {p[0] + w/4, p[1]}, {b.Max[0] + w, p[1]}}
	s, err := NewSet("t", []LayerSpec{{"road", Line, 0, 16}}, map[string][]Feature{"road": {{Key: "r", Geom: line}}})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := s.Render(14, tl.X, tl.Y)
	if problems, _ := checkTile(data); len(problems) > 0 {
		t.Fatalf("invalid: %v", problems)
	}
	g := firstFeature(t, decode(t, s, tl), "road").Geometry
	mls, ok := g.(orb.MultiLineString)
	if !ok || len(mls) != 2 {
		t.Fatalf("road drawn as %T %v, want two pieces", g, g)
	}
	for _, l := range mls {
		for _, q := range l {
			if q[0] < -Buffer || q[0] > Extent+Buffer || q[1] < -Buffer || q[1] > Extent+Buffer {
				t.Errorf("point %v outside the buffer", q)
			}
		}
	}
}
