package importfile

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// parseGeometry decodes a GeoJSON geometry into orb values: nil for a null or absent
// geometry, an error saying what is wrong otherwise. A third coordinate (height) is
// dropped. Rings are kept as written, closed or not: geo's checks report that with the
// ring's position, which a decoder error could not.
func parseGeometry(raw json.RawMessage) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("not a GeoJSON geometry: %v", err)
	}
	if len(g.Coordinates) == 0 || string(g.Coordinates) == "null" {
		return nil, fmt.Errorf("%s has no coordinates", g.Type)
	}
	bad := func(err error) error {
		return fmt.Errorf("%s coordinates: %v", g.Type, err)
	}
	switch g.Type {
	case "Point":
		var c []float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		p, err := point(c)
		if err != nil {
			return nil, err
		}
		return p, nil
	case "LineString":
		var c [][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		pts, err := points(c)
		if err != nil {
			return nil, err
		}
		return orb.LineString(pts), nil
	case "MultiLineString":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		ml := make(orb.MultiLineString, len(c))
		for i, l := range c {
			pts, err := points(l)
			if err != nil {
				return nil, err
			}
			ml[i] = pts
		}
		return ml, nil
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		poly, err := polygon(c)
		if err != nil {
			return nil, err
		}
		return poly, nil
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		mp := make(orb.MultiPolygon, len(c))
		for i, p := range c {
			poly, err := polygon(p)
			if err != nil {
				return nil, err
			}
			mp[i] = poly
		}
		return mp, nil
	}
	return nil, fmt.Errorf("geometry type %q is not supported: use Polygon, MultiPolygon, LineString or MultiLineString", g.Type)
}

func point(c []float64) (orb.Point, error) {
	if len(c) < 2 {
		return orb.Point{}, fmt.Errorf("a position needs two numbers (lon, lat), got %v", c)
	}
	return orb.Point{c[0], c[1]}, nil
}

func points(cs [][]float64) ([]orb.Point, error) {
	pts := make([]orb.Point, len(cs))
	for i, c := range cs {
		p, err := point(c)
		if err != nil {
			return nil, err
		}
		pts[i] = p
	}
	return pts, nil
}

func polygon(rings [][][]float64) (orb.Polygon, error) {
	poly := make(orb.Polygon, len(rings))
	for i, r := range rings {
		pts, err := points(r)
		if err != nil {
			return nil, err
		}
		poly[i] = pts
	}
	return poly, nil
}
