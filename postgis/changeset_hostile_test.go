package postgis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
)

// Input a careless or hostile client sends: each is refused with the field named and
// leaves nothing in the set, or in the store. The counties are 99059N near 83°E 41°N.

// A boundary whose ring collapses when its vertices snap together (or repeat) is a 400
// about the geometry, not a database failure.
func TestChangeSetRefusesCollapsingRings(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990590", 83.0, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "collapse", "p")
	if err != nil {
		t.Fatal(err)
	}
	a, b := orb.Point{v.x + 0.003, v.y + 0.003}, orb.Point{v.x + 0.004, v.y + 0.003}
	corner := orb.Point{v.x + 0.01, v.y} // a vertex grids 1 and 2 share
	const d = 0.000001                   // about 0.1 m
	cases := []struct {
		name string
		ring orb.Ring
	}{
		{"one point four times", orb.Ring{a, a, a, a}},
		{"a point repeated", orb.Ring{a, b, b, a}},
		{"a triangle within the tolerance of a neighbour's vertex", orb.Ring{
			{corner[0] + d, corner[1] + d}, {corner[0] + 2*d, corner[1] + d}, {corner[0] + d, corner[1] + 2*d}, {corner[0] + d, corner[1] + d}}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := geo.Unit{Code: v.code + "00" + string(rune('3'+i)), Name: "x", Level: geo.Grid, Geom: orb.MultiPolygon{{c.ring}}}
			_, err := db.PutUnit(ctx, cs.ID, u, "")
			if ge := wantKind(t, err, geo.Invalid); ge.Field != "geometry" {
				t.Errorf("field %q (%v)", ge.Field, err)
			}
			g1 := unitsByCode(t, db, cs.ID)[v.grid1]
			g1.Geom = orb.MultiPolygon{{c.ring}}
			_, err = db.PutUnit(ctx, cs.ID, g1.Unit, "")
			if ge := wantKind(t, err, geo.Invalid); ge.Field != "geometry" {
				t.Errorf("replacing a grid: field %q (%v)", ge.Field, err)
			}
		})
	}
	if us := unitsByCode(t, db, cs.ID); len(us) != 2 || us[v.grid1].Edited {
		t.Errorf("refused puts left edits: %+v", us)
	}
}

