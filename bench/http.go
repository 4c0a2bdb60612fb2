package bench

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// wrkResult is what the bench reads from wrk's report.
type wrkResult struct {
	requests     int64
	perSecond    float64
	p50, p99     time.Duration
	non2xx       int64
	socketErrors string
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

func runWrk(ctx context.Context, wrk, script, url string, conns int, d time.Duration) (wrkResult, error) {
	cmd := exec.CommandContext(ctx, wrk, "-t"+strconv.Itoa(*benchHTTPThreads), "-c"+strconv.Itoa(max(conns, *benchHTTPThreads)),
		"-d"+strconv.Itoa(max(int(d.Round(time.Second)/time.Second), 1))+"s", "--latency", "-s", script, url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, fmt.Errorf("reading wrk's report: %v\n%s", err, out)
	}
	return r, nil
}

var (
	wrkPercentile = regexp.MustCompile(`^\s*(50|99)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m)\s*$`)
	wrkRequests   = regexp.MustCompile(`^\s*(\d+) requests in `)
	wrkPerSecond  = regexp.MustCompile(`^Requests/sec:\s+([0-9.]+)`)
	wrkNon2xx     = regexp.MustCompile(`^\s*Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSocket     = regexp.MustCompile(`^\s*Socket errors:\s+(.*)$`)
)

// parseWrk reads the figures out of wrk's report (run with --latency).
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var p50, p99 bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := wrkPercentile.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[m[3]]
			d := time.Duration(math.Round(v * float64(unit)))
			if m[1] == "50" {
				r.p50, p50 = d, true
			} else {
				r.p99, p99 = d, true
			}
		}
		if m := wrkRequests.FindStringSubmatch(line); m != nil {
			r.requests, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := wrkPerSecond.FindStringSubmatch(line); m != nil {
			r.perSecond, _ = strconv.ParseFloat(m[1], 64)
		}
		if m := wrkNon2xx.FindStringSubmatch(line); m != nil {
			r.non2xx, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := wrkSocket.FindStringSubmatch(line); m != nil {
			r.socketErrors = m[1]
		}
	}
	if !p50 || !p99 || r.perSecond == 0 {
		return r, fmt.Errorf("no Requests/sec or 50%%/99%% latency in it")
	}
	return r, nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

// thousands writes a figure rounded to a whole number, with thousands separators.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
