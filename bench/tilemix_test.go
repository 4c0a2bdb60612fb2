package bench

import (
	"slices"
	"testing"

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
