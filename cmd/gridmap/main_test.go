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
