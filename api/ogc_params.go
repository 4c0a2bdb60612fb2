package api

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/cql2"
	"github.com/paulmach/orb"
)

// The query parameters of OGC API - Features items, read into a geo.ItemQuery. Every bad
// parameter is an Invalid error naming it.

const (
	ogcDefaultLimit = 10
	ogcMaxLimit     = 10000
	// ogcMaxFilter bounds a filter's length: QGIS's filters are a few hundred characters.
	ogcMaxFilter = 16 << 10
)

// The CRSs gridmap reads: CRS84 (longitude, latitude) for everything it writes, and the EPSG
// codes of WGS84 and CGCS2000 (treated as equal), whose axis order is latitude, longitude.
const (
	crs84     = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	epsg4326  = "http://www.opengis.net/def/crs/EPSG/0/4326"
	epsg4490  = "http://www.opengis.net/def/crs/EPSG/0/4490"
	crs84Head = "<" + crs84 + ">"
)

// readCRS names the CRS a value stands for, as a URI or in short (CRS84, EPSG:4326,
// [EPSG:4490]); latFirst tells whether its axis order puts latitude first.
func readCRS(field, v string) (uri string, latFirst bool, err error) {
	s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]")
	switch strings.ToUpper(s) {
	case strings.ToUpper(crs84), "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/0/CRS84", "CRS84", "OGC:CRS84":
		return crs84, false, nil
	case strings.ToUpper(epsg4326), "EPSG:4326":
		return epsg4326, true, nil
	case strings.ToUpper(epsg4490), "EPSG:4490":
		return epsg4490, true, nil
	}
	return "", false, geo.FieldError(field, "%q is not a CRS gridmap reads: expected %s, %s or %s", v, crs84, epsg4326, epsg4490)
}

// ogcFixedParams are the items parameters other than property filters.
var ogcFixedParams = map[string]bool{"f": true, "limit": true, "offset": true, "bbox": true, "bbox-crs": true,
	"datetime": true, "crs": true, "filter": true, "filter-lang": true, "filter-crs": true}

// readItemsQuery reads the parameters of /collections/{id}/items. A parameter that is
// neither one of the standard's nor a queryable property is refused, as the standard asks.
func readItemsQuery(c geo.Collection, v url.Values) (geo.ItemQuery, error) {
	q := geo.ItemQuery{Collection: c, Limit: ogcDefaultLimit}
	for name, vals := range v {
		if !ogcFixedParams[name] {
			if _, ok := c.Queryable(name); !ok {
				return q, geo.FieldError(name, "unknown parameter: the items of %s take f, limit, offset, bbox, bbox-crs, datetime, crs, filter, filter-lang and the queryable properties (%s)", c.ID, queryableList(c))
			}
			if q.Equal == nil {
				q.Equal = map[string]string{}
			}
			q.Equal[name] = vals[0]
		}
		if len(vals) > 1 {
			return q, geo.FieldError(name, "given %d times: give it once", len(vals))
		}
	}
	if err := readFormat(v); err != nil {
		return q, err
	}
	var err error
	if q.SRID, err = readOutputCRS(v.Get("crs")); err != nil {
		return q, err
	}
	if s, ok := v["limit"]; ok {
		if q.Limit, err = readCount("limit", s[0], 1); err != nil {
			return q, err
		}
		// A limit past the most a page holds is not an error: the page holds the most.
		q.Limit = min(q.Limit, ogcMaxLimit)
	}
	if s, ok := v["offset"]; ok {
		if q.Offset, err = readCount("offset", s[0], 0); err != nil {
			return q, err
		}
	}
	if s, ok := v["bbox"]; ok {
		if q.BBox, err = readBBox(s[0], v.Get("bbox-crs")); err != nil {
			return q, err
		}
	} else if v.Has("bbox-crs") {
		if _, _, err := readCRS("bbox-crs", v.Get("bbox-crs")); err != nil {
			return q, err
		}
	}
	if s, ok := v["datetime"]; ok {
		if q.At, err = readDatetime(s[0]); err != nil {
			return q, err
		}
	}
	if q.Filter, err = readFilter(v); err != nil {
		return q, err
	}
	return q, nil
}

func queryableList(c geo.Collection) string {
	names := make([]string, len(c.Queryables))
	for i, q := range c.Queryables {
		names[i] = q.Name
	}
	return strings.Join(names, ", ")
}

// readFormat accepts f=json (or geojson, or the media types): JSON is all gridmap writes.
func readFormat(v url.Values) error {
	switch v.Get("f") {
	case "", "json", "geojson", "application/json", "application/geo+json":
		return nil
	}
	return geo.FieldError("f", "%q: only json is served", v.Get("f"))
}

// readCount reads a whole number no smaller than least.
func readCount(field, s string, least int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < least {
		return 0, geo.FieldError(field, "%q is not a whole number of at least %d", s, least)
	}
	return n, nil
}

