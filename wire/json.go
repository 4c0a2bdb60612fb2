package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gridmap/gridmap/geo"
)

// The JSON readers cut the stream into one value per point and read the usual shapes —
// [lon, lat], {"id":..,"lon":..,"lat":..}, a Feature with a Point — with a small strict
// parser. Anything else (other members, escapes, nulls, odd numbers, malformed JSON) goes
// to encoding/json, as all of it did before, so it gets the same answer and the same error.

// jsonArrayPoints reads a JSON array of points.
type jsonArrayPoints struct {
	arr   jsonArray
	idBuf []byte
}

var errNotPointArray = errors.New("a JSON batch is an array of points")

func (j *jsonArrayPoints) Next(p *Point) (bool, error) {
	raw, more, err := j.arr.element(errNotPointArray)
	if !more || err != nil {
		return false, err
	}
	if j.idBuf, err = readJSONPoint(p, raw, j.idBuf, true); err != nil {
		return false, err
	}
	return true, nil
}

// ndjsonPoints reads one JSON point per line; blank lines are skipped, and a line that is
// not a point is an error in its place.
type ndjsonPoints struct {
	lines longLines
	idBuf []byte
}

// maxNDJSONLine bounds one line of NDJSON, as the bufio.Scanner this reader replaced did.
const maxNDJSONLine = 1 << 20

func (n *ndjsonPoints) Next(p *Point) (bool, error) {
	for {
		line, err := n.lines.read()
		if err != nil && err != io.EOF {
			return false, err
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			n.idBuf, _ = readJSONPoint(p, line, n.idBuf, false)
			return true, nil
		}
		if err == io.EOF {
			return false, nil
		}
	}
}

func (n *ndjsonPoints) Buffered() bool { return n.lines.buffered() }

func (j *jsonArrayPoints) Buffered() bool { return j.arr.in.buffered() }

func (g *geoJSONPoints) Buffered() bool { return g.in.buffered() }

// readJSONPoint reads one point value. With strict, a value that is not JSON at all is an
// error that ends the batch (the array's reader can no longer trust where values end);
// otherwise it is the point's error.
func readJSONPoint(p *Point, raw []byte, idBuf []byte, strict bool) ([]byte, error) {
	*p = Point{}
	if lon, lat, id, ok := fastJSONPoint(raw); ok {
		p.Lon, p.Lat = lon, lat
		if id != nil {
			idBuf = appendJSONID(idBuf[:0], id)
			p.ID = idBuf
		}
		return idBuf, nil
	}
	if strict && !json.Valid(raw) {
		var v any
		return idBuf, json.Unmarshal(raw, &v) // the syntax error
	}
	bp := pointFromJSON(raw)
	p.Lon, p.Lat, p.Err = bp.Lon, bp.Lat, bp.Err
	if bp.ID != nil {
		idBuf = appendEncodedID(idBuf[:0], bp.ID)
		p.ID = idBuf
	}
	return idBuf, nil
}

// slowPoint is a point as encoding/json reads it, for the inputs the fast parser leaves.
type slowPoint struct {
	ID       any
	Lon, Lat float64
	Err      error
}

