// Package importfile reads the import files of docs/formats.md (GeoJSON feature collections
// and CSV tables) into geo values. Readers collect a problem for every feature or row they
// cannot read and go on, so one pass reports everything wrong with a file's syntax; the
// domain checks are geo's Validate functions, and the checks against stored data are the
// importer's.
//
// GeoJSON is decoded here with encoding/json rather than orb/geojson: orb decodes
// properties into float64, which corrupts an 18-digit grid code written as a number, and
// its package pulls in a BSON module gridmap does not otherwise need.
package importfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Rows is what a reader returns: the items it could read, where each came from, and the
// problems of the rest.
type Rows[T any] struct {
	Items    []T
	Index    []int  // Index[i] is the 1-based feature number or CSV line of Items[i]
	Item     string // what Index counts: "feature" or "line"
	Problems []geo.Problem
}

func (r *Rows[T]) add(at int, it T) {
	r.Items = append(r.Items, it)
	r.Index = append(r.Index, at)
}

func (r *Rows[T]) problem(at int, key, field, format string, args ...any) {
	r.Problems = append(r.Problems, geo.Problem{Index: at, Key: key, Field: field, Message: fmt.Sprintf(format, args...)})
}

// acceptedCRS are the names of WGS84 lon/lat and of CGCS2000, which differs from it by
// centimetres, as QGIS, GDAL and hand-written files spell them (compared upper-cased).
var acceptedCRS = map[string]bool{
	"URN:OGC:DEF:CRS:OGC:1.3:CRS84": true, "URN:OGC:DEF:CRS:OGC::CRS84": true, "OGC:CRS84": true, "CRS84": true,
	"URN:OGC:DEF:CRS:EPSG::4326": true, "URN:OGC:DEF:CRS:EPSG:4326": true, "EPSG:4326": true,
	"URN:OGC:DEF:CRS:EPSG::4490": true, "URN:OGC:DEF:CRS:EPSG:4490": true, "EPSG:4490": true,
}

type rawCollection struct {
	Type     string            `json:"type"`
	CRS      json.RawMessage   `json:"crs"`
	Features []json.RawMessage `json:"features"`
}

type rawFeature struct {
	Type       string          `json:"type"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// readCollection decodes a FeatureCollection and calls each for every feature that is a
// JSON object with "type": "Feature". Problems with the file as a whole have Index 0.
func readCollection[T any](r io.Reader, rows *Rows[T], each func(at int, f rawFeature)) error {
	rows.Item = "feature"
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var c rawCollection
	if err := json.Unmarshal(data, &c); err != nil {
		rows.problem(0, "", "", "not valid GeoJSON: %s", jsonError(data, err))
		return nil
	}
	if c.Type != "FeatureCollection" {
		rows.problem(0, "", "type", "expected a FeatureCollection, got %q", c.Type)
		return nil
	}
	if m := checkCRS(c.CRS); m != "" {
		rows.problem(0, "", "crs", "%s", m)
		return nil
	}
	textOK := utf8.Valid(data) // checked as a whole first: almost every file is UTF-8
	badFeatures := 0
	for i, raw := range c.Features {
		if !textOK && !utf8.Valid(raw) {
			badFeatureText(rows, i+1, raw)
			badFeatures++
			continue
		}
		var f rawFeature
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // keeps integer codes exact; float64 holds only 15-16 digits
		if err := dec.Decode(&f); err != nil {
			rows.problem(i+1, "", "", "not a GeoJSON feature: %v", err)
			continue
		}
		if f.Type != "Feature" {
			rows.problem(i+1, "", "type", "expected a Feature, got %q", f.Type)
			continue
		}
		each(i+1, f)
	}
	if !textOK && badFeatures == 0 {
		rows.problem(0, "", "", "the file has text outside its features that %s", notUTF8(nonUTF8Run(data)))
	}
	return nil
}

// badFeatureText notes where a feature has text that is not UTF-8: each property whose
// value (or name) is not, else the feature as a whole. encoding/json would have replaced
// those bytes with U+FFFD, so they are looked at raw. The key is the feature's code or id
// when that is readable.
func badFeatureText[T any](rows *Rows[T], at int, raw json.RawMessage) {
	var f struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(raw, &f) // the feature is valid JSON: the collection decoded
	key := ""
	for _, k := range []string{"code", "id"} {
		var s string
		if v, ok := f.Properties[k]; ok && utf8.Valid(v) && json.Unmarshal(v, &s) == nil {
			key = s
			break
		}
	}
	names := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	found := false
	for _, k := range names {
		v := f.Properties[k]
		switch {
		case strings.ContainsRune(k, utf8.RuneError):
			rows.problem(at, key, "", "a property name %s", notUTF8(nonUTF8Run(raw)))
		case !utf8.Valid(v):
			rows.problem(at, key, k, "%s", notUTF8(bytes.Trim(v, `"`)))
		default:
			continue
		}
		found = true
	}
	if !found {
		rows.problem(at, key, "", "the feature has text that %s", notUTF8(nonUTF8Run(raw)))
	}
}

