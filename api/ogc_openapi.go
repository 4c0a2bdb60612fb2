package api

import (
	"net/http"
	"strconv"
)

// ogcAPI serves the API definition (OpenAPI 3.0) the landing page links to: the paths and
// the parameters of items, so clients such as QGIS learn the page size limits.
func (s *Server) ogcAPI(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	if err := readFormat(r.URL.Query()); err != nil {
		s.writeError(w, r, err)
		return
	}
	param := func(name, in, desc string, schema map[string]any) map[string]any {
		return map[string]any{"name": name, "in": in, "description": desc, "required": in == "path", "schema": schema, "style": "form", "explode": false}
	}
	str := map[string]any{"type": "string"}
	collection := param("collectionId", "path", "a level (county, town, village, group, grid) or a reference layer", str)
	collection["style"] = "simple"
	feature := param("featureId", "path", "a unit's code or a feature's id", str)
	feature["style"] = "simple"
	limit := param("limit", "query", "features per page; larger values are taken as "+strconv.Itoa(ogcMaxLimit),
		map[string]any{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit})
	itemsParams := []any{collection, limit,
		param("offset", "query", "features to skip (the next and prev links carry it)", map[string]any{"type": "integer", "minimum": 0, "default": 0}),
		param("bbox", "query", "minx,miny,maxx,maxy in bbox-crs (CRS84 by default)", map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}),
		param("bbox-crs", "query", "the CRS of bbox: CRS84, EPSG:4326 or EPSG:4490", str),
		param("datetime", "query", "an instant or an interval (start/end, .. open): the versions valid then", str),
		param("crs", "query", "the CRS of the answer: CRS84 (default) or a CGCS2000 Gauss-Kruger zone, http://www.opengis.net/def/crs/EPSG/0/4491 to 4554 (northing, easting)", str),
		param("filter", "query", "a CQL2 text filter on the queryables", str),
		param("filter-lang", "query", "cql2-text", map[string]any{"type": "string", "enum": []string{"cql2-text"}}),
		param("f", "query", "json", map[string]any{"type": "string", "enum": []string{"json"}}),
	}
	ok := func(desc, media string) map[string]any {
		return map[string]any{"200": map[string]any{"description": desc, "content": map[string]any{media: map[string]any{}}}}
	}
	get := func(summary string, params []any, desc, media string) map[string]any {
		op := map[string]any{"summary": summary, "responses": ok(desc, media)}
		if params != nil {
			op["parameters"] = params
		}
		return map[string]any{"get": op}
	}
	items := get("the features", itemsParams, "a page of features", mediaGeoJSON)
	item := get("a feature", []any{collection, feature, param("datetime", "query", "an instant: the version valid then", str)},
		"the feature", mediaGeoJSON)
	if st.changeSet != nil {
		// A change set's page takes Part 4's writes.
		body := map[string]any{"required": true, "content": map[string]any{mediaGeoJSON: map[string]any{}}}
		write := func(summary, status, desc string, params []any, withBody bool) map[string]any {
			op := map[string]any{"summary": summary, "parameters": params,
				"responses": map[string]any{status: map[string]any{"description": desc}}}
			if withBody {
				op["requestBody"] = body
			}
			return op
		}
		items["post"] = write("add a unit to the change set", "201", "created", []any{collection}, true)
		item["put"] = write("replace a unit in the change set", "200", "replaced", []any{collection, feature}, true)
		item["patch"] = write("change part of a unit (JSON merge patch)", "200", "changed", []any{collection, feature}, true)
		item["delete"] = write("delete a unit in the change set", "204", "deleted", []any{collection, feature}, false)
	}
	writeOGC(w, http.StatusOK, mediaOpenAPI, map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": st.title, "version": "1.0"},
		"servers": []any{map[string]any{"url": st.url(s, r, "")}},
		"paths": map[string]any{
			"/":                                      get("the landing page", nil, "links to the API", mediaJSON),
			"/conformance":                           get("the conformance classes", nil, "the classes", mediaJSON),
			"/collections":                           get("the collections", nil, "the collections", mediaJSON),
			"/collections/{collectionId}":            get("a collection", []any{collection}, "the collection", mediaJSON),
			"/collections/{collectionId}/queryables": get("the queryable properties", []any{collection}, "a JSON Schema", mediaSchema),
			"/collections/{collectionId}/items":      items,
			"/collections/{collectionId}/items/{featureId}": item,
		},
	})
}
