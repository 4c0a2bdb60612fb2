package tiles

import "testing"

// World coordinates are rounded to the nearest unit and clamped to the square.
func TestWorldCoordinatesRoundToNearest(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want uint32
	}{
		{0.4, 0}, {0.5, 1}, {2.49, 2}, {2.5, 3}, {-3, 0}, {worldSize + 5, worldSize - 1},
	} {
		if got := toU32(tc.v); got != tc.want {
			t.Errorf("toU32(%v) = %d, want %d", tc.v, got, tc.want)
		}
	}
	// 1.5e-7° east of Greenwich is 1.79 world units east of the middle.
	if got := lonToWorld(1.5e-7); got != 1<<31+2 {
		t.Errorf("lonToWorld(1.5e-7) = %d, want %d", got, uint32(1<<31+2))
	}
}
