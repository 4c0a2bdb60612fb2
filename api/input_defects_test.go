package api_test

import (
	"strings"
	"testing"
)

// Inputs that used to be misread: hexadecimal floats, nulls read as 0, and bodies that are
// no batch at all answered 200.
func TestInputDefects(t *testing.T) {
	_, srv := sampleServer(t)
	for _, q := range []string{"lon=0x1.a4p6&lat=26.6", "lon=104.8&lat=0x1Ap0", "lon=1_04.8&lat=26.6", "lon=Inf&lat=26.6", "lon=NaN&lat=26.6"} {
		t.Run(q, func(t *testing.T) {
			a := call(t, "GET", srv.URL+"/v1/resolve?"+q, "", "")
			if a.status != 400 || !strings.Contains(a.body, "is not a number of degrees") {
				t.Errorf("%d %s", a.status, a.body)
			}
		})
	}
	batch := func(ct, body string) answer {
		t.Helper()
		return callCT(t, srv.URL+"/v1/resolve", ct, body)
	}
	for _, c := range []struct{ name, ct, body, want string }{
		{"null point", "application/json", `[[null,null],[104.8,26.6]]`, `"i":0`},
		{"null in a GeoJSON point", "application/geo+json", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[null,26.6]}}]}`, `"field":"geometry"`},
		{"null member", "application/json", `[{"lon":null,"lat":26.6}]`, `"field":"lon"`},
		{"hex in CSV", "text/csv", "lon,lat\n0x1.a4p6,26.6\n", `"status":400`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := batch(c.ct, c.body)
			first := strings.SplitN(a.body, "\n", 2)[0]
			if a.status != 200 || !strings.Contains(first, `"error"`) || !strings.Contains(first, c.want) || strings.Contains(first, `"chain"`) {
				t.Errorf("%d %s", a.status, a.body)
			}
		})
	}
	for _, c := range []struct{ name, ct, body string }{
		{"not an array", "application/json", `{"a":1}`},
		{"cut off before the first point", "application/json", `[[104.8,`},
		{"not JSON", "application/json", `lon,lat`},
		{"not a FeatureCollection", "application/geo+json", `[1,2]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if a := batch(c.ct, c.body); a.status != 400 || !strings.Contains(a.body, `"code":"invalid"`) {
				t.Errorf("%d %s", a.status, a.body)
			}
		})
	}
	// A body that breaks off after some points keeps its answers and ends with the error.
	if a := batch("application/json", `[[104.8,26.6],[104.9`); a.status != 200 || strings.Count(a.body, "\n") != 2 {
		t.Errorf("cut off after a point: %d %s", a.status, a.body)
	}
}

func callCT(t *testing.T, url, ct, body string) answer {
	t.Helper()
	req, err := newReq("POST", url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return doReq(t, req)
}
