package api

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gridmap/gridmap/geo"
)

// batchPoint is one point of a batch, with the caller's id when the input had one.
type batchPoint struct {
	ID       any
	Lon, Lat float64
	Err      error // a point that could not be read: reported in its place, the batch goes on
}

// batchResult is one line of the NDJSON answer of POST /v1/resolve.
type batchResult struct {
	I        int          `json:"i"`
	ID       any          `json:"id,omitempty"`
	Grid     string       `json:"grid,omitempty"`
	Chain    []string     `json:"chain,omitempty"`
	Complete bool         `json:"complete"`
	Error    *errorDetail `json:"error,omitempty"`
}

// resolveBatch answers POST /v1/resolve: points in as a JSON array, a GeoJSON
// FeatureCollection, NDJSON or CSV (by Content-Type), results out as NDJSON in the same
// order, one line per point, with per-point errors inline. Points are read, resolved and
// written one at a time, so a batch of any size runs in constant memory.
func (s *Server) resolveBatch(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var read func(io.Reader, func(batchPoint) error) error
	switch ct {
	case "application/json":
		read = readJSONPoints
	case "application/geo+json":
		read = readGeoJSONPoints
	case "application/x-ndjson", "application/ndjson":
		read = readNDJSONPoints
	case "text/csv":
		read = readCSVPoints
	default:
		s.writeError(w, r, geo.FieldError("Content-Type",
			"%q is not one of application/json, application/geo+json, application/x-ndjson, text/csv", ct))
		return
	}
	toWGS84, err := parseCRS(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	stream := newNDJSONStream(w)
	err = read(r.Body, func(p batchPoint) error {
		res := batchResult{I: stream.sent, ID: p.ID}
		if p.Err == nil {
			p.Err = checkLonLat(p.Lon, p.Lat)
		}
		if p.Err == nil {
			lon, lat := toWGS84(p.Lon, p.Lat)
			chain, err := s.deps.Resolver.Resolve(r.Context(), lon, lat)
			p.Err = err
			if err == nil {
				res.Chain = make([]string, len(chain.Links))
				for k, l := range chain.Links {
					res.Chain[k] = l.Code
				}
				res.Complete = chain.Complete
				if chain.Complete {
					res.Grid = res.Chain[len(res.Chain)-1]
				}
			}
		}
		if p.Err != nil {
			var stop error
			if res.Error, stop = inlineError(r, p.Err); stop != nil {
				return stop
			}
		}
		return stream.send(res)
	})
	stream.close(err, "point")
}

func detailOf(err error) errorDetail {
	m := statusOf[geo.KindOf(err)]
	d := errorDetail{Status: m.status, Code: m.code, Message: err.Error()}
	var ge *geo.Error
	if errors.As(err, &ge) {
		d.Field, d.Message = ge.Field, ge.Message
	}
	if geo.KindOf(err) == geo.Internal {
		d.Message = "internal error"
	}
	return d
}

// checkLonLat applies the single lookup's range checks to a batch point.
func checkLonLat(lon, lat float64) error {
	if math.IsNaN(lon) || math.Abs(lon) > 180 {
		return geo.FieldError("lon", "%v is out of range: lon must be between -180 and 180", lon)
	}
	if math.IsNaN(lat) || math.Abs(lat) > 90 {
		msg := "%v is out of range: lat must be between -90 and 90"
		if math.Abs(lon) <= 90 {
			msg += "; lon and lat look swapped (lon comes first)"
		}
		return geo.FieldError("lat", msg, lat)
	}
	return nil
}

// pointFromJSON reads [lon, lat] or {"lon": .., "lat": .., "id": ..}.
func pointFromJSON(raw json.RawMessage) batchPoint {
	var arr []float64
	if err := json.Unmarshal(raw, &arr); err == nil {
		if len(arr) < 2 {
			return batchPoint{Err: geo.FieldError("point", "an array point needs [lon, lat]")}
		}
		return batchPoint{Lon: arr[0], Lat: arr[1]}
	}
	var obj struct {
		ID  any      `json:"id"`
		Lon *float64 `json:"lon"`
		Lat *float64 `json:"lat"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return batchPoint{Err: geo.FieldError("point", "not [lon, lat] or {\"lon\":..,\"lat\":..}: %v", err)}
	}
	if obj.Lon == nil {
		return batchPoint{ID: obj.ID, Err: geo.FieldError("lon", "missing")}
	}
	if obj.Lat == nil {
		return batchPoint{ID: obj.ID, Err: geo.FieldError("lat", "missing")}
	}
	return batchPoint{ID: obj.ID, Lon: *obj.Lon, Lat: *obj.Lat}
}

func readJSONPoints(r io.Reader, emit func(batchPoint) error) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return fmt.Errorf("a JSON batch is an array of points")
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := emit(pointFromJSON(raw)); err != nil {
			return err
		}
	}
	return nil
}

func readNDJSONPoints(r io.Reader, emit func(batchPoint) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := emit(pointFromJSON(json.RawMessage(line))); err != nil {
			return err
		}
	}
	return sc.Err()
}

func readGeoJSONPoints(r io.Reader, emit func(batchPoint) error) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("a GeoJSON batch is a FeatureCollection")
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key != "features" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return fmt.Errorf("features must be an array")
		}
		for dec.More() {
			var f struct {
				ID       any `json:"id"`
				Geometry *struct {
					Type        string          `json:"type"`
					Coordinates json.RawMessage `json:"coordinates"`
				} `json:"geometry"`
			}
			if err := dec.Decode(&f); err != nil {
				return err
			}
			p := batchPoint{ID: f.ID}
			var xy []float64
			if f.Geometry == nil || f.Geometry.Type != "Point" ||
				json.Unmarshal(f.Geometry.Coordinates, &xy) != nil || len(xy) < 2 {
				p.Err = geo.FieldError("geometry", "each feature needs a Point geometry [lon, lat]")
			} else {
				p.Lon, p.Lat = xy[0], xy[1]
			}
			if err := emit(p); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
	}
	return nil
}

func readCSVPoints(r io.Reader, emit func(batchPoint) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("a CSV batch starts with a header naming lon and lat")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	lonAt, ok1 := col["lon"]
	latAt, ok2 := col["lat"]
	if !ok1 || !ok2 {
		return fmt.Errorf("the CSV header must name lon and lat columns")
	}
	idAt, hasID := col["id"]
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var p batchPoint
		if err != nil {
			p.Err = geo.FieldError("line", "%v", err)
		} else {
			if hasID && idAt < len(rec) {
				p.ID = rec[idAt]
			}
			p.Lon, p.Err = csvFloat(rec, lonAt, "lon")
			if p.Err == nil {
				p.Lat, p.Err = csvFloat(rec, latAt, "lat")
			}
		}
		if err := emit(p); err != nil {
			return err
		}
	}
}

func csvFloat(rec []string, at int, name string) (float64, error) {
	if at >= len(rec) || strings.TrimSpace(rec[at]) == "" {
		return 0, geo.FieldError(name, "missing")
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(rec[at]), 64)
	if err != nil {
		return 0, geo.FieldError(name, "%q is not a number of degrees", rec[at])
	}
	return v, nil
}
