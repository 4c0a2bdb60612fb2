package bench

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/index"
)

func init() {
	benchSections = append(benchSections, benchSection{Name: "index", Order: 10,
		Summary: "in-memory lookups against a PostGIS query per point, and the index's memory",
		Flags:   indexBenchFlags, Run: benchIndex})
}

var benchIndexPoints, benchIndexDBPoints *int

func indexBenchFlags(fs *flag.FlagSet) {
	benchIndexPoints = fs.Int("points", 200000, "index: random points for the in-memory lookups")
	benchIndexDBPoints = fs.Int("db-points", 2000, "index: random points for the PostGIS round trips (slower)")
}

// benchIndex times the same random points through the in-memory index and through PostGIS
// (the -resolver postgis path), so the figures are a ratio measured on one machine at one
// time, and reports the index's memory.
func benchIndex(ctx context.Context, b *benchRun) ([]benchRow, error) {
	ix, info, err := b.Index(ctx)
	if err != nil {
		return nil, err
	}
	grids := 0
	for _, st := range ix.Stats() {
		if st.Level == geo.Grid {
			grids = st.Units
		}
	}
	pts, err := b.Points(ctx, *benchIndexPoints, 0)
	if err != nil {
		return nil, err
	}

	// In-memory: time blocks of 1,000 lookups and take the median per lookup, so a GC pause
	// or a scheduler hiccup does not decide the figure. Points inside the data are timed on
	// their own too: outside points cost an error value each.
	var inside [][2]float64
	for _, p := range pts {
		if _, ok := ix.Lookup(p[0], p[1]); ok {
			inside = append(inside, p)
		}
	}
	memNs, memTimed := timeIndex(ctx, ix, pts)
	insideNs, insideTimed := timeIndex(ctx, ix, inside)

	dbPts := pts[:min(*benchIndexDBPoints, len(pts))]
	var perPoint []float64
	for _, p := range dbPts {
		t := time.Now()
		b.DB.Resolve(ctx, p[0], p[1])
		perPoint = append(perPoint, float64(time.Since(t).Nanoseconds()))
	}
	dbNs := median(perPoint)
	var rawPerPoint []float64
	for _, p := range dbPts {
		t := time.Now()
		b.Base.GridAt(ctx, p[0], p[1])
		rawPerPoint = append(rawPerPoint, float64(time.Since(t).Nanoseconds()))
	}
	rawNs := median(rawPerPoint)

	heap := mib(info.heap)
	return []benchRow{
		{"units with boundaries / grids in the index", fmt.Sprintf("%d / %d", sumUnits(ix), grids)},
		{"index build from PostGIS", info.build.Round(time.Millisecond).String()},
		{"index heap (after GC)", fmt.Sprintf("%.1f MiB, %.1f MiB per 10,000 grids", heap, heap*10000/float64(max(grids, 1)))},
		{fmt.Sprintf("in-memory full-chain lookup, median over %d points inside the data", insideTimed), fmt.Sprintf("%.0f ns", insideNs)},
		{fmt.Sprintf("in-memory lookup, median over %d random points of the bounding box (%d%% inside)", memTimed, 100*len(inside)/max(len(pts), 1)), fmt.Sprintf("%.0f ns", memNs)},
		{fmt.Sprintf("PostGIS ST_Covers + chain round trip, median of %d points", len(perPoint)), fmt.Sprintf("%.0f µs", dbNs/1000)},
		{fmt.Sprintf("PostGIS raw ST_Covers round trip (grid code only), median of %d points", len(rawPerPoint)), fmt.Sprintf("%.0f µs", rawNs/1000)},
		{"ratio: full-chain PostGIS / in-memory", fmt.Sprintf("%.0f×", dbNs/memNs)},
		{"ratio: raw ST_Covers / in-memory full chain", fmt.Sprintf("%.0f×", rawNs/memNs)},
	}, nil
}

// timeIndex returns the median time per lookup over blocks of 1,000 points, and how many
// points it timed.
func timeIndex(ctx context.Context, ix *index.Index, pts [][2]float64) (float64, int) {
	const block = 1000
	var perBlock []float64
	for i := 0; i+block <= len(pts); i += block {
		t := time.Now()
		for _, p := range pts[i : i+block] {
			ix.Resolve(ctx, p[0], p[1])
		}
		perBlock = append(perBlock, float64(time.Since(t).Nanoseconds())/block)
	}
	return median(perBlock), len(perBlock) * block
}

func sumUnits(ix *index.Index) int {
	n := 0
	for _, st := range ix.Stats() {
		n += st.Units
	}
	return n
}
