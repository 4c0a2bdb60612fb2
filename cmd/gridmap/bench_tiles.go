package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridmap/gridmap/api"
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

// A dashboard session opens on the county (z8-z10), goes down to a town or a village
// (z11-z12) and spends most of its requests panning over grids, courtyards and households
// (z12-z16): the mix draws zooms with these weights.
var tileZoomWeights = []struct{ z, weight int }{
	{8, 1}, {9, 1}, {10, 1}, {11, 2}, {12, 3}, {13, 3}, {14, 3}, {15, 3}, {16, 3},
}

// anchorShare is the share of the mix drawn around grids (where people look); the rest
// falls anywhere in the box, as panning over the edge of the data does.
const anchorShare = 0.7

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
		data, err := b.DB.PlainTile(ctx, specs, int(t.Z), int(t.X), int(t.Y))
		return len(data), err
	}); err != nil {
		return nil, err
	}
	plain, err := timeTiles(ctx, cold, workers, func(ctx context.Context, t maptile.Tile) (int, error) {
		data, err := b.DB.PlainTile(ctx, specs, int(t.Z), int(t.X), int(t.Y))
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

// benchWarmTiles serves the API with the tile service from this process and drives the tile
// endpoint with wrk over the mix, every tile of which is already in the cache.
func benchWarmTiles(ctx context.Context, b *benchRun, svc *tiles.Service, tileset string, mix, distinct []maptile.Tile) ([]benchRow, error) {
	wrk, err := exec.LookPath(*benchWrk)
	if err != nil {
		return []benchRow{{"warm tiles over HTTP", fmt.Sprintf("skipped: %s not found (install wrk, or give -wrk)", *benchWrk)}}, nil
	}
	// The cache must hold the whole mix, or the run measures renders, not the cache.
	for _, t := range distinct {
		if _, err := svc.Tile(ctx, tileset, uint32(t.Z), t.X, t.Y); err != nil {
			return nil, err
		}
	}
	entries, cached, _, _ := svc.Cache().Stats()
	// What wrk will be sent, in the mix's proportions: the bytes per tile decide much of the
	// rate once tiles come from the cache.
	empty, body := 0, 0
	for _, t := range mix {
		e, err := svc.Tile(ctx, tileset, uint32(t.Z), t.X, t.Y)
		if err != nil {
			return nil, err
		}
		if len(e.Data) == 0 {
			empty++
		} else if *benchTileGzip {
			body += len(e.Gzip)
		} else {
			body += len(e.Data)
		}
	}

	ln, err := net.Listen("tcp", *benchTileAddr)
	if err != nil {
		return nil, err
	}
	deps := api.Deps{Resolver: b.DB, Households: b.DB, Ready: b.DB.Ping, Tiles: svc,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if tileset == tiles.Private {
		// The server listens on loopback for this run only: nobody else can ask it.
		deps.AuthorizePrivate = func(*http.Request) error { return nil }
	}
	srv := &http.Server{Handler: api.New(deps), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()

	dir, err := os.MkdirTemp("", "gridmap-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "tiles.lua")
	if err := os.WriteFile(script, []byte(tilesLua(tileset, mix, *benchTileGzip, b.Seed)), 0o644); err != nil {
		return nil, err
	}
	// A short run first, as the http section does: connections open outside the figure.
	if _, err := runWrk(ctx, wrk, script, url, *benchTileConns, time.Second); err != nil {
		return nil, err
	}
	stop, err := startProfile("warm")
	if err != nil {
		return nil, err
	}
	_, _, hits0, misses0 := svc.Cache().Stats()
	r, err := runWrk(ctx, wrk, script, url, *benchTileConns, *benchTileDuration)
	stop()
	if err != nil {
		return nil, err
	}
	_, _, hits1, misses1 := svc.Cache().Stats()
	gz := "no Accept-Encoding: uncompressed bodies"
	if *benchTileGzip {
		gz = "Accept-Encoding: gzip, gzip bodies"
	}
	settings := fmt.Sprintf("wrk -t%d -c%d -d%s", *benchHTTPThreads, max(*benchTileConns, *benchHTTPThreads), *benchTileDuration)
	figure := fmt.Sprintf("%s tiles/s, p50 %s, p99 %s; cache hits %.2f%%", thousands(r.perSecond), ms(r.p50), ms(r.p99),
		100*float64(hits1-hits0)/float64(max(hits1-hits0+misses1-misses0, 1)))
	if r.non2xx > 0 {
		figure += fmt.Sprintf("; %d errors", r.non2xx)
	}
	if r.socketErrors != "" {
		figure += "; socket errors: " + r.socketErrors
	}
	return []benchRow{
		{fmt.Sprintf("warm tiles over HTTP: GET /tiles/%s/{z}/{x}/{y}.mvt from the cache (%s tiles, %.1f MiB), %s-tile mix (%d%% empty: 204; mean body %.1f KB), %s, target ≥ 20,000 tiles/s (%s)",
			tileset, thousands(float64(entries)), mib(uint64(cached)), thousands(float64(len(mix))), 100*empty/max(len(mix), 1), float64(body)/float64(max(len(mix), 1))/1000, gz, settings),
			figure},
	}, nil
}

// startProfile starts a CPU profile into -tile-cpuprofile's PREFIX.name, when the flag is
// set, and returns what stops it.
func startProfile(name string) (func(), error) {
	if *benchTileProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(*benchTileProfile + "." + name)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// gridAnchors returns the label points of up to n grids drawn at random (with their
// boundary): the places a session's tiles gather around. Only the drawn grids are labelled,
// since a label point costs tens of µs.
func gridAnchors(units []geo.Unit, n int, seed int64) []orb.Point {
	var grids []int
	for i, u := range units {
		if u.Level == geo.Grid && len(u.Geom) > 0 {
			grids = append(grids, i)
		}
	}
	if len(grids) == 0 {
		return nil
	}
	r := rand.New(rand.NewSource(seed))
	out := make([]orb.Point, min(n, len(grids)))
	for i := range out {
		out[i] = tiles.LabelPoint(units[grids[r.Intn(len(grids))]].Geom)
	}
	return out
}

// tileMix draws n tiles of a dashboard session: zooms by tileZoomWeights, a share
// anchorShare around the anchors and the rest at random points of the box (west, south,
// east, north). The same arguments give the same tiles.
func tileMix(anchors []orb.Point, box [4]float64, n int, seed int64) []maptile.Tile {
	r := rand.New(rand.NewSource(seed))
	total := 0
	for _, w := range tileZoomWeights {
		total += w.weight
	}
	out := make([]maptile.Tile, n)
	for i := range out {
		var p orb.Point
		if len(anchors) > 0 && r.Float64() < anchorShare {
			p = anchors[r.Intn(len(anchors))]
		} else {
			p = orb.Point{box[0] + r.Float64()*(box[2]-box[0]), box[1] + r.Float64()*(box[3]-box[1])}
		}
		pick := r.Intn(total)
		z := tileZoomWeights[len(tileZoomWeights)-1].z
		for _, w := range tileZoomWeights {
			if pick < w.weight {
				z = w.z
				break
			}
			pick -= w.weight
		}
		out[i] = maptile.At(p, maptile.Zoom(z))
	}
	return out
}

// distinctTiles returns the tiles in the order they first appear, each once.
func distinctTiles(ts []maptile.Tile) []maptile.Tile {
	seen := make(map[maptile.Tile]bool, len(ts))
	var out []maptile.Tile
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// coverTiles lists every tile of zoom z over b.
func coverTiles(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z) // north-west: the smallest x and y
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var out []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			out = append(out, maptile.New(x, y, z))
		}
	}
	return out
}

func countAbove(ts []maptile.Tile, z maptile.Zoom) int {
	n := 0
	for _, t := range ts {
		if t.Z > z {
			n++
		}
	}
	return n
}

// zoomCounts says how many tiles there are of each zoom: "z8 3, z9 5, ...".
func zoomCounts(ts []maptile.Tile) string {
	var counts [tiles.MaxZoom + 1]int
	for _, t := range ts {
		counts[t.Z]++
	}
	var parts []string
	for z, n := range counts {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("z%d %d", z, n))
		}
	}
	return strings.Join(parts, ", ")
}

// tileTimes is what a run of timeTiles measured: per tile, in the order of the tiles.
type tileTimes struct {
	latency []time.Duration
	sizes   []int
	wall    time.Duration
}

func (t tileTimes) perSecond() float64 { return float64(len(t.latency)) / t.wall.Seconds() }

func (t tileTimes) figure() string {
	s := slices.Clone(t.latency)
	slices.Sort(s)
	return fmt.Sprintf("p50 %s, p95 %s, max %s; %s tiles/s", ms(quantile(s, 0.5)), ms(quantile(s, 0.95)), ms(quantile(s, 1)), thousands(t.perSecond()))
}

// byZoom returns the p95 of the tiles of each zoom: "z8 1.20, z9 3.40, ... ms".
func (t tileTimes) byZoom(ts []maptile.Tile) string {
	var lat [tiles.MaxZoom + 1][]time.Duration
	for i, tl := range ts {
		lat[tl.Z] = append(lat[tl.Z], t.latency[i])
	}
	var parts []string
	for z, l := range lat {
		if len(l) > 0 {
			slices.Sort(l)
			parts = append(parts, fmt.Sprintf("z%d %s", z, strconv.FormatFloat(float64(quantile(l, 0.95))/float64(time.Millisecond), 'f', 2, 64)))
		}
	}
	return strings.Join(parts, ", ") + " ms"
}

// timeTiles makes every tile once with get, from workers goroutines that take the next tile
// as they finish one, and times each tile and the whole run. get returns the tile's size.
func timeTiles(ctx context.Context, ts []maptile.Tile, workers int, get func(context.Context, maptile.Tile) (int, error)) (tileTimes, error) {
	res := tileTimes{latency: make([]time.Duration, len(ts)), sizes: make([]int, len(ts))}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ts) {
					return
				}
				t := time.Now()
				n, err := get(ctx, ts[i])
				res.latency[i] = time.Since(t)
				if err != nil {
					errs[w] = fmt.Errorf("tile %d/%d/%d: %w", ts[i].Z, ts[i].X, ts[i].Y, err)
					next.Store(int64(len(ts))) // the others stop after their tile
					return
				}
				res.sizes[i] = n
			}
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// quantile returns the q-quantile of sorted durations, by nearest rank (q = 1: the largest).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func meanNonEmpty(sizes []int) float64 {
	sum, n := 0, 0
	for _, s := range sizes {
		if s > 0 {
			sum += s
			n++
		}
	}
	return float64(sum) / float64(max(n, 1))
}

// tilesLua is the wrk script: GET tiles of the mix at random, so the tiles come in the
// mix's proportions (a tile drawn twice in the mix is asked twice as often).
func tilesLua(tileset string, mix []maptile.Tile, gzip bool, seed int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- written by gridmap bench: GET /tiles/%s/{z}/{x}/{y}.mvt over a session mix of %d tiles\n", tileset, len(mix))
	fmt.Fprintf(&b, "math.randomseed(%d)\n", seed)
	if gzip {
		b.WriteString("wrk.headers[\"Accept-Encoding\"] = \"gzip\"\n")
	}
	b.WriteString("local paths = {\n")
	for _, t := range mix {
		fmt.Fprintf(&b, "  \"/tiles/%s/%d/%d/%d.mvt\",\n", tileset, t.Z, t.X, t.Y)
	}
	b.WriteString("}\nrequest = function()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\nend\n")
	return b.String()
}
