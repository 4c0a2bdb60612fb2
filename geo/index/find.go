package index

import "github.com/gridmap/gridmap/geo"

// Find returns the chain of the deepest unit covering lon, lat (the smallest code among
// several of that level, as Resolve) and true, or false when no unit covers the point. It
// never allocates: it is Resolve without the error value, which a miss (a point outside the
// data) would have to build. The chain's slices are shared with the index: callers must not
// modify them.
func (ix *Index) Find(lon, lat float64) (geo.Chain, bool) {
	ly, i := ix.find(lon, lat)
	if ly == nil {
		return geo.Chain{}, false
	}
	return ly.chains[i], true
}

// Find answers from the current index (see Index.Find), without allocating.
func (l *Live) Find(lon, lat float64) (geo.Chain, bool) {
	return l.cur.Load().ix.Find(lon, lat)
}
