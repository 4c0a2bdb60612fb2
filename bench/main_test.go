package bench

import (
	"os"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Cleanup()
	os.Exit(code)
}
