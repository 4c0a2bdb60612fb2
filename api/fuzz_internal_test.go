package api

import (
	"testing"

	"github.com/gridmap/gridmap/geo"
)

// A tile path's numbers are read only inside the tile grid of their zoom.
func FuzzParseZXY(f *testing.F) {
	for _, s := range [][3]string{{"3", "1", "1"}, {"25", "0", "0"}, {"0", "0", "0"}, {"16", "65535", "65536"}, {"-1", "0", "0"}, {"1e1", "0x1", "01"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, zs, xs, ys string) {
		z, x, y, err := parseZXY(zs, xs, ys)
		if err != nil {
			if geo.KindOf(err) != geo.Invalid {
				t.Fatalf("an error of kind %v", geo.KindOf(err))
			}
			return
		}
		if z > 24 || uint64(x) >= 1<<z || uint64(y) >= 1<<z {
			t.Fatalf("%s/%s/%s read as %d/%d/%d", zs, xs, ys, z, x, y)
		}
	})
}
