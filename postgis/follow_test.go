package postgis_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// An edit committed on one connection reaches the live index within a second, by polling
// the change log (no NOTIFY involved, as on a read replica).
func TestFollowAppliesCommittedEditsWithinOneSecond(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live := twoGrids(t, db, "990801", 121, [2]string{"一网格", "二网格"})
	if code, _ := live.Resolve(ctx, 121.12, 31.05); code.Links[len(code.Links)-1].Code != "990801001001002" {
		t.Fatalf("before the edit: %+v", code)
	}
	go db.Follow(ctx, live, 100*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))

	// A lookup storm runs through the edits: every answer must be a whole chain of one
	// index (never an error, never a grid from one version with parents of another).
	stop := make(chan struct{})
	storm := make(chan error, 4)
	for r := 0; r < 4; r++ {
		go func() {
			for {
				select {
				case <-stop:
					storm <- nil
					return
				default:
				}
				c, err := live.Resolve(ctx, 121.12, 31.05)
				if err != nil {
					storm <- err
					return
				}
				if len(c.Links) != 4 || c.Links[2].Code != "990801001001" || !strings.HasPrefix(c.Links[3].Code, "990801001001") {
					storm <- fmt.Errorf("mixed or short chain: %+v", c.Links)
					return
				}
			}
		}()
	}
	defer func() {
		close(stop)
		for r := 0; r < 4; r++ {
			if err := <-storm; err != nil {
				t.Errorf("lookup storm: %v", err)
			}
		}
	}()

	// Move the shared edge east: the point now lies in grid 001.
	_, err := pgtest.Pool(t).Exec(ctx, `
		UPDATE units SET geom = ST_Multi('SRID=4326;POLYGON((121 31, 121.15 31, 121.15 31.1, 121 31.1, 121 31))'::geometry) WHERE code = '990801001001001';
		UPDATE units SET geom = ST_Multi('SRID=4326;POLYGON((121.15 31, 121.2 31, 121.2 31.1, 121.15 31.1, 121.15 31))'::geometry) WHERE code = '990801001001002'`)
	if err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	for {
		c, err := live.Resolve(ctx, 121.12, 31.05)
		if err == nil && c.Links[len(c.Links)-1].Code == "990801001001001" {
			break
		}
		if time.Since(committed) > time.Second {
			t.Fatalf("the edit did not reach the index within a second (index at seq %d)", live.Seq())
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A deleted grid disappears: its area falls back to the village, chain incomplete.
	if _, err := pgtest.Pool(t).Exec(ctx, `DELETE FROM units WHERE code = '990801001001002'`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		c, err := live.Resolve(ctx, 121.18, 31.05)
		if err == nil && !c.Complete && c.Links[len(c.Links)-1].Code == "990801001001" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the delete did not reach the index within a second: %+v %v", c, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A grid worker renamed, and a grid worker added, reach the chains of the live index by the
// change log's responsibility entries.
func TestFollowAppliesPeopleChanges(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := pgtest.Pool(t).Exec(ctx, `
		INSERT INTO units (code, level, name, parent_code, parent_level, geom) VALUES
		('990802', 'county', '人员县', NULL, NULL, ST_Multi('SRID=4326;POLYGON((122 31, 122.2 31, 122.2 31.1, 122 31.1, 122 31))'::geometry)),
		('990802001', 'town', '人员镇', '990802', 'county', ST_Multi('SRID=4326;POLYGON((122 31, 122.2 31, 122.2 31.1, 122 31.1, 122 31))'::geometry)),
		('990802001001', 'village', '人员村', '990802001', 'town', ST_Multi('SRID=4326;POLYGON((122 31, 122.2 31, 122.2 31.1, 122 31.1, 122 31))'::geometry)),
		('990802001001001', 'grid', '一网格', '990802001001', 'village', ST_Multi('SRID=4326;POLYGON((122 31, 122.2 31, 122.2 31.1, 122 31.1, 122 31))'::geometry));
		INSERT INTO people (id, name, phone) VALUES ('990802-p1', '张三', '1'), ('990802-p2', '李四', '2');
		INSERT INTO responsibilities (person_id, role, unit_code) VALUES
			('990802-p1', 'grid_worker', '990802001001001'), ('990802-p2', 'village_secretary', '990802001001')`)
	if err != nil {
		t.Fatal(err)
	}
	units, people, seq, err := db.SnapshotAt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live, err := index.NewLive(units, people, seq)
	if err != nil {
		t.Fatal(err)
	}
	go db.Follow(ctx, live, 100*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), postgis.UnitEntity, postgis.ResponsibilityEntity)

	waitFor := func(what string, ok func(c geo.Chain) bool) {
		t.Helper()
		deadline := time.Now().Add(time.Second)
		for {
			c, err := live.Resolve(ctx, 122.1, 31.05)
			if err == nil && ok(c) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not reach the index within a second: %+v %v", what, c, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := pgtest.Pool(t).Exec(ctx, `UPDATE people SET name = '张三丰' WHERE id = '990802-p1'`); err != nil {
		t.Fatal(err)
	}
	waitFor("a renamed grid worker", func(c geo.Chain) bool {
		ppl := c.Links[3].People
		return len(ppl) == 1 && ppl[0].Name == "张三丰" && c.Links[2].People[0].Name == "李四"
	})
	if _, err := pgtest.Pool(t).Exec(ctx, `
		INSERT INTO people (id, name, phone) VALUES ('990802-p3', '王五', '3');
		INSERT INTO responsibilities (person_id, role, unit_code) VALUES ('990802-p3', 'grid_head', '990802001001001');
		DELETE FROM responsibilities WHERE person_id = '990802-p2'`); err != nil {
		t.Fatal(err)
	}
	waitFor("a new grid head and a removed secretary", func(c geo.Chain) bool {
		ppl := c.Links[3].People
		return len(ppl) == 2 && ppl[0].Role == geo.GridHead && ppl[0].Name == "王五" && len(c.Links[2].People) == 0
	})
}

// gridNameAt is the name of the grid the live index answers at a point, "" when none.
func gridNameAt(live *index.Live, lon, lat float64) string {
	c, err := live.Resolve(context.Background(), lon, lat)
	if err != nil || len(c.Links) == 0 || c.Links[len(c.Links)-1].Level != geo.Grid {
		return ""
	}
	return c.Links[len(c.Links)-1].Name
}

// twoGrids stores a county 0.2° wide from longitude west at 31°N, whose one town and village
// are split into a west grid (code 001001001) and an east one (001001002) with the given
// names, and returns the live index of a snapshot taken right after.
func twoGrids(t testing.TB, db *postgis.DB, code string, west float64, names [2]string) *index.Live {
	t.Helper()
	box := func(w, e float64) string {
		return fmt.Sprintf("ST_Multi('SRID=4326;POLYGON((%[1]v 31, %[2]v 31, %[2]v 31.1, %[1]v 31.1, %[1]v 31))'::geometry)", w, e)
	}
	all, mid := box(west, west+0.2), west+0.1
	_, err := pgtest.Pool(t).Exec(context.Background(), fmt.Sprintf(`
		INSERT INTO units (code, level, name, parent_code, parent_level, geom) VALUES
		('%[1]s', 'county', '测试县', NULL, NULL, %[2]s),
		('%[1]s001', 'town', '测试镇', '%[1]s', 'county', %[2]s),
		('%[1]s001001', 'village', '测试村', '%[1]s001', 'town', %[2]s),
		('%[1]s001001001', 'grid', '%[3]s', '%[1]s001001', 'village', %[5]s),
		('%[1]s001001002', 'grid', '%[4]s', '%[1]s001001', 'village', %[6]s)`,
		code, all, names[0], names[1], box(west, mid), box(mid, west+0.2)))
	if err != nil {
		t.Fatal(err)
	}
	units, people, seq, err := db.SnapshotAt(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	live, err := index.NewLive(units, people, seq)
	if err != nil {
		t.Fatal(err)
	}
	return live
}
