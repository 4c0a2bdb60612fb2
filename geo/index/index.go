// Package index is an immutable in-memory geo.Resolver: it answers which units cover a point
// without a database, at memory speed.
//
// Each level that has geometry gets a layer: its units sorted by code, their rings as flat
// coordinate slices, and a uniform grid of cells over the layer's extent. A cell lists, in
// code order, the units whose boundary touches it (these need an exact point-in-polygon test)
// and the units that contain the whole cell (these answer without a test). A lookup asks the
// grid layer first, then group, village, town and county, and returns the first unit of the
// first layer that covers the point: the deepest level, and the smallest code within it
// (geo.EdgeRule). Polygons are closed, as ST_Covers: a point on an edge or vertex is covered.
//
// Chains (county down to the unit, with the people of each level) are built once per unit, so
// Resolve does not allocate; the returned chain shares its slices with the index and must not
// be modified.
package index

import (
	"context"
	"fmt"
	"sort"

	"github.com/gridmap/gridmap/geo"
)

// Index resolves points to units. It is safe for concurrent use.
type Index struct {
	layers []*layer // deepest level first
}

var _ geo.Resolver = (*Index)(nil)

// Build indexes units (any order; units without geometry may appear, as parents only) and the
// people answerable for them. Every unit's parent must be among units. Responsibilities of a
// ten-household unit (unit_head) or of unknown units are ignored.
func Build(units []geo.Unit, people []geo.Responsibility) (*Index, error) {
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

	// People of each unit, in the order the database gives them: role, name, id.
	var rs []geo.Responsibility
	for _, r := range people {
		if r.Role == geo.UnitHead || geo.RoleLevel[r.Role] == "" {
			continue
		}
		if _, ok := byCode[r.UnitCode]; ok {
			rs = append(rs, r)
		}
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.UnitCode != b.UnitCode {
			return a.UnitCode < b.UnitCode
		}
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.PersonID < b.PersonID
	})
	all := make([]geo.Person, len(rs))
	peopleOf := make(map[string][]geo.Person)
	for i, r := range rs {
		all[i] = geo.Person{Role: r.Role, Name: r.Name, Phone: r.Phone}
	}
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].UnitCode == rs[i].UnitCode {
			j++
		}
		peopleOf[rs[i].UnitCode] = all[i:j:j]
		i = j
	}
	empty := []geo.Person{}

	// Links, memoised per code, so ancestors' links are shared.
	links := make(map[string][]geo.Link, len(units))
	var chainLinks func(code string, depth int) ([]geo.Link, error)
	chainLinks = func(code string, depth int) ([]geo.Link, error) {
		if l, ok := links[code]; ok {
			return l, nil
		}
		u := byCode[code]
		if depth > len(geo.Levels) {
			return nil, fmt.Errorf("index: the parents of unit %q form a cycle or are too deep", code)
		}
		var parent []geo.Link
		if u.ParentCode != "" {
			if _, ok := byCode[u.ParentCode]; !ok {
				return nil, fmt.Errorf("index: unit %q has parent %q, which is not among the units", u.Code, u.ParentCode)
			}
			var err error
			if parent, err = chainLinks(u.ParentCode, depth+1); err != nil {
				return nil, err
			}
		}
		ppl := peopleOf[code]
		if ppl == nil {
			ppl = empty
		}
		l := make([]geo.Link, len(parent)+1)
		copy(l, parent)
		l[len(parent)] = geo.Link{Level: u.Level, Code: u.Code, Name: u.Name, People: ppl}
		links[code] = l
		return l, nil
	}

	ix := &Index{}
	for r := len(geo.Levels) - 1; r >= 0; r-- {
		lv := geo.Levels[r]
		var us []*geo.Unit
		for i := range units {
			if units[i].Level == lv && len(units[i].Geom) > 0 {
				us = append(us, &units[i])
			}
		}
		if len(us) == 0 {
			continue
		}
		sort.Slice(us, func(i, j int) bool { return us[i].Code < us[j].Code })
		chains := make([]geo.Chain, len(us))
		codes := make([]string, len(us))
		for i, u := range us {
			l, err := chainLinks(u.Code, 0)
			if err != nil {
				return nil, err
			}
			c := geo.Chain{Links: l, Complete: u.Level == geo.Grid}
			if !c.Complete {
				c.Missing = string(geo.Grid)
			}
			chains[i] = c
			codes[i] = u.Code
		}
		ly, err := buildLayer(us)
		if err != nil {
			return nil, err
		}
		ly.chains, ly.codes = chains, codes
		if ly.n > 0 {
			ix.layers = append(ix.layers, ly)
		}
	}
	return ix, nil
}

// find returns the layer and the index in it of the deepest, smallest-code unit covering the
// point, or nil.
func (ix *Index) find(x, y float64) (*layer, int) {
	for _, ly := range ix.layers {
		if i := ly.find(x, y); i >= 0 {
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
// geometry only).
func (ix *Index) ChainOf(code string) (geo.Chain, bool) {
	for _, ly := range ix.layers {
		i := sort.SearchStrings(ly.codes, code)
		if i < len(ly.codes) && ly.codes[i] == code {
			return ly.chains[i], true
		}
	}
	return geo.Chain{}, false
}

// Stats describes an index, for logs and benchmarks.
type Stats struct {
	Level        geo.Level
	Units        int
	Cells        int // cells of the uniform grid
	WholeCells   int // cells wholly inside one unit with no boundary: answered without a test
	CellEntries  int // candidate entries over all cells
	Vertices     int
	CellW, CellH float64
}

// Stats returns one entry per layer, deepest first.
func (ix *Index) Stats() []Stats {
	var s []Stats
	for _, ly := range ix.layers {
		st := Stats{Level: ly.level, Units: ly.n, Cells: ly.nx * ly.ny, CellEntries: len(ly.cand),
			Vertices: len(ly.coords) / 2, CellW: 1 / ly.invW, CellH: 1 / ly.invH}
		for c := 0; c < ly.nx*ly.ny; c++ {
			if ly.cellStart[c+1]-ly.cellStart[c] == 1 && ly.cand[ly.cellStart[c]] < 0 {
				st.WholeCells++
			}
		}
		s = append(s, st)
	}
	return s
}
