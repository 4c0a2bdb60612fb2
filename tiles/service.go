package tiles

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// The tilesets a Service serves: public has no personal data; private adds households and is
// for authorised viewers only (the HTTP side decides who that is).
const (
	Public  = "public"
	Private = "private"
)

// Info describes a tileset, for TileJSON.
type Info struct {
	Name             string
	Description      string
	Layers           []LayerSpec
	Fields           map[string]map[string]string // per layer: attribute -> description
	Bounds           [4]float64                   // west, south, east, north
	MinZoom, MaxZoom int
}

// layerFields are the attributes each layer carries, for TileJSON.
var layerFields = func() map[string]map[string]string {
	unit := map[string]string{"code": "unit code (统计用区划代码 and below)", "name": "name", "level": strings.Join(geo.LevelNames()[:len(geo.Levels)-1], ", ") + " or " + string(geo.Deepest)}
	grid := maps.Clone(unit)
	grid["grid_worker"] = "the grid worker's name(s) (网格员)"
	grid["households"] = "how many households the grid holds (a count, never a household)"
	grid["density"] = "households per km² of the grid"
	feature := map[string]string{"id": "feature id", "name": "name"}
	m := map[string]map[string]string{
		LayerLabel:     {"code": "unit code", "name": "name", "level": "level of the unit labelled"},
		LayerHousehold: {"id": "household id", "unit_code": "ten-household unit (十联户) code", "members": "number of members"},
	}
	for _, l := range geo.Levels {
		m[string(l)] = unit
	}
	m[string(geo.Grid)] = grid
	for _, l := range geo.Layers {
		m[string(l)] = feature
	}
	return m
}()

// Service holds the tile sets built from the domain's data, keeps them in step with the
// change log (it is a geo.ChangeSink) and serves tiles through a cache that never serves a
// stale tile: an edit swaps in updated sets and drops exactly the cached tiles over it.
type Service struct {
	cache *Cache
	sets  map[string]*atomic.Pointer[Set]
	gen   atomic.Uint64 // bumped after every swap; tiles are cached with the gen they saw
	seq   atomic.Int64

	mu      sync.Mutex           // serialises Apply
	units   map[string]*geo.Unit // for re-drawing a grid when its people change
	workers map[string]string    // grid code -> grid workers' names
	counts  map[string]int       // grid code -> households, drawn as the grid's density
}

var _ geo.ChangeSink = (*Service)(nil)

// NewService builds the public and private tile sets from st, with a tile cache of
// cacheBytes. The service keeps st's units (to redraw a grid whose people change) and never
// modifies them.
func NewService(st geo.State, cacheBytes int64) (*Service, error) {
	s := &Service{cache: NewCache(cacheBytes), sets: map[string]*atomic.Pointer[Set]{},
		units: make(map[string]*geo.Unit, len(st.Units)), workers: Workers(st.People),
		counts: GridCounts(st.Households)}
	for i := range st.Units {
		s.units[st.Units[i].Code] = &st.Units[i]
	}
	// The private tileset is the public one plus households: it shares the public layers
	// (the features of every unit and reference feature, projected once).
	public, err := NewSet(Public, PublicLayers(), data(st.Units, st.Features, st.People, nil, s.counts))
	if err != nil {
		return nil, err
	}
	private, err := public.With(Private, householdLayer, Households(st.Households))
	if err != nil {
		return nil, err
	}
	for _, set := range []*Set{public, private} {
		p := &atomic.Pointer[Set]{}
		p.Store(set)
		s.sets[set.Name()] = p
	}
	s.seq.Store(st.Seq)
	return s, nil
}

// unitFeatures returns the layer feature and the label of one unit with a boundary.
func (s *Service) unitFeatures(u *geo.Unit) (Feature, Feature) {
	byLayer, labels := unitsWithCounts([]geo.Unit{*u}, s.workers, s.counts)
	return byLayer[string(u.Level)][0], labels[0]
}

// countHousehold moves household id's count from the grid it was counted in (the private
// set's household layer says which: no second map of every household) to grid ("" when it
// is gone), and marks both for redrawing when they differ. Apply calls it before the sets
// are updated, and once per household of a batch.
func (s *Service) countHousehold(id, grid string, redraw map[string]bool) {
	was, known := "", false
	if unit, ok := s.sets[Private].Load().householdUnit(id); ok {
		was, known = gridOfTenHH(unit), true
	}
	if known && was == grid {
		return
	}
	if known {
		if s.counts[was]--; s.counts[was] <= 0 {
			delete(s.counts, was)
		}
		redraw[was] = true
	}
	if grid != "" {
		s.counts[grid]++
		redraw[grid] = true
	}
}

// Seq returns the change-log position the tile sets reflect.
func (s *Service) Seq() int64 { return s.seq.Load() }

// Cache returns the tile cache, for statistics.
func (s *Service) Cache() *Cache { return s.cache }

// Info describes a tileset; false when there is none of that name.
func (s *Service) Info(name string) (Info, bool) {
	p, ok := s.sets[name]
	if !ok {
		return Info{}, false
	}
	set := p.Load()
	b := set.Bounds()
	desc := "grid map: units of every level with labels, and reference features"
	if name == Private {
		desc += "; with households (personal data: authorised viewers only)"
	}
	return Info{Name: name, Description: desc, Layers: set.Layers(), Fields: layerFields,
		Bounds: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}, MinZoom: set.MinZoom(), MaxZoom: set.MaxZoom()}, true
}

