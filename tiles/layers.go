package tiles

import (
	"fmt"
	"slices"

	"github.com/gridmap/gridmap/geo"
)

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

// The layers of the tilesets that are not the domain's: the units' outlines are drawn in a
// layer named after their geo.Level, reference features in one named after their geo.Layer.
const (
	LayerLabel     = "label"
	LayerHousehold = "household"
)

// maxLayerZoom is the deepest zoom every layer is drawn at; clients overzoom beyond it.
const maxLayerZoom = 16

// levelZooms are the zooms from which the outlines and the labels of each level are drawn:
// each level's names appear once its units are large enough on screen to hold them. A
// level not listed is drawn at the deepest level's zooms.
var levelZooms = map[geo.Level]struct{ outline, label int }{
	geo.County:  {0, 8},
	geo.Town:    {6, 10},
	geo.Village: {9, 12},
	geo.Group:   {11, 13},
	geo.Grid:    {12, 14},
}

func zoomsOf(l geo.Level) struct{ outline, label int } {
	if z, ok := levelZooms[l]; ok {
		return z
	}
	return levelZooms[geo.Grid]
}

// referenceZooms are the zooms from which the reference layers are drawn; a layer not
// listed appears at defaultReferenceZoom, with the buildings-sized features.
var referenceZooms = map[geo.Layer]int{geo.Valley: 10, geo.RelocationSite: 12, geo.Road: 9}

const defaultReferenceZoom = 14

// labelLayer and householdLayer are the last layers of the public and the private tileset.
var (
	labelLayer     = LayerSpec{LayerLabel, Point, 6, maxLayerZoom}
	householdLayer = LayerSpec{LayerHousehold, Point, 15, maxLayerZoom}
)

// PublicLayers returns the layers of the public tileset, in drawing order: the reference
// areas (geo.Layers), those seen from further out first, then the reference lines (roads),
// then the units' outlines from the deepest level up (geo.Levels), then labels. Each call
// returns a new slice.
func PublicLayers() []LayerSpec {
	var areas, lines []LayerSpec
	for _, l := range geo.Layers {
		z, ok := referenceZooms[l]
		if !ok {
			z = defaultReferenceZoom
		}
		if l.Lines() {
			lines = append(lines, LayerSpec{string(l), Line, z, maxLayerZoom})
		} else {
			areas = append(areas, LayerSpec{string(l), Polygon, z, maxLayerZoom})
		}
	}
	byZoom := func(a, b LayerSpec) int { return a.MinZoom - b.MinZoom }
	slices.SortStableFunc(areas, byZoom)
	slices.SortStableFunc(lines, byZoom)
	specs := slices.Concat(areas, lines)
	for i := len(geo.Levels) - 1; i >= 0; i-- {
		l := geo.Levels[i]
		specs = append(specs, LayerSpec{string(l), Polygon, zoomsOf(l).outline, maxLayerZoom})
	}
	return append(specs, labelLayer)
}

// PrivateLayers returns the layers of the private tileset: the public ones and households.
// Each call returns a new slice.
func PrivateLayers() []LayerSpec {
	return append(PublicLayers(), householdLayer)
}

// LabelZoom returns the zoom from which the label of a unit of the given level is drawn. An
// unknown level gets the deepest level's zoom.
func LabelZoom(level geo.Level) int {
	return zoomsOf(level).label
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
