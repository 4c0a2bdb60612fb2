package ogr

import (
	"strings"
	"testing"
)

const infoNoCRS = `INFO: Open of ` + "`g.shp'" + `
      using driver ` + "`ESRI Shapefile'" + ` successful.

Layer name: g
Metadata:
  DBF_DATE_LAST_UPDATE=2026-12-01
Metadata (SHAPEFILE):
  SOURCE_ENCODING=
Geometry: Polygon
Feature Count: 3
Extent: (480061.956839, 2932244.505681) - (481060.500956, 2933352.467198)
Layer SRS WKT:
(unknown)
BM: String (80.0)
MC: String (80.0)
`

const infoCRS = `Layer name: grids
Geometry: Multi Polygon
Feature Count: 2268
Extent: (104.5, 26.1) - (105.2, 26.9)
Layer SRS WKT:
GEOGCRS["China Geodetic Coordinate System 2000",
    ID["EPSG",4490]]
Data axis to CRS axis mapping: 2,1
FID Column = fid
Geometry Column = geom
code: String (0.0)
name: String (0.0)
Metadata (SHAPEFILE):
  ENCODING_FROM_CPG=CP936
  SOURCE_ENCODING=CP936
`

func TestParseInfo(t *testing.T) {
	ls, err := parseInfo([]byte(infoNoCRS))
	if err != nil || len(ls) != 1 {
		t.Fatalf("%v %+v", err, ls)
	}
	l := ls[0]
	if l.Name != "g" || l.SRS != "" || l.Features != 3 || !l.HasExtent || l.Extent[0] != 480061.956839 || l.Extent[3] != 2933352.467198 ||
		strings.Join(l.Fields, ",") != "BM,MC" || l.EncodingFromCPG {
		t.Errorf("%+v", l)
	}
	ls, err = parseInfo([]byte(infoCRS))
	if err != nil || len(ls) != 1 {
		t.Fatalf("%v %+v", err, ls)
	}
	l = ls[0]
	if !strings.HasPrefix(l.SRS, "GEOGCRS") || strings.Join(l.Fields, ",") != "code,name" || !l.EncodingFromCPG || l.Encoding != "CP936" || l.Features != 2268 {
		t.Errorf("%+v", l)
	}
	if _, err := parseInfo([]byte("INFO: nothing\n")); err == nil {
		t.Error("no layer: no error")
	}
}

func TestProjectedHint(t *testing.T) {
	cases := []struct {
		name    string
		extent  [4]float64
		nearLon float64
		want    string
	}{
		{"3-degree zone prefix", [4]float64{35480061, 2932244, 35481060, 2933352}, 0, "EPSG:4523"},
		{"6-degree zone prefix", [4]float64{18480061, 2932244, 18481060, 2933352}, 0, "EPSG:4496"},
		{"no prefix, stored data at 104.8°E", [4]float64{480061, 2932244, 481060, 2933352}, 104.8, "EPSG:4544"},
		{"no prefix, stored data at 110.9°E", [4]float64{480061, 2932244, 481060, 2933352}, 110.9, "EPSG:4546"},
		{"no prefix, nothing stored", [4]float64{480061, 2932244, 481060, 2933352}, 0, "EPSG:4534"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := projectedHint(c.extent, c.nearLon); !strings.Contains(got, c.want) {
				t.Errorf("%s", got)
			}
		})
	}
	if !lonLat([4]float64{104, 26, 105, 27}) || lonLat([4]float64{480061, 2932244, 481060, 2933352}) {
		t.Error("lonLat")
	}
}

func TestParseMapAndRename(t *testing.T) {
	m, err := ParseMap("code=BM, name=MC")
	if err != nil || m["code"] != "BM" || m["name"] != "MC" {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range []string{"code", "=BM", "code=BM,code=XX"} {
		if _, err := ParseMap(bad); err == nil || !strings.Contains(err.Error(), "-map") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	l := Layer{Name: "g", Fields: []string{"BM", "MC", "AREA"}}
	sql, err := renameSQL(l, m)
	if err != nil || sql != `SELECT "BM" AS "code", "MC" AS "name", "AREA" FROM "g"` {
		t.Errorf("%s %v", sql, err)
	}
	if _, err := renameSQL(l, map[string]string{"code": "XX"}); err == nil || !strings.Contains(err.Error(), "BM, MC, AREA") {
		t.Errorf("unknown field: %v", err)
	}
	if _, err := renameSQL(l, map[string]string{`co"de`: "BM"}); err == nil {
		t.Error("a quote in a property name reached the SQL")
	}
}
