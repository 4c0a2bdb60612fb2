package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The JSON shapes of the change-set endpoints (README: "Change sets").

// changeSetBodyLimit bounds a change set request: a unit's boundary, or a line or an area.
const changeSetBodyLimit = 16 << 20

type changeSetJSON struct {
	ID             int64      `json:"id"`
	Parent         string     `json:"parent"`
	Title          string     `json:"title"`
	State          string     `json:"state"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	PublishedBy    string     `json:"published_by,omitempty"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	DiscardedBy    string     `json:"discarded_by,omitempty"`
	DiscardedAt    *time.Time `json:"discarded_at,omitempty"`
	OverrideReason string     `json:"override_reason,omitempty"`
	Edits          int        `json:"edits"`
}

func changeSetOut(cs geo.ChangeSet) changeSetJSON {
	out := changeSetJSON{ID: cs.ID, Parent: cs.Parent, Title: cs.Title, State: string(cs.State),
		CreatedBy: cs.CreatedBy, CreatedAt: cs.CreatedAt, UpdatedAt: cs.UpdatedAt, PublishedBy: cs.PublishedBy,
		DiscardedBy: cs.DiscardedBy, OverrideReason: cs.OverrideReason, Edits: cs.Edits}
	if !cs.PublishedAt.IsZero() {
		out.PublishedAt = &cs.PublishedAt
	}
	if !cs.DiscardedAt.IsZero() {
		out.DiscardedAt = &cs.DiscardedAt
	}
	return out
}

// unitFeature is a unit of a change set as a GeoJSON feature, its ETag among the properties.
func unitFeature(u geo.EditedUnit) *geojson.Feature {
	var g orb.Geometry
	if u.Geom != nil {
		g = u.Geom
	}
	f := geojson.NewFeature(g)
	f.ID = u.Code
	attrs := u.Attrs
	if attrs == nil {
		attrs = map[string]any{}
	}
	f.Properties = geojson.Properties{"code": u.Code, "name": u.Name, "level": string(u.Level),
		"parent_code": u.ParentCode, "version": u.Version, "etag": u.ETag, "edited": u.Edited, "new": u.New,
		"attrs": attrs}
	return f
}

func unitCollection(us []geo.EditedUnit) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(us))
	for _, u := range us {
		fc.Append(unitFeature(u))
	}
	return fc
}

// findingCollection is findings as GeoJSON features placed where they are.
func findingCollection(fs []geo.Finding) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(fs))
	for _, x := range fs {
		f := geojson.NewFeature(x.Geom)
		units := x.Units
		if units == nil {
			units = []string{}
		}
		f.Properties = geojson.Properties{"kind": string(x.Kind), "severity": string(x.Severity),
			"parent": x.Parent, "units": units, "area_m2": x.Area, "message": x.Message}
		if x.Feature != "" {
			f.Properties["feature"] = x.Feature
		}
		fc.Append(f)
	}
	return fc
}

// readBody decodes the JSON body into v, refusing unknown fields; an empty body leaves v as
// it is when emptyOK.
func readBody(w http.ResponseWriter, r *http.Request, v any, emptyOK bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, changeSetBodyLimit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) && emptyOK:
		return nil
	case errors.Is(err, io.EOF):
		return geo.FieldError("body", "a JSON object is needed")
	case errors.As(err, &mbe):
		return geo.FieldError("body", "larger than %d bytes", changeSetBodyLimit)
	case bodyTimedOut(err):
		return errBodyTimedOut
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return geo.FieldError(te.Field, "expected a %s", te.Type)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return geo.FieldError(strings.Trim(f, `"`), "unknown field")
	}
	return geo.FieldError("body", "not valid JSON: %v", err)
}

// errBodyTimedOut answers a body that stopped arriving before the request's deadline.
var errBodyTimedOut = geo.FieldError("body", "the body did not arrive within the request's time limit")

// geometryField reads a GeoJSON geometry of one of the types named in want from field.
func geometryField(field string, raw json.RawMessage, want ...string) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, geo.FieldError(field, "a GeoJSON %s is needed", strings.Join(want, " or "))
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, geo.FieldError(field, "not a GeoJSON geometry: %v", err)
	}
	for _, t := range want {
		if g.Coordinates != nil && g.Coordinates.GeoJSONType() == t {
			return g.Coordinates, nil
		}
	}
	got := g.Type
	if g.Coordinates != nil {
		got = g.Coordinates.GeoJSONType()
	}
	return nil, geo.FieldError(field, "expected a %s, got %s", strings.Join(want, " or "), got)
}

// unitFromFeature reads a PUT (or POST) body: a GeoJSON Feature with name, level,
// optional parent_code and attrs among its properties and a Polygon or MultiPolygon. code
// is the path's ("" for a POST, which numbers the unit itself).
func unitFromFeature(w http.ResponseWriter, r *http.Request, code string) (geo.Unit, error) {
	var f struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Properties json.RawMessage `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	if err := readBody(w, r, &f, false); err != nil {
		return geo.Unit{}, err
	}
	if f.Type != "Feature" {
		return geo.Unit{}, geo.FieldError("type", "a GeoJSON Feature is needed")
	}
	var p struct {
		Code       string         `json:"code"`
		Name       string         `json:"name"`
		Level      string         `json:"level"`
		ParentCode string         `json:"parent_code"`
		Attrs      map[string]any `json:"attrs"`
	}
	if len(f.Properties) > 0 && string(f.Properties) != "null" {
		if err := json.Unmarshal(f.Properties, &p); err != nil {
			return geo.Unit{}, propertiesError(err)
		}
	}
	if code != "" && p.Code != "" && p.Code != code {
		return geo.Unit{}, geo.FieldError("code", "the body names %s, the path %s", p.Code, code)
	}
	g, err := geometryField("geometry", f.Geometry, "Polygon", "MultiPolygon")
	if err != nil {
		return geo.Unit{}, err
	}
	u := geo.Unit{Code: code, Name: p.Name, Level: geo.Level(p.Level), ParentCode: p.ParentCode, Attrs: p.Attrs}
	switch g := g.(type) {
	case orb.Polygon:
		u.Geom = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		u.Geom = g
	}
	return u, nil
}

// lineField and the others read the operations' geometries.
func lineField(field string, raw json.RawMessage) (orb.LineString, error) {
	g, err := geometryField(field, raw, "LineString")
	if err != nil {
		return nil, err
	}
	return g.(orb.LineString), nil
}

func polygonField(field string, raw json.RawMessage) (orb.Polygon, error) {
	g, err := geometryField(field, raw, "Polygon")
	if err != nil {
		return nil, err
	}
	return g.(orb.Polygon), nil
}

func pointField(field string, raw json.RawMessage) (orb.Point, error) {
	g, err := geometryField(field, raw, "Point")
	if err != nil {
		return orb.Point{}, err
	}
	return g.(orb.Point), nil
}

func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return geo.FieldError(field, "required")
	}
	return nil
}

// propertiesError names what is wrong with a feature's properties in the caller's terms,
// not encoding/json's (which shows Go's types).
func propertiesError(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return geo.FieldError("properties", "not readable JSON")
	}
	if te.Field == "" {
		return geo.FieldError("properties", "an object (name, level, parent_code, attrs) is needed, not %s", article(te.Value))
	}
	want := "a string"
	if te.Type != nil && te.Type.Kind() == reflect.Map {
		want = "an object"
	}
	return geo.FieldError("properties."+te.Field, "%s is needed, not %s", want, article(te.Value))
}

// article puts "a" or "an" before the name of a JSON value's kind.
func article(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}
