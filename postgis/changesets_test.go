package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
)

// The change-set tests each seed their own made-up county 9905NN near 81°E 41°N: a town,
// a village 0.02° square, and two grids, its west and east halves.
type village struct {
	county, town, code, grid1, grid2 string
	x, y                             float64
}

func seedVillage(t *testing.T, county string, x, y float64) village {
	t.Helper()
	v := village{county: county, town: county + "001", x: x, y: y}
	v.code = v.town + "001"
	v.grid1, v.grid2 = v.code+"001", v.code+"002"
	pool := pgtest.Pool(t)
	const ins = `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), ST_Multi(ST_MakeEnvelope($6, $7, $8, $9, 4326)))`
	rows := []struct {
		code, level, parent, parentLevel string
		x0, x1                           float64
	}{
		{v.county, "county", "", "", x, x + 0.02},
		{v.town, "town", v.county, "county", x, x + 0.02},
		{v.code, "village", v.town, "town", x, x + 0.02},
		{v.grid1, "grid", v.code, "village", x, x + 0.01},
		{v.grid2, "grid", v.code, "village", x + 0.01, x + 0.02},
	}
	for _, r := range rows {
		if _, err := pool.Exec(context.Background(), ins, r.code, r.level, "试验"+r.level, r.parent, r.parentLevel,
			r.x0, y, r.x1, y+0.02); err != nil {
			t.Fatalf("seeding %s: %v", r.code, err)
		}
	}
	return v
}

// kindOf fails the test unless err is a *geo.Error of kind k, and returns it.
func wantKind(t *testing.T, err error, k geo.Kind) *geo.Error {
	t.Helper()
	var ge *geo.Error
	if !errors.As(err, &ge) || ge.Kind != k {
		t.Fatalf("error %v (%T), want kind %d", err, err, k)
	}
	return ge
}

func unitsByCode(t *testing.T, db *postgis.DB, id int64) map[string]geo.EditedUnit {
	t.Helper()
	us, err := db.ChangeSetUnits(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]geo.EditedUnit{}
	for _, u := range us {
		m[u.Code] = u
	}
	return m
}

func storedVersion(t *testing.T, code string) (version int, name string) {
	t.Helper()
	err := pgtest.Pool(t).QueryRow(context.Background(), `SELECT version, name FROM units WHERE code = $1`, code).Scan(&version, &name)
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return version, name
}

