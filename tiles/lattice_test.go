package tiles

import (
	"math"
	"testing"
)

// Vertices are rounded to the nearest point of the zoom's lattice: steps of 4 tile units to
// zoom 9, 2 at zooms 10 and 11, 1 from zoom 12.
func TestLatticeStepPerZoom(t *testing.T) {
	pts := []wpt{{0, 0}, {12345, 67890}, {1<<31 + 777, 1<<30 + 3}, {worldSize - 1, 99999999}, {2_000_000_001, 3_000_000_003}}
	for z := uint32(0); z <= 16; z++ {
		step := int64(4)
		switch {
		case z >= 12:
			step = 1
		case z >= 10:
			step = 2
		}
		f := newFrame(z, 0, 0, 0)
		for _, p := range pts {
			q := f.pt(p)
			for _, c := range []struct {
				got int64
				w   uint32
			}{{q.x, p.x}, {q.y, p.y}} {
				exact := float64(c.w) / math.Exp2(float64(20-z)) // world units to tile units of zoom z
				if c.got%step != 0 || math.Abs(float64(c.got)-exact) > float64(step)/2 {
					t.Errorf("zoom %d: %d becomes %d, want the nearest multiple of %d to %.2f", z, c.w, c.got, step, exact)
				}
			}
		}
	}
}
