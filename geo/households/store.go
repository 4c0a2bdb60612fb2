// Package households answers household chains from memory: the households and their
// ten-household units with their heads, loaded once with the rest of the data (geo.State) and
// kept current by following the change log (households, ten-household units and their heads),
// with the chain of each household's grid taken from the resolver's index. Reading a
// household then costs no database round trip.
package households

import (
	"context"
	"sync"

	"github.com/gridmap/gridmap/geo"
)

// ChainOf returns the chain of a grid by its code, or a NotFound error.
type ChainOf func(ctx context.Context, code string) (geo.Chain, error)

// Store implements geo.HouseholdFinder from memory, and geo.ChangeSink to follow the log.
type Store struct {
	chainOf ChainOf

	mu         sync.RWMutex
	seq        int64
	households map[string]geo.Household
	units      map[string]*geo.TenHHUnit
}

// New returns a store of the households and ten-household units of st, at st's change-log
// position; chainOf gives the chains of their grids.
func New(st geo.State, chainOf ChainOf) *Store {
	s := &Store{chainOf: chainOf, seq: st.Seq,
		households: make(map[string]geo.Household, len(st.Households)),
		units:      make(map[string]*geo.TenHHUnit, len(st.TenHH))}
	for _, h := range st.Households {
		s.households[h.ID] = h
	}
	for i := range st.TenHH {
		s.putUnit(st.TenHH[i])
	}
	return s
}

// noHeads is the heads of a unit that has none: an empty list, as the database answers it.
var noHeads = []geo.Person{}

func (s *Store) putUnit(t geo.TenHHUnit) {
	if t.Heads == nil {
		t.Heads = noHeads
	}
	s.units[t.Code] = &t
}

// Len returns how many households the store holds.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.households)
}

// HouseholdChain implements geo.HouseholdFinder with the answer the database gives
// (postgis.DB.HouseholdChain), field for field.
func (s *Store) HouseholdChain(ctx context.Context, id string) (geo.HouseholdChain, error) {
	s.mu.RLock()
	h, ok := s.households[id]
	var u *geo.TenHHUnit
	if ok {
		u = s.units[h.UnitCode]
	}
	s.mu.RUnlock()
	if u == nil {
		return geo.HouseholdChain{}, geo.Errorf(geo.NotFound, "no household has id %q", id)
	}
	hc := geo.HouseholdChain{
		Household: geo.HouseholdInfo{ID: h.ID, Address: h.Address, Members: h.Members, Lon: h.Point[0], Lat: h.Point[1]},
		Unit:      geo.TenHHInfo{Code: u.Code, Name: u.Name, People: u.Heads},
	}
	var err error
	hc.Chain, err = s.chainOf(ctx, u.GridCode)
	return hc, err
}

// Seq implements geo.ChangeSink.
func (s *Store) Seq() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seq
}

// Apply implements geo.ChangeSink: households and ten-household units as they now are.
// Units and people answerable for them reach the chains through the index, which follows
// the log itself.
func (s *Store) Apply(ch geo.Changes) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range ch.Households {
		s.households[h.ID] = h
	}
	for _, id := range ch.DeletedHouseholds {
		delete(s.households, id)
	}
	for _, t := range ch.TenHH {
		s.putUnit(t)
	}
	for _, code := range ch.DeletedTenHH {
		delete(s.units, code)
	}
	s.seq = ch.Seq
	return nil
}
