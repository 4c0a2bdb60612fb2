package bench

import (
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestTilesLua(t *testing.T) {
	mix := []maptile.Tile{maptile.New(3241, 1735, 12), maptile.New(3241, 1735, 12), maptile.New(101, 54, 8)}
	lua := tilesLua("public", mix, true, 3)
	for _, want := range []string{`wrk.headers["Accept-Encoding"] = "gzip"`, `"/tiles/public/12/3241/1735.mvt",`,
		`"/tiles/public/8/101/54.mvt",`, "math.randomseed(3)", "paths[math.random(#paths)]"} {
		if !strings.Contains(lua, want) {
			t.Errorf("the script lacks %s:\n%s", want, lua)
		}
	}
	// Tiles drawn twice stay twice: wrk asks for them as often as the mix does.
	if n := strings.Count(lua, "/12/3241/1735.mvt"); n != 2 {
		t.Errorf("the twice-drawn tile is in the script %d times", n)
	}
	if strings.Contains(tilesLua("public", mix, false, 3), "Accept-Encoding") {
		t.Error("gzip asked for without -tile-gzip")
	}
	if got := zoomCounts(mix); got != "z8 1, z12 2" {
		t.Errorf("zoomCounts: %q", got)
	}
}
