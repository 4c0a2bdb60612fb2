package importfile

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"
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

// TestReadersRefuseTextThatIsNotUTF8 checks that each reader names where text is not UTF-8
// and whether it reads as GBK, keeps that row or feature out of Items, and never puts a
// replacement character in a message.
func TestReadersRefuseTextThatIsNotUTF8(t *testing.T) {
	enc := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1 := "caf\xe9" // a Western single-byte encoding: not GBK either
	unit := func(name string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204","name":"` + name +
			`","level":"county"},"geometry":{"type":"Polygon","coordinates":[[[105,26],[105.1,26],[105.1,26.1],[105,26]]]}}]}`
	}
	divisions := func(s string) ([]geo.Problem, int, error) {
		rows, err := ReadDivisions(strings.NewReader(s))
		return rows.Problems, len(rows.Items), err
	}
	units := func(s string) ([]geo.Problem, int, error) {
		rows, err := ReadUnits(strings.NewReader(s))
		return rows.Problems, len(rows.Items), err
	}
	cases := []struct {
		name  string
		read  func(string) ([]geo.Problem, int, error)
		input string
		items int
		want  []string
	}{
		{"CSV field in GBK", divisions, "code,name,level,parent_code\n520204,水城区,county,\n520204103," + enc("鸡场镇") + ",town,520204\n", 1,
			[]string{`3 |  | name | is not UTF-8 text; it looks like GBK/GB18030 (it reads "鸡场镇")`}},
		{"CSV header in GBK", divisions, enc("编码") + ",name,level,parent_code\n520204,水城区,county,\n", 0,
			[]string{`1 |  | column 1 | is not UTF-8 text; it looks like GBK/GB18030 (it reads "编码")`}},
		{"CSV field neither UTF-8 nor GBK", divisions, "code,name,level,parent_code\n520204," + latin1 + ",county,\n", 0,
			[]string{"2 |  | name | is not UTF-8 text: save the file as UTF-8"}},
		{"GeoJSON property in GBK", units, unit(enc("水城区")), 0,
			[]string{`1 | 520204 | name | is not UTF-8 text; it looks like GBK/GB18030 (it reads "水城区")`}},
		{"GeoJSON outside the features", units, `{"type":"FeatureCollection","name":"` + enc("水城区") + `","features":[]}`, 0,
			[]string{`0 |  |  | the file has text outside its features that is not UTF-8 text; it looks like GBK/GB18030 (it reads "水城区")`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps, items, err := tc.read(tc.input)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, fmt.Sprintf("%d | %s | %s | %s", p.Index, p.Key, p.Field, p.Message))
				if strings.ContainsRune(p.Message, '\uFFFD') {
					t.Errorf("message carries a replacement character: %q", p.Message)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %q, want it to start %q", got[i], w)
				}
			}
			if items != tc.items {
				t.Errorf("%d items read, want %d", items, tc.items)
			}
		})
	}
}

// TestCSVStopsAfterManyLinesNotUTF8 checks that a GBK file says so for its first lines
// and stops, instead of a problem for each of its lines.
func TestCSVStopsAfterManyLinesNotUTF8(t *testing.T) {
	var b strings.Builder
	b.WriteString("code,name,level,parent_code\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "520204%03d,\xbc\xa6\xb3\xa1\xd5\xf2,town,520204\n", i) // 鸡场镇 in GBK
	}
	rows, err := ReadDivisions(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rows.Problems); n != maxEncodingProblems+1 || !strings.Contains(rows.Problems[n-1].Message, "reading stopped here") {
		t.Fatalf("%d problems, the last %q; want %d and a stop", n, rows.Problems[n-1].Message, maxEncodingProblems+1)
	}
}

// TestDecode checks the encodings Decode takes and refuses.
func TestDecode(t *testing.T) {
	gbkText := "\xbc\xa6\xb3\xa1\xd5\xf2" // 鸡场镇
	cases := []struct {
		name, encoding, in, want, err string
	}{
		{"utf-8 unchanged", "utf-8", "鸡场镇", "鸡场镇", ""},
		{"default unchanged", "", gbkText, gbkText, ""},
		{"gb18030 converted", "gb18030", "a," + gbkText, "a,鸡场镇", ""},
		{"gbk is gb18030", "GBK", gbkText, "鸡场镇", ""},
		{"ASCII either way", "gb18030", "code,name", "code,name", ""},
		{"UTF-8 not garbled", "gb18030", "code,鸡场镇", "", "UTF-8 already"},
		{"unknown encoding", "big5", "x", "", `unknown encoding "big5"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Decode(strings.NewReader(tc.in), tc.encoding)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
