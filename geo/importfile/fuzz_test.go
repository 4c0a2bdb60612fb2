package importfile

import (
	"bytes"
	"testing"
)

// Import files from outside: any bytes give rows or an error, never a panic.
func FuzzReadUnits(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204","level":"county","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[104,26],[105,26],[105,27],[104,26]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"geometry":{"type":"MultiPolygon","coordinates":[[[[1,2]]]]}}]}`,
		`{"crs":{"properties":{"name":"EPSG:3857"}}}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadUnits(bytes.NewReader(b))
		ReadFeatures(bytes.NewReader(b))
	})
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"code,level,name,parent_code\n520204,county,水城区,\n",
		"id,unit_code,address,members,lon,lat\nh1,520204001001001001,x,3,104.8,26.6\n",
		"id,name,phone,role,unit_code\np1,张三,1,grid_worker,520204001001001\n",
		"\"unterminated\n", "\xff\xfe,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadDivisions(bytes.NewReader(b))
		ReadTenHH(bytes.NewReader(b))
		ReadPeople(bytes.NewReader(b))
		ReadHouseholds(bytes.NewReader(b))
	})
}
