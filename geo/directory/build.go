package directory

import (
	"math"
	"slices"
	"strings"

	"github.com/gridmap/gridmap/geo"
)

// build makes a view of the writer's current state.
func (d *Directory) build(seq int64) *View {
	v := &View{Seq: seq, entries: make(map[string]*Entry, len(d.units)), byLevel: make([][]*Entry, len(geo.Levels))}
	for code, u := range d.units {
		r := u.Level.Rank()
		if r < 0 {
			continue
		}
		e := &Entry{Code: code, Name: u.Name, Level: u.Level, People: d.people[code], initials: d.initials[u.Name]}
		e.Stats.People = len(e.People)
		if u.Level == geo.Grid {
			e.Stats.Grids = 1
		}
		v.entries[code] = e
		v.byLevel[r] = append(v.byLevel[r], e)
	}
	byCode := func(a, b *Entry) int { return strings.Compare(a.Code, b.Code) }
	for _, es := range v.byLevel {
		slices.SortFunc(es, byCode)
	}
	var ord int32
	for _, es := range v.byLevel {
		for _, e := range es {
			e.ordinal = ord
			ord++
			if p, ok := v.entries[d.units[e.Code].ParentCode]; ok && p != e {
				e.Parent = p
				p.Children = append(p.Children, e) // in code order: es is
			}
		}
	}
	d.addTenHH(v)
	d.sumUp(v)
	v.search = newSearchIndex(v)
	return v
}

// addTenHH lists each grid's ten-household units (those known by name and those that only
// households name) with their counts, and counts them in the grid's statistics.
func (d *Directory) addTenHH(v *View) {
	codes := make([]string, 0, len(d.tenhhGrid)+len(d.counts))
	for c := range d.tenhhGrid {
		codes = append(codes, c)
	}
	for c := range d.counts {
		if _, named := d.tenhhGrid[c]; !named {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	for _, c := range codes {
		grid, ok := d.tenhhGrid[c]
		if !ok && len(c) > 3 {
			grid = c[:len(c)-3]
		}
		g, ok := v.entries[grid]
		if !ok {
			continue
		}
		t := d.counts[c]
		t.Code, t.Name = c, d.tenhhName[c]
		g.TenHH = append(g.TenHH, t)
		g.Stats.Households += t.Households
		g.Stats.Members += t.Members
		g.Stats.TenHH++
	}
}

// sumUp adds every unit's statistics into its ancestors', deepest level first, and gives a
// unit without a boundary the area and bound of its children.
func (d *Directory) sumUp(v *View) {
	childArea := map[*Entry]float64{}
	childBound := map[*Entry][4]float64{}
	for r := len(v.byLevel) - 1; r >= 0; r-- {
		for _, e := range v.byLevel[r] {
			if u := d.units[e.Code]; len(u.Geom) > 0 {
				b := u.Geom.Bound()
				e.Bound, e.HasBound = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}, true
				e.Stats.AreaKm2 = d.areas[e.Code]
			} else {
				e.Stats.AreaKm2 = childArea[e]
				e.Bound, e.HasBound = childBound[e]
			}
			p := e.Parent
			if p == nil || p.Level.Rank() >= r {
				continue // a parent at the same level or below would be summed before its child
			}
			p.Stats.add(e.Stats)
			childArea[p] += e.Stats.AreaKm2
			if e.HasBound {
				if pb, ok := childBound[p]; ok {
					childBound[p] = [4]float64{math.Min(pb[0], e.Bound[0]), math.Min(pb[1], e.Bound[1]), math.Max(pb[2], e.Bound[2]), math.Max(pb[3], e.Bound[3])}
				} else {
					childBound[p] = e.Bound
				}
			}
		}
	}
}
