package tiles

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// Set is an immutable tileset: named layers of features with a spatial index. Render may be
// called from any number of goroutines; Update returns a new Set and leaves this one as it
// is.
type Set struct {
	name   string
	specs  []LayerSpec
	layers []*layer // parallel to specs
	bound  orb.Bound
}

type layer struct {
	spec  LayerSpec
	byKey cowMap[string, *feat]
	tiers []*tier // by minZoom, ascending
}

// NewSet builds a tileset from layer specs and the features of each layer (data's keys are
// layer names; a layer without data is empty). It returns an error naming the layer and
// feature when a spec is invalid, data names a layer that is not in specs, two features of
// a layer share a key, or a feature's geometry or properties cannot be drawn in its layer.
func NewSet(name string, specs []LayerSpec, data map[string][]Feature) (*Set, error) {
	if err := checkSpecs(specs); err != nil {
		return nil, err
	}
	for l := range data {
		if !slices.ContainsFunc(specs, func(s LayerSpec) bool { return s.Name == l }) {
			return nil, fmt.Errorf("tiles: data for layer %q, which is not in the tileset %q", l, name)
		}
	}
	s := &Set{name: name, specs: slices.Clone(specs), layers: make([]*layer, len(specs)), bound: emptyBound}
	for i, spec := range specs {
		fs, err := convert(spec, data[spec.Name])
		if err != nil {
			return nil, err
		}
		l, err := buildLayer(spec, fs)
		if err != nil {
			return nil, err
		}
		s.layers[i] = l
		for _, f := range fs {
			s.bound = unionBound(s.bound, f.geo)
		}
	}
	return s, nil
}

// With returns a tileset named name that has s's layers, shared with s rather than copied
// (a Set never changes once built), and one more layer drawn last, built from data. It
// returns the errors of NewSet.
func (s *Set) With(name string, spec LayerSpec, data []Feature) (*Set, error) {
	specs := append(slices.Clone(s.specs), spec)
	if err := checkSpecs(specs); err != nil {
		return nil, err
	}
	fs, err := convert(spec, data)
	if err != nil {
		return nil, err
	}
	l, err := buildLayer(spec, fs)
	if err != nil {
		return nil, err
	}
	ns := &Set{name: name, specs: specs, layers: append(slices.Clone(s.layers), l), bound: s.bound}
	for _, f := range fs {
		ns.bound = unionBound(ns.bound, f.geo)
	}
	return ns, nil
}

// convert projects features, on every core: projection is most of NewSet's time.
func convert(spec LayerSpec, in []Feature) ([]*feat, error) {
	out := make([]*feat, len(in))
	workers := min(runtime.GOMAXPROCS(0), 1+len(in)/256)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(in); i += workers {
				f, err := newFeat(spec, in[i])
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = f
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func buildLayer(spec LayerSpec, fs []*feat) (*layer, error) {
	l := &layer{spec: spec, byKey: newCowMap[string, *feat](hashString)}
	keys := l.byKey.edit()
	byZoom := map[int][]*feat{}
	for _, f := range fs {
		if _, dup := keys.get(f.key); dup {
			return nil, fmt.Errorf("tiles: layer %q has two features with key %q", spec.Name, f.key)
		}
		keys.set(f.key, f)
		byZoom[f.minZoom] = append(byZoom[f.minZoom], f)
	}
	l.byKey = keys.done()
	for z, group := range byZoom {
		e := newTier(z, chooseCellZoom(group)).edit()
		for _, f := range group {
			e.insert(f)
		}
		l.tiers = append(l.tiers, e.done())
	}
	slices.SortFunc(l.tiers, func(a, b *tier) int { return a.minZoom - b.minZoom })
	return l, nil
}

// Name returns the tileset's name.
func (s *Set) Name() string { return s.name }

// Layers returns the layer specs, in drawing order (a copy).
func (s *Set) Layers() []LayerSpec { return slices.Clone(s.specs) }

// Bounds returns the lon/lat bound of every feature; it is empty (IsEmpty) for a Set with
// nothing to draw. After Update deletes features it may still include their area.
func (s *Set) Bounds() orb.Bound { return s.bound }

// MinZoom returns the smallest MinZoom of the layers.
func (s *Set) MinZoom() int {
	z := MaxZoom
	for _, l := range s.specs {
		z = min(z, l.MinZoom)
	}
	return z
}

// MaxZoom returns the largest MaxZoom of the layers: clients overzoom beyond it.
func (s *Set) MaxZoom() int {
	z := 0
	for _, l := range s.specs {
		z = max(z, l.MaxZoom)
	}
	return z
}

// Len returns the number of features in a layer (0 for an unknown layer).
func (s *Set) Len(layer string) int {
	if l := s.layer(layer); l != nil {
		return l.byKey.len()
	}
	return 0
}

func (s *Set) layer(name string) *layer {
	for _, l := range s.layers {
		if l.spec.Name == name {
			return l
		}
	}
	return nil
}

// householdUnit returns the ten-household unit code of the household with the given id in
// the set's household layer; false when the set has no such layer or household.
func (s *Set) householdUnit(id string) (string, bool) {
	i := slices.IndexFunc(s.specs, func(l LayerSpec) bool { return l.Name == LayerHousehold })
	if i < 0 {
		return "", false
	}
	f, ok := s.layers[i].byKey.get(id)
	if !ok {
		return "", false
	}
	for _, p := range f.props {
		if p.key == "unit_code" && p.val.kind == vString {
			return p.val.s, true
		}
	}
	return "", false
}
