package bench

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/tiles"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func init() {
	benchSections = append(benchSections, benchSection{Name: "tiles", Order: 40,
		Summary: "vector tiles: cold renders in memory against one ST_AsMVT query per tile, warm tiles over HTTP with wrk, tile sizes, the tile sets' build time and heap",
		Flags:   tilesBenchFlags, Run: benchTiles})
}

var (
	benchTileCount     *int
	benchTileColdCount *int
	benchTileWorkers   *int
	benchTileDuration  *time.Duration
	benchTileConns     *int
	benchTileGzip      *bool
	benchTileCacheMB   *int
	benchTileset       *string
	benchTileAddr      *string
	benchTileProfile   *string
)

func tilesBenchFlags(fs *flag.FlagSet) {
	benchTileCount = fs.Int("tile-count", 2000, "tiles: tiles in the z8-z16 session mix (the cold runs render its distinct tiles, wrk requests the mix)")
	benchTileColdCount = fs.Int("tile-cold-count", 0, "tiles: make only the first this many of the mix's distinct tiles in the cold runs, in memory and in PostGIS alike (0: all of them; PostGIS makes a few a second at province scale)")
	benchTileWorkers = fs.Int("tile-workers", 2, "tiles: concurrent workers of the cold runs")
	benchTileDuration = fs.Duration("tile-duration", 10*time.Second, "tiles: how long wrk requests warm tiles")
	benchTileConns = fs.Int("tile-connections", 8, "tiles: wrk's open connections (-c) for the warm tiles (threads: -http-threads)")
	benchTileGzip = fs.Bool("tile-gzip", true, "tiles: send Accept-Encoding: gzip with the warm tiles, as browsers do")
	benchTileCacheMB = fs.Int("tile-cache-mb", 256, "tiles: the tile cache, in MiB (as serve -tile-cache-mb)")
	benchTileset = fs.String("tileset", tiles.Public, "tiles: the tileset measured, public or private (with households)")
	benchTileAddr = fs.String("tile-addr", "127.0.0.1:0", "tiles: loopback address of the API serving the warm tiles")
	benchTileProfile = fs.String("tile-cpuprofile", "", "tiles: write CPU profiles of this process (go tool pprof) to PREFIX.cold, during the cold in-memory run, and PREFIX.warm, during the timed wrk run")
}

