package tiles

import (
	"fmt"
	"net/url"
	"strings"
)

// Basemap is a raster tile service drawn under the units (imagery to trace courtyards,
// valleys and roads on): 天地图 imagery and annotation with the county's key, or the county's
// own tile server. Tiles is a URL template in MapLibre's form ({z}, {x}, {y}; or {quadkey},
// or {bbox-epsg-3857} for WMS); a WMTS KVP URL works with TILEMATRIX={z}&TILEROW={y}&TILECOL={x}.
type Basemap struct {
	Tiles       string
	Attribution string
	TileSize    int // pixels; 256 when 0
}

// ParseBasemap checks a basemap URL template: http(s), with a tile placeholder.
func ParseBasemap(tmpl, attribution string) (Basemap, error) {
	u, err := url.Parse(tmpl)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Basemap{}, fmt.Errorf("%q is not an http(s) URL template", tmpl)
	}
	placed := strings.Contains(tmpl, "{z}") && strings.Contains(tmpl, "{x}") && strings.Contains(tmpl, "{y}") ||
		strings.Contains(tmpl, "{quadkey}") || strings.Contains(tmpl, "{bbox-epsg-3857}")
	if !placed {
		return Basemap{}, fmt.Errorf("%q has no tile placeholders: use {z}, {x} and {y} (or {quadkey}, {bbox-epsg-3857})", tmpl)
	}
	return Basemap{Tiles: tmpl, Attribution: attribution, TileSize: 256}, nil
}

// Origin is the scheme and host the basemap's tiles come from, for the page's content
// security policy.
func (b Basemap) Origin() string {
	u, err := url.Parse(b.Tiles)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// basemapLayers adds the basemaps' sources to sources and returns their raster layers, drawn
// in the order given (imagery first, then annotation).
func basemapLayers(bs []Basemap, sources map[string]map[string]any) []map[string]any {
	var layers []map[string]any
	for i, b := range bs {
		id := fmt.Sprintf("basemap-%d", i)
		size := b.TileSize
		if size == 0 {
			size = 256
		}
		src := map[string]any{"type": "raster", "tiles": []string{b.Tiles}, "tileSize": size}
		if b.Attribution != "" {
			src["attribution"] = b.Attribution
		}
		sources[id] = src
		layers = append(layers, map[string]any{"id": id, "type": "raster", "source": id,
			"metadata": map[string]any{"gridmap:basemap": true},
			"paint":    map[string]any{"raster-opacity": 1}})
	}
	return layers
}
