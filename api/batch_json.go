package api

import (
	"bufio"
	"bytes"
	"encoding/json"
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
	in      *jsonCutter
	started bool
	done    bool
	idBuf   []byte
}

func (j *jsonArrayPoints) next(p *batchPoint) (bool, error) {
	if j.done {
		return false, nil
	}
	if !j.started {
		if c, err := j.in.peek(); err != nil || c != '[' {
			return false, fmt.Errorf("a JSON batch is an array of points")
		}
		j.in.pos++
		j.started = true
		if end, err := j.in.endOfFirst(']'); err != nil || end {
			j.done = true
			return false, err
		}
	} else if end, err := j.in.endOrComma(']', "array element"); err != nil || end {
		j.done = true
		return false, err
	}
	raw, err := j.in.value()
	if err != nil {
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
	in    *bufio.Reader
	long  []byte // a line longer than the read buffer, gathered
	idBuf []byte
}

// maxNDJSONLine bounds one line of NDJSON, as the bufio.Scanner this reader replaced did.
const maxNDJSONLine = 1 << 20

func (n *ndjsonPoints) next(p *batchPoint) (bool, error) {
	for {
		line, err := n.in.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			n.long = append(n.long[:0], line...)
			for err == bufio.ErrBufferFull {
				if len(n.long) > maxNDJSONLine {
					return false, bufio.ErrTooLong
				}
				line, err = n.in.ReadSlice('\n')
				n.long = append(n.long, line...)
			}
			line = n.long
		}
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

func (n *ndjsonPoints) buffered() bool { return n.in.Buffered() > 0 }

func (c *csvPoints) buffered() bool { return c.in.Buffered() > 0 }

func (j *jsonArrayPoints) buffered() bool { return j.in.buffered() }

func (g *geoJSONPoints) buffered() bool { return g.in.buffered() }

// readJSONPoint reads one point value. With strict, a value that is not JSON at all is an
// error that ends the batch (the array's reader can no longer trust where values end);
// otherwise it is the point's error.
func readJSONPoint(p *batchPoint, raw []byte, idBuf []byte, strict bool) ([]byte, error) {
	*p = batchPoint{}
	if lon, lat, id, ok := fastJSONPoint(raw); ok {
		p.lon, p.lat = lon, lat
		if id != nil {
			idBuf = appendJSONID(idBuf[:0], id)
			p.id = idBuf
		}
		return idBuf, nil
	}
	if strict && !json.Valid(raw) {
		var v any
		return idBuf, json.Unmarshal(raw, &v) // the syntax error
	}
	bp := pointFromJSON(raw)
	p.lon, p.lat, p.err = bp.Lon, bp.Lat, bp.Err
	if bp.ID != nil {
		idBuf = appendEncodedID(idBuf[:0], bp.ID)
		p.id = idBuf
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
	var arr []float64
	if err := json.Unmarshal(raw, &arr); err == nil {
		if len(arr) < 2 {
			return slowPoint{Err: geo.FieldError("point", "an array point needs [lon, lat]")}
		}
		return slowPoint{Lon: arr[0], Lat: arr[1]}
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
		return slowPoint{ID: obj.ID, Err: geo.FieldError("lon", "missing")}
	}
	if obj.Lat == nil {
		return slowPoint{ID: obj.ID, Err: geo.FieldError("lat", "missing")}
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

func (g *geoJSONPoints) next(p *batchPoint) (bool, error) {
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
func (g *geoJSONPoints) feature(p *batchPoint, raw []byte) error {
	*p = batchPoint{}
	if lon, lat, id, ok := fastFeature(raw); ok {
		p.lon, p.lat = lon, lat
		if id != nil {
			g.idBuf = appendJSONID(g.idBuf[:0], id)
			p.id = g.idBuf
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
	var xy []float64
	if f.Geometry == nil || f.Geometry.Type != "Point" ||
		json.Unmarshal(f.Geometry.Coordinates, &xy) != nil || len(xy) < 2 {
		p.err = geo.FieldError("geometry", "each feature needs a Point geometry [lon, lat]")
	} else {
		p.lon, p.lat = xy[0], xy[1]
	}
	if f.ID != nil {
		g.idBuf = appendEncodedID(g.idBuf[:0], f.ID)
		p.id = g.idBuf
	}
	return nil
}

// jsonCutter cuts a JSON stream into values without decoding them: it finds where a value
// ends (matching brackets outside strings) and hands out its bytes, which stay valid until
// the next call. It does not check the value: the parsers that read it do.
type jsonCutter struct {
	r   io.Reader
	buf []byte
	pos int // the next unread byte in buf
	err error
}

// maxJSONValue bounds one point or one skipped member, which must not be gathered whole.
const maxJSONValue = 16 << 20

func newJSONCutter(r io.Reader) *jsonCutter {
	return &jsonCutter{r: r, buf: make([]byte, 0, batchReadBuffer)}
}

func (c *jsonCutter) buffered() bool { return c.pos < len(c.buf) }

// fill reads more input, keeping buf[keep:]; it returns the shift of offsets into buf.
func (c *jsonCutter) fill(keep int) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	shift := keep
	n := copy(c.buf[:cap(c.buf)], c.buf[keep:])
	c.buf = c.buf[:n]
	c.pos -= shift
	if len(c.buf) == cap(c.buf) {
		if cap(c.buf) >= maxJSONValue {
			c.err = fmt.Errorf("a point longer than %d bytes", maxJSONValue)
			return shift, c.err
		}
		c.buf = append(c.buf, make([]byte, cap(c.buf))...)[:n]
	}
	m, err := c.r.Read(c.buf[n:cap(c.buf)])
	c.buf = c.buf[:n+m]
	if err != nil {
		c.err = err
		if m > 0 {
			return shift, nil
		}
		return shift, err
	}
	return shift, nil
}

// peek skips white space and returns the next byte without taking it.
func (c *jsonCutter) peek() (byte, error) {
	for {
		for c.pos < len(c.buf) {
			switch b := c.buf[c.pos]; b {
			case ' ', '\t', '\n', '\r':
				c.pos++
			default:
				return b, nil
			}
		}
		if _, err := c.fill(c.pos); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
	}
}

// endOfFirst reads past the closing bracket of an empty array or object.
func (c *jsonCutter) endOfFirst(closer byte) (bool, error) {
	b, err := c.peek()
	if err != nil {
		return false, err
	}
	if b == closer {
		c.pos++
		return true, nil
	}
	return false, nil
}

// endOrComma reads the separator after an element: a comma, or the closing bracket.
func (c *jsonCutter) endOrComma(closer byte, after string) (bool, error) {
	b, err := c.peek()
	if err != nil {
		return false, err
	}
	c.pos++
	switch b {
	case closer:
		return true, nil
	case ',':
		return false, nil
	}
	return false, fmt.Errorf("invalid character %q after %s", b, after)
}

// value cuts the next value.
func (c *jsonCutter) value() ([]byte, error) {
	first, err := c.peek()
	if err != nil {
		return nil, err
	}
	start := c.pos
	i := c.pos // the next byte to look at
	depth, inString, escaped := 0, false, false
	switch first {
	case ']', '}', ',', ':':
		return nil, fmt.Errorf("invalid character %q looking for beginning of value", first)
	}
	scalar := first != '[' && first != '{' && first != '"'
	for {
		for ; i < len(c.buf); i++ {
			b := c.buf[i]
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case b == '\\':
					escaped = true
				case b == '"':
					inString = false
					if depth == 0 {
						c.pos = i + 1
						return c.buf[start:c.pos], nil
					}
				}
			case scalar:
				switch b {
				case ',', ']', '}', ' ', '\t', '\n', '\r', ':':
					c.pos = i
					return c.buf[start:i], nil
				}
			case b == '"':
				inString = true
			case b == '[' || b == '{':
				depth++
			case b == ']' || b == '}':
				depth--
				if depth == 0 {
					c.pos = i + 1
					return c.buf[start:c.pos], nil
				}
			}
		}
		shift, err := c.fill(start)
		start -= shift
		i -= shift
		if err != nil {
			if err == io.EOF && scalar && i > start {
				c.pos = i
				return c.buf[start:i], nil
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}
