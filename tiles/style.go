package tiles

import (
	"encoding/json"
	"fmt"
	"github.com/gridmap/gridmap/geo"
)

// Style returns a MapLibre GL style (version 8) for the tileset "public" or "private", whose
// TileJSON is at tileURL. It draws a complete map from the tileset alone, with no external
// basemap: a plain background, the units of each level with their own colour and line
// weight (the county thickest, grids thinnest), valleys, relocation sites, courtyards and
// roads, households as circles in the private style, and the units' names from the label
// layer.
//
// The style names no glyphs URL: MapLibre GL JS (5.11 and later) then draws text with the
// browser's own fonts, Chinese and digits alike, so the map needs no font server. Clients
// that require server-side glyphs can set their own "glyphs" on the style.
// Basemaps, when given, are drawn under everything but the background, and the county's
// fill turns translucent so the imagery shows through.
// It returns an error for another name.
func Style(name string, tileURL string, basemaps ...Basemap) ([]byte, error) {
	var specs []LayerSpec
	switch name {
	case "public":
		specs = PublicLayers()
	case "private":
		specs = PrivateLayers()
	default:
		return nil, fmt.Errorf("tiles: no style %q: expected public or private", name)
	}
	has := map[string]LayerSpec{}
	for _, s := range specs {
		has[s.Name] = s
	}
	var layers []map[string]any
	add := func(id, typ, sourceLayer string, paint map[string]any, extra map[string]any) {
		l := map[string]any{"id": id, "type": typ, "paint": paint}
		if sourceLayer != "" {
			spec, ok := has[sourceLayer]
			if !ok {
				return
			}
			l["source"], l["source-layer"] = name, sourceLayer
			if spec.MinZoom > 0 {
				l["minzoom"] = spec.MinZoom
			}
		}
		for k, v := range extra {
			l[k] = v
		}
		layers = append(layers, l)
	}

	add("background", "background", "", map[string]any{"background-color": "#f2efe6"}, nil)
	sources := map[string]map[string]any{name: {"type": "vector", "url": tileURL}}
	layers = append(layers, basemapLayers(basemaps, sources)...)
	countyFill := map[string]any{"fill-color": "#e7e0cc"}
	if len(basemaps) > 0 {
		countyFill["fill-opacity"] = 0.15
	}
	add("county-fill", "fill", string(geo.County), countyFill, nil)
	add("town-fill", "fill", string(geo.Town), map[string]any{
		"fill-color":   byCode(townColours),
		"fill-opacity": zoomRamp(6, 0.6, 12, 0.15),
	}, nil)
	add("village-fill", "fill", string(geo.Village), map[string]any{
		"fill-color":   byCode(villageColours),
		"fill-opacity": zoomRamp(9, 0, 11, 0.35, 16, 0.2),
	}, nil)
	add("valley-fill", "fill", string(geo.Valley), map[string]any{"fill-color": "#8fc27c", "fill-opacity": 0.35}, nil)
	add("valley-line", "line", string(geo.Valley), map[string]any{"line-color": "#5e9a4c", "line-width": 0.8, "line-dasharray": []float64{4, 2}}, nil)
	add("relocation-site-fill", "fill", string(geo.RelocationSite), map[string]any{"fill-color": "#c39be0", "fill-opacity": 0.6}, nil)
	add("relocation-site-line", "line", string(geo.RelocationSite), map[string]any{"line-color": "#8a57b0", "line-width": 1}, nil)
	add("courtyard-fill", "fill", string(geo.Courtyard), map[string]any{"fill-color": "#f0b36e", "fill-opacity": 0.6}, nil)
	add("courtyard-line", "line", string(geo.Courtyard), map[string]any{"line-color": "#c27b30", "line-width": 0.6}, nil)
	add("compound-fill", "fill", string(geo.Compound), map[string]any{"fill-color": "#b7c8e8", "fill-opacity": 0.6, "fill-outline-color": "#6d86b3"}, nil)
	add("enterprise-fill", "fill", string(geo.Enterprise), map[string]any{"fill-color": "#e8b9b9", "fill-opacity": 0.6, "fill-outline-color": "#b36d6d"}, nil)
	add("road-casing", "line", string(geo.Road), map[string]any{"line-color": "#a39a88", "line-width": zoomRamp(9, 1.6, 16, 7)},
		map[string]any{"layout": map[string]any{"line-join": "round", "line-cap": "round"}})
	add("road", "line", string(geo.Road), map[string]any{"line-color": "#ffffff", "line-width": zoomRamp(9, 0.8, 16, 5)},
		map[string]any{"layout": map[string]any{"line-join": "round", "line-cap": "round"}})
	// Invisible, but hit by queryRenderedFeatures: a click anywhere in a grid finds it.
	add("grid-fill", "fill", string(geo.Grid), map[string]any{"fill-color": "#5f87a6", "fill-opacity": 0}, nil)
	// Boundaries from the smallest unit up, so a town's line is drawn over its villages'.
	add("grid-line", "line", string(geo.Grid), map[string]any{"line-color": "#5f87a6", "line-width": zoomRamp(12, 0.4, 16, 1.4)}, nil)
	add("group-line", "line", string(geo.Group), map[string]any{"line-color": "#4f7a96", "line-width": zoomRamp(11, 0.6, 16, 1.6), "line-dasharray": []float64{3, 2}}, nil)
	add("village-line", "line", string(geo.Village), map[string]any{"line-color": "#3d6a8c", "line-width": zoomRamp(9, 0.8, 16, 2.5)}, nil)
	add("town-line", "line", string(geo.Town), map[string]any{"line-color": "#7b3f9e", "line-width": zoomRamp(6, 1, 16, 3.5)},
		map[string]any{"layout": map[string]any{"line-join": "round"}})
	add("county-line", "line", string(geo.County), map[string]any{"line-color": "#b2362b", "line-width": zoomRamp(0, 1.5, 16, 5)},
		map[string]any{"layout": map[string]any{"line-join": "round"}})
	add("household", "circle", LayerHousehold, map[string]any{
		"circle-radius":       zoomRamp(15, 2.5, 16, 4.5),
		"circle-color":        "#e8590c",
		"circle-stroke-color": "#ffffff",
		"circle-stroke-width": 1,
	}, nil)
	// Labels last: MapLibre places the symbols of the topmost layer first, so a county's
	// name wins a collision with a grid's.
	for _, lv := range []struct {
		level  geo.Level
		size   float64
		colour string
	}{
		{geo.Grid, 11, "#3f5f75"},
		{geo.Group, 12, "#355f7a"},
		{geo.Village, 13, "#24506f"},
		{geo.Town, 15, "#5a2a78"},
		{geo.County, 18, "#7a1f17"},
	} {
		add("label-"+string(lv.level), "symbol", LayerLabel, map[string]any{
			"text-color":      lv.colour,
			"text-halo-color": "#ffffff",
			"text-halo-width": 1.5,
		}, map[string]any{
			"minzoom": max(has[LayerLabel].MinZoom, LabelZoom(lv.level)),
			"filter":  []any{"==", []any{"get", "level"}, string(lv.level)},
			"layout": map[string]any{
				"text-field":         []any{"get", "name"},
				"text-font":          []string{"Noto Sans Regular"},
				"text-size":          lv.size,
				"text-max-width":     8,
				"symbol-sort-key":    []any{"to-number", []any{"get", "code"}, 0},
				"text-allow-overlap": false,
			},
		})
	}

	style := struct {
		Version int                       `json:"version"`
		Name    string                    `json:"name"`
		Sources map[string]map[string]any `json:"sources"`
		Layers  []map[string]any          `json:"layers"`
	}{
		Version: 8,
		Name:    "gridmap " + name,
		Sources: sources,
		Layers:  layers,
	}
	return json.MarshalIndent(style, "", " ")
}

var townColours = []string{"#f3d3a6", "#cfe3c2", "#c6daef", "#f1c6d2", "#ded0f0", "#d2ebe6", "#efe1ae", "#dcd0bf"}
var villageColours = []string{"#e9c48d", "#b9d6a9", "#a9c6e6", "#e6adbd", "#c8b5e6", "#b5ddd5", "#e3d08a", "#c9b9a3"}

// byCode picks a colour from the last three digits of the feature's code, so that units of
// one level get different colours without a property for it.
func byCode(colours []string) []any {
	code := []any{"get", "code"}
	last3 := []any{"slice", code, []any{"max", 0, []any{"-", []any{"length", code}, 3}}}
	expr := []any{"match", []any{"%", []any{"to-number", last3, 0}, len(colours)}}
	for i, c := range colours {
		expr = append(expr, i, c)
	}
	return append(expr, colours[0])
}

// zoomRamp interpolates linearly between zoom/value pairs.
func zoomRamp(stops ...float64) []any {
	expr := []any{"interpolate", []any{"linear"}, []any{"zoom"}}
	for _, s := range stops {
		expr = append(expr, s)
	}
	return expr
}
