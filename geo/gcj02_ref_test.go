package geo

import (
	"math"
	"testing"
)

// refWGS84ToGCJ02 is the published GCJ-02 offset written out a second way, from its
// definition rather than from gcj02.go: a series in x = lon-105, y = lat-35 that gives the
// shift in metres on the Krasovsky 1940 ellipsoid, divided by the radii of curvature there
// (meridional M for latitude, prime vertical N times cos(lat) for longitude).
func refWGS84ToGCJ02(lon, lat float64) (float64, float64) {
	const a, e2 = 6378245.0, 0.00669342162296594323
	x, y := lon-105, lat-35
	s := func(k float64) float64 { return math.Sin(k * math.Pi) }
	// The two series share their first harmonics of x; each has its own polynomial part.
	common := 20*s(6*x) + 20*s(2*x)
	north := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x)) +
		2.0/3*(common+20*s(y)+40*s(y/3)+160*s(y/12)+320*s(y/30))
	east := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x)) +
		2.0/3*(common+20*s(x)+40*s(x/3)+150*s(x/12)+300*s(x/30))

	phi := lat * math.Pi / 180
	w := 1 - e2*math.Sin(phi)*math.Sin(phi)
	m := a * (1 - e2) / math.Pow(w, 1.5) // metres per radian of latitude
	n := a / math.Sqrt(w)                // metres per radian of longitude, over cos(lat)
	return lon + east/(n*math.Cos(phi))*180/math.Pi, lat + north/m*180/math.Pi
}

// GCJ-02 forward and inverse against reference pairs spread over China, to half a metre: a
// sign flipped in any one term of the offset moves some of them by a metre or more (the
// smallest term, 0.1·sqrt|x| of the east shift, is 1 m at the far west and east).
func TestGCJ02ReferencePairs(t *testing.T) {
	type pair struct {
		name       string
		wLon, wLat float64
		gLon, gLat float64 // 0: computed by refWGS84ToGCJ02
	}
	cases := []pair{
		// Published pairs reproduced by the common implementations (coordtransform's README,
		// eviltransform's tests), given to the last digit.
		{name: "Beijing (coordtransform)", wLon: 116.404, wLat: 39.915, gLon: 116.41024449916938, gLat: 39.91640428150164},
		{name: "Beijing (eviltransform)", wLon: 116.377817, wLat: 39.911954, gLon: 116.38404722455657, gLat: 39.91334545536069},
		{name: "Shanghai (eviltransform)", wLon: 121.5272106, wLat: 31.1774276, gLon: 121.531541859215, gLat: 31.17530398364597},
		{name: "Shenzhen (eviltransform)", wLon: 113.912316, wLat: 22.543847, gLon: 113.9171764808363, gLat: 22.540796131694766},
		// The corners and middle of the country, from the definition.
		{name: "Kashgar", wLon: 75.99, wLat: 39.47},
		{name: "Urumqi", wLon: 87.62, wLat: 43.83},
		{name: "Lhasa", wLon: 91.13, wLat: 29.65},
		{name: "Xining", wLon: 101.78, wLat: 36.62},
		{name: "Kunming", wLon: 102.71, wLat: 25.04},
		{name: "Chengdu", wLon: 104.07, wLat: 30.67},
		{name: "Shuicheng", wLon: 104.85, wLat: 26.55},
		{name: "Hohhot", wLon: 111.75, wLat: 40.84},
		{name: "Sanya", wLon: 109.51, wLat: 18.25},
		{name: "Xiamen", wLon: 118.09, wLat: 24.48},
		{name: "Harbin", wLon: 126.63, wLat: 45.75},
		{name: "Mohe", wLon: 122.53, wLat: 52.97},
		{name: "Fuyuan", wLon: 134.29, wLat: 48.36},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.gLon == 0 {
				tc.gLon, tc.gLat = refWGS84ToGCJ02(tc.wLon, tc.wLat)
			} else if rLon, rLat := refWGS84ToGCJ02(tc.wLon, tc.wLat); metres(rLon, rLat, tc.gLon, tc.gLat) > 0.01 {
				t.Fatalf("the test's own formula is %.3f m from the published pair", metres(rLon, rLat, tc.gLon, tc.gLat))
			}
			gLon, gLat := WGS84ToGCJ02(tc.wLon, tc.wLat)
			if d := metres(gLon, gLat, tc.gLon, tc.gLat); d > 0.5 {
				t.Errorf("WGS84ToGCJ02(%v, %v) = %.8f, %.8f: %.2f m from %.8f, %.8f", tc.wLon, tc.wLat, gLon, gLat, d, tc.gLon, tc.gLat)
			}
			wLon, wLat := GCJ02ToWGS84(tc.gLon, tc.gLat)
			if d := metres(wLon, wLat, tc.wLon, tc.wLat); d > 0.5 {
				t.Errorf("GCJ02ToWGS84(%.8f, %.8f) = %.8f, %.8f: %.2f m from %v, %v", tc.gLon, tc.gLat, wLon, wLat, d, tc.wLon, tc.wLat)
			}
		})
	}
}
