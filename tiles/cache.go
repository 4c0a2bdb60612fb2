package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/paulmach/orb"
)

// Key names a tile of a tileset.
type Key struct {
	Tileset string
	Z, X, Y uint32
}

// Entry is a cached tile. It is never modified once returned, so callers may keep it.
type Entry struct {
	Data []byte // the MVT bytes as Render returned them
	Gzip []byte // Data gzip-compressed, computed once; nil when Data is empty
	// ETag is a strong entity tag of Data, quoted: equal bytes give equal tags, whatever
	// the tile or the tileset. Serve Gzip under GzipETag, since a strong tag belongs to one
	// representation.
	ETag string
}

// GzipETag returns the entity tag of the gzip-encoded representation: ETag with "-gz"
// inside the quotes.
func (e *Entry) GzipETag() string { return e.ETag[:len(e.ETag)-1] + `-gz"` }

// Cache holds rendered tiles in memory within a byte budget, evicting the least recently
// used. It is safe for concurrent use.
//
// It never serves a stale tile, provided the owner of the Sets calls Invalidate with the
// area an Update touched and the new Set's generation once the new Set is the one renders
// use, and renders Put with the generation of the Set they used: Invalidate drops the tiles
// over the area and remembers it, so that a render from an older Set that finishes later is
// not stored.
type Cache struct {
	mu      sync.Mutex
	budget  int64
	bytes   int64
	sets    map[string]*cachedSet
	lru     node // sentinel of a circular list, most recent after it
	entries int
	hits    uint64
	misses  uint64
}

type node struct {
	key        Key
	e          *Entry
	size       int64
	prev, next *node
}

// cachedSet is what the cache holds for one tileset: tiles by zoom (so Invalidate can look
// up the few tiles over an area instead of scanning everything) and recent invalidations.
type cachedSet struct {
	zooms  [MaxZoom + 1]map[uint64]*node
	invals []inval
	// floor is the newest generation among invalidations forgotten to bound memory: a Put
	// of an older generation cannot be checked against them and is refused.
	floor uint64
}

type inval struct {
	box wbox
	gen uint64
}

// maxInvals bounds the invalidations remembered per tileset; renders that take longer than
// that many updates are refused rather than risk storing a stale tile.
const maxInvals = 1024

// entryOverhead approximates the memory of an entry beyond its bytes (node, map slot, tag).
const entryOverhead = 160

// NewCache returns a cache that holds at most budgetBytes of tiles (Data, Gzip and an
// estimate of the bookkeeping).
func NewCache(budgetBytes int64) *Cache {
	c := &Cache{budget: budgetBytes, sets: map[string]*cachedSet{}}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// Get returns the cached tile of key, and whether there is one.
func (c *Cache) Get(key Key) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.lookup(key); n != nil {
		c.hits++
		c.unlink(n)
		c.pushFront(n)
		return n.e, true
	}
	c.misses++
	return nil, false
}

func (c *Cache) lookup(key Key) *node {
	if key.Z > MaxZoom {
		return nil
	}
	if s := c.sets[key.Tileset]; s != nil {
		return s.zooms[key.Z][cellID(key.X, key.Y)]
	}
	return nil
}

