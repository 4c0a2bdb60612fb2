package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

// A wrk report as wrk 4 prints it with --latency.
const wrkReport = `Running 10s test @ http://127.0.0.1:18080
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   412.33us    1.02ms  21.22ms   95.17%
    Req/Sec    38.12k     2.01k   41.57k    72.00%
  Latency Distribution
     50%  163.00us
     75%  262.00us
     90%    1.55ms
     99%    4.18ms
  379412 requests in 10.10s, 121.38MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 174532
Requests/sec:  37609.17
Transfer/sec:     12.02MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkReport)
	if err != nil {
		t.Fatal(err)
	}
	if r.requests != 379412 || r.perSecond != 37609.17 || r.p50 != 163*time.Microsecond || r.p99 != 4180*time.Microsecond ||
		r.non2xx != 174532 || r.socketErrors != "connect 0, read 0, write 0, timeout 2" {
		t.Fatalf("%+v", r)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Fatal("a report without figures was read")
	}
	slow := strings.ReplaceAll(wrkReport, "     99%    4.18ms", "     99%    1.20s")
	if r, _ := parseWrk(slow); r.p99 != 1200*time.Millisecond {
		t.Fatalf("p99 in seconds: %v", r.p99)
	}
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 1234567.8: "1,234,568", 25000: "25,000"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %s, want %s", v, got, want)
		}
	}
}

// `gridmap bench` over a small generated county prints one table with every section, and
// the batch over HTTP names the same grids as the PostGIS join for every point.
func TestBenchPrintsOneTable(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a county")
	}
	pgtest.DB(t) // the package's own database: skips without one, like every PostGIS test
	dir := t.TempDir()
	bin := filepath.Join(dir, "gridmap")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/gridmap").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "DATABASE_URL="+pgtest.URL())
	runBin := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("gridmap %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	data := filepath.Join(dir, "county")
	runBin("generate", "-county", "../data/sample/520204-county.geojson", "-divisions", "../data/sample/520204-divisions.csv",
		"-out", data, "-households", "200")
	runBin("import", "dir", data)

	cmd := exec.Command(bin, "bench", "-points", "5000", "-db-points", "20", "-http-duration", "1s",
		"-batch-points", "20000", "-batch-runs", "1", "-pg-batch-points", "2000",
		"-agree-points", "2000", "-agree-vertices", "2000", "-update-edits", "3",
		"-tile-count", "200", "-tile-duration", "1s")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	table := string(out)
	rows := regexp.MustCompile(`(?m)^\| (\w*) \| (.+) \| (.+) \|$`).FindAllStringSubmatch(table, -1)
	sections := map[string]int{}
	for _, r := range rows {
		sections[r[1]]++
	}
	if sections["index"] < 5 || sections["batch"] != 4 || sections["http"] < 1 || sections["agree"] != 2 ||
		sections["update"] != 2 || sections["tiles"] < 8 {
		t.Fatalf("sections %v in\n%s", sections, table)
	}
	if !strings.Contains(table, "| batch | grids named alike by the batch and the PostGIS join | 2000 of 2000 points |") {
		t.Fatalf("the batch and PostGIS disagree:\n%s", table)
	}
	if strings.Count(table, "| 0 disagreements in ") != 2 {
		t.Fatalf("the index and PostGIS disagree:\n%s", table)
	}
	if _, err := exec.LookPath("wrk"); err == nil && !regexp.MustCompile(`\| http \| ratio: memory / postgis requests per second .*\| [0-9.]+× \|`).MatchString(table) {
		t.Fatalf("no HTTP ratio:\n%s", table)
	}

	cmd = exec.Command(bin, "bench", "-only", "index,nosuch")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), `"nosuch" is not a section`) {
		t.Fatalf("an unknown section: %v\n%s", err, out)
	}
}
