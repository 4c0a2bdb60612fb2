package geo

import "math"

// GCJ-02 is the obfuscated datum of Chinese consumer maps and WeChat: WGS84 shifted by a
// published nonlinear offset of a few hundred metres. gridmap stores WGS84, so positions
// given in GCJ-02 are converted before lookup.

const (
	gcjA  = 6378245.0             // semi-major axis of the Krasovsky 1940 ellipsoid the offset uses
	gcjEE = 0.0066934216229659433 // its first eccentricity squared
)

// inMainland reports whether the offset applies: it is defined for mainland China's
// rectangle only; outside it GCJ-02 equals WGS84.
func inMainland(lon, lat float64) bool {
	return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

// WGS84ToGCJ02 applies the GCJ-02 offset to a WGS84 position.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if !inMainland(lon, lat) {
		return lon, lat
	}
	dLon, dLat := gcjOffset(lon, lat)
	return lon + dLon, lat + dLat
}

// GCJ02ToWGS84 inverts the offset by fixed-point iteration: the offset changes slowly with
// position, so each round shrinks the error by about three orders of magnitude; five
// rounds leave well under a millimetre.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if !inMainland(lon, lat) {
		return lon, lat
	}
	wLon, wLat := lon, lat
	for i := 0; i < 5; i++ {
		gLon, gLat := WGS84ToGCJ02(wLon, wLat)
		wLon -= gLon - lon
		wLat -= gLat - lat
	}
	return wLon, wLat
}

// gcjOffset is the offset in degrees at a WGS84 position.
func gcjOffset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105, lat-35
	dLat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLat += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dLat += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	dLat += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y*math.Pi/30)) * 2 / 3
	dLon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dLon += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dLon += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	dLon += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3

	rad := lat / 180 * math.Pi
	magic := 1 - gcjEE*math.Sin(rad)*math.Sin(rad)
	sq := math.Sqrt(magic)
	dLat = dLat * 180 / ((gcjA * (1 - gcjEE)) / (magic * sq) * math.Pi)
	dLon = dLon * 180 / (gcjA / sq * math.Cos(rad) * math.Pi)
	return dLon, dLat
}