// An administrator's reason publishes a set despite gaps and overlaps, but not a boundary
// that is not a valid polygon: the store cannot hold it, and the refusal names the unit,
// not the database's row.
func TestChangeSetOverrideCannotPublishInvalidShapes(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990591", 83.1, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "bowtie", "p")
	if err != nil {
		t.Fatal(err)
	}
	g1 := unitsByCode(t, db, cs.ID)[v.grid1]
	x, y := v.x, v.y
	g1.Geom = orb.MultiPolygon{{{{x, y}, {x + 0.01, y + 0.02}, {x + 0.01, y}, {x, y + 0.02}, {x, y}}}} // crosses itself
	if _, err := db.PutUnit(ctx, cs.ID, g1.Unit, ""); err != nil {
		t.Fatal(err)
	}
	_, err = db.PublishChangeSet(ctx, cs.ID, "admin-1", "the surveyors say so")
	ge := wantKind(t, err, geo.Unprocessable)
	if !strings.Contains(ge.Message, v.grid1) || strings.Contains(ge.Message, "constraint") {
		t.Errorf("message %q", ge.Message)
	}
	if ver, _ := storedVersion(t, v.grid1); ver != 1 {
		t.Errorf("refused publish wrote version %d", ver)
	}
	got, err := db.ChangeSet(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != geo.ChangeSetOpen {
		t.Errorf("refused publish left the set %s", got.State)
	}
}

// A 15-digit code is a group or a grid: an edit may change which, but not while units lie
// under it (their levels follow from it) nor for a grid holding ten-household units (their
// households would lose their grid).
func TestChangeSetLevelChangeKeepsWhatLiesUnder(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990592", 83.2, 41)
	if _, err := pgtest.Pool(t).Exec(ctx, `INSERT INTO tenhh_units (code, grid_code) VALUES ($1, $2)`, v.grid2+"001", v.grid2); err != nil {
		t.Fatal(err)
	}
	cs, err := db.OpenChangeSet(ctx, v.code, "regrade", "p")
	if err != nil {
		t.Fatal(err)
	}
	us := unitsByCode(t, db, cs.ID)

	// Grid 2 holds a ten-household unit: it stays a grid.
	g2 := us[v.grid2].Unit
	g2.Level = geo.Group
	_, err = db.PutUnit(ctx, cs.ID, g2, "")
	wantKind(t, err, geo.Conflict)

	// Grid 1 becomes a group with a grid under it; then the group may not become a grid.
	g1 := us[v.grid1].Unit
	g1.Level = geo.Group
	if _, err := db.PutUnit(ctx, cs.ID, g1, ""); err != nil {
		t.Fatal(err)
	}
	kid := geo.Unit{Code: v.grid1 + "001", Name: "x", Level: geo.Grid, Geom: g1.Geom}
	if _, err := db.PutUnit(ctx, cs.ID, kid, ""); err != nil {
		t.Fatal(err)
	}
	g1.Level = geo.Grid
	_, err = db.PutUnit(ctx, cs.ID, g1, "")
	wantKind(t, err, geo.Conflict)

	after := unitsByCode(t, db, cs.ID)
	if after[v.grid1].Level != geo.Group || after[v.grid2].Level != geo.Grid || after[v.grid2].Edited {
		t.Fatalf("refused edits changed levels: %s %s, %s %s", v.grid1, after[v.grid1].Level, v.grid2, after[v.grid2].Level)
	}
	if _, err := db.PublishChangeSet(ctx, cs.ID, "p", ""); err != nil {
		t.Fatal(err)
	}
}

// A ten-household unit that comes under a grid after the set made the grid a group stops
// the publish.
func TestChangeSetPublishKeepsGridsWithNewTenHH(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990593", 83.3, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "regrade", "p")
	if err != nil {
		t.Fatal(err)
	}
	g2 := unitsByCode(t, db, cs.ID)[v.grid2].Unit
	g2.Level = geo.Group
	if _, err := db.PutUnit(ctx, cs.ID, g2, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := pgtest.Pool(t).Exec(ctx, `INSERT INTO tenhh_units (code, grid_code) VALUES ($1, $2)`, v.grid2+"001", v.grid2); err != nil {
		t.Fatal(err)
	}
	_, err = db.PublishChangeSet(ctx, cs.ID, "p", "")
	wantKind(t, err, geo.Conflict)
	if ver, _ := storedVersion(t, v.grid2); ver != 1 {
		t.Errorf("refused publish wrote version %d", ver)
	}
}

// Text with the NUL character, which PostgreSQL cannot store, is a 400 naming the field,
// not a database failure.
func TestChangeSetRefusesNUL(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990594", 83.4, 41)
	for _, title := range []string{"a\x00b", "   ", strings.Repeat("t", 201)} {
		_, err := db.OpenChangeSet(ctx, v.code, title, "p")
		if ge := wantKind(t, err, geo.Invalid); ge.Field != "title" {
			t.Errorf("title %.20q: field %q", title, ge.Field)
		}
	}
	cs, err := db.OpenChangeSet(ctx, v.code, "nul", "p")
	if err != nil {
		t.Fatal(err)
	}
	g1 := unitsByCode(t, db, cs.ID)[v.grid1].Unit
	cases := []struct {
		name, field string
		edit        func(u geo.Unit) geo.Unit
	}{
		{"name", "name", func(u geo.Unit) geo.Unit { u.Name = "网格\x00"; return u }},
		{"name of spaces", "name", func(u geo.Unit) geo.Unit { u.Name = " \u3000 "; return u }},
		{"name too long", "name", func(u geo.Unit) geo.Unit { u.Name = strings.Repeat("网", 201); return u }},
		{"attribute value", "attrs", func(u geo.Unit) geo.Unit { u.Attrs = map[string]any{"k": []any{"\x00"}}; return u }},
		{"attribute key", "attrs", func(u geo.Unit) geo.Unit { u.Attrs = map[string]any{"k\x00": 1}; return u }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.PutUnit(ctx, cs.ID, c.edit(g1), "")
			if ge := wantKind(t, err, geo.Invalid); ge.Field != c.field {
				t.Errorf("field %q (%v)", ge.Field, err)
			}
		})
	}
	_, err = db.SplitUnit(ctx, cs.ID, v.grid1, orb.LineString{{v.x + 0.005, v.y - 0.001}, {v.x + 0.005, v.y + 0.021}}, "\x00")
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "name" {
		t.Errorf("split: field %q (%v)", ge.Field, err)
	}
	if us := unitsByCode(t, db, cs.ID); len(us) != 2 || us[v.grid1].Edited {
		t.Errorf("refused edits left edits: %+v", us)
	}
	g1.Geom = square(v.x, v.y, v.x+0.012, v.y+0.02) // an overlap, to need a reason
	if _, err := db.PutUnit(ctx, cs.ID, g1, ""); err != nil {
		t.Fatal(err)
	}
	_, err = db.PublishChangeSet(ctx, cs.ID, "admin", "because\x00")
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "override_reason" {
		t.Errorf("override: field %q (%v)", ge.Field, err)
	}
}

// A code drafted by hand at the end of the range (999) does not stop every set from
// numbering new units under that parent: they take the lowest free code instead.
func TestChangeSetNumbersAfterTheLastCode(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990595", 83.5, 41)
	careless, err := db.OpenChangeSet(ctx, v.code, "999", "p")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutUnit(ctx, careless.ID, geo.Unit{Code: v.code + "999", Name: "其他", Level: geo.Grid,
		Geom: square(v.x, v.y, v.x+0.001, v.y+0.001)}, ""); err != nil {
		t.Fatal(err)
	}
	other, err := db.OpenChangeSet(ctx, v.code, "split", "q")
	if err != nil {
		t.Fatal(err)
	}
	us, err := db.SplitUnit(ctx, other.ID, v.grid1, orb.LineString{{v.x + 0.005, v.y - 0.001}, {v.x + 0.005, v.y + 0.021}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 2 || us[1].Code != v.code+"003" {
		t.Fatalf("split made %+v, want a new unit %s003", us, v.code)
	}
	got, err := db.CreateUnit(ctx, other.ID, geo.Unit{Name: "新", Level: geo.Grid, ParentCode: v.code, Geom: square(v.x, v.y, v.x+0.001, v.y+0.001)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != v.code+"004" {
		t.Errorf("created %s, want %s004", got.Code, v.code)
	}
}

// A split needs a line that cuts the unit: one that misses a unit of two parts would
// otherwise "split" it into those parts.
func TestChangeSetSplitNeedsALineThatCuts(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990598", 83.8, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "split", "p")
	if err != nil {
		t.Fatal(err)
	}
	g1 := unitsByCode(t, db, cs.ID)[v.grid1].Unit
	g1.Geom = append(square(v.x, v.y, v.x+0.01, v.y+0.009), square(v.x, v.y+0.011, v.x+0.01, v.y+0.02)...)
	if _, err := db.PutUnit(ctx, cs.ID, g1, ""); err != nil {
		t.Fatal(err)
	}
	far := orb.LineString{{v.x + 0.5, v.y + 0.5}, {v.x + 0.6, v.y + 0.6}}
	_, err = db.SplitUnit(ctx, cs.ID, v.grid1, far, "")
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "line" {
		t.Errorf("field %q (%v)", ge.Field, err)
	}
	if us := unitsByCode(t, db, cs.ID); len(us) != 2 || len(us[v.grid1].Geom) != 2 {
		t.Errorf("a refused split changed the set: %+v", us)
	}
}

// A piece of a few nanometres, as float rounding leaves where boundaries drawn by hand
// cross (here a child reaching out of its parent at a corner), has an area on the spheroid
// but a perimeter of 0: it is thin, and must not be handed to ST_MaximumInscribedCircle,
// which on it runs for minutes in the database and ignores cancellation.
func TestCheckCoverageNanometrePiece(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a failure guard
	defer cancel()
	bx, by, ay, cx := 104.99514887871545, 26.913101783107724, 26.913101783107727, 104.99514887871544
	parent := geo.Candidate{Code: "520204103200", Geom: square(bx, by, bx+0.01, by+0.01)}
	child := geo.Candidate{Code: "520204103200001", Geom: orb.MultiPolygon{{{
		{bx, by}, {bx + 0.01, by}, {bx + 0.01, by + 0.01}, {bx, by + 0.01}, {bx, ay}, {cx, by}, {bx, by}}}}}
	fs, err := postgis.CheckCoverage(ctx, pool, parent, []geo.Candidate{child}, geo.DefaultTolerance)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Kind != geo.Sliver || fs[0].SliverOf != geo.OutsideParent || fs[0].Severity != geo.SeverityWarning {
		t.Fatalf("findings %+v, want one sliver outside the parent", fs)
	}
}

// A boundary with more parts or vertices than a drawn one has is refused before PostGIS
// spends the request's time checking it (22,500 parts took 9-10 s against a 10 s limit).
func TestChangeSetRefusesOversizedBoundaries(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990597", 83.7, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "oversized", "p")
	if err != nil {
		t.Fatal(err)
	}
	const s = 0.00002 // about 2 m
	var parts orb.MultiPolygon
	for i := 0; len(parts) <= geo.MaxDrawnParts; i++ {
		x, y := v.x+float64(i%40)*2*s, v.y+float64(i/40)*2*s
		parts = append(parts, orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}})
	}
	dense := orb.Ring{}
	for i := 0; i <= geo.MaxDrawnVertices; i++ { // a square's bottom edge in many steps
		dense = append(dense, orb.Point{v.x + 0.01*float64(i)/geo.MaxDrawnVertices, v.y})
	}
	dense = append(dense, orb.Point{v.x + 0.01, v.y + 0.02}, orb.Point{v.x, v.y + 0.02}, orb.Point{v.x, v.y})
	for name, g := range map[string]orb.MultiPolygon{"parts": parts, "vertices": {{dense}}} {
		t.Run(name, func(t *testing.T) {
			g1 := unitsByCode(t, db, cs.ID)[v.grid1].Unit
			g1.Geom = g
			_, err := db.PutUnit(ctx, cs.ID, g1, "")
			if ge := wantKind(t, err, geo.Invalid); ge.Field != "geometry" || !strings.Contains(ge.Message, "at most") {
				t.Errorf("field %q: %v", ge.Field, err)
			}
		})
	}
	if us := unitsByCode(t, db, cs.ID); us[v.grid1].Edited {
		t.Error("a refused boundary was stored")
	}
}

// A group the set makes a grid while nothing lies under it stops the publish when another
// change set has put a unit under it since: 409 naming it, nothing written (it was a 400
// carrying the foreign key's text).
func TestChangeSetPublishKeepsGroupsThatGainedUnits(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990589", 82.9, 41)
	pool := pgtest.Pool(t)
	if _, err := pool.Exec(ctx, `UPDATE units SET level = 'group' WHERE code = $1`, v.grid1); err != nil {
		t.Fatal(err)
	}
	cs, err := db.OpenChangeSet(ctx, v.code, "regroup", "p")
	if err != nil {
		t.Fatal(err)
	}
	g1 := unitsByCode(t, db, cs.ID)[v.grid1].Unit
	g1.Level = geo.Grid
	if _, err := db.PutUnit(ctx, cs.ID, g1, ""); err != nil {
		t.Fatal(err)
	}
	// Another set's publish, as its rows land: a grid under the group.
	if _, err := pool.Exec(ctx, `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
		SELECT $1 || '001', 'grid', '组里的网格', code, 'group', geom FROM units WHERE code = $1`, v.grid1); err != nil {
		t.Fatal(err)
	}
	_, err = db.PublishChangeSet(ctx, cs.ID, "p", "")
	if ge := wantKind(t, err, geo.Conflict); !strings.Contains(ge.Message, v.grid1) {
		t.Errorf("message %q does not name %s", ge.Message, v.grid1)
	}
	var level string
	if err := pool.QueryRow(ctx, `SELECT level FROM units WHERE code = $1`, v.grid1).Scan(&level); err != nil || level != "group" {
		t.Errorf("the refused publish left %s a %q (%v)", v.grid1, level, err)
	}
}
