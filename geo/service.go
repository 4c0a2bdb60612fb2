package geo

import (
	"context"
	"strings"
)

// Resolver answers which units cover a point. postgis.DB implements it with one query per
// call; the in-memory index implements it at memory speed.
type Resolver interface {
	// Resolve returns the responsibility chain of the point lon, lat (WGS84). The deepest
	// level is a grid when one covers the point; otherwise the chain stops at the deepest
	// unit that does, with Complete false. It returns a NotFound error when no unit covers
	// the point.
	Resolve(ctx context.Context, lon, lat float64) (Chain, error)
}

// HouseholdFinder returns a household with its ten-household unit and the chain of its grid.
type HouseholdFinder interface {
	// HouseholdChain returns a NotFound error when no household has the id.
	HouseholdChain(ctx context.Context, id string) (HouseholdChain, error)
}

// HouseholdInfo is a household as the API shows it.
type HouseholdInfo struct {
	ID      string  `json:"id"`
	Address string  `json:"address"`
	Members int     `json:"members"`
	Lon     float64 `json:"lon"`
	Lat     float64 `json:"lat"`
}

// TenHHInfo is a ten-household unit with its head(s).
type TenHHInfo struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	People []Person `json:"people"`
}

// HouseholdChain is a household, its ten-household unit and the chain of the unit's grid.
type HouseholdChain struct {
	Household HouseholdInfo `json:"household"`
	Unit      TenHHInfo     `json:"unit"`
	Chain
}

// EdgeRule documents how a point on an edge shared by several units is resolved: it belongs
// to the unit with the smallest code among those that cover it (codes compare as strings).
// Because a child's code extends its parent's, the smallest grid code lies under the
// smallest village code, so the rule gives the same answer at every level. EdgeOrder is the
// rule as code.
const EdgeRule = "a point covered by several units of the deepest level (a shared edge or vertex) belongs to the one with the smallest code"

// EdgeOrder is the order of EdgeRule: of the units of one level that cover a point, the one
// whose code comes first owns it. It returns a negative number when code a comes before b,
// zero when they are equal and a positive one otherwise. Codes are digits, so SQL's
// ORDER BY code gives the same order under any collation.
func EdgeOrder(a, b string) int { return strings.Compare(a, b) }
