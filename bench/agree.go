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

var (
	agreePoints   *int
	agreeVertices *int
	updateEdits   *int
)

func init() {
	benchSections = append(benchSections,
		benchSection{Name: "agree", Order: 15,
			Summary: "the in-memory index and PostGIS ST_Covers name the same unit for random points and grid vertices",
			Flags: func(fs *flag.FlagSet) {
				agreePoints = fs.Int("agree-points", 100000, "random points compared with PostGIS")
				agreeVertices = fs.Int("agree-vertices", 100000, "grid vertices (where neighbours meet) compared with PostGIS, sampled when there are more")
			},
			Run: benchAgree},
		benchSection{Name: "update", Order: 16,
			Summary: "applying one edited grid to the live index (incremental: only the shards under it are rebuilt)",
			Flags: func(fs *flag.FlagSet) {
				updateEdits = fs.Int("update-edits", 30, "edits to time")
			},
			Run: benchUpdate})
}

// benchAgree resolves the same points in memory and with one PostGIS join (the same edge
// rule) and counts the points on which they differ; the figure must be 0.
func benchAgree(ctx context.Context, b *benchRun) ([]benchRow, error) {
	ix, _, err := b.Index(ctx)
	if err != nil {
		return nil, err
	}
	random, err := b.Points(ctx, *agreePoints, 77)
	if err != nil {
		return nil, err
	}
	units, _, err := b.DB.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	var vertices [][2]float64
	for _, p := range geo.Vertices(units, geo.Grid) {
		vertices = append(vertices, [2]float64{p[0], p[1]})
	}
	total := len(vertices)
	if len(vertices) > *agreeVertices {
		rng := rand.New(rand.NewSource(b.Seed + 78))
		rng.Shuffle(len(vertices), func(i, j int) { vertices[i], vertices[j] = vertices[j], vertices[i] })
		vertices = vertices[:*agreeVertices]
	}
	var rows []benchRow
	for _, set := range []struct {
		name string
		pts  [][2]float64
	}{{fmt.Sprintf("random points of the box"), random}, {fmt.Sprintf("grid vertices (of %d distinct)", total), vertices}} {
		lon, lat := make([]float64, len(set.pts)), make([]float64, len(set.pts))
		for i, p := range set.pts {
			lon[i], lat[i] = p[0], p[1]
		}
		start := time.Now()
		want, err := b.DB.CodesAt(ctx, lon, lat)
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		bad, covered := 0, 0
		for i := range want {
			got, _ := ix.Lookup(lon[i], lat[i])
			if want[i] != "" {
				covered++
			}
			if got != want[i] {
				bad++
			}
		}
		rows = append(rows, benchRow{
			Measure: fmt.Sprintf("index vs PostGIS ST_Covers, %s", set.name),
			Figure: fmt.Sprintf("%d disagreements in %d points (%d covered; PostGIS took %s)",
				bad, len(want), covered, took.Round(time.Millisecond))})
		if bad > 0 {
			return rows, fmt.Errorf("the index and PostGIS disagree on %d %s", bad, set.name)
		}
	}
	return rows, nil
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
