package wire

import (
	"bytes"
	"math"
	"testing"
)

// readAll drains a reader, as a batch does, and checks what every reader promises: it ends,
// and every point it reads without an error has finite coordinates.
func readAll(t *testing.T, r PointReader) {
	var p Point
	for n := 0; ; n++ {
		if n > 1<<20 {
			t.Fatal("the reader does not end")
		}
		p = Point{}
		if more, _ := r.Next(&p); !more {
			return
		}
		if p.Err == nil && (math.IsNaN(p.Lon) || math.IsInf(p.Lon, 0) || math.IsNaN(p.Lat) || math.IsInf(p.Lat, 0)) {
			t.Fatalf("point %d read as %v,%v without an error", n, p.Lon, p.Lat)
		}
	}
}

func FuzzCSVPoints(f *testing.F) {
	for _, s := range []string{"lon,lat\n104.8,26.6\n", "id,lat,lon\n\"a\"\"b\",26.6,104.8\r\n", "lon,lat\n0x1p2,1_0\n", "lon;lat\n1;2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { readAll(t, NewCSVPoints(bytes.NewReader(b))) })
}

func FuzzJSONPoints(f *testing.F) {
	for _, s := range []string{`[[104.8,26.6],{"lon":1,"lat":2,"id":"x"}]`, `[[null,null]]`, `[{"id":1e400}]`, `[[1,2`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { readAll(t, NewJSONPoints(bytes.NewReader(b))) })
}

func FuzzNDJSONPoints(f *testing.F) {
	for _, s := range []string{"[104.8,26.6]\n{\"lon\":1,\"lat\":2}\n", "\n\n[1]\n", "{\"lon\":\"1\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { readAll(t, NewNDJSONPoints(bytes.NewReader(b))) })
}

func FuzzGeoJSONPoints(f *testing.F) {
	for _, s := range []string{`{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[104.8,26.6]}}]}`, `{"features":[{"geometry":null}]}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { readAll(t, NewGeoJSONPoints(bytes.NewReader(b))) })
}

func FuzzIDs(f *testing.F) {
	for _, s := range []string{`["a","b"]`, "a\nb\r\n\"c\"\n", `["\u0000"]`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range []IDReader{NewJSONIDs(bytes.NewReader(b)), NewLineIDs(bytes.NewReader(b))} {
			for n := 0; ; n++ {
				if n > 1<<20 {
					t.Fatal("the reader does not end")
				}
				if _, more, _ := r.Next(); !more {
					break
				}
			}
		}
	})
}
