package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ogcMaxBody bounds a feature sent to a change set: a grid's boundary is a few kilobytes, a
// town's a few hundred.
const ogcMaxBody = 32 << 20

// featureBody is a GeoJSON Feature as a client sent it (POST, PUT) or a merge patch of one
// (PATCH): only the members present.
type featureBody struct {
	props   map[string]json.RawMessage
	geom    orb.MultiPolygon
	hasGeom bool
}

// readFeatureBody reads the request's GeoJSON Feature, its coordinates in the CRS the
// Content-Crs header names (CRS84 when it names none; EPSG:4326 and EPSG:4490 put latitude
// first), into longitude, latitude. Problems are Invalid errors naming the header, the
// body, the geometry or the property.
func readFeatureBody(r *http.Request) (featureBody, error) {
	var fb featureBody
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != mediaGeoJSON && mt != mediaJSON && mt != "application/merge-patch+json") {
			return fb, geo.FieldError("Content-Type", "%q: send a GeoJSON feature as %s", ct, mediaGeoJSON)
		}
	}
	latFirst := false
	if h := r.Header.Get("Content-Crs"); h != "" {
		var err error
		if _, latFirst, err = readCRS("Content-Crs", strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(h), "<"), ">")); err != nil {
			return fb, err
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, ogcMaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fb, geo.FieldError("body", "the feature is larger than %d bytes", ogcMaxBody)
	}
	if bodyTimedOut(err) {
		return fb, errBodyTimedOut
	}
	if err != nil {
		return fb, geo.FieldError("body", "the feature could not be read: %v", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return fb, geo.FieldError("body", "not a GeoJSON feature: %v", err)
	}
	if t, ok := members["type"]; ok && string(t) != `"Feature"` {
		return fb, geo.FieldError("body", "a %s, not a Feature", t)
	}
	if p, ok := members["properties"]; ok && string(p) != "null" {
		if err := json.Unmarshal(p, &fb.props); err != nil {
			return fb, geo.FieldError("properties", "not an object: %v", err)
		}
	}
	if g, ok := members["geometry"]; ok {
		fb.hasGeom = true
		if fb.geom, err = readBoundary(g, latFirst); err != nil {
			return fb, err
		}
	}
	return fb, nil
}

// readBoundary reads a Polygon or MultiPolygon as a MultiPolygon of longitude, latitude.
func readBoundary(raw json.RawMessage, latFirst bool) (orb.MultiPolygon, error) {
	if string(raw) == "null" {
		return nil, geo.FieldError("geometry", "a unit needs a boundary")
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, geo.FieldError("geometry", "not a GeoJSON geometry: %v", err)
	}
	var mp orb.MultiPolygon
	switch t := g.Geometry().(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		mp = t
	default:
		return nil, geo.FieldError("geometry", "a %s: a unit's boundary is a Polygon or a MultiPolygon", g.Type)
	}
	for _, poly := range mp {
		for _, ring := range poly {
			for i, p := range ring {
				if latFirst {
					p = orb.Point{p[1], p[0]}
					ring[i] = p
				}
				if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
					return nil, geo.FieldError("geometry", "%v is outside the world: coordinates are longitude, latitude in CRS84, latitude first with Content-Crs EPSG:4326 or EPSG:4490", p)
				}
			}
		}
	}
	return mp, nil
}

// text returns the string property name; present is false when the body does not have it.
// A property that is not a string is an Invalid error naming it.
func (fb featureBody) text(name string) (value string, present bool, err error) {
	raw, ok := fb.props[name]
	if !ok {
		return "", false, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil || string(raw) == "null" {
		return "", true, geo.FieldError(name, "%s is not a string", raw)
	}
	return value, true, nil
}
