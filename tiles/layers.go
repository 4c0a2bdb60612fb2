package tiles

import "fmt"

// Kind is the kind of geometry a layer holds.
type Kind int

// The kinds of layer. A Polygon layer takes Polygon and MultiPolygon features, a Line layer
// LineString and MultiLineString, a Point layer Point and MultiPoint.
const (
	Polygon Kind = iota + 1
	Line
	Point
)

func (k Kind) String() string {
	switch k {
	case Polygon:
		return "polygon"
	case Line:
		return "line"
	case Point:
		return "point"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// LayerSpec names a layer, its kind and the zooms it is drawn at: a tile of zoom z holds the
// layer when MinZoom <= z <= MaxZoom. Above MaxZoom clients overzoom the MaxZoom tiles.
type LayerSpec struct {
	Name             string
	Kind             Kind
	MinZoom, MaxZoom int
}

// Layer names used by the public and private tilesets.
const (
	LayerCounty         = "county"
	LayerTown           = "town"
	LayerVillage        = "village"
	LayerGroup          = "group"
	LayerGrid           = "grid"
	LayerLabel          = "label"
	LayerCourtyard      = "courtyard"
	LayerRelocationSite = "relocation_site"
	LayerValley         = "valley"
	LayerRoad           = "road"
	LayerCompound       = "compound"
	LayerEnterprise     = "enterprise"
	LayerHousehold      = "household"
)

// PublicLayers returns the layers of the public tileset, in drawing order: areas first, then
// roads, then the boundaries from the smallest unit up, then labels. Each call returns a new
// slice.
func PublicLayers() []LayerSpec {
	return []LayerSpec{
		{LayerValley, Polygon, 10, 16},
		{LayerRelocationSite, Polygon, 12, 16},
		{LayerCourtyard, Polygon, 14, 16},
		{LayerCompound, Polygon, 14, 16},
		{LayerEnterprise, Polygon, 14, 16},
		{LayerRoad, Line, 9, 16},
		{LayerGrid, Polygon, 12, 16},
		{LayerGroup, Polygon, 11, 16},
		{LayerVillage, Polygon, 9, 16},
		{LayerTown, Polygon, 6, 16},
		{LayerCounty, Polygon, 0, 16},
		{LayerLabel, Point, 6, 16},
	}
}

// PrivateLayers returns the layers of the private tileset: the public ones and households.
// Each call returns a new slice.
func PrivateLayers() []LayerSpec {
	return append(PublicLayers(), LayerSpec{LayerHousehold, Point, 15, 16})
}

// LabelZoom returns the zoom from which the label of a unit of the given level ("county",
// "town", "village", "group", "grid") is drawn: each level's names appear once its units are
// large enough on screen to hold them. An unknown level gets the grid's zoom.
func LabelZoom(level string) int {
	switch level {
	case "county":
		return 8
	case "town":
		return 10
	case "village":
		return 12
	case "group":
		return 13
	}
	return 14
}

func checkSpecs(specs []LayerSpec) error {
	if len(specs) == 0 {
		return fmt.Errorf("tiles: no layers")
	}
	seen := map[string]bool{}
	for _, s := range specs {
		switch {
		case s.Name == "":
			return fmt.Errorf("tiles: a layer has no name")
		case seen[s.Name]:
			return fmt.Errorf("tiles: layer %q is listed twice", s.Name)
		case s.Kind != Polygon && s.Kind != Line && s.Kind != Point:
			return fmt.Errorf("tiles: layer %q has unknown kind %d", s.Name, int(s.Kind))
		case s.MinZoom < 0 || s.MaxZoom > MaxZoom || s.MinZoom > s.MaxZoom:
			return fmt.Errorf("tiles: layer %q has zooms %d-%d, expected 0 <= min <= max <= %d", s.Name, s.MinZoom, s.MaxZoom, MaxZoom)
		}
		seen[s.Name] = true
	}
	return nil
}
