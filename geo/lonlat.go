package geo

import (
	"math"
	"strconv"
	"strings"
)

// The checks of a point given to a lookup (GET /v1/resolve, a batch's points) live here, so
// that every road words a bad coordinate the same way. Each is free of allocation when the
// point is good: the single lookup answers a million requests a second on that promise.

// swappedWords is how gridmap says that a point came as lat,lon: the import's checks
// (CheckLonLat) and the lookups' (CheckDegrees, ParseLonLat) both use it.
const swappedWords = "coordinates look swapped (lat,lon)"

// swappedHint ends the message of a lookup's latitude that is out of range while the
// longitude could be a latitude.
const swappedHint = "; " + swappedWords + ": lon comes first (lon is east-west, about 73..136 in China)"

// Finite reports whether v is a number: neither NaN nor infinite.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// degreeLimit is how far from zero a coordinate of the named axis may be.
func degreeLimit(name string) float64 {
	if name == "lat" {
		return 90
	}
	return 180
}

// outOfDegrees reports whether v is not a coordinate of the named axis: NaN, or further
// from zero than the axis goes.
func outOfDegrees(v float64, name string) bool {
	return math.IsNaN(v) || math.Abs(v) > degreeLimit(name)
}

// checkDegree returns an Invalid error naming the field when v is out of degrees, and nil
// otherwise.
func checkDegree(v float64, name string) *Error {
	if outOfDegrees(v, name) {
		limit := degreeLimit(name)
		return FieldError(name, "%v is out of range: %s must be between %v and %v", v, name, -limit, limit)
	}
	return nil
}

// withSwappedHint points out, on the error of a bad latitude, that the point looks given as
// lat,lon when its longitude would make a latitude.
func withSwappedHint(err *Error, lon float64) *Error {
	if math.Abs(lon) <= 90 {
		err.Message += swappedHint
	}
	return err
}

// CheckDegrees checks a point to look up: lon within ±180, lat within ±90. It returns nil,
// or an Invalid error naming the field out of range (NaN is out of range; a latitude out of
// range next to a longitude that would make one says the point looks swapped).
func CheckDegrees(lon, lat float64) error {
	if err := checkDegree(lon, "lon"); err != nil {
		return err
	}
	if err := checkDegree(lat, "lat"); err != nil {
		return withSwappedHint(err, lon)
	}
	return nil
}

// ParseLonLat reads the lon and lat of a lookup given as text (query parameters). It returns
// an Invalid error naming the parameter that is missing, not a number of degrees (NaN and
// infinities are not) or out of range, and pointing out coordinates that look swapped.
func ParseLonLat(lonText, latText string) (lon, lat float64, err error) {
	lon, e := parseDegree(lonText, "lon")
	if e != nil {
		return 0, 0, e
	}
	lat, e = parseDegree(latText, "lat")
	if e != nil {
		if latText != "" {
			e = withSwappedHint(e, lon)
		}
		return 0, 0, e
	}
	return lon, lat, nil
}

func parseDegree(s, name string) (float64, *Error) {
	if s == "" {
		return 0, FieldError(name, "missing: give %s as a decimal number of degrees (WGS84)", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !Finite(v) || !IsDecimal(s) {
		return 0, FieldError(name, "%q is not a number of degrees", s)
	}
	if e := checkDegree(v, name); e != nil {
		return 0, e
	}
	return v, nil
}

// ToWGS84 converts a point of some datum to WGS84.
type ToWGS84 func(lon, lat float64) (float64, float64)

func sameDatum(lon, lat float64) (float64, float64) { return lon, lat }

// ParseCRS reads the name of the datum of a lookup's points, in any case: wgs84 (also ""
// and cgcs2000, treated as equal, and their EPSG codes) or gcj02 (gcj-02), the offset datum
// of Chinese consumer maps and WeChat, converted to WGS84 before the lookup. It returns an
// Invalid error about the field crs for any other name. A known name allocates nothing.
func ParseCRS(name string) (ToWGS84, error) {
	var buf [len("epsg:4326")]byte
	switch string(lowerCRS(&buf, name)) {
	case "", "wgs84", "cgcs2000", "epsg:4326", "epsg:4490":
		return sameDatum, nil
	case "gcj02", "gcj-02":
		return GCJ02ToWGS84, nil
	}
	return nil, FieldError("crs", "%q is not wgs84 (default), cgcs2000 or gcj02", name)
}

// lowerCRS is strings.ToLower(s) for the names ParseCRS knows: an ASCII name no longer than
// the longest known one is lowered into buf (no allocation); a longer ASCII one, which
// names nothing, comes back as it is, and anything else follows strings.ToLower's Unicode
// rules.
func lowerCRS(buf *[len("epsg:4326")]byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return []byte(strings.ToLower(s))
		}
		if i >= len(buf) {
			return []byte(s)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(s)]
}

// IsDecimal reports whether s is written as a plain decimal number (digits, a point, an
// exponent), which is what the API documents: strconv also reads hexadecimal floats and
// underscores, which no client means to send.
func IsDecimal(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// GaussKrugerEPSG reports whether code is one of CGCS2000's Gauss–Krüger projections:
// 6-degree zones EPSG:4491–4512, 3-degree zones EPSG:4513–4554 (with and without the zone
// number before the easting).
func GaussKrugerEPSG(code int) bool { return code >= 4491 && code <= 4554 }

// ParseGaussKruger reads crs=EPSG:45xx (any case): the EPSG code of a Gauss–Krüger zone, and
// whether the name is one. Other names are left to ParseCRS. Code is set for any EPSG:NNNN.
func ParseGaussKruger(name string) (code int, ok bool) {
	if len(name) != len("EPSG:4544") || !strings.EqualFold(name[:5], "EPSG:") {
		return 0, false
	}
	for _, c := range name[5:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		code = code*10 + int(c-'0')
	}
	return code, GaussKrugerEPSG(code)
}

// CheckNorthing refuses a Gauss–Krüger point whose northing (y) lies outside China's
// latitudes (15°N–54°N is 1,660 km to 5,990 km from the equator), and says when x and y
// look swapped: the easting is under 1,000 km, or starts with a zone number (13–45).
func CheckNorthing(x, y float64) error {
	const south, north = 1.66e6, 5.99e6
	if y >= south && y <= north {
		return nil
	}
	if x >= south && x <= north {
		return FieldError("y", "%.3f is no northing in China; x and y look swapped: x is the easting, y the northing", y)
	}
	return FieldError("y", "%.3f is no northing in China (between %.0f and %.0f metres)", y, south, north)
}
