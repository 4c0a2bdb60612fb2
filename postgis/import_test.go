package postgis_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestImportRoundTrip(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	f := newFixture("990101", 80.0, 40.0)
	counts := f.load(t, db)

	want := map[string]postgis.ImportCounts{
		"units":      {Rows: 7, Inserted: 7},
		"features":   {Rows: 2, Inserted: 2},
		"tenhh":      {Rows: 2, Inserted: 2},
		"people":     {Rows: 5, Inserted: 4},
		"households": {Rows: 3, Inserted: 3},
	}
	for kind, w := range want {
		if counts[kind] != w {
			t.Errorf("%s: counts %+v, want %+v", kind, counts[kind], w)
		}
	}

	// Units read back as written: the geometry compared with the file's by ST_Equals.
	var fc struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(f.units), &fc); err != nil {
		t.Fatal(err)
	}
	for _, ft := range fc.Features {
		code := ft.Properties["code"].(string)
		var name, level string
		var parent, parentLevel *string
		var attrs map[string]any
		var equal bool
		var srid int
		var gtype string
		err := pgtest.Pool(t).QueryRow(ctx, `
			SELECT name, level, parent_code, parent_level, attrs,
			       ST_Equals(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), ST_SRID(geom), GeometryType(geom)
			FROM units WHERE code = $1`, code, string(ft.Geometry)).
			Scan(&name, &level, &parent, &parentLevel, &attrs, &equal, &srid, &gtype)
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		if name != ft.Properties["name"] || level != ft.Properties["level"] {
			t.Errorf("unit %s: name %q level %q, want %q %q", code, name, level, ft.Properties["name"], ft.Properties["level"])
		}
		wantParent, _ := ft.Properties["parent_code"].(string)
		if (parent == nil) != (wantParent == "") || (parent != nil && *parent != wantParent) {
			t.Errorf("unit %s: parent %v, want %q", code, parent, wantParent)
		}
		if parent != nil && *parentLevel != string(geo.ParentLevel(geo.Level(level), len(code))) {
			t.Errorf("unit %s: parent_level %s", code, *parentLevel)
		}
		if !equal || srid != 4326 || gtype != "MULTIPOLYGON" {
			t.Errorf("unit %s: geometry equal=%v srid=%d type=%s", code, equal, srid, gtype)
		}
		if code == f.county && (attrs["generated"] != true || attrs["source"] != "test" || len(attrs) != 2) {
			t.Errorf("county attrs %v, want generated and source", attrs)
		} else if code != f.county && len(attrs) != 0 {
			t.Errorf("unit %s: attrs %v, want none", code, attrs)
		}
	}

	// Features: the county was found from the geometry, extra properties kept.
	var county, layer string
	var attrs map[string]any
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT county_code, layer, attrs FROM features WHERE id = $1`, f.county+"-c1").
		Scan(&county, &layer, &attrs); err != nil {
		t.Fatal(err)
	}
	if county != f.county || layer != "courtyard" || attrs["households"] != float64(12) {
		t.Errorf("feature: county %s layer %s attrs %v", county, layer, attrs)
	}

	// People: two roles of one person, a unit head on a ten-household unit.
	var roles string
	if err := pgtest.Pool(t).QueryRow(ctx, `
		SELECT string_agg(person_id || ' ' || role || ' ' || coalesce(unit_code, 'tenhh:' || tenhh_code), '; ' ORDER BY person_id, role)
		FROM responsibilities WHERE person_id LIKE '990101-%'`).Scan(&roles); err != nil {
		t.Fatal(err)
	}
	wantRoles := "990101-p1 county_secretary 990101; 990101-p1 town_director 990101001; " +
		"990101-p2 grid_worker 990101001001001; 990101-p3 unit_head tenhh:990101001001001001; " +
		"990101-p4 group_head 990101001002001"
	if roles != wantRoles {
		t.Errorf("responsibilities:\n got %s\nwant %s", roles, wantRoles)
	}

	// Households: the point and the unit as given, members defaulting to 1.
	var unit string
	var members int
	var x, y float64
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT unit_code, members, ST_X(geom), ST_Y(geom) FROM households WHERE id = $1`,
		f.county+"-h2").Scan(&unit, &members, &x, &y); err != nil {
		t.Fatal(err)
	}
	if unit != f.tenhh2 || members != 1 || x != 80.05 || y != 40.15 {
		t.Errorf("household h2: %s %d %v,%v", unit, members, x, y)
	}

	// Importing the same files again changes nothing: no versions, no change log rows.
	before := tableCounts(t, db)
	again := f.load(t, db)
	for kind, c := range again {
		if c.Inserted != 0 || c.Updated != 0 || c.Unchanged == 0 {
			t.Errorf("re-import %s: %+v, want all unchanged", kind, c)
		}
	}
	sameCounts(t, before, tableCounts(t, db))
}