// nonUTF8Run returns the stretch of b around its first byte that is not UTF-8: from the
// last ASCII byte before it to the next ASCII byte after, which is where GBK text lies.
func nonUTF8Run(b []byte) []byte {
	i := 0
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	start := i
	for start > 0 && b[start-1] >= utf8.RuneSelf {
		start--
	}
	end := i
	for end < len(b) && b[end] >= utf8.RuneSelf {
		end++
	}
	return b[start:end]
}

// checkCRS returns "" for a missing crs member or one naming an accepted CRS, otherwise why
// the file is refused.
func checkCRS(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var c struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.Type != "name" {
		return "only a named crs is understood (CRS84, EPSG:4326 or EPSG:4490): reproject to WGS84 lon/lat first"
	}
	if acceptedCRS[strings.ToUpper(strings.TrimSpace(c.Properties.Name))] {
		return ""
	}
	return fmt.Sprintf("CRS %q is not accepted: coordinates must be WGS84 lon/lat (CRS84, EPSG:4326) or CGCS2000 (EPSG:4490); reproject first (e.g. ogr2ogr -t_srs EPSG:4326)", c.Properties.Name)
}

// ReadUnits reads units.geojson: Polygon or MultiPolygon features with code, name, level
// and parent_code; other properties become the unit's attributes. The error is only for a
// failure to read r; everything wrong with the content is in Problems.
func ReadUnits(r io.Reader) (Rows[geo.Unit], error) {
	var rows Rows[geo.Unit]
	err := readCollection(r, &rows, func(at int, f rawFeature) {
		p := &properties[geo.Unit]{rows: &rows, at: at, values: f.Properties}
		u := geo.Unit{Code: p.text("code", true)}
		p.key = u.Code
		u.Name = p.text("name", false)
		u.Level = geo.Level(p.text("level", false))
		u.ParentCode = p.text("parent_code", true)
		u.Attrs = p.others("code", "name", "level", "parent_code")
		g, err := parseGeometry(f.Geometry)
		switch g := g.(type) {
		case nil:
			if err == nil {
				p.problem("geometry", "is missing: units.geojson carries boundaries (units without one go in divisions.csv)")
			}
		case orb.Polygon:
			u.Geom = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			u.Geom = g
		default:
			p.problem("geometry", "a unit's boundary is a Polygon or MultiPolygon, got a %s", g.GeoJSONType())
		}
		if err != nil {
			p.problem("geometry", "%v", err)
		}
		if !p.bad {
			rows.add(at, u)
		}
	})
	return rows, err
}

// ReadFeatures reads features.geojson: features with id, layer, name and an optional
// county_code; other properties become attributes. The error is only for a failure to read
// r; everything wrong with the content is in Problems.
func ReadFeatures(r io.Reader) (Rows[geo.Feature], error) {
	var rows Rows[geo.Feature]
	err := readCollection(r, &rows, func(at int, f rawFeature) {
		p := &properties[geo.Feature]{rows: &rows, at: at, values: f.Properties}
		ft := geo.Feature{ID: p.text("id", true)}
		p.key = ft.ID
		ft.Layer = geo.Layer(p.text("layer", false))
		ft.Name = p.text("name", false)
		ft.CountyCode = p.text("county_code", true)
		ft.Attrs = p.others("id", "layer", "name", "county_code")
		g, err := parseGeometry(f.Geometry)
		if err != nil {
			p.problem("geometry", "%v", err)
		}
		ft.Geom = g // nil when missing: geo.CheckFeature says so
		if !p.bad {
			rows.add(at, ft)
		}
	})
	return rows, err
}

// properties reads one feature's properties, noting a problem for each it cannot use.
type properties[T any] struct {
	rows   *Rows[T]
	at     int
	key    string // the feature's code or id once read, for problems
	values map[string]any
	bad    bool
}

func (p *properties[T]) problem(field, format string, args ...any) {
	p.rows.problem(p.at, p.key, field, format, args...)
	p.bad = true
}

// text returns the named property as text ("" when absent). Numbers are taken as their
// decimal text, because QGIS writes an all-digit code column as integers; a code with a
// fraction or exponent has lost digits and is refused.
func (p *properties[T]) text(name string, isCode bool) string {
	switch v := p.values[name].(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		if isCode && strings.ContainsAny(v.String(), ".eE-+") {
			p.problem(name, "%s is not a whole number: write codes as text", v)
			return ""
		}
		return v.String()
	default:
		p.problem(name, "must be text, got %s", jsonKind(v))
		return ""
	}
}

// others returns the properties not named, as attributes; numbers stay json.Number so
// they reach jsonb with every digit. A null is no attribute: GIS formats write an empty
// field as null, and a file read back must not differ for it.
func (p *properties[T]) others(known ...string) map[string]any {
	out := map[string]any{}
	for k, v := range p.values {
		if v != nil && !slices.Contains(known, k) {
			out[k] = v
		}
	}
	return out
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "true/false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// jsonError adds the line and column to a syntax error, which encoding/json reports only
// as a byte offset.
func jsonError(data []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off <= 0 || off > int64(len(data)) {
		return err.Error()
	}
	bad := off - 1 // the offset counts the offending byte as read
	line := 1 + bytes.Count(data[:bad], []byte("\n"))
	col := bad - int64(bytes.LastIndexByte(data[:bad], '\n'))
	return fmt.Sprintf("line %d, column %d: %v", line, col, err)
}
