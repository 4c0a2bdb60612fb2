package gen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// parseRaster reads a picture, top row first: '.' is no region, a digit or letter a label.
func parseRaster(pic string) (w, h int, lab []int32, n int) {
	rows := strings.Fields(pic)
	h, w = len(rows), len(rows[0])
	lab = make([]int32, w*h)
	for r, row := range rows {
		for i, c := range row {
			v := int32(-1)
			switch {
			case c >= '0' && c <= '9':
				v = c - '0'
			case c >= 'a' && c <= 'z':
				v = c - 'a' + 10
			}
			lab[(h-1-r)*w+i] = v
			n = max(n, int(v)+1)
		}
	}
	return w, h, lab, n
}

// traceRegions traces the raster into arcs, simplifies them with tolerance tol (0 keeps the
// pixels' edges) and builds each label's rings.
func traceRegions(w, h int, lab []int32, n int, tol float64) [][][]pt {
	arcs := traceArcs(w, h, lab)
	pts := newSimplifier(arcs, tol, make([]int8, len(arcs)), 0).run()
	return regionRings(arcs, pts, n, func(l int32) int32 { return l })
}

// checkTraced checks the traced regions of a raster against its pixels: every ring is simple,
// every polygon's interior is its pixels (each pixel centre is in exactly one polygon of its
// own label and in none of the others'), each polygon's pixels are 4-connected (an OGC
// polygon's interior is connected), and the areas add up to the pixel counts.
func checkTraced(t *testing.T, name string, w, h int, lab []int32, n int) {
	t.Helper()
	l := lattice{p: 1, w: w, h: h}
	rings := traceRegions(w, h, lab, n, 0)
	for L := 0; L < n; L++ {
		mp := l.multiPolygon(rings[L])
		area, err := mpArea2(mp)
		if err != nil {
			t.Errorf("%s label %d: %v", name, L, err)
		}
		count := 0
		members := make([][]int, len(mp))
		for k, v := range lab {
			c := orb.Point{float64(k%w) + 0.5, float64(k/w) + 0.5}
			if v == int32(L) {
				count++
			}
			in := 0
			for m, p := range mp {
				if inPolygon(p, c) {
					in++
					members[m] = append(members[m], k)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[v == int32(L)]; in != want {
				t.Errorf("%s label %d: pixel %d,%d is in %d polygons, want %d", name, L, k%w, k/w, in, want)
			}
		}
		if area != int64(2*count)*fixScale*fixScale {
			t.Errorf("%s label %d: area2 %d, want %d pixels", name, L, area/fixScale/fixScale, 2*count)
		}
		for m, p := range mp {
			for _, r := range p {
				if err := checkRing(r, fixScale); err != nil {
					t.Errorf("%s label %d polygon %d: %v", name, L, m, err)
				}
			}
			if !connected4(members[m], w) {
				t.Errorf("%s label %d polygon %d: its pixels are not 4-connected", name, L, m)
			}
		}
	}
}

func connected4(px []int, w int) bool {
	if len(px) == 0 {
		return false
	}
	set := map[int]bool{}
	for _, k := range px {
		set[k] = true
	}
	stack, seen := []int{px[0]}, map[int]bool{px[0]: true}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, q := range []int{k - 1, k + 1, k - w, k + w} {
			if set[q] && !seen[q] && (q/w == k/w || q%w == k%w) {
				seen[q] = true
				stack = append(stack, q)
			}
		}
	}
	return len(seen) == len(px)
}

func TestTraceCases(t *testing.T) {
	cases := []struct {
		name      string
		pic       string
		polygons0 int // polygons of label 0
		holes0    int
	}{
		{"one pixel", "0", 1, 0},
		{"diagonal pair", "0. .0", 2, 0},
		{"anti-diagonal pair", ".0 0.", 2, 0},
		{"ring with hole", "000 0.0 000", 1, 1},
		{"holes touching at a corner", "0000 0.00 00.0 0000", 1, 2},
		{"region touching itself", ".000 0..0 0..0 0000", 1, 1},
		{"island in a hole", "00000 0...0 0.0.0 0...0 00000", 2, 1},
		{"ring in a hole", "0000000 0.....0 0.000.0 0.0.0.0 0.000.0 0.....0 0000000", 2, 2},
		{"checkerboard", "0.0. .0.0 0.0. .0.0", 8, 0},
		{"staircase", "0... 00.. .00. ..00", 1, 0},
		{"two labels", "0011 0101 1100", 2, 0},
	}
	for _, c := range cases {
		w, h, lab, n := parseRaster(c.pic)
		checkTraced(t, c.name, w, h, lab, n)
		l := lattice{p: 1, w: w, h: h}
		mp := l.multiPolygon(traceRegions(w, h, lab, n, 0)[0])
		holes := 0
		for _, p := range mp {
			holes += len(p) - 1
		}
		if len(mp) != c.polygons0 || holes != c.holes0 {
			t.Errorf("%s: %d polygons with %d holes, want %d with %d", c.name, len(mp), holes, c.polygons0, c.holes0)
		}
	}
}

// TestTraceRandom traces random rasters of a few labels, dense enough to have many diagonal
// contacts, holes and islands.
func TestTraceRandom(t *testing.T) {
	r := newRNG(7)
	for it := 0; it < 300; it++ {
		w, h, n := 3+r.intn(14), 3+r.intn(14), 1+r.intn(4)
		lab := make([]int32, w*h)
		for k := range lab {
			lab[k] = int32(r.intn(n+1)) - 1
		}
		checkTraced(t, fmt.Sprintf("random %d (%dx%d, %d labels)", it, w, h, n), w, h, lab, n)
		if t.Failed() {
			return
		}
	}
}

func TestSplitRing(t *testing.T) {
	// A figure eight through (1,1): two unit squares meeting at a corner.
	eight := []pt{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}, {0, 1}}
	got := splitRing(eight)
	if len(got) != 2 || len(got[0])+len(got[1]) != 8 {
		t.Fatalf("split into %v", got)
	}
	for _, r := range got {
		if area2(r) != 2 {
			t.Errorf("piece %v has area2 %d, want 2", r, area2(r))
		}
	}
}

