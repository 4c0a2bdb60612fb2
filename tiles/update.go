package tiles

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// Update returns a new Set in which the features of one layer listed in upserts replace
// those with the same Key (or are added), and those whose keys are in deletes are removed;
// deleting a key that is not there is not an error. s stays valid and unchanged, and the new
// Set shares every bucket and every feature it did not change with s, so the cost is that of
// the features touched, not of the layer.
//
// touched is the union of the old and new bounds of every feature changed: exactly the
// tiles over it (see Cache.Invalidate) may render differently. It is empty (IsEmpty) when
// nothing changed. Update returns an error, and no Set, when the layer is unknown, a key
// appears twice in upserts or in both lists, or a feature cannot be drawn in the layer.
func (s *Set) Update(layerName string, upserts []Feature, deletes []string) (*Set, orb.Bound, error) {
	return s.update(layerName, upserts, deletes, nil)
}

// layerUpdate is a layer after an update, and the area the update touched.
type layerUpdate struct {
	layer   *layer
	touched orb.Bound
}

// update is Update that, with shared non-nil, updates a layer that several tilesets share
// (see With) once: the first tileset to update it records the result in shared, and the
// others take it, so the layer stays one copy. Every tileset must be given the same upserts
// and deletes for the layer.
func (s *Set) update(layerName string, upserts []Feature, deletes []string, shared map[*layer]layerUpdate) (*Set, orb.Bound, error) {
	li := slices.IndexFunc(s.specs, func(l LayerSpec) bool { return l.Name == layerName })
	if li < 0 {
		return nil, emptyBound, fmt.Errorf("tiles: tileset %q has no layer %q", s.name, layerName)
	}
	old := s.layers[li]
	if done, ok := shared[old]; ok {
		return s.withLayer(li, done), done.touched, nil
	}
	nl, touched, err := old.update(upserts, deletes)
	if err != nil {
		return nil, emptyBound, err
	}
	done := layerUpdate{nl, touched}
	if shared != nil {
		shared[old] = done
	}
	return s.withLayer(li, done), touched, nil
}

// withLayer returns a Set in which layer li is replaced.
func (s *Set) withLayer(li int, u layerUpdate) *Set {
	ns := &Set{name: s.name, specs: s.specs, layers: slices.Clone(s.layers), bound: unionBound(s.bound, u.touched)}
	ns.layers[li] = u.layer
	return ns
}

// update returns the layer with upserts and deletes applied (see Set.Update), and the area
// they touched; old is unchanged.
func (old *layer) update(upserts []Feature, deletes []string) (*layer, orb.Bound, error) {
	layerName := old.spec.Name
	seen := make(map[string]bool, len(upserts))
	for _, f := range upserts {
		if seen[f.Key] {
			return nil, emptyBound, fmt.Errorf("tiles: layer %q: key %q is upserted twice", layerName, f.Key)
		}
		seen[f.Key] = true
	}
	for _, k := range deletes {
		if seen[k] {
			return nil, emptyBound, fmt.Errorf("tiles: layer %q: key %q is both upserted and deleted", layerName, k)
		}
	}
	fs, err := convert(old.spec, upserts)
	if err != nil {
		return nil, emptyBound, err
	}

	nl := &layer{spec: old.spec, tiers: slices.Clone(old.tiers)}
	keys := old.byKey.edit()
	edits := map[int]*tierEdit{} // by minZoom
	tierFor := func(minZoom int, fresh []*feat) *tierEdit {
		if e, ok := edits[minZoom]; ok {
			return e
		}
		var e *tierEdit
		if i := slices.IndexFunc(nl.tiers, func(t *tier) bool { return t.minZoom == minZoom }); i >= 0 {
			e = nl.tiers[i].edit()
		} else {
			// A zoom no feature started at before: its cells are sized from the new features.
			var group []*feat
			for _, f := range fresh {
				if f.minZoom == minZoom {
					group = append(group, f)
				}
			}
			e = newTier(minZoom, chooseCellZoom(group)).edit()
		}
		edits[minZoom] = e
		return e
	}
	touched := emptyBound
	remove := func(k string) {
		if f, ok := keys.get(k); ok {
			tierFor(f.minZoom, nil).remove(f)
			keys.del(k)
			touched = unionBound(touched, f.geo)
		}
	}
	for _, k := range deletes {
		remove(k)
	}
	for _, f := range fs {
		remove(f.key)
		tierFor(f.minZoom, fs).insert(f)
		keys.set(f.key, f)
		touched = unionBound(touched, f.geo)
	}
	nl.byKey = keys.done()
	for z, e := range edits {
		t := e.done()
		i := slices.IndexFunc(nl.tiers, func(t *tier) bool { return t.minZoom == z })
		switch {
		case i >= 0:
			nl.tiers[i] = t
		default:
			nl.tiers = append(nl.tiers, t)
		}
	}
	slices.SortFunc(nl.tiers, func(a, b *tier) int { return a.minZoom - b.minZoom })
	return nl, touched, nil
}
