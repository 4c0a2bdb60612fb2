package index

import (
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// The people of a unit come in role order, then by name.
func TestChainPeopleInRoleAndNameOrder(t *testing.T) {
	units, people := handUnits()
	people = append(people, geo.Responsibility{PersonID: "p6", Name: "Al", Phone: "6", Role: geo.GridWorker, UnitCode: "520204001001002"})
	ix, err := Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := ix.ChainOf("520204001001002")
	if !ok || len(c.Links) == 0 {
		t.Fatalf("no chain for G2: %+v", c)
	}
	var got []string
	for _, p := range c.Links[len(c.Links)-1].People {
		got = append(got, string(p.Role)+" "+p.Name)
	}
	want := []string{"grid_head 甲", "grid_worker Al", "grid_worker 乙"}
	if len(got) != len(want) {
		t.Fatalf("people %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("people %v, want %v", got, want)
		}
	}
}

// Units that are each other's parents are refused, not followed for ever.
func TestBuildRefusesAParentCycle(t *testing.T) {
	all := orb.MultiPolygon{{square(0, 0, 1, 1)}}
	units := []geo.Unit{
		{Code: "520204", Name: "C", Level: geo.County, ParentCode: "520204001", Geom: all},
		{Code: "520204001", Name: "T", Level: geo.Town, ParentCode: "520204", Geom: all},
	}
	if _, err := Build(units, nil); err == nil {
		t.Fatal("a parent cycle: no error")
	}
}
