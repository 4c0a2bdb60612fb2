package postgis_test

import (
	"context"
	"math"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// area is a boundary's area in square degrees: enough to compare shapes at one place.
func area(g orb.MultiPolygon) float64 { return planar.Area(g) }

// wantClean fails unless the set validates with no finding at all but slivers.
func wantClean(t *testing.T, db *postgis.DB, id int64) {
	t.Helper()
	fs, err := db.ValidateChangeSet(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Kind != geo.Sliver {
			t.Errorf("finding %s of %v, %.1f m²: %s", f.Kind, f.Units, f.Area, f.Message)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// A split followed by a merge gives back the original area; after publishing the split,
// a point in the new half resolves to the new grid.
func TestSplitThenMerge(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990506", 81.5, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "split", "p")
	if err != nil {
		t.Fatal(err)
	}
	before := unitsByCode(t, db, cs.ID)[v.grid1]
	_, err = db.SplitUnit(ctx, cs.ID, v.grid1, orb.LineString{{v.x + 0.004, v.y + 0.005}, {v.x + 0.004, v.y + 0.015}}, "")
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "line" {
		t.Errorf("a line inside the grid: field %q", ge.Field)
	}
	parts, err := db.SplitUnit(ctx, cs.ID, v.grid1, orb.LineString{{v.x + 0.004, v.y - 0.001}, {v.x + 0.004, v.y + 0.021}}, "西片")
	if err != nil {
		t.Fatal(err)
	}
	newCode := v.code + "003"
	if len(parts) != 2 || parts[0].Code != v.grid1 || parts[1].Code != newCode || !parts[1].New || parts[1].Name != "西片" {
		t.Fatalf("split gave %+v", parts)
	}
	if !near(area(parts[0].Geom)+area(parts[1].Geom), area(before.Geom)) || area(parts[0].Geom) < area(parts[1].Geom) {
		t.Errorf("pieces %.3g + %.3g, original %.3g", area(parts[0].Geom), area(parts[1].Geom), area(before.Geom))
	}
	wantClean(t, db, cs.ID)

	merged, err := db.MergeUnits(ctx, cs.ID, v.grid1, newCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != 1 || !near(area(merged[0].Geom), area(before.Geom)) {
		t.Errorf("merged %+v, want the original area %.6g", merged, area(before.Geom))
	}
	if _, ok := unitsByCode(t, db, cs.ID)[newCode]; ok {
		t.Errorf("the merged grid %s is still in the set", newCode)
	}
	wantClean(t, db, cs.ID)

	// Split again and publish: the next code is 004, since 003 was drafted once.
	parts, err = db.SplitUnit(ctx, cs.ID, v.grid1, orb.LineString{{v.x + 0.004, v.y - 0.001}, {v.x + 0.004, v.y + 0.021}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if parts[1].Code != v.code+"004" {
		t.Errorf("second split made %s, want %s004", parts[1].Code, v.code)
	}
	if _, err := db.PublishChangeSet(ctx, cs.ID, "p", ""); err != nil {
		t.Fatal(err)
	}
	ch, err := db.Resolve(ctx, v.x+0.002, v.y+0.01)
	if err != nil {
		t.Fatal(err)
	}
	if last := ch.Links[len(ch.Links)-1]; last.Code != v.code+"004" {
		t.Errorf("the new half resolves to %s, want %s004", last.Code, v.code)
	}
}

// Moving the shared boundary changes both grids, leaves their union as it was and no gap
// or overlap.
func TestMoveBoundary(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990507", 81.6, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "boundary", "p")
	if err != nil {
		t.Fatal(err)
	}
	before := unitsByCode(t, db, cs.ID)
	line := orb.LineString{{v.x + 0.012, v.y - 0.001}, {v.x + 0.008, v.y + 0.01}, {v.x + 0.012, v.y + 0.021}}
	got, err := db.MoveBoundary(ctx, cs.ID, v.grid1, v.grid2, line)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Code != v.grid1 || got[1].Code != v.grid2 {
		t.Fatalf("moved %+v", got)
	}
	a0, b0 := area(before[v.grid1].Geom), area(before[v.grid2].Geom)
	a1, b1 := area(got[0].Geom), area(got[1].Geom)
	if near(a0, a1) || near(b0, b1) || !near(a0+b0, a1+b1) {
		t.Errorf("areas %.6g+%.6g before, %.6g+%.6g after", a0, b0, a1, b1)
	}
	wantClean(t, db, cs.ID)
	_, err = db.MoveBoundary(ctx, cs.ID, v.grid1, v.grid2, orb.LineString{{v.x + 0.005, v.y + 0.005}, {v.x + 0.006, v.y + 0.006}})
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "line" {
		t.Errorf("a line that crosses nothing: field %q", ge.Field)
	}
}

// Moving an area hands a piece from one grid to its neighbour; deleting a grid leaves a
// gap, and creating a grid from it closes the gap.
func TestMoveAreaAndCreateFromGap(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990508", 81.7, 41)
	cs, err := db.OpenChangeSet(ctx, v.code, "area", "p")
	if err != nil {
		t.Fatal(err)
	}
	before := unitsByCode(t, db, cs.ID)
	piece := square(v.x+0.008, v.y-0.001, v.x+0.011, v.y+0.005)[0]
	got, err := db.MoveArea(ctx, cs.ID, v.grid1, v.grid2, piece)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0.002 * 0.005
	if len(got) != 2 || !near(area(got[0].Geom), area(before[v.grid1].Geom)-moved) ||
		!near(area(got[1].Geom), area(before[v.grid2].Geom)+moved) {
		t.Errorf("moved %+v", got)
	}
	wantClean(t, db, cs.ID)
	_, err = db.MoveArea(ctx, cs.ID, v.grid1, v.grid2, square(v.x+0.03, v.y, v.x+0.04, v.y+0.01)[0])
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "area" {
		t.Errorf("an area elsewhere: field %q", ge.Field)
	}

	if err := db.DeleteUnit(ctx, cs.ID, v.grid2, got[1].ETag); err != nil {
		t.Fatal(err)
	}
	fs, err := db.ValidateChangeSet(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Kind != geo.Gap {
		t.Fatalf("after deleting grid 2: %+v", fs)
	}
	_, err = db.CreateFromGap(ctx, cs.ID, v.code, orb.Point{v.x + 0.001, v.y + 0.001}, "", "")
	if ge := wantKind(t, err, geo.Invalid); ge.Field != "point" {
		t.Errorf("a covered point: field %q", ge.Field)
	}
	made, err := db.CreateFromGap(ctx, cs.ID, v.code, orb.Point{v.x + 0.015, v.y + 0.015}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if made.Code != v.code+"003" || made.Level != geo.Grid || !near(area(made.Geom), area(got[1].Geom)) {
		t.Errorf("made %s %s, area %.6g, want %.6g", made.Code, made.Level, area(made.Geom), area(got[1].Geom))
	}
	wantClean(t, db, cs.ID)
}
