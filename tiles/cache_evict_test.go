package tiles

import "testing"

// A tile larger than several others together evicts as many of the least recently used as
// it takes to stay within the budget.
func TestCachePutEvictsDownToTheBudget(t *testing.T) {
	const budget = 20000
	c := NewCache(budget)
	for i := range 8 {
		c.Put(Key{Tileset: "t", Z: 10, X: uint32(i)}, noise(1000, int64(i)), 0)
	}
	if n, bytes, _, _ := c.Stats(); n != 8 || bytes > budget {
		t.Fatalf("after 8 small tiles: %d tiles, %d bytes", n, bytes)
	}
	c.Put(Key{Tileset: "t", Z: 10, X: 100}, noise(6000, 100), 0)
	n, bytes, _, _ := c.Stats()
	if bytes > budget {
		t.Fatalf("%d bytes cached, over the budget of %d", bytes, budget)
	}
	if _, ok := c.Get(Key{Tileset: "t", Z: 10, X: 100}); !ok || n >= 8 {
		t.Fatalf("the large tile cached %v, %d tiles in all", ok, n)
	}
}