// NewEntry computes the gzip form and the tag of data, without caching it.
func NewEntry(data []byte) *Entry {
	sum := sha256.Sum256(data)
	e := &Entry{Data: data, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	if len(data) > 0 {
		var buf bytes.Buffer
		zw := gzips.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(data)
		zw.Close()
		gzips.Put(zw)
		e.Gzip = buf.Bytes()
	}
	return e
}

// gzips compress at the fastest level: on a cold tile the default level costs more than the
// render itself (about 2/3 of the time at province size), for 15-20% smaller bodies.
var gzips = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// Put stores the tile of key, rendered from the Set of generation gen, and returns its
// entry. The entry is returned, for the caller to serve, even when it is not stored: when
// it alone exceeds the budget, or when an Invalidate of a newer generation covered the tile
// (the render raced with an update and may be stale). data must not be modified after.
func (c *Cache) Put(key Key, data []byte, gen uint64) *Entry {
	c.mu.Lock()
	old := c.lookup(key)
	c.mu.Unlock()
	var e *Entry
	if old != nil && bytes.Equal(old.e.Data, data) {
		e = old.e // same tile again: keep the compressed form already made
	} else {
		e = NewEntry(data)
	}
	size := int64(len(e.Data)+len(e.Gzip)+len(e.ETag)+len(key.Tileset)) + entryOverhead
	if key.Z > MaxZoom || key.X >= 1<<key.Z || key.Y >= 1<<key.Z || size > c.budget {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sets[key.Tileset]
	if s == nil {
		s = &cachedSet{}
		c.sets[key.Tileset] = s
	}
	if s.stale(key, gen) {
		return e
	}
	if n := c.lookup(key); n != nil {
		c.remove(s, n)
	}
	n := &node{key: key, e: e, size: size}
	if s.zooms[key.Z] == nil {
		s.zooms[key.Z] = map[uint64]*node{}
	}
	s.zooms[key.Z][cellID(key.X, key.Y)] = n
	c.pushFront(n)
	c.bytes += size
	c.entries++
	for c.bytes > c.budget {
		last := c.lru.prev
		c.remove(c.sets[last.key.Tileset], last)
	}
	return e
}

// stale reports whether a tile rendered from generation gen may predate an invalidation
// that covered it.
func (s *cachedSet) stale(key Key, gen uint64) bool {
	if gen < s.floor {
		return true
	}
	box := tileBox(key.Z, key.X, key.Y)
	for _, iv := range s.invals {
		if iv.gen > gen && iv.box.intersects(box) {
			return true
		}
	}
	return false
}

// Invalidate drops every cached tile of the tileset, at every zoom, whose area with the
// render buffer meets b (the bound Set.Update returned), and records gen, the generation of
// the Set that replaced the one the tiles came from: a later Put of a tile over b from an
// older generation is refused. An empty b drops nothing.
func (c *Cache) Invalidate(tileset string, b orb.Bound, gen uint64) {
	box := boundToWorld(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sets[tileset]
	if s == nil {
		s = &cachedSet{}
		c.sets[tileset] = s
	}
	if box.empty() {
		return
	}
	if len(s.invals) == maxInvals {
		// Forget the older half; Puts older than what is forgotten are refused outright.
		for _, iv := range s.invals[:maxInvals/2] {
			s.floor = max(s.floor, iv.gen)
		}
		s.invals = append(s.invals[:0], s.invals[maxInvals/2:]...)
	}
	s.invals = append(s.invals, inval{box, gen})
	for z := range s.zooms {
		m := s.zooms[z]
		if len(m) == 0 {
			continue
		}
		x0, y0, x1, y1, ok := tileRange(uint32(z), box)
		if !ok {
			continue
		}
		hit := func(n *node) bool { return tileBox(n.key.Z, n.key.X, n.key.Y).intersects(box) }
		if int64(x1-x0+1)*int64(y1-y0+1) <= int64(len(m)) {
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					if n := m[cellID(x, y)]; n != nil && hit(n) {
						c.remove(s, n)
					}
				}
			}
			continue
		}
		for _, n := range m {
			if hit(n) {
				c.remove(s, n)
			}
		}
	}
}

// Stats returns the number of cached tiles, the bytes they are counted for, and the hits
// and misses of Get so far.
func (c *Cache) Stats() (entries int, bytes int64, hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries, c.bytes, c.hits, c.misses
}

func (c *Cache) remove(s *cachedSet, n *node) {
	delete(s.zooms[n.key.Z], cellID(n.key.X, n.key.Y))
	c.unlink(n)
	c.bytes -= n.size
	c.entries--
}

func (c *Cache) unlink(n *node) {
	n.prev.next, n.next.prev = n.next, n.prev
	n.prev, n.next = nil, nil
}

func (c *Cache) pushFront(n *node) {
	n.prev, n.next = &c.lru, c.lru.next
	c.lru.next.prev = n
	c.lru.next = n
}
