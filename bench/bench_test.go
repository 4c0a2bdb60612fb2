package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

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
