package tiles

import (
	"hash/maphash"
	"maps"
)

// cowMap is a map split into shards that an edit copies one at a time: an Update that
// touches a few keys copies a few small shards instead of a map of every feature, and the
// Set it started from keeps the shards it had. Readers never see a shard change.
type cowMap[K comparable, V any] struct {
	shards *[nShards]map[K]V
	hash   func(K) uint64
	n      int
}

const shardBits = 8
const nShards = 1 << shardBits

func newCowMap[K comparable, V any](hash func(K) uint64) cowMap[K, V] {
	return cowMap[K, V]{shards: new([nShards]map[K]V), hash: hash}
}

func (m cowMap[K, V]) shard(k K) int { return int(m.hash(k) >> (64 - shardBits)) }

func (m cowMap[K, V]) get(k K) (V, bool) {
	v, ok := m.shards[m.shard(k)][k]
	return v, ok
}

func (m cowMap[K, V]) len() int { return m.n }

// all calls f for every entry, in no particular order.
func (m cowMap[K, V]) all(f func(K, V)) {
	for _, s := range m.shards {
		for k, v := range s {
			f(k, v)
		}
	}
}

// cowEdit is a cowMap being changed: shards are copied the first time they are written.
type cowEdit[K comparable, V any] struct {
	m   cowMap[K, V]
	own [nShards]bool
}

// edit starts a change of m that leaves m itself as it is.
func (m cowMap[K, V]) edit() *cowEdit[K, V] {
	shards := *m.shards
	return &cowEdit[K, V]{m: cowMap[K, V]{shards: &shards, hash: m.hash, n: m.n}}
}

func (e *cowEdit[K, V]) writable(k K) map[K]V {
	i := e.m.shard(k)
	if !e.own[i] {
		old := e.m.shards[i]
		if old == nil {
			e.m.shards[i] = make(map[K]V)
		} else {
			e.m.shards[i] = maps.Clone(old)
		}
		e.own[i] = true
	}
	return e.m.shards[i]
}

func (e *cowEdit[K, V]) get(k K) (V, bool) { return e.m.get(k) }

func (e *cowEdit[K, V]) set(k K, v V) {
	s := e.writable(k)
	if _, ok := s[k]; !ok {
		e.m.n++
	}
	s[k] = v
}

func (e *cowEdit[K, V]) del(k K) {
	if _, ok := e.m.get(k); !ok {
		return
	}
	delete(e.writable(k), k)
	e.m.n--
}

// done returns the edited map; the edit must not be used after.
func (e *cowEdit[K, V]) done() cowMap[K, V] { return e.m }

var keySeed = maphash.MakeSeed()

func hashString(s string) uint64 { return maphash.String(keySeed, s) }

// hashCell mixes a cell number so that neighbouring cells land in different shards.
func hashCell(c uint64) uint64 {
	c ^= c >> 33
	c *= 0xff51afd7ed558ccd
	c ^= c >> 33
	c *= 0xc4ceb9fe1a85ec53
	c ^= c >> 33
	return c
}