// readBBox reads minx,miny,maxx,maxy (or six numbers with heights, which are ignored) in the
// bbox-crs (CRS84 by default: longitude first).
func readBBox(s, crs string) (*orb.Bound, error) {
	latFirst := false
	if crs != "" {
		var err error
		if _, latFirst, err = readCRS("bbox-crs", crs); err != nil {
			return nil, err
		}
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, geo.FieldError("bbox", "%q: expected four numbers (minx,miny,maxx,maxy) or six", s)
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || !geo.IsDecimal(strings.TrimSpace(p)) {
			return nil, geo.FieldError("bbox", "%q is not a number", p)
		}
		n[i] = f
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	if latFirst {
		n = []float64{n[1], n[0], n[3], n[2]}
	}
	b := orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	switch {
	case b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90:
		return nil, geo.FieldError("bbox", "%q reaches outside the world (longitude -180..180, latitude -90..90, in the order of bbox-crs)", s)
	case b.Min[1] > b.Max[1]:
		return nil, geo.FieldError("bbox", "%q: the lower latitude is above the upper one", s)
	case b.Min[0] > b.Max[0]:
		return nil, geo.FieldError("bbox", "%q: the west edge is east of the east edge (boxes across the antimeridian are not supported)", s)
	}
	return &b, nil
}

// readDatetime reads an instant or an interval (start/end, either end open as .. or empty).
// A date stands for the whole day, in UTC.
func readDatetime(s string) (*geo.Interval, error) {
	start, end, isInterval := strings.Cut(s, "/")
	if !isInterval {
		lo, hi, err := readTime(s)
		if err != nil {
			return nil, err
		}
		return &geo.Interval{Start: lo, End: hi}, nil
	}
	var iv geo.Interval
	if start != "" && start != ".." {
		lo, _, err := readTime(start)
		if err != nil {
			return nil, err
		}
		iv.Start = lo
	}
	if end != "" && end != ".." {
		_, hi, err := readTime(end)
		if err != nil {
			return nil, err
		}
		iv.End = hi
	}
	if !iv.Start.IsZero() && !iv.End.IsZero() && iv.Start.After(iv.End) {
		return nil, geo.FieldError("datetime", "%q: the interval ends before it starts", s)
	}
	return &iv, nil
}

// readTime reads an RFC 3339 date-time (an instant: lo = hi) or a date (its first and last
// instants).
func readTime(s string) (lo, hi time.Time, err error) {
	// A + of a time zone that was not percent-encoded arrives as a space.
	s = strings.ReplaceAll(s, " ", "+")
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, d.Add(24*time.Hour - time.Microsecond), nil
	}
	return lo, hi, geo.FieldError("datetime", "%q is not a date (2026-12-01), a date-time (2026-12-01T08:00:00Z) or an interval of them (start/end, .. for an open end)", s)
}

// readFilter reads filter (CQL2 text; the only filter-lang served).
func readFilter(v url.Values) (cql2.Expr, error) {
	if lang := v.Get("filter-lang"); lang != "" && lang != "cql2-text" {
		return nil, geo.FieldError("filter-lang", "%q: only cql2-text is served", lang)
	}
	if s := v.Get("filter-crs"); s != "" {
		if uri, _, err := readCRS("filter-crs", s); err != nil || uri != crs84 {
			return nil, geo.FieldError("filter-crs", "filters are read in %s only", crs84)
		}
	}
	s, ok := v["filter"]
	if !ok {
		return nil, nil
	}
	if len(s[0]) > ogcMaxFilter {
		return nil, geo.FieldError("filter", "the filter is %d bytes long, more than the %d served", len(s[0]), ogcMaxFilter)
	}
	e, err := cql2.Parse(s[0])
	if err != nil {
		return nil, geo.FieldError("filter", "%v", err)
	}
	return e, nil
}

// gkPrefix is how OGC names an EPSG CRS; a Gauss–Krüger zone is gkPrefix + its code.
const gkPrefix = "http://www.opengis.net/def/crs/EPSG/0/"

// readOutputCRS reads crs=, the CRS of an answer: CRS84 (also empty) gives 0, a CGCS2000
// Gauss–Krüger zone (EPSG:4491-4554, as a URI or EPSG:NNNN) its code.
func readOutputCRS(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	if uri, _, err := readCRS("crs", v); err == nil && uri == crs84 {
		return 0, nil
	}
	s := strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(s, gkPrefix); ok {
		s = "EPSG:" + rest
	}
	if code, ok := geo.ParseGaussKruger(s); ok {
		return code, nil
	}
	return 0, geo.FieldError("crs", "%q: features are served in %s or a CGCS2000 Gauss-Kruger zone (%s4491 to %s4554)", v, crs84, gkPrefix, gkPrefix)
}

// contentCRS is the Content-Crs header of an answer in srid (0: CRS84).
func contentCRS(srid int) string {
	if srid == 0 {
		return crs84Head
	}
	return fmt.Sprintf("<%s%d>", gkPrefix, srid)
}
