package geo

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// A lookup's coordinates: the field at fault and what its message says, the swapped hint
// only where the longitude would make a latitude.
func TestParseLonLat(t *testing.T) {
	cases := []struct {
		name, lon, lat string
		field, says    string // "" for a good point
		swapped        bool
	}{
		{"good", "105.0197", "26.9147", "", "", false},
		{"limits", "-180", "90", "", "", false},
		{"lon missing", "", "26.9", "lon", "missing: give lon as a decimal number of degrees (WGS84)", false},
		{"lat missing", "105", "", "lat", "missing: give lat as a decimal number of degrees (WGS84)", false},
		{"lon not a number", "abc", "26.9", "lon", `"abc" is not a number of degrees`, false},
		{"lon NaN", "NaN", "26.9", "lon", `"NaN" is not a number of degrees`, false},
		{"lat infinite", "105", "-Inf", "lat", `"-Inf" is not a number of degrees`, false},
		{"lat not a number next to a small lon", "26.5", "x", "lat", `"x" is not a number of degrees`, true},
		{"lon out of range", "181", "26.9", "lon", "181 is out of range: lon must be between -180 and 180", false},
		{"lat out of range", "105", "91", "lat", "91 is out of range: lat must be between -90 and 90", false},
		{"swapped", "26.5", "104.8", "lat", "104.8 is out of range: lat must be between -90 and 90", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lon, lat, err := ParseLonLat(tc.lon, tc.lat)
			if tc.field == "" {
				if err != nil || lon == 0 || lat == 0 {
					t.Fatalf("got %v %v %v", lon, lat, err)
				}
				return
			}
			checkFieldError(t, err, tc.field, tc.says, tc.swapped)
		})
	}
}

func checkFieldError(t *testing.T, err error, field, says string, swapped bool) {
	t.Helper()
	var ge *Error
	if !errors.As(err, &ge) {
		t.Fatalf("got %v, want an *Error", err)
	}
	want := says
	if swapped {
		want += swappedHint
	}
	if ge.Kind != Invalid || ge.Field != field || ge.Message != want {
		t.Fatalf("got %v %q %q, want Invalid %q %q", ge.Kind, ge.Field, ge.Message, field, want)
	}
}

// A batch's points come as numbers: NaN and infinities are out of range.
func TestCheckDegrees(t *testing.T) {
	cases := []struct {
		name     string
		lon, lat float64
		field    string
		says     string
		swapped  bool
	}{
		{"good", 105, 26, "", "", false},
		{"lon NaN", math.NaN(), 26, "lon", "NaN is out of range: lon must be between -180 and 180", false},
		{"lon infinite", math.Inf(1), 26, "lon", "+Inf is out of range: lon must be between -180 and 180", false},
		{"lat NaN next to a small lon", 26, math.NaN(), "lat", "NaN is out of range: lat must be between -90 and 90", true},
		{"lat out of range", 105, -90.5, "lat", "-90.5 is out of range: lat must be between -90 and 90", false},
		{"swapped", 26.5, 104.8, "lat", "104.8 is out of range: lat must be between -90 and 90", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDegrees(tc.lon, tc.lat)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkFieldError(t, err, tc.field, tc.says, tc.swapped)
		})
	}
}

// The import's check and the lookups' say "swapped" in the same words.
func TestSwappedWordsAreShared(t *testing.T) {
	imp := CheckLonLat([2]float64{26.5, 105.1})
	err := CheckDegrees(26.5, 105.1)
	if !strings.HasPrefix(imp, swappedWords) || err == nil || !strings.Contains(err.Error(), swappedWords) {
		t.Fatalf("import: %q; lookup: %v", imp, err)
	}
}

// Datum names in any case; known ones allocate nothing.
func TestParseCRS(t *testing.T) {
	wgs := []string{"", "wgs84", "WGS84", "cgcs2000", "CGCS2000", "epsg:4326", "EPSG:4490", "Epsg:4326"}
	gcj := []string{"gcj02", "GCJ02", "gcj-02", "Gcj-02"}
	bad := []string{"bd09", "wgs84x", "epsg:43260", "wgs 84", "\u212aa", "gcj\u017f02", "WGS84WGS84WGS84"}
	const lon, lat = 105.0197, 26.9147
	gLon, gLat := GCJ02ToWGS84(lon, lat)
	for _, name := range append(wgs, gcj...) {
		f, err := ParseCRS(name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		wantLon, wantLat := lon, lat
		if strings.Contains(strings.ToLower(name), "gcj") {
			wantLon, wantLat = gLon, gLat
		}
		if x, y := f(lon, lat); x != wantLon || y != wantLat {
			t.Fatalf("%q: converts to %v %v, want %v %v", name, x, y, wantLon, wantLat)
		}
		if allocs := testing.AllocsPerRun(10, func() { ParseCRS(name) }); allocs > 0 {
			t.Fatalf("%q: %v allocations", name, allocs)
		}
	}
	for _, name := range bad {
		_, err := ParseCRS(name)
		checkFieldError(t, err, "crs", `"`+name+`" is not wgs84 (default), cgcs2000 or gcj02`, false)
	}
}

// A good point is read without allocating.
func TestParseLonLatDoesNotAllocate(t *testing.T) {
	if allocs := testing.AllocsPerRun(10, func() { ParseLonLat("105.0197", "26.9147") }); allocs > 0 {
		t.Fatalf("%v allocations", allocs)
	}
}
