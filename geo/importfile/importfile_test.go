package importfile

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

func problemText(ps []geo.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		e := &geo.ImportError{Item: "#", Problems: []geo.Problem{p}}
		b.WriteString(strings.SplitN(e.Format(0), "\n  ", 2)[1] + "\n")
	}
	return b.String()
}

const square = `[[[105,26],[105.1,26],[105.1,26.1],[105,26.1],[105,26]]]`

func TestReadUnits(t *testing.T) {
	in := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
	 {"type":"Feature","properties":{"code":520204,"name":"水城区","level":"county","generated":true,"households":181300},
	  "geometry":{"type":"Polygon","coordinates":` + square + `}},
	 {"type":"Feature","properties":{"code":520204101001007003,"name":"网格","level":"grid","parent_code":" 520204101001007 "},
	  "geometry":{"type":"MultiPolygon","coordinates":[[[[105,26,1200],[105.1,26,1200],[105.1,26.1,1200],[105,26.1,1200],[105,26,1200]]]]}}
	]}`
	rows, err := ReadUnits(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Problems) != 0 {
		t.Fatalf("problems:\n%s", problemText(rows.Problems))
	}
	if rows.Item != "feature" || len(rows.Items) != 2 || rows.Index[1] != 2 {
		t.Fatalf("rows %+v", rows)
	}
	c, g := rows.Items[0], rows.Items[1]
	if c.Code != "520204" || c.Name != "水城区" || c.Level != geo.County || len(c.Geom) != 1 {
		t.Errorf("county %+v", c)
	}
	if c.Attrs["generated"] != true || c.Attrs["households"] != json.Number("181300") || len(c.Attrs) != 2 {
		t.Errorf("county attrs %#v", c.Attrs)
	}
	// An 18-digit code written as a number keeps every digit (float64 would not).
	if g.Code != "520204101001007003" || g.ParentCode != "520204101001007" {
		t.Errorf("grid code %q parent %q", g.Code, g.ParentCode)
	}
	if g.Geom[0][0][1] != (orb.Point{105.1, 26}) {
		t.Errorf("height not dropped: %v", g.Geom[0][0][1])
	}
}

func TestReadUnitsProblems(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"other crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`,
			`crs: CRS "EPSG:3857" is not accepted`},
		{"linked crs", `{"type":"FeatureCollection","crs":{"type":"link","properties":{"href":"x"}},"features":[]}`,
			"crs: only a named crs is understood"},
		{"not a collection", `{"type":"Feature","properties":{},"geometry":null}`, `expected a FeatureCollection, got "Feature"`},
		{"syntax", "{\"type\":\n\"FeatureCollection\",,}", "not valid GeoJSON: line 2, column 21"},
		{"not a feature", `{"type":"FeatureCollection","features":[{"type":"Polygon"}]}`, `# 1: type: expected a Feature, got "Polygon"`},
		{"float code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":5.20204e5},"geometry":{"type":"Polygon","coordinates":` + square + `}}]}`,
			"# 1: code: 5.20204e5 is not a whole number"},
		{"list name", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204","name":["a"]},"geometry":{"type":"Polygon","coordinates":` + square + `}}]}`,
			"# 1 (520204): name: must be text, got a list"},
		{"collection geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204"},"geometry":{"type":"GeometryCollection","geometries":[]}}]}`,
			`# 1 (520204): geometry: GeometryCollection has no coordinates`},
		{"line for a unit", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204"},"geometry":{"type":"LineString","coordinates":[[105,26],[105.1,26]]}}]}`,
			"# 1 (520204): geometry: a unit's boundary is a Polygon or MultiPolygon, got a LineString"},
		{"one-number position", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204"},"geometry":{"type":"Polygon","coordinates":[[[105],[105,26]]]}}]}`,
			"# 1 (520204): geometry: a position needs two numbers"},
		{"text coordinates", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204"},"geometry":{"type":"Polygon","coordinates":[[["105","26"]]]}}]}`,
			"# 1 (520204): geometry: Polygon coordinates:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadUnits(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := problemText(rows.Problems); !strings.Contains(got, c.want) {
				t.Errorf("problems:\n%s\nwant %q", got, c.want)
			}
		})
	}
}

func TestAcceptedCRS(t *testing.T) {
	for _, name := range []string{"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326",
		"urn:ogc:def:crs:EPSG::4490", "EPSG:4490", "epsg:4490"} {
		raw, _ := json.Marshal(map[string]any{"type": "name", "properties": map[string]any{"name": name}})
		if m := checkCRS(raw); m != "" {
			t.Errorf("%s refused: %s", name, m)
		}
	}
	for _, name := range []string{"EPSG:3857", "EPSG:4549", "urn:ogc:def:crs:EPSG::32648"} {
		raw, _ := json.Marshal(map[string]any{"type": "name", "properties": map[string]any{"name": name}})
		if m := checkCRS(raw); !strings.Contains(m, name) {
			t.Errorf("%s: %q does not name it", name, m)
		}
	}
}

