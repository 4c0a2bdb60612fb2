package tiles

import (
	"testing"

	"github.com/paulmach/orb"
)

// A hole whose exterior is not drawn in a tile (here an invalid polygon, its exterior far
// away) is not drawn either: MVT has no hole without its exterior.
func TestHoleWithoutItsExteriorIsNotDrawn(t *testing.T) {
	tl := tileAt(orb.Point{104.85, 26.55}, 14)
	b := tl.Bound()
	w := b.Max[0] - b.Min[0]
	far := square(b.Min[0]-20*w, b.Min[1], w)[0]
	hole := square(b.Min[0]+w/4, b.Min[1]+w/4, w/8)[0]
	for i, j := 0, len(hole)-1; i < j; i, j = i+1, j-1 {
		hole[i], hole[j] = hole[j], hole[i]
	}
	s, err := NewSet("t", []LayerSpec{{"a", Polygon, 0, 16}}, map[string][]Feature{"a": {{Key: "f", Geom: orb.Polygon{far, hole}}}})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := s.Render(14, tl.X, tl.Y); err != nil || len(data) != 0 {
		t.Fatalf("a lone hole is drawn: %d bytes, %v", len(data), err)
	}
}

// A line that leaves the buffered tile and comes back along itself is drawn as two pieces
// that meet at the border, like any line that leaves and comes back.
func TestLineBackFromTheBorderIsTwoPieces(t *testing.T) {
	tl := tileAt(orb.Point{104.85, 26.55}, 14)
	b := tl.Bound()
	p := b.Center()
	w := b.Max[0] - b.Min[0]
	line := orb.LineString{{p[0], p[1]}, {b.Max[0] + w, p[1]}, {p[0] + w/4, p[1]}}
	s, err := NewSet("t", []LayerSpec{{"road", Line, 0, 16}}, map[string][]Feature{"road": {{Key: "r", Geom: line}}})
	if err != nil {
		t.Fatal(err)
	}
	g := firstFeature(t, decode(t, s, tl), "road").Geometry
	if mls, ok := g.(orb.MultiLineString); !ok || len(mls) != 2 {
		t.Fatalf("road drawn as %T %v, want two pieces", g, g)
	}
}

// Points on the edge of the buffered tile are drawn; one unit beyond it, not.
func TestPointsOnTheBufferEdge(t *testing.T) {
	tl := tileAt(orb.Point{104.85, 26.55}, 12)
	const unit = 1 << (32 - 12 - 12) // world units per tile unit at zoom 12
	wy := int64(tl.Y)<<20 + Extent/2*unit
	for _, tc := range []struct {
		name  string
		tx    int64 // in tile units
		drawn bool
	}{
		{"on the east edge", Extent + Buffer, true},
		{"beyond the east edge", Extent + Buffer + 1, false},
		{"on the west edge", -Buffer, true},
		{"beyond the west edge", -Buffer - 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pt := worldToLonLat(int64(tl.X)<<20+tc.tx*unit, wy)
			s, err := NewSet("t", []LayerSpec{{"p", Point, 0, 16}}, map[string][]Feature{"p": {{Key: "k", Geom: pt}}})
			if err != nil {
				t.Fatal(err)
			}
			l := layerOf(decode(t, s, tl), "p")
			if drawn := l != nil && len(l.Features) == 1; drawn != tc.drawn {
				t.Fatalf("drawn %v, want %v", drawn, tc.drawn)
			}
		})
	}
}
