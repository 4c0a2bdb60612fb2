package bench

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"
)

func init() {
	benchSections = append(benchSections, benchSection{Name: "batch", Order: 30,
		Summary: "POST /v1/resolve with a CSV of random points, against the same points joined in PostGIS",
		Flags:   batchBenchFlags, Run: benchBatch})
}

var benchBatchPoints, benchBatchRuns, benchBatchPGPoints *int

func batchBenchFlags(fs *flag.FlagSet) {
	benchBatchPoints = fs.Int("batch-points", 1000000, "batch: points in the CSV body")
	benchBatchRuns = fs.Int("batch-runs", 3, "batch: timed posts of the body (the median counts)")
	benchBatchPGPoints = fs.Int("pg-batch-points", 200000, "batch: how many of the same points the PostGIS join resolves (about 25,000 a second)")
}

// benchBatch posts a CSV of random points of the counties' box to the in-memory API served
// from this process and reads the whole NDJSON answer, end to end over loopback; then it
// resolves the same points (the first -pg-batch-points of them) in PostGIS with one query,
// the way a batch would be done in the database, and checks that both name the same grids.
func benchBatch(ctx context.Context, b *benchRun) ([]benchRow, error) {
	n := *benchBatchPoints
	pts, err := b.Points(ctx, n, 2)
	if err != nil {
		return nil, err
	}
	// Six decimals (about 10 cm), as clients send them; the PostGIS join gets the points as
	// the CSV says them, so both resolve the very same coordinates.
	body := make([]byte, 0, 24*n+16)
	body = append(body, "lon,lat\n"...)
	for i, p := range pts {
		for k := range 2 {
			start := len(body)
			body = strconv.AppendFloat(body, p[k], 'f', 6, 64)
			pts[i][k], _ = strconv.ParseFloat(string(body[start:]), 64)
			body = append(body, ",\n"[k])
		}
	}
	url, err := b.Server(ctx, "memory")
	if err != nil {
		return nil, err
	}
	pgN := min(*benchBatchPGPoints, n)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()

	// One untimed post first: the server's heap grows to its working size, as it has in a
	// server that has been up for a while.
	if _, _, err := postCSV(ctx, client, url, body, 0); err != nil {
		return nil, err
	}
	var times []float64
	var grids []string // the grids of the first pgN points, from the last run
	for range max(*benchBatchRuns, 1) {
		start := time.Now()
		lines, g, err := postCSV(ctx, client, url, body, pgN)
		if err != nil {
			return nil, err
		}
		times = append(times, time.Since(start).Seconds())
		if lines != n {
			return nil, fmt.Errorf("the batch answered %d lines for %d points", lines, n)
		}
		grids = g
	}
	sort.Float64s(times)
	med := times[len(times)/2]

	pgTime, copyTime, pgGrids, err := b.Base.BatchGrids(ctx, pts[:pgN])
	if err != nil {
		return nil, err
	}
	agree := 0
	for i := range pgGrids {
		if pgGrids[i] == grids[i] {
			agree++
		}
	}
	pgRate := float64(pgN) / pgTime.Seconds()
	httpRate := float64(n) / med
	return []benchRow{
		{fmt.Sprintf("POST /v1/resolve, %s CSV points (%.1f MB) of the box, memory resolver, whole answer read, loopback, median of %d",
			thousands(float64(n)), float64(len(body))/1e6, len(times)),
			fmt.Sprintf("%s points/s (%.2f s; best %.2f s)", thousands(httpRate), med, times[0])},
		{fmt.Sprintf("PostGIS: COPY the first %s of these points into a temp table, one SELECT with LEFT JOIN LATERAL the smallest covering grid (ST_Covers, code only), rows read",
			thousands(float64(pgN))),
			fmt.Sprintf("%s points/s (%.2f s, of it COPY %.2f s)", thousands(pgRate), pgTime.Seconds(), copyTime.Seconds())},
		{"ratio: HTTP batch (memory) / PostGIS join, points per second", fmt.Sprintf("%.0f×", httpRate/pgRate)},
		{"grids named alike by the batch and the PostGIS join", fmt.Sprintf("%d of %d points", agree, pgN)},
	}, nil
}

// postCSV posts the body and reads the answer: it counts the lines and keeps the grid of the
// first keep lines ("" for a point without one).
func postCSV(ctx context.Context, client *http.Client, url string, body []byte, keep int) (int, []string, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url+"/v1/resolve", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "text/csv")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		return 0, nil, fmt.Errorf("POST /v1/resolve: %s: %s", resp.Status, msg)
	}
	grids := make([]string, 0, keep)
	in := bufio.NewReaderSize(resp.Body, 256<<10)
	lines := 0
	key := []byte(`"grid":"`)
	for {
		line, err := in.ReadSlice('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			if lines < keep {
				g := ""
				if i := bytes.Index(line, key); i >= 0 {
					rest := line[i+len(key):]
					g = string(rest[:bytes.IndexByte(rest, '"')])
				}
				grids = append(grids, g)
			}
			lines++
		}
		if err == io.EOF {
			return lines, grids, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return lines, grids, err
		}
	}
}
