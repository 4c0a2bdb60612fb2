package bench

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"slices"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/paulmach/orb"
)

var updateEdits *int

func init() {
	benchSections = append(benchSections,
		benchSection{Name: "update", Order: 16,
			Summary: "applying one edited grid to the live index (incremental: only the shards under it are rebuilt)",
			Flags: func(fs *flag.FlagSet) {
				updateEdits = fs.Int("update-edits", 30, "edits to time")
			},
			Run: benchUpdate})
}

// benchUpdate times Live.Apply for edits of single grids whose geometry changes (the same
// shape with its rings starting at another vertex: new coordinates to the index, the same
// coverage), as the follower applies them after a planner's edit.
func benchUpdate(ctx context.Context, b *benchRun) ([]benchRow, error) {
	units, people, err := b.DB.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	live, err := index.NewLive(units, people, 0)
	if err != nil {
		return nil, err
	}
	build := time.Since(start)
	var grids []geo.Unit
	for _, u := range units {
		if u.Level == geo.Grid && len(u.Geom) > 0 {
			grids = append(grids, u)
		}
	}
	if len(grids) == 0 {
		return nil, fmt.Errorf("no grids to edit")
	}
	rng := rand.New(rand.NewSource(b.Seed + 79))
	var ms []float64
	for i := range *updateEdits {
		g := grids[rng.Intn(len(grids))]
		g.Geom = rotateRings(g.Geom)
		t := time.Now()
		if err := live.Apply(geo.Changes{Seq: int64(i + 1), Units: []geo.Unit{g}}); err != nil {
			return nil, err
		}
		ms = append(ms, float64(time.Since(t).Microseconds())/1000)
	}
	slices.Sort(ms)
	return []benchRow{
		{"live index built from scratch (what every edit cost before)", build.Round(time.Millisecond).String()},
		{fmt.Sprintf("one grid's boundary edited, applied to the live index, median / max of %d", len(ms)),
			fmt.Sprintf("%.1f ms / %.1f ms", median(ms), ms[len(ms)-1])},
	}, nil
}

// rotateRings returns the shape with each ring starting one vertex later.
func rotateRings(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, r := range poly {
			n := len(r) - 1 // closed: the last point repeats the first
			nr := make(orb.Ring, 0, n+1)
			nr = append(nr, r[1:n]...)
			nr = append(nr, r[0], r[1])
			out[i][j] = nr
		}
	}
	return out
}