func TestChangeSetEditsStayInTheSet(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990501", 81, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "rename", "planner-1")
	if err != nil {
		t.Fatal(err)
	}
	if cs.State != geo.ChangeSetOpen || cs.Parent != v.code || cs.CreatedBy != "planner-1" {
		t.Fatalf("opened %+v", cs)
	}
	before := unitsByCode(t, db, cs.ID)
	g1, ok := before[v.grid1]
	if !ok || len(before) != 2 || g1.Edited || g1.ETag != `"v1"` {
		t.Fatalf("view before edits: %+v", before)
	}
	g1.Name = "新名字"
	got, err := db.PutUnit(ctx, cs.ID, g1.Unit, g1.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if got.ETag != `"v1.r1"` || !got.Edited || got.New {
		t.Errorf("put answered %+v", got)
	}
	if _, name := storedVersion(t, v.grid1); name == "新名字" {
		t.Errorf("the edit reached units before publish")
	}
	// A second writer with the first ETag is refused and changes nothing.
	g1.Name = "stale"
	_, err = db.PutUnit(ctx, cs.ID, g1.Unit, `"v1"`)
	wantKind(t, err, geo.PreconditionFailed)
	if err := db.DeleteUnit(ctx, cs.ID, v.grid1, `"v1"`); err == nil {
		t.Fatal("delete with a stale ETag accepted")
	}
	after := unitsByCode(t, db, cs.ID)
	if u := after[v.grid1]; u.Name != "新名字" || u.ETag != `"v1.r1"` {
		t.Errorf("after the refused writes: %+v", u)
	}
	// Without If-Match the write goes through.
	if got, err = db.PutUnit(ctx, cs.ID, g1.Unit, ""); err != nil || got.ETag != `"v1.r2"` {
		t.Errorf("put without If-Match: %+v, %v", got, err)
	}
}

func TestChangeSetRefusesBadUnits(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990502", 81.1, 41)
	other := seedVillage(t, "990503", 81.2, 41)
	// A code that existed once: grid 003 is created and deleted in the store.
	pool := pgtest.Pool(t)
	if _, err := pool.Exec(ctx, `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
		SELECT $1, 'grid', 'old', parent_code, 'village', geom FROM units WHERE code = $2`, v.code+"003", v.grid1); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM units WHERE code = $1`, v.code+"003"); err != nil {
		t.Fatal(err)
	}
	cs, err := db.OpenChangeSet(ctx, v.code, "bad input", "p")
	if err != nil {
		t.Fatal(err)
	}
	box := square(v.x, v.y, v.x+0.005, v.y+0.005)
	cases := []struct {
		name  string
		unit  geo.Unit
		field string
	}{
		{"outside the parent", geo.Unit{Code: other.grid1, Name: "x", Level: geo.Grid, Geom: box}, "code"},
		{"the parent itself", geo.Unit{Code: v.code, Name: "x", Level: geo.Village, Geom: box}, "code"},
		{"too long", geo.Unit{Code: v.code + "0001", Name: "x", Level: geo.Grid, Geom: box}, "code"},
		{"reused code", geo.Unit{Code: v.code + "003", Name: "x", Level: geo.Grid, Geom: box}, "code"},
		{"unknown level", geo.Unit{Code: v.code + "004", Name: "x", Level: "block", Geom: box}, "level"},
		{"wrong parent", geo.Unit{Code: v.code + "004", Name: "x", Level: geo.Grid, ParentCode: v.town, Geom: box}, "parent_code"},
		{"no boundary", geo.Unit{Code: v.code + "004", Name: "x", Level: geo.Grid}, "geometry"},
		{"open ring", geo.Unit{Code: v.code + "004", Name: "x", Level: geo.Grid, Geom: orb.MultiPolygon{{{{81.1, 41}, {81.101, 41}, {81.101, 41.001}, {81.1, 41.001}}}}}, "geometry"},
		{"no name", geo.Unit{Code: v.code + "004", Level: geo.Grid, Geom: box}, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.PutUnit(ctx, cs.ID, c.unit, "")
			if ge := wantKind(t, err, geo.Invalid); ge.Field != c.field {
				t.Errorf("field %q, want %q (%v)", ge.Field, c.field, err)
			}
		})
	}
	if us := unitsByCode(t, db, cs.ID); len(us) != 2 {
		t.Errorf("refused puts left units in the set: %v", us)
	}
	_, err = db.ChangeSet(ctx, 1<<40)
	wantKind(t, err, geo.NotFound)
	_, err = db.OpenChangeSet(ctx, "990599001", "x", "p")
	wantKind(t, err, geo.NotFound)
}

// An overlap drawn by hand is found, blocks a plain publish and passes with an
// administrator's reason, which the audit log keeps.
func TestChangeSetOverlapNeedsOverride(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990504", 81.3, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "overlap", "planner-2")
	if err != nil {
		t.Fatal(err)
	}
	g1 := unitsByCode(t, db, cs.ID)[v.grid1]
	g1.Geom = square(v.x, v.y, v.x+0.012, v.y+0.02) // 0.002° into grid 2
	if _, err := db.PutUnit(ctx, cs.ID, g1.Unit, ""); err != nil {
		t.Fatal(err)
	}
	fs, err := db.ValidateChangeSet(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Kind != geo.Overlap || fs[0].Severity != geo.SeverityError ||
		fmt.Sprint(fs[0].Units) != fmt.Sprint([]string{v.grid1, v.grid2}) || fs[0].Area < 1e5 {
		t.Fatalf("findings %+v", fs)
	}
	_, err = db.PublishChangeSet(ctx, cs.ID, "planner-2", "")
	wantKind(t, err, geo.Unprocessable)
	if ver, _ := storedVersion(t, v.grid1); ver != 1 {
		t.Errorf("refused publish wrote version %d", ver)
	}
	pub, err := db.PublishChangeSet(ctx, cs.ID, "admin-1", "the school compound straddles the old line")
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Overridden || pub.ChangeSet.State != geo.ChangeSetPublished || pub.ChangeSet.OverrideReason == "" ||
		fmt.Sprint(pub.Units) != fmt.Sprint([]string{v.grid1}) {
		t.Errorf("publication %+v", pub)
	}
	if ver, _ := storedVersion(t, v.grid1); ver != 2 {
		t.Errorf("stored version %d after publish, want 2", ver)
	}
	recs, err := db.AuditLog(ctx, 0, v.code, "admin-1", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Action != "publish" || !containsAll(string(recs[0].Detail), "school compound", v.grid1) {
		t.Errorf("audit %+v", recs)
	}
	_, err = db.PutUnit(ctx, cs.ID, g1.Unit, "")
	wantKind(t, err, geo.Conflict)
}

// Two sets edit one grid: the first publish wins, the second is refused with the grid
// named, writes nothing and stays open to be discarded.
func TestChangeSetsConflict(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990505", 81.4, 41)
	a, _ := db.OpenChangeSet(ctx, v.code, "a", "p1")
	b, err := db.OpenChangeSet(ctx, v.code, "b", "p2")
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []int64{a.ID, b.ID} {
		g := unitsByCode(t, db, id)[v.grid2]
		g.Name = fmt.Sprintf("set %d", i)
		if _, err := db.PutUnit(ctx, id, g.Unit, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PublishChangeSet(ctx, a.ID, "p1", ""); err != nil {
		t.Fatal(err)
	}
	_, err = db.PublishChangeSet(ctx, b.ID, "p2", "")
	wantKind(t, err, geo.Conflict)
	var st *geo.StaleUnits
	if !errors.As(err, &st) || fmt.Sprint(st.Codes) != fmt.Sprint([]string{v.grid2}) {
		t.Fatalf("conflict %v, want the codes of grid 2", err)
	}
	if ver, name := storedVersion(t, v.grid2); ver != 2 || name != "set 0" {
		t.Errorf("grid 2 is v%d %q, want the first set's v2", ver, name)
	}
	if cs, _ := db.ChangeSet(ctx, b.ID); cs.State != geo.ChangeSetOpen || cs.Edits != 1 {
		t.Errorf("refused set %+v", cs)
	}
	if err := db.DiscardChangeSet(ctx, b.ID, "p2"); err != nil {
		t.Fatal(err)
	}
	if cs, _ := db.ChangeSet(ctx, b.ID); cs.State != geo.ChangeSetDiscarded || cs.DiscardedBy != "p2" {
		t.Errorf("discarded set %+v", cs)
	}
	wantKind(t, db.DiscardChangeSet(ctx, b.ID, "p2"), geo.Conflict)
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// A hand-drawn edge a fraction of a metre off the neighbour's snaps onto it: no gap, no
// sliver.
func TestChangeSetSnapsToNeighbours(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990509", 81.8, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "snap", "p")
	if err != nil {
		t.Fatal(err)
	}
	off := 0.3 / 111320 // 0.3 m west of the shared edge, in degrees of latitude: less in metres here
	got, err := db.PutUnit(ctx, cs.ID, geo.Unit{Code: v.grid1, Name: "手绘", Level: geo.Grid,
		Geom: square(v.x, v.y, v.x+0.01-off, v.y+0.02)}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got.Geom[0][0] {
		if p[0] != v.x && p[0] != v.x+0.01 {
			t.Errorf("vertex %v not snapped onto the village's or grid 2's edge", p)
		}
	}
	fs, err := db.ValidateChangeSet(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("findings after snapping: %+v", fs)
	}
}

// A grid with ten-household units under it is not deleted, by hand or by a merge: nothing
// could move them, and their households would lose their grid.
func TestChangeSetKeepsGridsWithTenHH(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990510", 81.9, 41)
	if _, err := pgtest.Pool(t).Exec(ctx, `INSERT INTO tenhh_units (code, grid_code) VALUES ($1, $2)`, v.grid2+"001", v.grid2); err != nil {
		t.Fatal(err)
	}
	cs, err := db.OpenChangeSet(ctx, v.code, "tenhh", "p")
	if err != nil {
		t.Fatal(err)
	}
	wantKind(t, db.DeleteUnit(ctx, cs.ID, v.grid2, ""), geo.Conflict)
	_, err = db.MergeUnits(ctx, cs.ID, v.grid1, v.grid2)
	wantKind(t, err, geo.Conflict)
	if us := unitsByCode(t, db, cs.ID); len(us) != 2 || us[v.grid1].Edited {
		t.Errorf("refused merge left edits: %+v", us)
	}
	// The other way round works: grid 2 takes in grid 1, which holds none.
	if _, err := db.MergeUnits(ctx, cs.ID, v.grid2, v.grid1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishChangeSet(ctx, cs.ID, "p", ""); err != nil {
		t.Fatal(err)
	}
}

// A unit created without a code gets the next free one under its parent.
func TestChangeSetCreateUnitNumbers(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990511", 82, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "create", "p")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateUnit(ctx, cs.ID, geo.Unit{Name: "x", Level: geo.Grid, Geom: square(v.x, v.y, v.x+0.001, v.y+0.001)})
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "parent_code" {
		t.Errorf("field %q", ge.Field)
	}
	for _, want := range []string{v.code + "003", v.code + "004"} {
		got, err := db.CreateUnit(ctx, cs.ID, geo.Unit{Code: v.grid1, Name: "新", Level: geo.Grid, ParentCode: v.code,
			Geom: square(v.x, v.y, v.x+0.001, v.y+0.001)})
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != want || !got.New || got.ETag != `"n.r1"` {
			t.Errorf("created %s %s, want %s", got.Code, got.ETag, want)
		}
	}
}
