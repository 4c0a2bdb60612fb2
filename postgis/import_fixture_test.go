package postgis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// The import tests build small hand-made files for made-up counties 9901xx placed in the
// desert near 80°E 40°N, far from the real counties other tests may load into the same
// database.

// box is a closed rectangular ring as GeoJSON coordinates.
func box(x0, y0, x1, y1 float64) [][]float64 {
	return [][]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// feature is a GeoJSON feature with the given geometry type and coordinates.
func feature(props map[string]any, typ string, coords any) map[string]any {
	return map[string]any{"type": "Feature", "properties": props,
		"geometry": map[string]any{"type": typ, "coordinates": coords}}
}

func unitFeature(code, name, level, parent string, ring [][]float64) map[string]any {
	props := map[string]any{"code": code, "name": name, "level": level}
	if parent != "" {
		props["parent_code"] = parent
	}
	return feature(props, "Polygon", [][][]float64{ring})
}

// collection is a FeatureCollection; crs, when not empty, is written as QGIS writes it.
func collection(crs string, features ...map[string]any) string {
	fc := map[string]any{"type": "FeatureCollection", "features": features}
	if crs != "" {
		fc["crs"] = map[string]any{"type": "name", "properties": map[string]any{"name": crs}}
	}
	b, err := json.Marshal(fc)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// fixture is one made-up county: a town with two villages, one village with a 15-digit grid
// directly under it, the other with a group and an 18-digit grid under the group.
type fixture struct {
	county, town, village1, village2, group, grid1, grid2, tenhh1, tenhh2 string
	x, y                                                                  float64 // south-west corner
	units, features, tenhh, people, households                            string
}

func newFixture(county string, x, y float64) fixture {
	f := fixture{county: county, x: x, y: y}
	f.town = county + "001"
	f.village1, f.village2 = f.town+"001", f.town+"002"
	f.grid1 = f.village1 + "001"
	f.group = f.village2 + "001"
	f.grid2 = f.group + "001"
	f.tenhh1, f.tenhh2 = f.grid1+"001", f.grid2+"001"
	// Children come before their parents: a file may list units in any order.
	f.units = collection("",
		unitFeature(f.grid2, "二组网格", "grid", f.group, f.box(0, 0.1, 0.1, 0.2)),
		unitFeature(f.grid1, "一村网格", "grid", f.village1, f.box(0, 0, 0.1, 0.1)),
		unitFeature(f.group, "二组", "group", f.village2, f.box(0, 0.1, 0.1, 0.2)),
		unitFeature(f.village1, "一村", "village", f.town, f.box(0, 0, 0.1, 0.1)),
		unitFeature(f.village2, "二村", "village", f.town, f.box(0, 0.1, 0.1, 0.2)),
		unitFeature(f.town, "试验镇", "town", county, f.box(0, 0, 0.1, 0.2)),
		withProps(unitFeature(county, "试验县", "county", "", f.box(0, 0, 0.2, 0.2)),
			map[string]any{"generated": true, "source": "test"}),
	)
	f.features = collection("",
		feature(map[string]any{"id": county + "-c1", "layer": "courtyard", "name": "院落", "households": 12},
			"Polygon", [][][]float64{f.box(0.01, 0.01, 0.02, 0.02)}),
		feature(map[string]any{"id": county + "-r1", "layer": "road", "name": "村道"},
			"LineString", [][]float64{{x + 0.005, y + 0.05}, {x + 0.15, y + 0.05}}),
	)
	f.tenhh = "code,grid_code,name\n" + f.tenhh1 + "," + f.grid1 + ",一联户\n" + f.tenhh2 + "," + f.grid2 + ",二联户\n"
	f.people = "id,name,phone,role,unit_code\n" +
		county + "-p1,张三,13800000001,county_secretary," + county + "\n" +
		county + "-p1,张三,13800000001,town_director," + f.town + "\n" +
		county + "-p2,李四,,grid_worker," + f.grid1 + "\n" +
		county + "-p3,王五,13800000003,unit_head," + f.tenhh1 + "\n" +
		county + "-p4,赵六,13800000004,group_head," + f.group + "\n"
	f.households = "id,unit_code,address,members,lon,lat\n" +
		fmt.Sprintf("%s-h1,%s,一村1号,3,%v,%v\n", county, f.tenhh1, x+0.05, y+0.05) +
		fmt.Sprintf("%s-h2,%s,二组2号,,%v,%v\n", county, f.tenhh2, x+0.05, y+0.15) +
		fmt.Sprintf("%s-h3,%s,一村网格边上,5,%v,%v\n", county, f.tenhh1, x+0.1, y+0.05) // on the grid's edge
	return f
}

func (f fixture) box(x0, y0, x1, y1 float64) [][]float64 {
	return box(f.x+x0, f.y+y0, f.x+x1, f.y+y1)
}

func withProps(feat map[string]any, extra map[string]any) map[string]any {
	props := feat["properties"].(map[string]any)
	for k, v := range extra {
		props[k] = v
	}
	return feat
}

// importKind imports content as a file of the kind named kind.
func importKind(db *postgis.DB, kind, content string) (postgis.ImportCounts, error) {
	return importWith(db, kind, content, nil)
}

// The fixture's county leaves room for a second town beside its one town (tests add it), so
// its files are loaded with gaps allowed; import_coverage_test.go tests the gap rule itself.
func importWith(db *postgis.DB, kind, content string, progress postgis.Progress) (postgis.ImportCounts, error) {
	k, ok := importfile.KindNamed(kind)
	if !ok {
		return postgis.ImportCounts{}, fmt.Errorf("no import kind %q", kind)
	}
	rep, err := db.ImportWith(context.Background(), k, k.File, strings.NewReader(content),
		postgis.ImportOptions{Progress: progress, AllowGaps: true})
	return rep.Counts, err
}

// load imports every file of the fixture in the order of importfile.Kinds, failing the
// test on any error.
func (f fixture) load(t *testing.T, db *postgis.DB) map[string]postgis.ImportCounts {
	t.Helper()
	files := map[importfile.Kind]string{importfile.Units: f.units, importfile.Features: f.features,
		importfile.TenHH: f.tenhh, importfile.People: f.people, importfile.Households: f.households}
	out := map[string]postgis.ImportCounts{}
	for _, k := range importfile.Kinds {
		content, ok := files[k]
		if !ok {
			continue
		}
		c, err := importKind(db, k.Name, content)
		if err != nil {
			t.Fatalf("import %s: %v", k.Name, err)
		}
		out[k.Name] = c
	}
	return out
}

var countedTables = []string{"units", "unit_history", "changes", "features", "feature_history",
	"tenhh_units", "households", "people", "responsibilities"}

// tableCounts returns the row count of every table an import writes.
func tableCounts(t *testing.T, db *postgis.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range countedTables {
		var n int
		if err := pgtest.Pool(t).QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for _, table := range countedTables {
		if before[table] != after[table] {
			t.Errorf("%s: %d rows before, %d after: something was stored", table, before[table], after[table])
		}
	}
}

// importError returns err as an ImportError, failing the test when it is not one.
func importError(t *testing.T, err error) *geo.ImportError {
	t.Helper()
	var ie *geo.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want an ImportError, got %T %v", err, err)
	}
	if geo.KindOf(err) != geo.Invalid {
		t.Errorf("kind %v, want Invalid", geo.KindOf(err))
	}
	return ie
}
