// Package index is an immutable in-memory geo.Resolver: it answers which units cover a point
// without a database, at memory speed.
//
// Each level that has geometry is cut into shards (a coarse grid over the level's extent, about
// 512 units per shard), and each shard is a layer: its units in geo.EdgeOrder, their rings (the
// loaded geometry itself, read in place), and a uniform grid of cells over the shard. A cell
// lists, in that order, the units whose boundary touches it (these need an exact
// point-in-polygon test) and the units that contain the whole cell (these answer without a
// test). A lookup asks the grid level first, then group, village, town and county, and returns
// the first unit of the first level that covers the point: the deepest level, and the first
// unit in geo.EdgeOrder within it (geo.EdgeRule). Polygons are closed, as ST_Covers: a point
// on an edge or vertex is covered.
//
// Chains (county down to the unit, with the people of each level) are built once per unit, so
// Resolve does not allocate; the returned chain shares its slices with the index and must not
// be modified. Live keeps an index in step with edits by rebuilding only the shards an edit
// touches.
package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/gridmap/gridmap/geo"
)

// Index resolves points to units. It is safe for concurrent use.
type Index struct {
	levels []*levelIndex // deepest level first
}

var _ geo.Resolver = (*Index)(nil)

// Build indexes units (any order; units without geometry may appear, as parents only) and the
// people answerable for them. Every unit's parent must be among units. Responsibilities of a
// ten-household unit (unit_head) or of unknown units are ignored.
func Build(units []geo.Unit, people []geo.Responsibility) (*Index, error) {
	byCode, err := unitMap(units)
	if err != nil {
		return nil, err
	}
	b := newChainBuilder(byCode, peopleByUnit(people))
	return buildIndex(byCode, b)
}

// unitMap maps codes to units, checking levels and duplicates.
func unitMap(units []geo.Unit) (map[string]*geo.Unit, error) {
	byCode := make(map[string]*geo.Unit, len(units))
	for i := range units {
		u := &units[i]
		if u.Level.Rank() < 0 {
			return nil, fmt.Errorf("index: unit %q has unknown level %q", u.Code, u.Level)
		}
		if _, dup := byCode[u.Code]; dup {
			return nil, fmt.Errorf("index: duplicate unit code %q", u.Code)
		}
		byCode[u.Code] = u
	}
	return byCode, nil
}

// buildIndex indexes every level of the units from scratch.
func buildIndex(units map[string]*geo.Unit, b *chainBuilder) (*Index, error) {
	ix := &Index{}
	for r := len(geo.Levels) - 1; r >= 0; r-- {
		li, err := buildLevel(geo.Levels[r], units, b)
		if err != nil {
			return nil, err
		}
		if li != nil {
			ix.levels = append(ix.levels, li)
		}
	}
	return ix, nil
}

// buildLevel indexes the units of one level that have geometry; nil when there are none.
func buildLevel(lv geo.Level, units map[string]*geo.Unit, b *chainBuilder) (*levelIndex, error) {
	var us []*geo.Unit
	for _, u := range units {
		if u.Level == lv && len(u.Geom) > 0 {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return nil, nil
	}
	slices.SortFunc(us, func(a, b *geo.Unit) int { return geo.EdgeOrder(a.Code, b.Code) })
	return newLevelIndex(lv, us, func(u *geo.Unit) (geo.Chain, error) { return b.chain(u.Code) })
}

// find returns the layer and the index in it of the deepest, smallest-code unit covering the
// point, or nil.
func (ix *Index) find(x, y float64) (*layer, int) {
	for _, li := range ix.levels {
		if ly, i := li.find(x, y); ly != nil {
			return ly, i
		}
	}
	return nil, -1
}

// Lookup returns the code of the deepest unit covering lon, lat (the smallest code among
// several of that level), and false when no unit covers it.
func (ix *Index) Lookup(lon, lat float64) (code string, ok bool) {
	ly, i := ix.find(lon, lat)
	if ly == nil {
		return "", false
	}
	return ly.codes[i], true
}

// Resolve implements geo.Resolver. The chain's slices are shared with the index: callers must
// not modify them.
func (ix *Index) Resolve(ctx context.Context, lon, lat float64) (geo.Chain, error) {
	ly, i := ix.find(lon, lat)
	if ly == nil {
		return geo.Chain{}, geo.Errorf(geo.NotFound, "no unit covers the point lon=%v lat=%v: it lies outside the data", lon, lat)
	}
	return ly.chains[i], nil
}

// ChainOf returns the precomputed chain of the indexed unit with the given code (units with
// geometry only). It searches every shard: for tests and tools, not for the lookup path.
func (ix *Index) ChainOf(code string) (geo.Chain, bool) {
	for _, li := range ix.levels {
		for _, ly := range li.shards {
			if ly == nil {
				continue
			}
			if i, ok := slices.BinarySearchFunc(ly.codes, code, geo.EdgeOrder); ok {
				return ly.chains[i], true
			}
		}
	}
	return geo.Chain{}, false
}

// Stats describes an index, for logs and benchmarks.
type Stats struct {
	Level        geo.Level
	Units        int
	Shards       int // non-empty shards
	Indexed      int // units over all shards: a unit that straddles shards counts in each
	Cells        int // cells of the uniform grid
	WholeCells   int // cells wholly inside one unit with no boundary: answered without a test
	CellEntries  int // candidate entries over all cells
	Vertices     int
	CellW, CellH float64
}

// Stats returns one entry per layer, deepest first.
func (ix *Index) Stats() []Stats {
	var s []Stats
	for _, li := range ix.levels {
		st := Stats{Level: li.level}
		codes := map[string]bool{}
		for _, ly := range li.shards {
			if ly == nil {
				continue
			}
			st.Shards++
			st.Indexed += ly.n
			for _, c := range ly.codes {
				codes[c] = true
			}
			st.Cells += ly.nx * ly.ny
			st.CellEntries += len(ly.cand)
			for _, r := range ly.rings {
				st.Vertices += int(r.hi - r.lo)
			}
			st.CellW, st.CellH = 1/ly.invW, 1/ly.invH
			for c := 0; c < ly.nx*ly.ny; c++ {
				if ly.cellStart[c+1]-ly.cellStart[c] == 1 && ly.cand[ly.cellStart[c]] < 0 {
					st.WholeCells++
				}
			}
		}
		st.Units = len(codes)
		s = append(s, st)
	}
	return s
}
