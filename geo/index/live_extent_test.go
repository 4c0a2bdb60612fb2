package index

import (
	"maps"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// A grid added partly beyond its level's extent, on any side, is found there as if the index
// had been built with it: the level is indexed afresh rather than squeezed into shards laid
// over the old extent.
func TestLiveApplyGrowsTheExtentEveryWay(t *testing.T) {
	for _, tc := range []struct {
		side           string
		x0, y0, x1, y1 float64
	}{
		{"west", -3, 3, 1, 5},
		{"east", 25, 3, 29, 5},
		{"south", 12, -3, 14, 1},
		{"north", 12, 9, 14, 13},
	} {
		t.Run(tc.side, func(t *testing.T) {
			units, people := handUnits()
			live, err := NewLive(units, people, 1)
			if err != nil {
				t.Fatal(err)
			}
			g := geo.Unit{Code: "520204001001009", Name: "G9", Level: geo.Grid, ParentCode: "520204001001",
				Geom: orb.MultiPolygon{{square(tc.x0, tc.y0, tc.x1, tc.y1)}}}
			if err := live.Apply(geo.Changes{Seq: 2, Units: []geo.Unit{g}}); err != nil {
				t.Fatal(err)
			}
			units = append(units, g)
			assertSameAsBuild(t, live, units, people, append(verticesOf(&g), orb.Point{(tc.x0 + tc.x1) / 2, (tc.y0 + tc.y1) / 2}))
		})
	}
}

// A unit that changes level but keeps its geometry leaves its old level's shards: here a grid
// that becomes a village, where the older village, first in code order, wins its area.
func TestLiveApplyMovesAUnitToAnotherLevel(t *testing.T) {
	units, people := handUnits()
	live, err := NewLive(units, people, 1)
	if err != nil {
		t.Fatal(err)
	}
	// In the same batch another grid moves a little: it must not join the village level.
	var g, moved geo.Unit
	for i, u := range units {
		switch u.Code {
		case "520204001001002":
			g = u
			g.Level, g.ParentCode = geo.Village, "520204001"
			units[i] = g
		case "520204001001003":
			moved = u
			moved.Geom = orb.MultiPolygon{{square(20, 1, 22, 3)}, {square(24, 0, 26, 2)}}
			units[i] = moved
		}
	}
	if err := live.Apply(geo.Changes{Seq: 2, Units: []geo.Unit{g, moved}}); err != nil {
		t.Fatal(err)
	}
	if code, _ := live.Index().Lookup(5, 5); code != "520204001001" {
		t.Errorf("in the former grid: %q, want the village 520204001001", code)
	}
	assertSameAsBuild(t, live, units, people, verticesOf(&g, &moved))
	ref, err := Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	count := func(ix *Index) map[geo.Level]int {
		m := map[geo.Level]int{}
		for _, s := range ix.Stats() {
			m[s.Level] = s.Units
		}
		return m
	}
	if got, want := count(live.Index()), count(ref); !maps.Equal(got, want) {
		t.Errorf("units per level %v, want %v as built", got, want)
	}
}

// The position only moves forward: a batch older than the index's position (a follower that
// re-reads) leaves it where it is.
func TestLiveApplyNeverMovesThePositionBack(t *testing.T) {
	units, people := handUnits()
	live, err := NewLive(units, people, 10)
	if err != nil {
		t.Fatal(err)
	}
	g := units[0]
	g.Name = "G3 renamed"
	if err := live.Apply(geo.Changes{Seq: 5, Units: []geo.Unit{g}}); err != nil {
		t.Fatal(err)
	}
	if live.Seq() != 10 {
		t.Errorf("position %d after an older batch, want 10", live.Seq())
	}
}

// A unit whose people have all left (an empty list in the batch) has nobody in its chain.
func TestLiveApplyRemovesTheLastPeopleOfAUnit(t *testing.T) {
	units, people := handUnits()
	live, err := NewLive(units, people, 1)
	if err != nil {
		t.Fatal(err)
	}
	const g2 = "520204001001002"
	if err := live.Apply(geo.Changes{Seq: 2, People: map[string][]geo.Responsibility{g2: nil}}); err != nil {
		t.Fatal(err)
	}
	c, ok := live.Index().ChainOf(g2)
	if !ok || len(c.Links) == 0 {
		t.Fatalf("no chain for %s", g2)
	}
	if ppl := c.Links[len(c.Links)-1].People; len(ppl) != 0 {
		t.Errorf("people left in the chain: %+v", ppl)
	}
}
