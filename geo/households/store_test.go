package households_test

import (
	"context"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/households"
	"github.com/paulmach/orb"
)

// chains gives every grid of the test a one-link chain named after it.
func chains(_ context.Context, code string) (geo.Chain, error) {
	if code == "gone" {
		return geo.Chain{}, geo.Errorf(geo.NotFound, "no unit has code %q", code)
	}
	return geo.Chain{Links: []geo.Link{{Level: geo.Grid, Code: code, Name: "grid " + code}}, Complete: true}, nil
}

func state() geo.State {
	return geo.State{
		Seq: 7,
		Households: []geo.Household{
			{ID: "h1", UnitCode: "u1", Address: "1 Road", Members: 3, Point: orb.Point{105, 26}},
			{ID: "h2", UnitCode: "u2", Address: "2 Road", Members: 1, Point: orb.Point{105.5, 26.5}},
			{ID: "h3", UnitCode: "u3", Address: "3 Road", Members: 2, Point: orb.Point{105.1, 26.1}},
		},
		TenHH: []geo.TenHHUnit{
			{TenHH: geo.TenHH{Code: "u1", GridCode: "g1", Name: "unit one"},
				Heads: []geo.Person{{Role: geo.UnitHead, Name: "Li", Phone: "13800000001"}}},
			{TenHH: geo.TenHH{Code: "u2", GridCode: "g2", Name: "unit two"}}, // no heads
		},
	}
}

func TestStoreAnswersAndFollows(t *testing.T) {
	s := households.New(state(), chains)
	ctx := context.Background()
	type want struct {
		kind           geo.Kind // 0: found
		unit, grid     string
		heads, members int
		phone          string
	}
	check := func(t *testing.T, id string, w want) {
		t.Helper()
		hc, err := s.HouseholdChain(ctx, id)
		if w.kind != 0 {
			if geo.KindOf(err) != w.kind {
				t.Fatalf("%s: %v, want kind %v", id, err, w.kind)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if hc.Household.ID != id || hc.Unit.Code != w.unit || hc.Household.Members != w.members ||
			len(hc.Links) != 1 || hc.Links[0].Code != w.grid || hc.Unit.People == nil || len(hc.Unit.People) != w.heads {
			t.Fatalf("%s: %+v, want %+v", id, hc, w)
		}
		if w.heads > 0 && hc.Unit.People[0].Phone != w.phone {
			t.Errorf("%s: head's phone %q, want %q", id, hc.Unit.People[0].Phone, w.phone)
		}
	}
	t.Run("loaded", func(t *testing.T) {
		check(t, "h1", want{unit: "u1", grid: "g1", heads: 1, members: 3, phone: "13800000001"})
		check(t, "h2", want{unit: "u2", grid: "g2", heads: 0, members: 1})
		check(t, "h3", want{kind: geo.NotFound}) // its unit is not known
		check(t, "nobody", want{kind: geo.NotFound})
		if s.Seq() != 7 || s.Len() != 3 {
			t.Errorf("seq %d, %d households", s.Seq(), s.Len())
		}
	})
	err := s.Apply(geo.Changes{
		Seq:               9,
		Households:        []geo.Household{{ID: "h2", UnitCode: "u1", Address: "2 Road", Members: 4, Point: orb.Point{105, 26}}, {ID: "h4", UnitCode: "u4", Members: 1}},
		DeletedHouseholds: []string{"h1"},
		TenHH: []geo.TenHHUnit{
			{TenHH: geo.TenHH{Code: "u1", GridCode: "g5", Name: "unit one"}, Heads: []geo.Person{{Role: geo.UnitHead, Name: "Li", Phone: "13900000009"}}},
			{TenHH: geo.TenHH{Code: "u3", GridCode: "gone"}},
			{TenHH: geo.TenHH{Code: "u4", GridCode: "g4"}},
		},
		DeletedTenHH: []string{"u4"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("applied", func(t *testing.T) {
		check(t, "h1", want{kind: geo.NotFound})
		check(t, "h2", want{unit: "u1", grid: "g5", heads: 1, members: 4, phone: "13900000009"})
		check(t, "h3", want{kind: geo.NotFound}) // its grid has no chain
		check(t, "h4", want{kind: geo.NotFound}) // its unit was deleted in the same batch
		if s.Seq() != 9 {
			t.Errorf("seq %d, want 9", s.Seq())
		}
	})
}
