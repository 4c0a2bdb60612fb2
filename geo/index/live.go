package index

import (
	"context"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Live is the index that serve answers from while it follows the change log: readers load
// the current immutable Index with one atomic read, never block and never see a half-built
// one; a single writer applies changes and swaps in a new Index.
type Live struct {
	cur atomic.Pointer[liveState]
}

var _ geo.ChangeSink = (*Live)(nil)

type liveState struct {
	ix      *Index
	units   map[string]*geo.Unit // never modified once stored: an edit copies the map
	people  map[string][]geo.Person
	seq     int64 // the last change-log sequence number applied
	builtAt time.Time
}

// NewLive builds the first index from a snapshot taken at change-log position seq (the
// units and people of a geo.State). It keeps its own list of the units, but shares their
// geometry, which it reads in place and never modifies: callers must not modify it either
// (the tile sets share it too).
func NewLive(units []geo.Unit, people []geo.Responsibility, seq int64) (*Live, error) {
	byCode, err := unitMap(slices.Clone(units))
	if err != nil {
		return nil, err
	}
	ppl := peopleByUnit(people)
	ix, err := buildIndex(byCode, newChainBuilder(byCode, ppl))
	if err != nil {
		return nil, err
	}
	l := &Live{}
	l.cur.Store(&liveState{ix: ix, units: byCode, people: ppl, seq: seq, builtAt: time.Now()})
	return l, nil
}

// Resolve answers from the current index (see Index.Resolve).
func (l *Live) Resolve(ctx context.Context, lon, lat float64) (geo.Chain, error) {
	return l.cur.Load().ix.Resolve(ctx, lon, lat)
}

// Index returns the current index, for callers that make many lookups against one version.
func (l *Live) Index() *Index { return l.cur.Load().ix }

// Seq returns the last change-log sequence number the index reflects.
func (l *Live) Seq() int64 { return l.cur.Load().seq }

// BuiltAt returns when the current index was swapped in.
func (l *Live) BuiltAt() time.Time { return l.cur.Load().builtAt }

// Apply applies a batch of changes (units and people; the rest is for other followers) and
// swaps in the new index, marked as reflecting the change log up to ch.Seq. Only one
// goroutine may call it. On error (for example a unit whose parent is gone) the current
// index stays in place.
//
// The work is incremental: only the shards that the changed units' old and new boxes touch
// are rebuilt, and only the chains that changed (the changed units, the units under a
// renamed or re-parented unit, the units whose people changed) are rebuilt; everything else
// is shared with the previous index.
func (l *Live) Apply(ch geo.Changes) error {
	old := l.cur.Load()
	if len(ch.Units) == 0 && len(ch.DeletedUnits) == 0 && len(ch.People) == 0 {
		if ch.Seq > old.seq {
			next := *old
			next.seq = ch.Seq
			l.cur.Store(&next)
		}
		return nil
	}
	p := newPatch(old)
	p.apply(ch)
	ix, err := p.index()
	if err != nil {
		return err
	}
	l.cur.Store(&liveState{ix: ix, units: p.units, people: p.people, seq: max(ch.Seq, old.seq), builtAt: time.Now()})
	return nil
}

// patch computes the next index from the previous one and a batch of changes.
type patch struct {
	old    *liveState
	units  map[string]*geo.Unit
	people map[string][]geo.Person

	boxes      map[geo.Level][][4]float64 // per level, old and new boxes of units whose geometry changed
	moved      map[string]bool            // units whose geometry or level changed
	chainDirty map[string]bool            // units whose chain must be rebuilt
}

func newPatch(old *liveState) *patch {
	return &patch{old: old, units: maps.Clone(old.units), people: old.people,
		boxes: map[geo.Level][][4]float64{}, moved: map[string]bool{}, chainDirty: map[string]bool{}}
}

func (p *patch) touch(u *geo.Unit) {
	if b := boxOf(u); !boxEmpty(b) {
		p.boxes[u.Level] = append(p.boxes[u.Level], b)
	}
}

func (p *patch) apply(ch geo.Changes) {
	for _, code := range ch.DeletedUnits {
		if o, ok := p.units[code]; ok {
			p.touch(o)
			p.moved[code] = true
			p.chainDirty[code] = true
			delete(p.units, code)
		}
	}
	for i := range ch.Units {
		u := &ch.Units[i]
		o, existed := p.units[u.Code]
		if !existed || o.Level != u.Level || !orb.Equal(o.Geom, u.Geom) {
			if existed {
				p.touch(o)
			}
			p.touch(u)
			p.moved[u.Code] = true
		}
		p.units[u.Code] = u
		p.chainDirty[u.Code] = true
	}
	if len(ch.People) > 0 {
		p.people = maps.Clone(p.old.people)
		for code, rs := range ch.People {
			delete(p.people, code)
			for c, ppl := range peopleByUnit(rs) {
				if c == code {
					p.people[code] = ppl
				}
			}
			p.chainDirty[code] = true
		}
	}
	// A unit's chain holds its ancestors' names and people: everything under a changed
	// unit above grid level changes too.
	above := false
	for code := range p.chainDirty {
		if u, ok := p.old.units[code]; ok && u.Level != geo.Grid {
			above = true
		}
		if u, ok := p.units[code]; ok && u.Level != geo.Grid {
			above = true
		}
	}
	if above {
		roots := maps.Clone(p.chainDirty)
		for code, u := range p.units {
			for a, depth := u.ParentCode, 0; a != "" && depth <= len(geo.Levels); depth++ {
				if roots[a] {
					p.chainDirty[code] = true
					break
				}
				pu, ok := p.units[a]
				if !ok {
					break
				}
				a = pu.ParentCode
			}
		}
	}
}

// index builds the next index: per level, the shards under changed geometry are rebuilt and
// the chains that changed elsewhere are replaced.
func (p *patch) index() (*Index, error) {
	b := newChainBuilder(p.units, p.people)
	oldLevels := map[geo.Level]*levelIndex{}
	for _, li := range p.old.ix.levels {
		oldLevels[li.level] = li
	}
	ix := &Index{}
	for r := len(geo.Levels) - 1; r >= 0; r-- {
		lv := geo.Levels[r]
		li := oldLevels[lv]
		var err error
		switch boxes := p.boxes[lv]; {
		case len(boxes) > 0 && (li == nil || !li.containsAll(p.newBoxes(lv))):
			// A unit beyond the level's extent: shards are laid over the extent, so the
			// level is indexed afresh (rare: the data grows outward).
			li, err = buildLevel(lv, p.units, b)
		case len(boxes) > 0:
			li, err = p.rebuildShards(li, boxes, b)
		}
		if err != nil {
			return nil, err
		}
		if li == nil {
			continue
		}
		if li, err = p.refreshChains(li, b); err != nil {
			return nil, err
		}
		ix.levels = append(ix.levels, li)
	}
	return ix, nil
}

// newBoxes returns the boxes of the changed units now at level lv.
func (p *patch) newBoxes(lv geo.Level) [][4]float64 {
	var bs [][4]float64
	for code := range p.moved {
		if u, ok := p.units[code]; ok && u.Level == lv {
			if b := boxOf(u); !boxEmpty(b) {
				bs = append(bs, b)
			}
		}
	}
	return bs
}

func (li *levelIndex) containsAll(bs [][4]float64) bool {
	for _, b := range bs {
		if !li.contains(b) {
			return false
		}
	}
	return true
}

// rebuildShards re-indexes the shards of li that any of the boxes touches.
func (p *patch) rebuildShards(li *levelIndex, boxes [][4]float64, b *chainBuilder) (*levelIndex, error) {
	dirty := map[int]bool{}
	for _, bx := range boxes {
		x0, y0, x1, y1 := li.shardRange(bx)
		for sy := y0; sy <= y1; sy++ {
			for sx := x0; sx <= x1; sx++ {
				dirty[sy*li.nx+sx] = true
			}
		}
	}
	var moved []string
	for code := range p.moved {
		moved = append(moved, code)
	}
	repl := map[int]*layer{}
	for s := range dirty {
		r := li.rect(s)
		cand := slices.Clone(moved)
		if old := li.shards[s]; old != nil {
			cand = append(cand, old.codes...)
		}
		slices.SortFunc(cand, geo.EdgeOrder)
		cand = slices.Compact(cand)
		var us []*geo.Unit
		for _, code := range cand {
			u, ok := p.units[code]
			if !ok || u.Level != li.level || len(u.Geom) == 0 {
				continue
			}
			if boxesMeet(boxOf(u), r) {
				us = append(us, u)
			}
		}
		ly, err := li.buildShard(s, us, p.chainFunc(li.shards[s], b))
		if err != nil {
			return nil, err
		}
		repl[s] = ly
	}
	n := li.withShards(repl)
	for _, ly := range n.shards {
		if ly != nil {
			return n, nil
		}
	}
	return nil, nil // every unit of the level is gone
}

// chainFunc returns the chain of a unit for a rebuilt shard: the previous one, from the old
// shard, unless it changed.
func (p *patch) chainFunc(old *layer, b *chainBuilder) func(*geo.Unit) (geo.Chain, error) {
	return func(u *geo.Unit) (geo.Chain, error) {
		if old != nil && !p.chainDirty[u.Code] {
			if i, ok := slices.BinarySearchFunc(old.codes, u.Code, geo.EdgeOrder); ok {
				return old.chains[i], nil
			}
		}
		return b.chain(u.Code)
	}
}

// refreshChains replaces, in shards that were not rebuilt, the chains that changed.
func (p *patch) refreshChains(li *levelIndex, b *chainBuilder) (*levelIndex, error) {
	stale := false
	for code := range p.chainDirty {
		if !p.moved[code] {
			stale = true
			break
		}
	}
	if !stale {
		return li, nil // every changed chain belongs to a moved unit, in rebuilt shards
	}
	repl := map[int]*layer{}
	for s, ly := range li.shards {
		if ly == nil {
			continue
		}
		var chains []geo.Chain
		for i, code := range ly.codes {
			if !p.chainDirty[code] {
				continue
			}
			c, err := b.chain(code)
			if err != nil {
				return nil, err
			}
			if chains == nil {
				chains = slices.Clone(ly.chains)
			}
			chains[i] = c
		}
		if chains != nil {
			n := *ly
			n.chains = chains
			repl[s] = &n
		}
	}
	if len(repl) == 0 {
		return li, nil
	}
	return li.withShards(repl), nil
}
