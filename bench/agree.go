package bench

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"time"

	"github.com/gridmap/gridmap/geo"
)

var (
	agreePoints   *int
	agreeVertices *int
)

func init() {
	benchSections = append(benchSections,
		benchSection{Name: "agree", Order: 15,
			Summary: "the in-memory index and PostGIS ST_Covers name the same unit for random points and grid vertices",
			Flags: func(fs *flag.FlagSet) {
				agreePoints = fs.Int("agree-points", 100000, "random points compared with PostGIS")
				agreeVertices = fs.Int("agree-vertices", 100000, "grid vertices (where neighbours meet) compared with PostGIS, sampled when there are more")
			},
			Run: benchAgree})
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
	}{{"random points of the box", random}, {fmt.Sprintf("grid vertices (of %d distinct)", total), vertices}} {
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
