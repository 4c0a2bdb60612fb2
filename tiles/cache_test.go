package tiles

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// noise returns n bytes that gzip cannot shrink, so sizes are predictable.
func noise(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func TestCacheBudget(t *testing.T) {
	const budget = 100 << 10
	c := NewCache(budget)
	for i := 0; i < 40; i++ {
		c.Put(Key{"public", 14, uint32(i), 0}, noise(10<<10, int64(i)), 1)
		// Keep tile 0 in use: it must survive as the most recently used.
		if _, ok := c.Get(Key{"public", 14, 0, 0}); !ok {
			t.Fatalf("after %d puts, the tile in use was evicted", i+1)
		}
		if _, bytes, _, _ := c.Stats(); bytes > budget {
			t.Fatalf("after %d puts: %d bytes over a budget of %d", i+1, bytes, budget)
		}
	}
	entries, used, hits, misses := c.Stats()
	if entries < 3 || entries > 5 {
		t.Errorf("%d entries of ~20 KB in 100 KB", entries)
	}
	if _, ok := c.Get(Key{"public", 14, 1, 0}); ok {
		t.Errorf("the least recently used tile is still there")
	}
	if _, ok := c.Get(Key{"public", 14, 39, 0}); !ok {
		t.Errorf("the newest tile is gone")
	}
	t.Logf("%d entries, %d bytes, %d hits, %d misses", entries, used, hits, misses)
	if hits != 40 || misses != 0 {
		t.Errorf("hits %d misses %d, want 40 and 0", hits, misses)
	}
	// A tile larger than the whole budget is returned but not stored.
	e := c.Put(Key{"public", 14, 99, 0}, noise(200<<10, 9), 1)
	if e == nil || len(e.Data) != 200<<10 {
		t.Fatalf("oversized Put returned %v", e)
	}
	if _, ok := c.Get(Key{"public", 14, 99, 0}); ok {
		t.Errorf("a tile larger than the budget was stored")
	}
}

func TestCacheEntry(t *testing.T) {
	c := NewCache(1 << 20)
	data := bytes.Repeat([]byte("tile data "), 100)
	a := c.Put(Key{"public", 10, 1, 1}, data, 1)
	b := c.Put(Key{"private", 12, 5, 5}, append([]byte(nil), data...), 1)
	d := c.Put(Key{"public", 10, 1, 2}, []byte("other"), 1)
	if a.ETag != b.ETag {
		t.Errorf("same bytes, different tags: %s %s", a.ETag, b.ETag)
	}
	if a.ETag == d.ETag {
		t.Errorf("different bytes, same tag %s", a.ETag)
	}
	if !strings.HasPrefix(a.ETag, `"`) || !strings.HasSuffix(a.ETag, `"`) || strings.HasPrefix(a.ETag, `W/`) {
		t.Errorf("tag %s is not a quoted strong tag", a.ETag)
	}
	if g := a.GzipETag(); g == a.ETag || !strings.HasSuffix(g, `-gz"`) {
		t.Errorf("gzip tag %s", g)
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, data) {
		t.Errorf("Gzip does not decompress to Data (%v)", err)
	}
	if len(a.Gzip) >= len(data) {
		t.Errorf("gzip of repetitive data is %d bytes, data %d", len(a.Gzip), len(data))
	}
	got, ok := c.Get(Key{"public", 10, 1, 1})
	if !ok || got != a {
		t.Errorf("Get returned %v, %v; want the entry Put returned", got, ok)
	}
	// Putting the same bytes again keeps the entry (the gzip is not made twice).
	if again := c.Put(Key{"public", 10, 1, 1}, data, 2); again != a {
		t.Errorf("same bytes put again gave a new entry")
	}
	// An empty tile has a tag and no gzip.
	e := c.Put(Key{"public", 3, 0, 0}, []byte{}, 1)
	if e.Gzip != nil || e.ETag == "" {
		t.Errorf("empty tile entry: gzip %v tag %q", e.Gzip, e.ETag)
	}
	if _, ok := c.Get(Key{"public", 3, 0, 0}); !ok {
		t.Errorf("empty tiles are not cached")
	}
}

// bufferedBound is the lon/lat area of a tile with the render buffer, computed from
// maptile: the buffer is 64/4096 of a tile, one tile six zooms down.
func bufferedBound(tl maptile.Tile) orb.Bound {
	z := tl.Z + 6
	lo := maptile.New(tl.X*64-1, tl.Y*64-1, z).Bound()
	hi := maptile.New(tl.X*64+64, tl.Y*64+64, z).Bound()
	return unionBound(lo, hi)
}

func TestCacheInvalidate(t *testing.T) {
	center := orb.Point{104.85, 26.55}
	for _, tc := range []struct {
		name string
		b    orb.Bound
	}{
		// Few tiles under it: looked up one by one.
		{"small", orb.Bound{Min: orb.Point{104.8493, 26.5489}, Max: orb.Point{104.8517, 26.5503}}},
		// More tiles under it than cached at high zooms: the cached ones are scanned.
		{"large", orb.Bound{Min: orb.Point{104.80, 26.52}, Max: orb.Point{104.86, 26.58}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCache(1 << 30)
			var keys []Key
			for z := uint32(8); z <= 16; z++ {
				for _, tl := range tilesAround(center, z, 4) {
					k := Key{"public", z, tl.X, tl.Y}
					keys = append(keys, k)
					c.Put(k, []byte(fmt.Sprint(k)), 1)
					c.Put(Key{"private", z, tl.X, tl.Y}, []byte(fmt.Sprint(k)), 1)
				}
			}
			c.Invalidate("public", tc.b, 2)
			dropped, droppedAt := 0, map[uint32]bool{}
			for _, k := range keys {
				tl := maptile.New(k.X, k.Y, maptile.Zoom(k.Z))
				want := !bufferedBound(tl).Intersects(tc.b)
				if _, ok := c.Get(k); ok != want {
					t.Errorf("tile %v: cached = %v after Invalidate, want %v", tl, ok, want)
				}
				if !want {
					dropped++
					droppedAt[k.Z] = true
				}
				if _, ok := c.Get(Key{"private", k.Z, k.X, k.Y}); !ok {
					t.Errorf("tile %v of another tileset was dropped", tl)
				}
			}
			// Some tiles at each zoom, and not all.
			if len(droppedAt) != 9 || dropped == len(keys) {
				t.Errorf("%d of %d tiles dropped, at zooms %v", dropped, len(keys), droppedAt)
			}
			t.Logf("dropped %d of %d", dropped, len(keys))
		})
	}
}

func TestCacheRefusesStalePuts(t *testing.T) {
	c := NewCache(1 << 20)
	b := orb.Bound{Min: orb.Point{104.85, 26.55}, Max: orb.Point{104.86, 26.56}}
	over := tileAt(b.Center(), 14)
	far := tileAt(orb.Point{105.3, 26.2}, 14)
	kOver, kFar := Key{"public", 14, over.X, over.Y}, Key{"public", 14, far.X, far.Y}

	c.Invalidate("public", b, 5)
	c.Put(kOver, []byte("rendered from generation 4"), 4)
	if _, ok := c.Get(kOver); ok {
		t.Errorf("a tile from before the update was stored over the changed area")
	}
	c.Put(kFar, []byte("generation 4, elsewhere"), 4)
	if _, ok := c.Get(kFar); !ok {
		t.Errorf("a tile away from the change was refused")
	}
	c.Put(kOver, []byte("rendered from generation 5"), 5)
	if e, ok := c.Get(kOver); !ok || string(e.Data) != "rendered from generation 5" {
		t.Errorf("a tile of the current generation was refused")
	}
	// Another tileset is not affected.
	c.Put(Key{"private", 14, over.X, over.Y}, []byte("x"), 4)
	if _, ok := c.Get(Key{"private", 14, over.X, over.Y}); !ok {
		t.Errorf("another tileset's tile was refused")
	}

	// Past the invalidations it remembers, the cache refuses what it cannot check.
	for g := uint64(6); g < 6+maxInvals+10; g++ {
		c.Invalidate("public", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{0.001, 0.001}}, g)
	}
	c.Put(kFar, []byte("very old render"), 5)
	if e, _ := c.Get(kFar); e != nil && string(e.Data) == "very old render" {
		t.Errorf("a render older than the forgotten invalidations was stored")
	}
}

// TestCacheConcurrent runs Gets, Puts and Invalidates together (for go test -race) and
// checks the books balance.
func TestCacheConcurrent(t *testing.T) {
	c := NewCache(200 << 10)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			for i := 0; i < 2000; i++ {
				k := Key{"public", 12, uint32(3240 + r.Intn(8)), uint32(1730 + r.Intn(8))}
				switch r.Intn(10) {
				case 0:
					c.Invalidate("public", orb.Bound{Min: orb.Point{104.8, 26.5}, Max: orb.Point{104.81, 26.51}}, uint64(i))
				case 1, 2, 3:
					c.Put(k, noise(1000+r.Intn(3000), int64(i)), uint64(i))
				default:
					c.Get(k)
				}
			}
		}()
	}
	wg.Wait()
	entries, used, _, _ := c.Stats()
	var n int
	var sum int64
	for p := c.lru.next; p != &c.lru; p = p.next {
		n++
		sum += p.size
	}
	if n != entries || sum != used || used > 200<<10 {
		t.Errorf("stats say %d entries %d bytes; the list holds %d, %d bytes", entries, used, n, sum)
	}
}
