package index

import (
	"context"
	"sort"
	"sync/atomic"
	"time"

	"github.com/gridmap/gridmap/geo"
)

// Live is the index that serve answers from while it follows the change log: readers load
// the current immutable Index with one atomic read, never block and never see a half-built
// one; a single writer applies changes and swaps in a new Index.
type Live struct {
	cur atomic.Pointer[liveState]
}

type liveState struct {
	ix      *Index
	units   map[string]geo.Unit
	people  []geo.Responsibility
	seq     int64 // the last change-log sequence number applied
	builtAt time.Time
}

// NewLive builds the first index from a snapshot taken at change-log position seq.
func NewLive(units []geo.Unit, people []geo.Responsibility, seq int64) (*Live, error) {
	ix, err := Build(units, people)
	if err != nil {
		return nil, err
	}
	m := make(map[string]geo.Unit, len(units))
	for _, u := range units {
		m[u.Code] = u
	}
	l := &Live{}
	l.cur.Store(&liveState{ix: ix, units: m, people: people, seq: seq, builtAt: time.Now()})
	return l, nil
}

// Resolve answers from the current index (see Index.Resolve).
func (l *Live) Resolve(ctx context.Context, lon, lat float64) (geo.Chain, error) {
	return l.cur.Load().ix.Resolve(ctx, lon, lat)
}

// Seq returns the last change-log sequence number the index reflects.
func (l *Live) Seq() int64 { return l.cur.Load().seq }

// BuiltAt returns when the current index was swapped in.
func (l *Live) BuiltAt() time.Time { return l.cur.Load().builtAt }

// Apply replaces the changed units, drops the deleted ones and swaps in an index rebuilt
// from them, marked as reflecting the change log up to seq. Only one goroutine may call it.
// On error (for example a unit whose parent is gone) the current index stays in place.
func (l *Live) Apply(seq int64, upserts []geo.Unit, deletes []string) error {
	old := l.cur.Load()
	if len(upserts) == 0 && len(deletes) == 0 {
		if seq > old.seq {
			l.cur.Store(&liveState{ix: old.ix, units: old.units, people: old.people, seq: seq, builtAt: old.builtAt})
		}
		return nil
	}
	m := make(map[string]geo.Unit, len(old.units)+len(upserts))
	for k, v := range old.units {
		m[k] = v
	}
	for _, c := range deletes {
		delete(m, c)
	}
	for _, u := range upserts {
		m[u.Code] = u
	}
	units := make([]geo.Unit, 0, len(m))
	for _, u := range m {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Code < units[j].Code })
	ix, err := Build(units, old.people)
	if err != nil {
		return err
	}
	l.cur.Store(&liveState{ix: ix, units: m, people: old.people, seq: seq, builtAt: time.Now()})
	return nil
}
