package tiles

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// The sample's edges are all horizontal or vertical, where direction and slope cannot
// matter; these tests use diagonal edges.

// cut of a diagonal segment gives the same point whichever end it starts from (two
// neighbours traverse their shared edge in opposite directions), on the clip line and
// within half a unit of the exact crossing.
func TestCutIgnoresDirection(t *testing.T) {
	type seg struct {
		name     string
		a, b     ipt
		c        int64
		vertical bool
	}
	cases := []seg{
		// The exact crossing is at a half unit: rounding from either end differs by one.
		{"tie on the west line", ipt{-100, 100}, ipt{-28, 109}, clipLo, true},
		{"tie on the east line", ipt{4100, 0}, ipt{4220, 9}, clipHi, true},
		{"tie on the north line", ipt{100, -100}, ipt{109, -28}, clipLo, false},
		{"tie on the south line", ipt{0, 4100}, ipt{-9, 4220}, clipHi, false},
		{"steep", ipt{-70, -3000}, ipt{-50, 3001}, clipLo, true},
		{"shallow", ipt{-3000, 7}, ipt{3001, -12}, clipLo, false},
	}
	rng := rand.New(rand.NewSource(1))
	for range 2000 {
		a := ipt{rng.Int63n(8000) - 4000, rng.Int63n(8000) - 4000}
		b := ipt{rng.Int63n(8000) - 4000, rng.Int63n(8000) - 4000}
		c := []int64{clipLo, clipHi}[rng.Intn(2)]
		vertical := rng.Intn(2) == 0
		lo, hi := min(a.x, b.x), max(a.x, b.x)
		if !vertical {
			lo, hi = min(a.y, b.y), max(a.y, b.y)
		}
		if a.x == b.x || a.y == b.y || c <= lo || c >= hi {
			continue // not a diagonal crossing c
		}
		cases = append(cases, seg{"random", a, b, c, vertical})
	}
	bad := 0
	for _, tc := range cases {
		ab, ba := cut(tc.a, tc.b, tc.c, tc.vertical), cut(tc.b, tc.a, tc.c, tc.vertical)
		// The exact crossing, from a's side.
		var exact float64
		got, on := ab.y, ab.x
		if tc.vertical {
			exact = float64(tc.a.y) + float64(tc.c-tc.a.x)*float64(tc.b.y-tc.a.y)/float64(tc.b.x-tc.a.x)
		} else {
			exact = float64(tc.a.x) + float64(tc.c-tc.a.y)*float64(tc.b.x-tc.a.x)/float64(tc.b.y-tc.a.y)
			got, on = ab.x, ab.y
		}
		switch {
		case ab != ba:
			t.Errorf("%s: cut(%v, %v) = %v but cut(%v, %v) = %v", tc.name, tc.a, tc.b, ab, tc.b, tc.a, ba)
		case on != tc.c || math.Abs(float64(got)-exact) > 0.5+1e-9:
			t.Errorf("%s: cut(%v, %v) at %d = %v, exact crossing %.3f", tc.name, tc.a, tc.b, tc.c, ab, exact)
		default:
			continue
		}
		if bad++; bad > 10 {
			t.Fatalf("and more")
		}
	}
}

// Two triangles sharing a diagonal edge that crosses the clip box's west side, each ring
// traversing it the other way: clipped, both get the same new vertex on the border.
func TestClipRingSharedDiagonalEdge(t *testing.T) {
	a, b := ipt{-100, 100}, ipt{-28, 109} // crosses x = -64 at y = 104.5 exactly
	rings := [][]ipt{
		{a, b, {-28, 300}},
		{b, a, {-28, 0}},
	}
	var onEdge []ipt
	for i, r := range rings {
		out, _ := clipRing(slices.Clone(r), nil)
		var found []ipt
		for _, p := range out {
			if p.x == clipLo && p.y > 100 && p.y < 109 {
				found = append(found, p)
			}
		}
		if len(found) != 1 {
			t.Fatalf("ring %d clipped to %v: %d points where the shared edge meets the border", i, out, len(found))
		}
		onEdge = append(onEdge, found[0])
	}
	if onEdge[0] != onEdge[1] {
		t.Errorf("the shared edge is cut at %v in one ring and %v in the other: a sliver between neighbours", onEdge[0], onEdge[1])
	}
}

// cleanRing drops points exactly on a diagonal between their neighbours (wherever the ring
// starts) and keeps every real corner of a shape made of diagonals.
func TestCleanRingDiagonals(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []ipt
		want []ipt // nil: the ring collapses
	}{
		{"collinear point on a diagonal", []ipt{{0, 0}, {10, 10}, {20, 20}, {20, 0}}, []ipt{{0, 0}, {20, 20}, {20, 0}}},
		{"several on a shallow diagonal", []ipt{{0, 0}, {3, 1}, {6, 2}, {9, 3}, {9, 10}}, []ipt{{0, 0}, {9, 3}, {9, 10}}},
		{"collinear point where the ring starts", []ipt{{10, 10}, {20, 20}, {20, 0}, {0, 0}}, []ipt{{20, 20}, {20, 0}, {0, 0}}},
		{"collinear point where the ring closes", []ipt{{0, 0}, {20, 0}, {20, 20}, {10, 10}}, []ipt{{0, 0}, {20, 0}, {20, 20}}},
		{"diagonal spike", []ipt{{0, 0}, {20, 0}, {20, 20}, {30, 30}, {20, 20}, {0, 20}}, []ipt{{0, 0}, {20, 0}, {20, 20}, {0, 20}}},
		{"diamond keeps its corners", []ipt{{10, 0}, {20, 10}, {10, 20}, {0, 10}}, []ipt{{10, 0}, {20, 10}, {10, 20}, {0, 10}}},
		{"kite keeps its corners", []ipt{{0, 0}, {4, 2}, {0, 8}, {-4, 2}}, []ipt{{0, 0}, {4, 2}, {0, 8}, {-4, 2}}},
		{"flat on a diagonal", []ipt{{0, 0}, {10, 10}, {20, 20}, {10, 10}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cleanRing(slices.Clone(tc.in))
			if !slices.Equal(got, tc.want) {
				t.Errorf("cleanRing(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// cleanLine drops points strictly between their neighbours on a diagonal, and keeps turns,
// including a turn back along the line.
func TestCleanLineDiagonals(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []ipt
		want []ipt
	}{
		{"straight run", []ipt{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {3, 0}}, []ipt{{0, 0}, {3, 3}, {3, 0}}},
		{"shallow run", []ipt{{0, 0}, {5, 2}, {10, 4}}, []ipt{{0, 0}, {10, 4}}},
		{"turn back", []ipt{{0, 0}, {2, 2}, {1, 1}}, []ipt{{0, 0}, {2, 2}, {1, 1}}},
		{"sharp turn", []ipt{{0, 0}, {1, 2}, {-1, 6}}, []ipt{{0, 0}, {1, 2}, {-1, 6}}},
		{"right-angle turn", []ipt{{0, 0}, {2, 2}, {4, 0}}, []ipt{{0, 0}, {2, 2}, {4, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cleanLine(slices.Clone(tc.in))
			if !slices.Equal(got, tc.want) {
				t.Errorf("cleanLine(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
