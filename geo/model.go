package geo

import "github.com/paulmach/orb"

// Unit is an administrative unit of any level. Geom is nil for a unit known only by its code
// (a division loaded from CSV before its boundary).
type Unit struct {
	Code       string
	Name       string
	Level      Level
	ParentCode string // empty for a county
	Geom       orb.MultiPolygon
	Attrs      map[string]any
	Version    int
}

// Layer names a kind of reference feature.
type Layer string

// The reference layers grids are drawn from.
const (
	Courtyard      Layer = "courtyard"       // 自然院落: wholly inside one grid
	RelocationSite Layer = "relocation_site" // 易地搬迁安置点: wholly inside one grid
	Valley         Layer = "valley"          // 沟域: may hold several grids
	Road           Layer = "road"            // 道路: a line
	Compound       Layer = "compound"        // 小区: urban, wholly inside one grid
	Enterprise     Layer = "enterprise"      // 企事业单位: urban, wholly inside one grid
)

// layerTable is the one list of the reference layers and the kind of geometry each holds:
// Layers, feature validation, the tile layers and their attributes are derived from it, so
// adding a layer is adding a row.
var layerTable = []struct {
	layer Layer
	line  bool // LineString or MultiLineString; otherwise Polygon or MultiPolygon
}{
	{Courtyard, false},
	{RelocationSite, false},
	{Valley, false},
	{Road, true},
	{Compound, false},
	{Enterprise, false},
}

// Layers lists the reference layers. Callers must not modify it.
var Layers = func() []Layer {
	ls := make([]Layer, len(layerTable))
	for i, r := range layerTable {
		ls[i] = r.layer
	}
	return ls
}()

// Known reports whether l is one of Layers.
func (l Layer) Known() bool {
	for _, r := range layerTable {
		if r.layer == l {
			return true
		}
	}
	return false
}

// Lines reports whether the features of layer l are lines (roads) rather than areas; false
// for an unknown layer.
func (l Layer) Lines() bool {
	for _, r := range layerTable {
		if r.layer == l {
			return r.line
		}
	}
	return false
}

// Feature is a reference feature. Geom is a Polygon or MultiPolygon, or a LineString or
// MultiLineString for roads.
type Feature struct {
	ID         string
	Layer      Layer
	Name       string
	CountyCode string // may be empty on input: taken from the county that covers it
	Geom       orb.Geometry
	Attrs      map[string]any
}

// TenHH is a ten-household unit (十联户) under a grid.
type TenHH struct {
	Code     string // the grid's code plus three digits
	GridCode string
	Name     string
}

// TenHHUnit is a ten-household unit with its head(s) as a household's chain shows them,
// ordered by name, then person id.
type TenHHUnit struct {
	TenHH
	Heads []Person
}

// Role is what a person answers for.
type Role string

// The roles, each answering for one level (unit_head for a ten-household unit).
const (
	CountySecretary  Role = "county_secretary"  // 政法委书记
	TownDirector     Role = "town_director"     // 镇综治中心主任
	VillageSecretary Role = "village_secretary" // 村党支部书记
	GroupHead        Role = "group_head"        // 组长
	GridHead         Role = "grid_head"         // 网格长 / 片长
	GridWorker       Role = "grid_worker"       // 网格员
	UnitHead         Role = "unit_head"         // 联户长
)

// RoleLevel is the level each role answers for; UnitHead answers for a ten-household unit
// and maps to "".
var RoleLevel = map[Role]Level{
	CountySecretary:  County,
	TownDirector:     Town,
	VillageSecretary: Village,
	GroupHead:        Group,
	GridHead:         Grid,
	GridWorker:       Grid,
	UnitHead:         "",
}

// Responsibility is one role of one person for one unit (or ten-household unit).
type Responsibility struct {
	PersonID string
	Name     string
	Phone    string
	Role     Role
	UnitCode string // a unit's code, or a ten-household unit's code for UnitHead
}

// Household is a household (户) in a ten-household unit, at a point.
type Household struct {
	ID       string
	UnitCode string // the ten-household unit
	Address  string
	Members  int
	Point    orb.Point
}

// Person is someone answerable for a level, as shown in a chain.
type Person struct {
	Role  Role   `json:"role"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// Link is one level of a responsibility chain.
type Link struct {
	Level  Level    `json:"level"`
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	People []Person `json:"people"`
}

// Chain is the responsibility chain of a place, from the county down to the deepest unit
// that covers it. Complete is false when no grid covers the place; Missing then names the
// level that is missing (grid).
type Chain struct {
	Links    []Link `json:"chain"`
	Complete bool   `json:"complete"`
	Missing  string `json:"missing,omitempty"`
}

// Vertices returns the distinct vertices of the units of one level, in the order they first
// appear: where neighbours meet, the points on which the edge rule decides.
func Vertices(units []Unit, level Level) []orb.Point {
	seen := map[orb.Point]bool{}
	var out []orb.Point
	for _, u := range units {
		if u.Level != level {
			continue
		}
		for _, poly := range u.Geom {
			for _, ring := range poly {
				for _, p := range ring {
					if !seen[p] {
						seen[p] = true
						out = append(out, p)
					}
				}
			}
		}
	}
	return out
}
