package bench

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// The sample county's box.
var sampleBox = [4]float64{104.568359375, 26.046875, 105.259765625, 26.91796875}

func TestTileMix(t *testing.T) {
	anchors := []orb.Point{{104.9, 26.5}, {105.1, 26.2}}
	mix := tileMix(anchors, sampleBox, 5000, 7)
	if !slices.Equal(mix, tileMix(anchors, sampleBox, 5000, 7)) {
		t.Fatal("the same seed gave another mix")
	}
	if slices.Equal(mix, tileMix(anchors, sampleBox, 5000, 8)) {
		t.Fatal("another seed gave the same mix")
	}
	var byZoom [17]int
	anchored := 0
	for _, tl := range mix {
		if tl.Z < 8 || tl.Z > 16 {
			t.Fatalf("tile %v is outside z8-z16", tl)
		}
		byZoom[tl.Z]++
		b := tl.Bound()
		for _, a := range anchors {
			if b.Contains(a) {
				anchored++
				break
			}
		}
		// Every tile lies over the box: its centre is within one tile of it.
		c := b.Center()
		if c[0] < sampleBox[0]-b.Right()+b.Left() || c[0] > sampleBox[2]+b.Right()-b.Left() ||
			c[1] < sampleBox[1]-b.Top()+b.Bottom() || c[1] > sampleBox[3]+b.Top()-b.Bottom() {
			t.Fatalf("tile %v is away from the box", tl)
		}
	}
	low := byZoom[8] + byZoom[9] + byZoom[10]
	high := byZoom[12] + byZoom[13] + byZoom[14] + byZoom[15] + byZoom[16]
	if high < 3*low {
		t.Fatalf("a session asks mostly for z12-z16: z8-z10 %d, z12-z16 %d (%v)", low, high, byZoom)
	}
	// 70% around the anchors; at z8-z10 a random point of the box may share an anchor's
	// tile too, so the share is at least that.
	if share := float64(anchored) / float64(len(mix)); share < 0.65 || share > 0.85 {
		t.Fatalf("%.2f of the mix is around the anchors, want about 0.7", share)
	}
	if got := tileMix(nil, sampleBox, 10, 1); len(got) != 10 {
		t.Fatalf("without anchors: %d tiles", len(got))
	}
}

func TestDistinctAndCoverTiles(t *testing.T) {
	a, b := maptile.New(1, 2, 3), maptile.New(2, 2, 3)
	if got := distinctTiles([]maptile.Tile{a, b, a, b, a}); !slices.Equal(got, []maptile.Tile{a, b}) {
		t.Fatalf("distinct: %v", got)
	}
	bound := orb.Bound{Min: orb.Point{sampleBox[0], sampleBox[1]}, Max: orb.Point{sampleBox[2], sampleBox[3]}}
	if got := coverTiles(bound, 0); len(got) != 1 || got[0] != maptile.New(0, 0, 0) {
		t.Fatalf("z0: %v", got)
	}
	for z := maptile.Zoom(1); z <= 12; z++ {
		cover := coverTiles(bound, z)
		// Every corner of the box is in a tile of the cover, and every tile meets the box.
		for _, p := range []orb.Point{bound.Min, bound.Max, {bound.Min[0], bound.Max[1]}, {bound.Max[0], bound.Min[1]}} {
			if !slices.Contains(cover, maptile.At(p, z)) {
				t.Fatalf("z%d: the cover misses %v", z, p)
			}
		}
		for _, tl := range cover {
			if !tl.Bound().Intersects(bound) {
				t.Fatalf("z%d: %v is off the box", z, tl)
			}
		}
	}
}

func TestQuantile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.95: 95 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := quantile(s, q); got != want {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if quantile(nil, 0.5) != 0 || quantile(s[:1], 0.95) != time.Millisecond {
		t.Error("quantile of none or one")
	}
}

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
