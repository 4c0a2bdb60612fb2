package bench

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what the bench reads from wrk's report.
type wrkResult struct {
	requests     int64
	perSecond    float64
	p50, p99     time.Duration
	non2xx       int64
	socketErrors string
}

// runWrk drives url with wrk and the Lua script for d over conns connections (threads:
// -http-threads) and returns the figures of its report.
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