// pointFromJSON reads [lon, lat] or {"lon": .., "lat": .., "id": ..} with encoding/json.
func pointFromJSON(raw []byte) slowPoint {
	var arr []*float64 // pointers: encoding/json reads null into a float as 0, silently
	if err := json.Unmarshal(raw, &arr); err == nil {
		if len(arr) < 2 {
			return slowPoint{Err: geo.FieldError("point", "an array point needs [lon, lat]")}
		}
		if arr[0] == nil || arr[1] == nil {
			return slowPoint{Err: geo.FieldError("point", "lon and lat are numbers, not null")}
		}
		return slowPoint{Lon: *arr[0], Lat: *arr[1]}
	}
	var obj struct {
		ID  any      `json:"id"`
		Lon *float64 `json:"lon"`
		Lat *float64 `json:"lat"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return slowPoint{Err: geo.FieldError("point", "not [lon, lat] or {\"lon\":..,\"lat\":..}: %v", err)}
	}
	if obj.Lon == nil {
		return slowPoint{ID: obj.ID, Err: geo.FieldError("lon", "missing or null")}
	}
	if obj.Lat == nil {
		return slowPoint{ID: obj.ID, Err: geo.FieldError("lat", "missing or null")}
	}
	return slowPoint{ID: obj.ID, Lon: *obj.Lon, Lat: *obj.Lat}
}

// appendEncodedID appends an id decoded by encoding/json as encoding/json writes it back.
func appendEncodedID(b []byte, id any) []byte {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(id); err != nil {
		return append(b[:0], `null`...)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// appendJSONID appends an id the fast parser accepted (a string without escapes, or an
// integer of at most 15 digits) as encoding/json writes the value it decodes to: the
// string re-encoded, the integer's own digits.
func appendJSONID(b []byte, raw []byte) []byte {
	if raw[0] == '"' {
		return appendJSONString(b, raw[1:len(raw)-1])
	}
	return append(b, raw...)
}

// geoJSONPoints reads the features of a GeoJSON FeatureCollection, one point each; other
// members of the collection are skipped.
type geoJSONPoints struct {
	in      *jsonCutter
	started bool
	inArray bool // inside a "features" array
	first   bool // no feature of this array read yet
	idBuf   []byte
}

func (g *geoJSONPoints) Next(p *Point) (bool, error) {
	in := g.in
	if !g.started {
		if c, err := in.peek(); err != nil || c != '{' {
			return false, fmt.Errorf("a GeoJSON batch is a FeatureCollection")
		}
		in.pos++
		g.started = true
		if end, err := in.endOfFirst('}'); err != nil || end {
			return false, err
		}
		if err := g.member(); err != nil {
			return false, err
		}
	}
	for {
		if g.inArray {
			var end bool
			var err error
			if g.first {
				end, err = in.endOfFirst(']')
			} else {
				end, err = in.endOrComma(']', "array element")
			}
			if err != nil {
				return false, err
			}
			g.first = false
			if !end {
				raw, err := in.value()
				if err != nil {
					return false, err
				}
				if err := g.feature(p, raw); err != nil {
					return false, err
				}
				return true, nil
			}
			g.inArray = false
		}
		end, err := in.endOrComma('}', "object key:value pair")
		if err != nil || end {
			return false, err
		}
		if err := g.member(); err != nil {
			return false, err
		}
	}
}

// member reads a member's key and, unless it is "features", skips its value.
func (g *geoJSONPoints) member() error {
	in := g.in
	c, err := in.peek()
	if err != nil {
		return err
	}
	if c != '"' {
		return fmt.Errorf("invalid character %q looking for beginning of object key string", c)
	}
	rawKey, err := in.value()
	if err != nil {
		return err
	}
	var key string
	if err := json.Unmarshal(rawKey, &key); err != nil {
		return err
	}
	if c, err = in.peek(); err != nil {
		return err
	}
	if c != ':' {
		return fmt.Errorf("invalid character %q after object key", c)
	}
	in.pos++
	if key != "features" {
		skip, err := in.value()
		if err != nil {
			return err
		}
		if !json.Valid(skip) {
			var v any
			return json.Unmarshal(skip, &v)
		}
		return nil
	}
	if c, err = in.peek(); err != nil {
		return err
	}
	if c != '[' {
		return fmt.Errorf("features must be an array")
	}
	in.pos++
	g.inArray, g.first = true, true
	return nil
}

// feature reads one feature: a Point geometry's [lon, lat] and the feature's id.
func (g *geoJSONPoints) feature(p *Point, raw []byte) error {
	*p = Point{}
	if lon, lat, id, ok := fastFeature(raw); ok {
		p.Lon, p.Lat = lon, lat
		if id != nil {
			g.idBuf = appendJSONID(g.idBuf[:0], id)
			p.ID = g.idBuf
		}
		return nil
	}
	var f struct {
		ID       any `json:"id"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return err // as the decoder did: a feature that is not one ends the batch
	}
	var xy []*float64
	if f.Geometry == nil || f.Geometry.Type != "Point" ||
		json.Unmarshal(f.Geometry.Coordinates, &xy) != nil || len(xy) < 2 || xy[0] == nil || xy[1] == nil {
		p.Err = geo.FieldError("geometry", "each feature needs a Point geometry [lon, lat]")
	} else {
		p.Lon, p.Lat = *xy[0], *xy[1]
	}
	if f.ID != nil {
		g.idBuf = appendEncodedID(g.idBuf[:0], f.ID)
		p.ID = g.idBuf
	}
	return nil
}
