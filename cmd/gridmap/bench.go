package main

import (
	"context"
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"time"

	"github.com/gridmap/gridmap/geo/index"
)

func init() {
	register("bench", "measure lookups: the in-memory index against a PostGIS query per point, in one run", runBench)
}

// runBench times the same random points through the in-memory index and through PostGIS
// (the -resolver postgis path), so the figures are a ratio measured on one machine at one
// time, and reports the index's memory.
func runBench(ctx context.Context, args []string) error {
	fs := newFlags("bench", "[-points 200000] [-db-points 2000]")
	n := fs.Int("points", 200000, "random points for the in-memory index")
	dbN := fs.Int("db-points", 2000, "random points for the PostGIS round trip (slower)")
	seed := fs.Int64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	units, people, err := db.Snapshot(ctx)
	if err != nil {
		return err
	}
	ix, err := index.Build(units, people)
	if err != nil {
		return err
	}
	build := time.Since(start)
	units, people = nil, nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	grids := 0
	for _, st := range ix.Stats() {
		if st.Level == "grid" {
			grids = st.Units
		}
	}

	var minX, minY, maxX, maxY float64
	if err := db.Pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom)::geometry AS e FROM units WHERE level = 'county') x`).Scan(&minX, &minY, &maxX, &maxY); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(*seed))
	pts := make([][2]float64, *n)
	for i := range pts {
		pts[i] = [2]float64{minX + rng.Float64()*(maxX-minX), minY + rng.Float64()*(maxY-minY)}
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

	var perPoint []float64
	for _, p := range pts[:min(*dbN, len(pts))] {
		t := time.Now()
		db.Resolve(ctx, p[0], p[1])
		perPoint = append(perPoint, float64(time.Since(t).Nanoseconds()))
	}
	dbNs := median(perPoint)
	var rawPerPoint []float64
	for _, p := range pts[:min(*dbN, len(pts))] {
		t := time.Now()
		db.GridAt(ctx, p[0], p[1])
		rawPerPoint = append(rawPerPoint, float64(time.Since(t).Nanoseconds()))
	}
	rawNs := median(rawPerPoint)

	fmt.Printf("| measure | figure |\n|---|---|\n")
	fmt.Printf("| units with boundaries / grids in the index | %d / %d |\n", sumUnits(ix), grids)
	fmt.Printf("| index build from PostGIS | %s |\n", build.Round(time.Millisecond))
	fmt.Printf("| index heap (after GC) | %.1f MiB, %.1f MiB per 10,000 grids |\n",
		mib(after.HeapAlloc-before.HeapAlloc), mib(after.HeapAlloc-before.HeapAlloc)*10000/float64(max(grids, 1)))
	fmt.Printf("| in-memory full-chain lookup, median over %d points inside the data | %.0f ns |\n", insideTimed, insideNs)
	fmt.Printf("| in-memory lookup, median over %d random points of the bounding box (%d%% inside) | %.0f ns |\n", memTimed, 100*len(inside)/len(pts), memNs)
	fmt.Printf("| PostGIS ST_Covers + chain round trip, median of %d points | %.0f µs |\n", len(perPoint), dbNs/1000)
	fmt.Printf("| PostGIS raw ST_Covers round trip (grid code only), median of %d points | %.0f µs |\n", len(rawPerPoint), rawNs/1000)
	fmt.Printf("| ratio: full-chain PostGIS / in-memory | %.0f× |\n", dbNs/memNs)
	fmt.Printf("| ratio: raw ST_Covers / in-memory full chain | %.0f× |\n", rawNs/memNs)
	return nil
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

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
