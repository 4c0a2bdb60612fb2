package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
)

// A split that leaves some of a grid's households in the new half says so in validation:
// how many, the grid they now lie in and the ten-household unit to move, and nothing of
// the households themselves. Households left inside their grid raise nothing, and the
// warning does not stop the publish.
func TestSplitWarnsOfHouseholdsLeftInTheNewHalf(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	v := seedVillage(t, "990520", 82.5, 41)
	pool := pgtest.Pool(t)
	west, east := v.grid1+"001", v.grid1+"002"
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO tenhh_units (code, grid_code) VALUES ($1, $3), ($2, $3)`, []any{west, east, v.grid1}},
		// Two households of the west unit and one of the east unit west of the cut at
		// x+0.004; one of the east unit east of it.
		{`INSERT INTO households (id, unit_code, address, geom) VALUES
		    ('h-w1', $1, '西街1号', ST_SetSRID(ST_MakePoint($3 + 0.001, $4 + 0.01), 4326)),
		    ('h-w2', $1, '西街2号', ST_SetSRID(ST_MakePoint($3 + 0.002, $4 + 0.01), 4326)),
		    ('h-e1', $2, '东街1号', ST_SetSRID(ST_MakePoint($3 + 0.003, $4 + 0.01), 4326)),
		    ('h-e2', $2, '东街2号', ST_SetSRID(ST_MakePoint($3 + 0.008, $4 + 0.01), 4326))`, []any{west, east, v.x, v.y}},
	} {
		if _, err := pool.Exec(ctx, stmt.sql, stmt.args...); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := db.OpenChangeSet(ctx, v.code, "split with households", "p")
	if err != nil {
		t.Fatal(err)
	}
	wantClean(t, db, cs.ID) // nothing edited yet
	if _, err := db.SplitUnit(ctx, cs.ID, v.grid1, orb.LineString{{v.x + 0.004, v.y - 0.001}, {v.x + 0.004, v.y + 0.021}}, ""); err != nil {
		t.Fatal(err)
	}
	newGrid := v.code + "003"
	fs, err := db.ValidateChangeSet(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []geo.Finding
	for _, f := range fs {
		if f.Kind == geo.HouseholdsOutside {
			got = append(got, f)
		} else if f.Kind != geo.Sliver {
			t.Errorf("unexpected finding %s: %s", f.Kind, f.Message)
		}
	}
	if len(got) != 1 {
		t.Fatalf("households_outside findings: %+v, want one", got)
	}
	f := got[0]
	if f.Severity != geo.SeverityWarning || f.Parent != v.code || len(f.Units) != 2 || f.Units[0] != v.grid1 || f.Units[1] != newGrid {
		t.Errorf("finding %+v, want a warning under %s for %s and %s", f, v.code, v.grid1, newGrid)
	}
	for _, want := range []string{"3 households of grid " + v.grid1, "in grid " + newGrid, west + ", " + east} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
	for _, personal := range []string{"h-w1", "h-e1", "西街", "东街"} {
		if strings.Contains(f.Message, personal) {
			t.Errorf("message %q shows a household's %q", f.Message, personal)
		}
	}
	if f.Geom != nil {
		t.Errorf("the finding has a place (%v): it would show where households live", f.Geom)
	}
	if _, err := db.PublishChangeSet(ctx, cs.ID, "p", ""); err != nil {
		t.Fatalf("a warning stopped the publish: %v", err)
	}
}