// Tile returns a tile from the cache, or renders and caches it. An entry with no data is an
// empty tile. A render that outlasts ctx is abandoned (its result is still cached).
func (s *Service) Tile(ctx context.Context, tileset string, z, x, y uint32) (*Entry, error) {
	p, ok := s.sets[tileset]
	if !ok {
		return nil, geo.Errorf(geo.NotFound, "no tileset named %q", tileset)
	}
	key := Key{Tileset: tileset, Z: z, X: x, Y: y}
	if e, ok := s.cache.Get(key); ok {
		return e, nil
	}
	// The generation is read before the set: a tile rendered from an older set is then
	// tagged with an older generation, and the cache refuses it after the invalidation.
	gen := s.gen.Load()
	set := p.Load()
	type result struct {
		e   *Entry
		err error
	}
	done := make(chan result, 1)
	go func() {
		data, err := set.Render(z, x, y)
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{e: s.cache.Put(key, data, gen)}
	}()
	select {
	case r := <-done:
		return r.e, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Apply updates the tile sets with a batch of changes, then drops the cached tiles over
// what changed.
func (s *Service) Apply(ch geo.Changes) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch.Empty() {
		if ch.Seq > s.seq.Load() {
			s.seq.Store(ch.Seq)
		}
		return nil
	}
	ups := map[string][]Feature{} // layer -> upserts
	dels := map[string][]string{} // layer -> deleted keys
	redraw := map[string]bool{}   // grids whose people changed
	for code, rs := range ch.People {
		if w := Workers(rs)[code]; w != s.workers[code] {
			if w == "" {
				delete(s.workers, code)
			} else {
				s.workers[code] = w
			}
			redraw[code] = true
		}
	}
	// A household that comes, goes or moves changes its grids' counts: redraw them.
	for _, id := range ch.DeletedHouseholds {
		s.countHousehold(id, "", redraw)
	}
	for _, h := range ch.Households {
		s.countHousehold(h.ID, gridOfTenHH(h.UnitCode), redraw)
	}
	for _, code := range ch.DeletedUnits {
		if old, ok := s.units[code]; ok {
			dels[string(old.Level)] = append(dels[string(old.Level)], code)
			dels[LayerLabel] = append(dels[LayerLabel], code)
			delete(s.units, code)
		}
	}
	for i := range ch.Units {
		u := &ch.Units[i]
		if old, ok := s.units[u.Code]; ok && old.Level != u.Level {
			dels[string(old.Level)] = append(dels[string(old.Level)], u.Code)
		}
		s.units[u.Code] = u
		delete(redraw, u.Code)
		if len(u.Geom) == 0 {
			dels[string(u.Level)] = append(dels[string(u.Level)], u.Code)
			dels[LayerLabel] = append(dels[LayerLabel], u.Code)
			continue
		}
		f, label := s.unitFeatures(u)
		ups[string(u.Level)] = append(ups[string(u.Level)], f)
		ups[LayerLabel] = append(ups[LayerLabel], label)
	}
	for code := range redraw {
		if u, ok := s.units[code]; ok && u.Level == geo.Grid && len(u.Geom) > 0 {
			f, _ := s.unitFeatures(u)
			ups[string(geo.Grid)] = append(ups[string(geo.Grid)], f)
		}
	}
	// A changed feature may have moved to another layer: drop its id from every reference
	// layer but the one it is in now (deleting an absent key is a no-op).
	featureLayer := map[string]string{}
	for l, fs := range References(ch.Features) {
		ups[l] = append(ups[l], fs...)
		for _, f := range fs {
			featureLayer[f.Key] = l
		}
	}
	changed := slices.Concat(slices.Collect(maps.Keys(featureLayer)), ch.DeletedFeatures)
	for _, id := range changed {
		for _, l := range geo.Layers {
			if featureLayer[id] != string(l) {
				dels[string(l)] = append(dels[string(l)], id)
			}
		}
	}
	ups[LayerHousehold] = Households(ch.Households)
	dels[LayerHousehold] = append(dels[LayerHousehold], ch.DeletedHouseholds...)

	next := map[string]*Set{}
	touched := map[string]orb.Bound{}
	shared := map[*layer]layerUpdate{} // layers the tilesets share are updated once
	for name, p := range s.sets {
		set := p.Load()
		var area orb.Bound
		hit := false
		for _, spec := range set.Layers() {
			u, d := ups[spec.Name], dels[spec.Name]
			if len(u) == 0 && len(d) == 0 {
				continue
			}
			ns, b, err := set.update(spec.Name, u, d, shared)
			if err != nil {
				return fmt.Errorf("tiles: updating %s/%s: %w", name, spec.Name, err)
			}
			set = ns
			if !b.IsEmpty() {
				if !hit {
					area, hit = b, true
				} else {
					area = area.Union(b)
				}
			}
		}
		next[name] = set
		if hit {
			touched[name] = area
		}
	}
	// Swap every set, then bump the generation, then invalidate: see Tile for why this order.
	for name, set := range next {
		s.sets[name].Store(set)
	}
	gen := s.gen.Add(1)
	for name, area := range touched {
		s.cache.Invalidate(name, area, gen)
	}
	s.seq.Store(max(ch.Seq, s.seq.Load()))
	return nil
}
