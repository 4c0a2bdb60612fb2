package geo

import (
	"math"
	"strconv"
	"testing"
)

// A query's coordinates are read only when written in decimal and inside the world; what is
// read is what strconv reads from the same text.
func FuzzParseLonLat(f *testing.F) {
	for _, s := range [][2]string{{"104.8", "26.6"}, {"26.6", "104.8"}, {"0x1p2", "1"}, {"1e400", "0"}, {"-0", "+1.5e1"}, {"NaN", "Inf"}, {"", "1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, lonText, latText string) {
		lon, lat, err := ParseLonLat(lonText, latText)
		if err != nil {
			if KindOf(err) != Invalid {
				t.Fatalf("an error of kind %v", KindOf(err))
			}
			return
		}
		if !IsDecimal(lonText) || !IsDecimal(latText) {
			t.Fatalf("read %q,%q, which are not decimal", lonText, latText)
		}
		if math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Fatalf("read %v,%v outside the world", lon, lat)
		}
		if want, _ := strconv.ParseFloat(lonText, 64); want != lon {
			t.Fatalf("lon %q read as %v", lonText, lon)
		}
	})
}
