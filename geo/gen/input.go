package gen

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Division is one row of a divisions CSV (code,name,level,parent_code).
type Division struct{ Code, Name, Level, ParentCode string }

// ReadDivisionsCSV reads a divisions CSV with the header code,name,level,parent_code. Every
// bad row is reported, with its line number, in one Invalid error.
func ReadDivisionsCSV(r io.Reader) ([]Division, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, geo.Errorf(geo.Invalid, "divisions CSV: %v", err)
	}
	if len(rows) == 0 {
		return nil, geo.Errorf(geo.Invalid, "divisions CSV is empty")
	}
	head := strings.Join(rows[0], ",")
	head = strings.TrimPrefix(head, "\ufeff") // a BOM as Excel writes it
	if head != "code,name,level,parent_code" {
		return nil, geo.Errorf(geo.Invalid, "divisions CSV header is %q, expected code,name,level,parent_code", head)
	}
	var out []Division
	var bad []string
	for i, row := range rows[1:] {
		line := i + 2
		if len(row) != 4 {
			bad = append(bad, fmt.Sprintf("line %d: %d fields, expected 4", line, len(row)))
			continue
		}
		d := Division{Code: strings.TrimSpace(row[0]), Name: strings.TrimSpace(row[1]),
			Level: strings.TrimSpace(row[2]), ParentCode: strings.TrimSpace(row[3])}
		l, err := geo.ParseLevel(d.Level)
		if err == nil {
			err = geo.CheckCode(l, d.Code, d.ParentCode)
		}
		if err == nil && d.Name == "" {
			err = errors.New("empty name")
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d (%s): %v", line, d.Code, err))
			continue
		}
		out = append(out, d)
	}
	if len(bad) > 0 {
		return nil, geo.Errorf(geo.Invalid, "divisions CSV has %d bad rows:\n  %s", len(bad), strings.Join(bad, "\n  "))
	}
	return out, nil
}

// ReadOutline reads a county outline: a GeoJSON FeatureCollection holding one Polygon or
// MultiPolygon feature (or that feature alone) with the properties code and name.
func ReadOutline(r io.Reader) (code, name string, mp orb.MultiPolygon, err error) {
	type feature struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	}
	var doc struct {
		feature
		Features []feature `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: not GeoJSON: %v", err)
	}
	f := doc.feature
	switch {
	case doc.Type == "FeatureCollection" && len(doc.Features) == 1:
		f = doc.Features[0]
	case doc.Type == "FeatureCollection":
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: expected one feature, got %d", len(doc.Features))
	case doc.Type != "Feature":
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: expected a FeatureCollection or a Feature, got %q", doc.Type)
	}
	var perr error
	switch f.Geometry.Type {
	case "Polygon":
		var p [][][]float64
		perr = json.Unmarshal(f.Geometry.Coordinates, &p)
		mp = orb.MultiPolygon{polygon(p)}
	case "MultiPolygon":
		var ps [][][][]float64
		perr = json.Unmarshal(f.Geometry.Coordinates, &ps)
		for _, p := range ps {
			mp = append(mp, polygon(p))
		}
	default:
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: geometry must be a Polygon or MultiPolygon, got %q", f.Geometry.Type)
	}
	if perr != nil {
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: bad coordinates: %v", perr)
	}
	code, _ = f.Properties["code"].(string)
	name, _ = f.Properties["name"].(string)
	if err := geo.CheckCode(geo.County, code, ""); err != nil {
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: property code: %v", err)
	}
	if name == "" {
		return "", "", nil, geo.Errorf(geo.Invalid, "outline: property name is missing")
	}
	for _, p := range mp {
		for _, ring := range p {
			if len(ring) < 4 {
				return "", "", nil, geo.Errorf(geo.Invalid, "outline: a ring has fewer than 4 positions")
			}
			for _, q := range ring {
				if math.IsNaN(q[0]) || q[0] < -180 || q[0] > 180 || q[1] < -90 || q[1] > 90 {
					return "", "", nil, geo.Errorf(geo.Invalid, "outline: coordinates are not longitude, latitude degrees")
				}
			}
		}
	}
	return code, name, mp, nil
}

// polygon converts GeoJSON positions, ignoring any third coordinate.
func polygon(p [][][]float64) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for k, ring := range p {
		out[k] = make(orb.Ring, 0, len(ring))
		for _, q := range ring {
			if len(q) >= 2 {
				out[k] = append(out[k], orb.Point{q[0], q[1]})
			}
		}
	}
	return out
}