func TestReadFeatures(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"id":17,"layer":"road","name":"县道","lanes":2},"geometry":{"type":"LineString","coordinates":[[105,26],[105.1,26]]}},
	 {"type":"Feature","properties":{"id":"c1","layer":"courtyard","county_code":"520204"},"geometry":null}
	]}`
	rows, err := ReadFeatures(strings.NewReader(in))
	if err != nil || len(rows.Problems) != 0 || len(rows.Items) != 2 {
		t.Fatalf("%v %s %+v", err, problemText(rows.Problems), rows)
	}
	r, c := rows.Items[0], rows.Items[1]
	if r.ID != "17" || r.Layer != geo.Road || r.Name != "县道" || r.Attrs["lanes"] != json.Number("2") {
		t.Errorf("road %+v", r)
	}
	if _, ok := r.Geom.(orb.LineString); !ok {
		t.Errorf("road geometry %T", r.Geom)
	}
	if c.CountyCode != "520204" || c.Geom != nil {
		t.Errorf("courtyard %+v (a missing geometry is geo.CheckFeature's to report)", c)
	}
}

func TestReadCSV(t *testing.T) {
	// A BOM, columns in another order, an extra column, and a quoted newline that moves the
	// line numbers of the rows after it.
	in := "\ufeffLevel,code,name,parent_code,note\n" +
		"county,520204,水城区,,\n" +
		"town,520204101,\"多行\n名字\",520204,x\n" +
		"village,520204101001,村,520204101,\n"
	rows, err := ReadDivisions(strings.NewReader(in))
	if err != nil || len(rows.Problems) != 0 {
		t.Fatalf("%v\n%s", err, problemText(rows.Problems))
	}
	if len(rows.Items) != 3 || rows.Items[1].Name != "多行\n名字" || rows.Items[2].Level != geo.Village {
		t.Fatalf("items %+v", rows.Items)
	}
	if rows.Index[0] != 2 || rows.Index[1] != 3 || rows.Index[2] != 5 || rows.Item != "line" {
		t.Errorf("lines %v", rows.Index)
	}
}

func TestReadCSVProblems(t *testing.T) {
	cases := []struct {
		name string
		read func(string) []geo.Problem
		in   string
		want string
	}{
		{"missing columns", households, "id,unit_code,address\n", "# 1: missing column members, lon, lat"},
		{"empty file", households, "", "the file is empty"},
		{"short row", households, "id,unit_code,address,members,lon,lat\nh1,u,a,1,105\n", "# 2: has 5 fields, the header has 6"},
		{"not a number", households, "id,unit_code,address,members,lon,lat\nh1,u,a,1,105.1,north\n", `# 2 (h1): lat: "north" is not a number`},
		{"members", households, "id,unit_code,address,members,lon,lat\nh1,u,a,three,105.1,26\n", `# 2 (h1): members: "three" is not a whole number`},
		{"stray quote", tenhh, "code,grid_code,name\na,b,c\nd,e,\"f\n", "# 3: not valid CSV"},
		{"people header", people, "id,name,role,unit_code\n", "missing column phone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := problemText(c.read(c.in)); !strings.Contains(got, c.want) {
				t.Errorf("problems:\n%s\nwant %q", got, c.want)
			}
		})
	}
}

func TestReadHouseholdsDefaults(t *testing.T) {
	rows, _ := ReadHouseholds(strings.NewReader("lat,lon,id,unit_code,address,members\n26.5,105.1,h1,u1,某路1号,\n"))
	if len(rows.Items) != 1 {
		t.Fatalf("%s", problemText(rows.Problems))
	}
	h := rows.Items[0]
	if h.Members != 1 || h.Point != (orb.Point{105.1, 26.5}) || h.Address != "某路1号" {
		t.Errorf("household %+v", h)
	}
}

func households(s string) []geo.Problem {
	r, _ := ReadHouseholds(strings.NewReader(s))
	return r.Problems
}

func tenhh(s string) []geo.Problem {
	r, _ := ReadTenHH(strings.NewReader(s))
	return r.Problems
}

func people(s string) []geo.Problem {
	r, _ := ReadPeople(strings.NewReader(s))
	return r.Problems
}

func TestKindNamed(t *testing.T) {
	for _, k := range Kinds {
		got, ok := KindNamed(k.Name)
		if !ok || got != k {
			t.Errorf("KindNamed(%q) = %v, %v", k.Name, got, ok)
		}
	}
	if k, ok := KindNamed("dir"); ok {
		t.Errorf("KindNamed(dir) = %v: dir is the command for a whole directory", k)
	}
}
