package wire

import (
	"testing"

	"github.com/gridmap/gridmap/geo"
)

// AppendHouseholdChain writes what encoding/json writes for the same chain, through the
// cache (first encoded, then from the map) and for the shapes an index never hands out.
func TestAppendHouseholdChainMatchesEncodingJSON(t *testing.T) {
	links := []geo.Link{
		{Level: geo.County, Code: "520204", Name: "水城区", People: []geo.Person{{Role: "county_secretary", Name: "孙江林", Phone: "19900000001"}}},
		{Level: geo.Grid, Code: "520204004004002", Name: "第2网格", People: []geo.Person{}},
	}
	full := geo.Chain{Links: links, Complete: true}
	cases := []geo.HouseholdChain{
		{
			Household: geo.HouseholdInfo{ID: "520204004004002-002-13", Address: "董地街道\"双巢\"<社区>", Members: 4, Lon: 104.9273509979248, Lat: 26.477907180786133},
			Unit:      geo.TenHHInfo{Code: "520204004004002002", Name: "第2联户", People: []geo.Person{{Role: "unit_head", Name: "方贵", Phone: "19900008048"}}},
			Chain:     full,
		},
		{Household: geo.HouseholdInfo{ID: "x", Lon: -1e-7, Lat: 1e21}, Chain: full},
		{Household: geo.HouseholdInfo{ID: "\u2028", Members: -3}, Unit: geo.TenHHInfo{People: []geo.Person{}}, Chain: geo.Chain{Links: links[:1], Missing: "grid"}},
		{Chain: geo.Chain{Complete: true}},
	}
	tails := NewChainCache(HouseholdAnswer)
	for round := 0; round < 2; round++ {
		for _, hc := range cases {
			want := encodeJSON(t, hc)
			if got := AppendHouseholdChain(nil, hc, tails); string(got) != string(want) {
				t.Errorf("round %d, %+v:\ngot  %s\nwant %s", round, hc, got, want)
			}
		}
	}
	if tails.hits.Load() == 0 {
		t.Error("the second round encoded every chain again: the cache kept none")
	}
	// The same in a bulk answer's line.
	type line struct {
		I      int                 `json:"i"`
		ID     string              `json:"id"`
		Result *geo.HouseholdChain `json:"result,omitempty"`
	}
	for i, hc := range cases {
		want := encodeJSON(t, line{I: i * 1000, ID: hc.Household.ID + "\t", Result: &hc})
		if got := AppendHouseholdLine(nil, i*1000, hc.Household.ID+"\t", hc, tails); string(got) != string(want) {
			t.Errorf("line %d:\ngot  %s\nwant %s", i, got, want)
		}
	}
}
