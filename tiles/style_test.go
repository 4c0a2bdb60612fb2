package tiles

import (
	"encoding/json"
	"testing"
)

func TestStyle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		specs     []LayerSpec
		household bool
	}{
		{"public", PublicLayers(), false},
		{"private", PrivateLayers(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Style(tc.name, "https://maps.example.org/tiles/"+tc.name+".json")
			if err != nil {
				t.Fatal(err)
			}
			var st struct {
				Version int                       `json:"version"`
				Sources map[string]map[string]any `json:"sources"`
				Glyphs  *string                   `json:"glyphs"`
				Layers  []struct {
					ID          string         `json:"id"`
					Type        string         `json:"type"`
					Source      string         `json:"source"`
					SourceLayer string         `json:"source-layer"`
					MinZoom     *int           `json:"minzoom"`
					Paint       map[string]any `json:"paint"`
					Layout      map[string]any `json:"layout"`
				} `json:"layers"`
			}
			if err := json.Unmarshal(b, &st); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if st.Version != 8 {
				t.Errorf("version %d", st.Version)
			}
			src, ok := st.Sources[tc.name]
			if !ok || len(st.Sources) != 1 || src["type"] != "vector" || src["url"] != "https://maps.example.org/tiles/"+tc.name+".json" {
				t.Errorf("sources %v", st.Sources)
			}
			if st.Glyphs != nil {
				t.Errorf("glyphs %q: the style relies on MapLibre drawing text with local fonts", *st.Glyphs)
			}
			spec := map[string]LayerSpec{}
			for _, s := range tc.specs {
				spec[s.Name] = s
			}
			ids := map[string]bool{}
			used := map[string]bool{}
			types := map[string]bool{}
			for _, l := range st.Layers {
				if ids[l.ID] {
					t.Errorf("layer id %s twice", l.ID)
				}
				ids[l.ID] = true
				types[l.Type] = true
				if l.Type == "background" {
					continue
				}
				if l.Source != tc.name {
					t.Errorf("layer %s: source %q", l.ID, l.Source)
				}
				s, ok := spec[l.SourceLayer]
				if !ok {
					t.Errorf("layer %s: source-layer %q is not in the tileset", l.ID, l.SourceLayer)
					continue
				}
				used[l.SourceLayer] = true
				if l.MinZoom != nil && *l.MinZoom < s.MinZoom || l.MinZoom == nil && s.MinZoom > 0 {
					t.Errorf("layer %s starts before its source layer (zoom %d)", l.ID, s.MinZoom)
				}
				// Geometry type and style layer type agree.
				want := map[Kind][]string{Polygon: {"fill", "line"}, Line: {"line"}, Point: {"circle", "symbol"}}[s.Kind]
				if !contain(want, l.Type) {
					t.Errorf("layer %s draws %s features as %s", l.ID, s.Kind, l.Type)
				}
				if l.Type == "symbol" && l.Layout["text-field"] == nil {
					t.Errorf("symbol layer %s has no text", l.ID)
				}
			}
			for _, s := range tc.specs {
				if !used[s.Name] {
					t.Errorf("tileset layer %s is not drawn", s.Name)
				}
			}
			if used[LayerHousehold] != tc.household {
				t.Errorf("household drawn = %v", used[LayerHousehold])
			}
			for _, typ := range []string{"background", "fill", "line", "symbol"} {
				if !types[typ] {
					t.Errorf("no %s layer", typ)
				}
			}
		})
	}
	if _, err := Style("other", "/x.json"); err == nil {
		t.Errorf("unknown style name gave no error")
	}
}

func contain(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