func TestImportUpdatesKeepHistoryAndDivisionsKeepGeometry(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	f := newFixture("990104", 80.5, 40.0)
	f.load(t, db)

	// A divisions file renaming the town updates the name only: boundary and attributes stay.
	divisions := "code,name,level,parent_code\n" +
		"990104,试验县,county,\n" +
		"990104001,改名镇,town,990104\n" +
		"990104002,新镇,town,990104\n"
	c, err := importKind(db, "divisions", divisions)
	if err != nil {
		t.Fatal(err)
	}
	if c != (postgis.ImportCounts{Rows: 3, Inserted: 1, Updated: 1, Unchanged: 1}) {
		t.Errorf("divisions counts %+v", c)
	}
	var name string
	var version int
	var hasGeom bool
	var attrs map[string]any
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT name, version, geom IS NOT NULL FROM units WHERE code = '990104001'`).
		Scan(&name, &version, &hasGeom); err != nil {
		t.Fatal(err)
	}
	if name != "改名镇" || version != 2 || !hasGeom {
		t.Errorf("town after divisions: %s v%d geom=%v", name, version, hasGeom)
	}
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT attrs, geom IS NOT NULL FROM units WHERE code = '990104'`).Scan(&attrs, &hasGeom); err != nil {
		t.Fatal(err)
	}
	if attrs["generated"] != true || !hasGeom {
		t.Errorf("county after divisions: attrs %v geom=%v", attrs, hasGeom)
	}

	// Changing one boundary makes one new version and one change log row.
	var changesBefore int
	pgtest.Pool(t).QueryRow(ctx, `SELECT count(*) FROM changes WHERE key LIKE '990104%'`).Scan(&changesBefore)
	moved := strings.Replace(f.units, `"试验镇"`, `"试验镇2"`, 1)
	if c, err = importKind(db, "units", moved); err != nil {
		t.Fatal(err)
	}
	if c.Updated != 1 || c.Unchanged != 6 {
		t.Errorf("units counts %+v, want 1 updated (the town), 6 unchanged", c)
	}
	var changesAfter, history int
	pgtest.Pool(t).QueryRow(ctx, `SELECT count(*) FROM changes WHERE key LIKE '990104%'`).Scan(&changesAfter)
	pgtest.Pool(t).QueryRow(ctx, `SELECT count(*) FROM unit_history WHERE code = '990104001'`).Scan(&history)
	if changesAfter != changesBefore+1 || history != 2 {
		t.Errorf("after the rename: %d new changes, %d history rows; want 1 and 2", changesAfter-changesBefore, history)
	}

	// Replacing a person's roles drops the old ones.
	people := "id,name,phone,role,unit_code\n990104-p1,张三,13800000001,county_secretary,990104\n"
	if c, err = importKind(db, "people", people); err != nil {
		t.Fatal(err)
	}
	if c.Updated != 1 {
		t.Errorf("people counts %+v, want the person updated", c)
	}
	var n int
	pgtest.Pool(t).QueryRow(ctx, `SELECT count(*) FROM responsibilities WHERE person_id = '990104-p1'`).Scan(&n)
	if n != 1 {
		t.Errorf("990104-p1 has %d responsibilities, want 1", n)
	}
}

func TestImportCRSAccepted(t *testing.T) {
	db := pgtest.DB(t)
	f := newFixture("990105", 81.0, 40.0)
	for _, crs := range []string{"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4490", "EPSG:4326"} {
		units := strings.Replace(f.units, `{"features"`, `{"crs":{"type":"name","properties":{"name":"`+crs+`"}},"features"`, 1)
		if !strings.Contains(units, crs) {
			t.Fatal("crs not inserted")
		}
		if _, err := importKind(db, "units", units); err != nil {
			t.Errorf("%s refused: %v", crs, err)
		}
	}
	var srid int
	pgtest.Pool(t).QueryRow(context.Background(), `SELECT ST_SRID(geom) FROM units WHERE code = '990105'`).Scan(&srid)
	if srid != 4326 {
		t.Errorf("SRID %d, want 4326", srid)
	}
}

func TestImportUnavailable(t *testing.T) {
	pgtest.DB(t) // skips without a test database, like the others
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db := postgis.OverPool(pool)
	_, err = db.Import(context.Background(), importfile.TenHH, "tenhh.csv", strings.NewReader("code,grid_code,name\n990106001001001001,990106001001001,x\n"), nil)
	if geo.KindOf(err) != geo.Unavailable {
		t.Fatalf("kind %v (%v), want Unavailable", geo.KindOf(err), err)
	}
	// What a client would read names no host, port, user or database.
	for _, leak := range []string{"127.0.0.1", ":1", "nobody", "none", "dial"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("the message shows %q: %v", leak, err)
		}
	}
	// Reads say the same.
	if _, err := db.HouseholdChain(context.Background(), "x"); geo.KindOf(err) != geo.Unavailable || strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("household lookup with the database away: %v", err)
	}
}

// TestImportToleratesSlivers checks the tolerance of the sticking-out check: a boundary
// that overshoots its parent by a sliver of under 50 m² is accepted, a larger one refused.
func TestImportToleratesSlivers(t *testing.T) {
	db := pgtest.DB(t)
	f := newFixture("990106", 81.5, 40.0)
	f.load(t, db)
	// At 40°N a degree of longitude is about 85 km; the town is 0.2° (22 km) tall.
	town := func(overshoot float64) string {
		return collection("", unitFeature("990106002", "边镇", "town", "990106", f.box(0.1, 0, 0.2+overshoot, 0.2)))
	}
	_, err := importKind(db, "units", town(1e-7)) // about 190 m²
	ie := importError(t, err)
	if msg := ie.Error(); !strings.Contains(msg, "sticks out of its parent 990106 by 1") || !strings.Contains(msg, " m² (near 81.7") {
		t.Errorf("overshoot of 1e-7°: %s", msg)
	}
	if _, err := importKind(db, "units", town(2e-8)); err != nil { // about 38 m²
		t.Errorf("overshoot of 2e-8° refused: %v", err)
	}
}
