package coverage

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestInside(t *testing.T) {
	grid := mp(rect(0, 0, 4, 4))
	// A grid whose boundary pokes a spike between two of the feature's vertices.
	spiked := mp(orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {2.1, 4}, {2, 1.5}, {1.9, 4}, {0, 4}, {0, 0}}})
	holed := mp(orb.Polygon{rect(0, 0, 4, 4)[0], {{1.5, 1.5}, {1.5, 2.5}, {2.5, 2.5}, {2.5, 1.5}, {1.5, 1.5}}})
	cases := []struct {
		name string
		f, g orb.MultiPolygon
		want bool
	}{
		{"well inside", mp(rect(1, 1, 3, 3)), grid, true},
		{"touching the edge", mp(rect(0, 1, 1, 2)), grid, false},
		{"reaching out", mp(rect(3, 1, 5, 2)), grid, false},
		{"outside", mp(rect(5, 5, 6, 6)), grid, false},
		{"vertices inside, edge crossed by a spike", mp(rect(1, 1, 3, 3)), spiked, false},
		{"around the grid's hole", mp(rect(1, 1, 3, 3)), holed, false},
		{"beside the grid's hole", mp(rect(0.5, 0.5, 1, 1)), holed, true},
		{"inside the second part", mp(rect(11, 1, 12, 2)), mp(rect(0, 0, 4, 4), rect(10, 0, 14, 4)), true},
		{"parts in different grids' parts", mp(rect(1, 1, 2, 2), rect(11, 1, 12, 2)), mp(rect(0, 0, 4, 4), rect(10, 0, 14, 4)), true},
		{"one part out", mp(rect(1, 1, 2, 2), rect(5, 1, 6, 2)), grid, false},
		{"empty", nil, grid, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Inside(c.f, c.g); got != c.want {
				t.Errorf("Inside = %v, want %v", got, c.want)
			}
		})
	}
}

func TestUncertain(t *testing.T) {
	grids := []orb.MultiPolygon{mp(rect(0, 0, 2, 2)), mp(rect(2, 0, 4, 2)), mp(rect(0, 2, 4, 3))}
	features := []orb.MultiPolygon{
		mp(rect(0.5, 0.5, 1, 1)),     // inside the first
		mp(rect(1.5, 0.5, 2.5, 1)),   // across the first two
		mp(rect(3, 2.2, 3.5, 2.8)),   // inside the third
		mp(rect(10, 10, 11, 11)),     // far from all
		mp(rect(3.5, 1.5, 4.5, 2.5)), // over the edge of the whole
		nil,
	}
	got := Uncertain(features, grids)
	if len(got) != 2 || got[0] != 1 || got[1] != 4 {
		t.Errorf("Uncertain = %v, want [1 4]", got)
	}
}