// TestSimplifyRandom simplifies the arcs of random rasters and checks the result is still a
// partition: every ring simple, shells and holes the right way round, no point in two
// regions, and the regions' total area and points those of their union, built from the same
// arcs (the raster's edge is simplified too).
func TestSimplifyRandom(t *testing.T) {
	r := newRNG(11)
	for it := 0; it < 300; it++ {
		w, h, n := 4+r.intn(20), 4+r.intn(20), 1+r.intn(4)
		lab := make([]int32, w*h)
		for k := range lab {
			lab[k] = int32(r.intn(n+1)) - 1
		}
		// Blobs rather than noise: copy a neighbour's label most of the time.
		for k := range lab {
			if k > 0 && r.intn(4) > 0 {
				lab[k] = lab[k-1]
			}
			if k >= w && r.intn(3) == 0 {
				lab[k] = lab[k-w]
			}
		}
		name := fmt.Sprintf("random %d (%dx%d, %d labels)", it, w, h, n+1)
		all := make([]int32, len(lab)) // every label, -1 included as n, so the raster is covered
		for k, v := range lab {
			all[k] = v
			if v < 0 {
				all[k] = int32(n)
			}
		}
		arcs := traceArcs(w, h, all)
		pts := newSimplifier(arcs, 1.5, make([]int8, len(arcs)), 0).run()
		rings := regionRings(arcs, pts, n+1, func(l int32) int32 { return l })
		l := lattice{p: 1, w: w, h: h}
		union := l.multiPolygon(regionRings(arcs, pts, 1, func(int32) int32 { return 0 })[0])
		whole, err := mpArea2(union)
		if err != nil {
			t.Fatalf("%s: the union: %v", name, err)
		}
		var total int64
		mps := make([]orb.MultiPolygon, n+1)
		for L := range rings {
			mps[L] = l.multiPolygon(rings[L])
			for _, p := range mps[L] {
				for _, ring := range p {
					if err := checkRing(ring, fixScale); err != nil {
						t.Fatalf("%s label %d: %v", name, L, err)
					}
				}
			}
			a, err := mpArea2(mps[L])
			if err != nil {
				t.Fatalf("%s label %d: %v", name, L, err)
			}
			total += a
		}
		if total != whole {
			t.Fatalf("%s: regions' area2 %d, their union's %d", name, total/fixScale/fixScale, whole/fixScale/fixScale)
		}
		for y := 0; y < 4*h; y++ {
			for x := 0; x < 4*w; x++ {
				q := orb.Point{(float64(x) + 0.3183) / 4, (float64(y) + 0.2718) / 4}
				in, want := 0, 0
				for _, p := range union {
					if inPolygon(p, q) {
						want++
					}
				}
				for _, mp := range mps {
					in += polygonsContaining(mp, q)
				}
				if in != want {
					t.Fatalf("%s: point %v is in %d regions and %d times in their union", name, q, in, want)
				}
			}
		}
	}
}
