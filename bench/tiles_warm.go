package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/tiles"
	"github.com/paulmach/orb/maptile"
)

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
		// The server listens on loopback for this run only; wrk sends the bench's own
		// administrator token, as a dashboard would send its key.
		deps.Auth, deps.PrivateScope = benchIdentity{}, []string{""}
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

// tilesLua is the wrk script: GET tiles of the mix at random, so the tiles come in the
// mix's proportions (a tile drawn twice in the mix is asked twice as often).
func tilesLua(tileset string, mix []maptile.Tile, gzip bool, seed int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- written by gridmap bench: GET /tiles/%s/{z}/{x}/{y}.mvt over a session mix of %d tiles\n", tileset, len(mix))
	fmt.Fprintf(&b, "math.randomseed(%d)\n", seed)
	if gzip {
		b.WriteString("wrk.headers[\"Accept-Encoding\"] = \"gzip\"\n")
	}
	if tileset == tiles.Private {
		b.WriteString("wrk.headers[\"Authorization\"] = \"Bearer bench\"\n")
	}
	b.WriteString("local paths = {\n")
	for _, t := range mix {
		fmt.Fprintf(&b, "  \"/tiles/%s/%d/%d/%d.mvt\",\n", tileset, t.Z, t.X, t.Y)
	}
	b.WriteString("}\nrequest = function()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\nend\n")
	return b.String()
}

// benchIdentity lets the bench's own token ("bench") read everything, as an administrator.
type benchIdentity struct{}

func (benchIdentity) Identify(_ context.Context, token string) (*access.Identity, error) {
	if token == "bench" {
		return &access.Identity{Subject: "bench", Via: "key", Grants: []access.Grant{{Role: access.Admin}}}, nil
	}
	return access.Anonymous, nil
}
