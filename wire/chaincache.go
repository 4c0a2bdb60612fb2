package wire

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/gridmap/gridmap/geo"
)

// ChainFormat is the shape a ChainCache writes a chain in.
type ChainFormat int

const (
	// BatchLine is the end of a batch's line: `,"grid":..,"chain":[codes],"complete":..}`
	// and the newline.
	BatchLine ChainFormat = iota
	// LookupAnswer is the rest of a single lookup's Answer after the point:
	// `,"chain":[links],"complete":..` with missing and message when the chain is
	// incomplete, the closing brace and the newline.
	LookupAnswer
	// HouseholdAnswer is the rest of a household's chain (AppendHouseholdChain) after its
	// ten-household unit: `,"chain":[links],"complete":..`, missing when the chain is
	// incomplete, the closing brace and the newline.
	HouseholdAnswer
)

// ChainCache keeps, per chain, its encoded end of a line or an answer (ChainFormat). The
// in-memory index hands out the same immutable chain for every point of a unit, so a batch
// or a server encodes each unit's chain once; the key is the chain's first link, whose
// address is the chain's identity, and the map keeps the chains it has seen alive, so an
// address is never reused while it is a key. When the map is full it starts over if it has
// answered at least as many chains as it holds; otherwise chains repeat too seldom to pay
// for the copies (a province's worth of units, or the PostGIS resolver, which builds every
// chain anew), and new chains are encoded straight into the answer, without a lock, until
// the hits catch up. A ChainCache is safe for use by several goroutines.
type ChainCache struct {
	encode func(b []byte, ch geo.Chain) []byte
	mu     sync.RWMutex
	m      map[chainKey]chainTail
	hits   atomic.Int64 // chains answered from the map since it last started over
}

type chainKey struct {
	first    *geo.Link
	n        int
	complete bool
}

type chainTail struct {
	missing string // the chain's Missing, checked on every hit
	json    []byte
}

// maxChainTails bounds the chains a cache holds.
const maxChainTails = 1 << 13

// NewChainCache returns an empty cache that writes chains in format f.
func NewChainCache(f ChainFormat) *ChainCache {
	encode := appendLineTail
	switch f {
	case LookupAnswer:
		encode = appendAnswerTail
	case HouseholdAnswer:
		encode = appendHouseholdTail
	}
	return &ChainCache{encode: encode, m: make(map[chainKey]chainTail)}
}

// AppendTail appends the encoded end of ch to b.
func (c *ChainCache) AppendTail(b []byte, ch geo.Chain) []byte {
	if len(ch.Links) == 0 {
		return c.encode(b, ch) // no identity to key it by (not a chain an index hands out)
	}
	key := chainKey{&ch.Links[0], len(ch.Links), ch.Complete}
	c.mu.RLock()
	t, ok := c.m[key]
	held := len(c.m)
	c.mu.RUnlock()
	if ok && t.missing == ch.Missing {
		c.hits.Add(1)
		return append(b, t.json...)
	}
	start := len(b)
	b = c.encode(b, ch)
	if !ok && held >= maxChainTails && c.hits.Load() < int64(held) {
		return b // full and not paying: no lock, no copy
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, there := c.m[key]; !there && len(c.m) >= maxChainTails {
		if c.hits.Load() < int64(len(c.m)) {
			return b
		}
		clear(c.m)
		c.hits.Store(0)
	}
	c.m[key] = chainTail{ch.Missing, bytes.Clone(b[start:])}
	return b
}
