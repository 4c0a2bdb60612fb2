package geo

import (
	"math"
	"math/rand"
	"testing"
)

// metres between two nearby lon/lat points (equirectangular is plenty at this scale)
func metres(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371000.0
	x := (lon2 - lon1) * math.Pi / 180 * math.Cos((lat1+lat2)/2*math.Pi/180)
	y := (lat2 - lat1) * math.Pi / 180
	return r * math.Hypot(x, y)
}

func TestGCJ02OffsetAndRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 10000; i++ {
		lon, lat := 74+rng.Float64()*60, 18+rng.Float64()*35
		gLon, gLat := WGS84ToGCJ02(lon, lat)
		// the offset in mainland China is tens to several hundred metres, never zero
		if d := metres(lon, lat, gLon, gLat); d < 10 || d > 1500 {
			t.Fatalf("offset at %v,%v is %.1f m", lon, lat, d)
		}
		wLon, wLat := GCJ02ToWGS84(gLon, gLat)
		if d := metres(lon, lat, wLon, wLat); d > 0.01 {
			t.Fatalf("round trip of %v,%v is off by %.4f m", lon, lat, d)
		}
	}
	// A published reference: Tiananmen at WGS84 116.391,39.907 shows on GCJ-02 maps about
	// 0.00624° east and 0.00140° north of it.
	if gLon, gLat := WGS84ToGCJ02(116.391, 39.907); math.Abs(gLon-116.391-0.00624) > 0.0001 || math.Abs(gLat-39.907-0.00140) > 0.0001 {
		t.Fatalf("Tiananmen offset is %v,%v", gLon-116.391, gLat-39.907)
	}
	// Outside mainland China, GCJ-02 is WGS84.
	if lon, lat := GCJ02ToWGS84(2.35, 48.85); lon != 2.35 || lat != 48.85 {
		t.Fatalf("Paris moved to %v,%v", lon, lat)
	}
}
