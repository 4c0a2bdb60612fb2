package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func init() {
	benchSections = append(benchSections, benchSection{Name: "http", Order: 20,
		Summary: "GET /v1/resolve driven by wrk, memory resolver against postgis",
		Flags:   httpBenchFlags, Run: benchHTTP})
}

var (
	benchWrk         *string
	benchHTTPTime    *time.Duration
	benchHTTPConns   *string
	benchHTTPThreads *int
)

func httpBenchFlags(fs *flag.FlagSet) {
	benchWrk = fs.String("wrk", "wrk", "http: the wrk binary")
	benchHTTPTime = fs.Duration("http-duration", 10*time.Second, "http: how long wrk drives each resolver")
	benchHTTPConns = fs.String("http-connections", "8", "http: wrk's open connections (-c); a list such as 8,16,32 runs each")
	benchHTTPThreads = fs.Int("http-threads", 1, "http: wrk's threads (-t); on a small machine wrk shares the cores with the server, and one thread leaves it the other")
}

// benchHTTP serves the API from this process twice — from the in-memory index and with a
// PostGIS query per request — and drives GET /v1/resolve at random points of the counties'
// box with wrk, which runs as a separate process with its own threads. The points are
// drawn by wrk's Lua script; about half fall outside the data and are 404s, as map traffic
// over a county's box is.
func benchHTTP(ctx context.Context, b *benchRun) ([]benchRow, error) {
	wrk, err := exec.LookPath(*benchWrk)
	if err != nil {
		return []benchRow{{"HTTP single lookups", fmt.Sprintf("skipped: %s not found (install wrk, or give -wrk)", *benchWrk)}}, nil
	}
	box, err := b.Box(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gridmap-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "resolve.lua")
	if err := os.WriteFile(script, []byte(resolveLua(box, b.Seed)), 0o644); err != nil {
		return nil, err
	}
	var conns []int
	for _, c := range strings.Split(*benchHTTPConns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-http-connections: %q is not a number of connections", c)
		}
		conns = append(conns, n)
	}
	var rows []benchRow
	for _, c := range conns {
		settings := fmt.Sprintf("wrk -t%d -c%d -d%s", *benchHTTPThreads, c, *benchHTTPTime)
		res := map[string]wrkResult{}
		for _, kind := range []string{"memory", "postgis"} {
			url, err := b.Server(ctx, kind)
			if err != nil {
				return nil, err
			}
			// A short run first: connections, the pool and the caches warm up outside the figure.
			if _, err := runWrk(ctx, wrk, script, url, c, time.Second); err != nil {
				return nil, err
			}
			r, err := runWrk(ctx, wrk, script, url, c, *benchHTTPTime)
			if err != nil {
				return nil, err
			}
			res[kind] = r
			figure := fmt.Sprintf("%s req/s, p50 %s, p99 %s (%d%% 404)", thousands(r.perSecond), ms(r.p50), ms(r.p99),
				100*r.non2xx/max(r.requests, 1))
			if r.socketErrors != "" {
				figure += "; socket errors: " + r.socketErrors
			}
			rows = append(rows, benchRow{fmt.Sprintf("GET /v1/resolve, %s resolver (%s, random points of the box)", kind, settings), figure})
		}
		if pg := res["postgis"].perSecond; pg > 0 {
			rows = append(rows, benchRow{fmt.Sprintf("ratio: memory / postgis requests per second (%s)", settings),
				fmt.Sprintf("%.1f×", res["memory"].perSecond/pg)})
		}
	}
	return rows, nil
}

// resolveLua is the wrk script: GET /v1/resolve at random points of the box.
func resolveLua(box [4]float64, seed int64) string {
	return fmt.Sprintf(`-- written by gridmap bench: GET /v1/resolve at random points of the counties' box
math.randomseed(%d)
request = function()
  local lon = %.6f + math.random() * %.6f
  local lat = %.6f + math.random() * %.6f
  return wrk.format("GET", string.format("/v1/resolve?lon=%%.6f&lat=%%.6f", lon, lat))
end
`, seed, box[0], box[2]-box[0], box[1], box[3]-box[1])
}