// benchTiles measures the tiles as a client meets them: the tile sets are built from a
// PostGIS read as serve builds them; distinct tiles of a session mix are requested once each
// from the service (each a cache miss: render, gzip and tag) and the same tiles are made by
// PostGIS with one ST_AsMVT query each; the sizes of every tile down to z12 and of the mix
// are checked; then the API serves the warmed cache from this process and wrk requests the
// mix.
func benchTiles(ctx context.Context, b *benchRun) ([]benchRow, error) {
	tileset := *benchTileset
	var specs []tiles.LayerSpec
	switch tileset {
	case tiles.Public:
		specs = tiles.PublicLayers()
	case tiles.Private:
		specs = tiles.PrivateLayers()
	default:
		return nil, geo.FieldError("-tileset", "%q is not %s or %s", tileset, tiles.Public, tiles.Private)
	}
	box, err := b.Box(ctx)
	if err != nil {
		return nil, err
	}

	// The tile sets, built as serve builds them, and the heap they keep: the read's rows are
	// dropped before the second GC, except what the service holds on to.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	st, err := b.DB.StateAt(ctx, true, true)
	if err != nil {
		return nil, err
	}
	read := time.Since(start)
	nUnits, nFeatures, nHouseholds := len(st.Units), len(st.Features), len(st.Households)
	grids := 0
	for _, u := range st.Units {
		if u.Level == geo.Grid && len(u.Geom) > 0 {
			grids++
		}
	}
	anchors := gridAnchors(st.Units, *benchTileCount, b.Seed+4)
	start = time.Now()
	svc, err := tiles.NewService(geo.State{Seq: st.Seq, Units: st.Units, People: st.People,
		Features: st.Features, Households: st.Households}, int64(*benchTileCacheMB)<<20)
	if err != nil {
		return nil, err
	}
	build := time.Since(start)
	st = geo.State{}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := mib(after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc))

	mix := tileMix(anchors, box, *benchTileCount, b.Seed+4)
	distinct := distinctTiles(mix)
	cold := distinct
	if n := *benchTileColdCount; n > 0 && n < len(cold) {
		cold = cold[:n]
	}
	workers := max(*benchTileWorkers, 1)

	rows := []benchRow{
		{fmt.Sprintf("data read from PostGIS: %s units (%s grids), %s features, %s households",
			thousands(float64(nUnits)), thousands(float64(grids)), thousands(float64(nFeatures)), thousands(float64(nHouseholds))),
			read.Round(time.Millisecond).String()},
		{"tile sets (public and private) built from it", build.Round(time.Millisecond).String()},
		{"tile service heap (after GC): both sets and the units it redraws from",
			fmt.Sprintf("%.1f MiB, %.1f MiB per 10,000 grids", heap, heap*10000/float64(max(grids, 1)))},
	}

	// Cold: every tile requested once, so each is a miss and pays what the first viewer of a
	// tile pays (the render, the gzip form and the tag), with workers in parallel as
	// concurrent viewers would be.
	stop, err := startProfile("cold")
	if err != nil {
		return nil, err
	}
	_, _, hits0, misses0 := svc.Cache().Stats()
	mem, err := timeTiles(ctx, cold, workers, func(ctx context.Context, t maptile.Tile) (int, error) {
		e, err := svc.Tile(ctx, tileset, uint32(t.Z), t.X, t.Y)
		if err != nil {
			return 0, err
		}
		return len(e.Data), nil
	})
	stop()
	if err != nil {
		return nil, err
	}
	_, _, hits1, misses1 := svc.Cache().Stats()
	if hits1 != hits0 || misses1-misses0 != uint64(len(cold)) {
		return nil, fmt.Errorf("the cold run was not cold: %d hits and %d misses for %d distinct tiles", hits1-hits0, misses1-misses0, len(cold))
	}
	// PostGIS gets a short untimed run first, so that its connections have prepared their
	// queries and its buffers hold the tables, as a tile server's would after its first minute.
	if _, err := timeTiles(ctx, cold[:min(20, len(cold))], workers, func(ctx context.Context, t maptile.Tile) (int, error) {
		data, err := b.Base.PlainTile(ctx, specs, int(t.Z), int(t.X), int(t.Y))
		return len(data), err
	}); err != nil {
		return nil, err
	}
	plain, err := timeTiles(ctx, cold, workers, func(ctx context.Context, t maptile.Tile) (int, error) {
		data, err := b.Base.PlainTile(ctx, specs, int(t.Z), int(t.X), int(t.Y))
		return len(data), err
	})
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("%s distinct tiles of a %s-tile z8-z16 session mix (%s)", thousands(float64(len(cold))), thousands(float64(len(mix))), zoomCounts(cold))
	rows = append(rows,
		benchRow{fmt.Sprintf("cold tiles in memory: Service.Tile, each a cache miss (render, gzip, ETag), %d workers, %s; target p95 ≤ 30 ms", workers, what),
			mem.figure()},
		benchRow{fmt.Sprintf("cold tiles in PostGIS: db.PlainTile, one ST_AsMVT query per tile, %d workers, the same tiles", workers),
			plain.figure()},
		benchRow{"ratio: cold tiles per second, in memory / PostGIS (target ≥ 3×)",
			fmt.Sprintf("%.1f×", mem.perSecond()/max(plain.perSecond(), 1e-9))},
		benchRow{"cold tiles in memory, p95 by zoom (where the time goes)", mem.byZoom(cold)},
		benchRow{"cold tiles in PostGIS, p95 by zoom", plain.byZoom(cold)},
		benchRow{"mean size of the same non-empty tiles, in memory / PostGIS (uncompressed)",
			fmt.Sprintf("%.1f KB / %.1f KB", meanNonEmpty(mem.sizes)/1000, meanNonEmpty(plain.sizes)/1000)},
	)

	// Sizes: every tile over the data down to z12, where a tile covers the most features,
	// and the distinct tiles of the mix at z13-z16 (these zooms have too many tiles to walk).
	info, _ := svc.Info(tileset)
	bound := orb.Bound{Min: orb.Point{info.Bounds[0], info.Bounds[1]}, Max: orb.Point{info.Bounds[2], info.Bounds[3]}}
	var sized []maptile.Tile
	for z := maptile.Zoom(0); z <= 12; z++ {
		sized = append(sized, coverTiles(bound, z)...)
	}
	for _, t := range distinct {
		if t.Z >= 13 {
			sized = append(sized, t)
		}
	}
	var largest maptile.Tile
	var maxBytes, sum, sumGzip, nonEmpty int
	for _, t := range sized {
		e, err := svc.Tile(ctx, tileset, uint32(t.Z), t.X, t.Y)
		if err != nil {
			return nil, err
		}
		if len(e.Data) > maxBytes {
			maxBytes, largest = len(e.Data), t
		}
		if len(e.Data) > 0 {
			nonEmpty++
			sum += len(e.Data)
			sumGzip += len(e.Gzip)
		}
	}
	rows = append(rows,
		benchRow{fmt.Sprintf("largest tile, uncompressed, of %s tiles: all %s over the data at z0-z12 and the mix's at z13-z16 (target ≤ 500 KB)",
			thousands(float64(len(sized))), thousands(float64(len(sized)-countAbove(distinct, 12)))),
			fmt.Sprintf("%.1f KB at %d/%d/%d", float64(maxBytes)/1000, largest.Z, largest.X, largest.Y)},
		benchRow{fmt.Sprintf("mean size of those tiles that are not empty (%s of them)", thousands(float64(nonEmpty))),
			fmt.Sprintf("%.1f KB uncompressed, %.1f KB gzip", float64(sum)/float64(max(nonEmpty, 1))/1000, float64(sumGzip)/float64(max(nonEmpty, 1))/1000)},
	)

	httpRows, err := benchWarmTiles(ctx, b, svc, tileset, mix, distinct)
	if err != nil {
		return nil, err
	}
	return append(rows, httpRows...), nil
}
