package main_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Cleanup()
	os.Exit(code)
}

// gridmap builds the binary once per test run.
func gridmap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gridmap")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(bin string, env []string, args ...string) (string, int) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	return string(out), 0
}

func TestEverySubcommandHasHelp(t *testing.T) {
	bin := gridmap(t)
	for _, sub := range []string{"serve", "migrate", "import", "export", "generate", "status", "bench", "keys"} {
		out, code := run(bin, nil, sub, "--help")
		if code != 0 || !strings.Contains(out, "Usage: gridmap "+sub) {
			t.Errorf("%s --help: exit %d\n%s", sub, code, out)
		}
	}
	if out, code := run(bin, nil, "frobnicate"); code != 2 || !strings.Contains(out, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d\n%s", code, out)
	}
}

// A refused file exits 2 and lists the bad feature with its reason; nothing is stored.
func TestImportRefusesABadFileWithExit2(t *testing.T) {
	pgtest.DB(t)
	bin := gridmap(t)
	env := []string{"DATABASE_URL=" + pgtest.URL()}
	bad := filepath.Join(t.TempDir(), "units.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"990501","name":"测试县","level":"county"},
		 "geometry":{"type":"Polygon","coordinates":[[[26.5,105.1],[26.6,105.1],[26.6,105.2],[26.5,105.1]]]}}]}`), 0o644)
	before, _ := run(bin, env, "status", "-count-units") // other tests of the package may store units
	out, code := run(bin, env, "import", "units", bad)
	if code != 2 || !strings.Contains(out, "990501") || !strings.Contains(out, "swapped") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	out, code = run(bin, env, "status", "-count-units")
	if code != 0 || out != before {
		t.Fatalf("status after a refused import: exit %d, %q units, %q before", code, out, before)
	}
}

// import -repair mends a bow-tie and prints where and by how much; without it the file is
// refused with a hint at the flag. -encoding gb18030 reads a GBK file.
func TestImportRepairAndEncodingFlags(t *testing.T) {
	pgtest.DB(t)
	bin := gridmap(t)
	env := []string{"DATABASE_URL=" + pgtest.URL()}
	dir := t.TempDir()
	bowTie := filepath.Join(dir, "units.geojson")
	os.WriteFile(bowTie, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"990502","name":"蝶县","level":"county"},
		 "geometry":{"type":"Polygon","coordinates":[[[82.5,40],[82.6,40.1],[82.6,40],[82.5,40.1],[82.5,40]]]}}]}`), 0o644)
	out, code := run(bin, env, "import", "-q", "units", bowTie)
	if code != 2 || !strings.Contains(out, "import with -repair") {
		t.Fatalf("without -repair: exit %d\n%s", code, out)
	}
	out, code = run(bin, env, "import", "-q", "-repair", "units", bowTie)
	if code != 0 || !strings.Contains(out, "units.geojson: 1 repaired with ST_MakeValid:\n  feature 1 (990502): repaired: ring self-intersects near 82.550000,40.050000; area +") {
		t.Fatalf("with -repair: exit %d\n%s", code, out)
	}
	gbk := filepath.Join(dir, "divisions.csv")
	os.WriteFile(gbk, []byte("code,name,level,parent_code\n990502001,\xbc\xa6\xb3\xa1\xd5\xf2,town,990502\n"), 0o644) // 鸡场镇 in GBK
	out, code = run(bin, env, "import", "-q", "divisions", gbk)
	if code != 2 || !strings.Contains(out, "line 2: name: is not UTF-8 text; it looks like GBK/GB18030") {
		t.Fatalf("GBK without -encoding: exit %d\n%s", code, out)
	}
	out, code = run(bin, env, "import", "-q", "-encoding", "gb18030", "divisions", gbk)
	if code != 0 || !strings.Contains(out, "1 inserted") {
		t.Fatalf("GBK with -encoding gb18030: exit %d\n%s", code, out)
	}
}
