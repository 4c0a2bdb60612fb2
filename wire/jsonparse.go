package wire

import (
	"bytes"
	"strconv"
)

// jsonParser reads a complete value held in memory. Each method reports false for anything
// it does not handle, and the caller then leaves the value to encoding/json.
type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) atEnd() bool {
	p.space()
	return p.i == len(p.b)
}

// plainString reads a string without escapes or control characters whose bytes are valid
// UTF-8: one that encoding/json decodes to exactly its bytes. It returns the string with
// its quotes.
func (p *jsonParser) plainString() ([]byte, bool) {
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i
	ascii := true
	for j := p.i + 1; j < len(p.b); j++ {
		c := p.b[j]
		switch {
		case c == '"':
			p.i = j + 1
			s := p.b[start:p.i]
			if !ascii && !validUTF8(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

func validUTF8(s []byte) bool {
	for len(s) > 0 {
		r, size := decodeRune(s)
		if r == 0xfffd && size == 1 {
			return false
		}
		s = s[size:]
	}
	return true
}

// number reads a JSON number (strict JSON grammar) and its value.
func (p *jsonParser) number() (float64, []byte, bool) {
	p.space()
	start, j := p.i, p.i
	b := p.b
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		j = digitsEnd(b, j)
	default:
		return 0, nil, false
	}
	if j < len(b) && b[j] == '.' {
		k := digitsEnd(b, j+1)
		if k == j+1 {
			return 0, nil, false
		}
		j = k
	}
	exp := j < len(b) && (b[j] == 'e' || b[j] == 'E')
	if exp {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := digitsEnd(b, j)
		if k == j {
			return 0, nil, false
		}
		j = k
	}
	tok := b[start:j]
	p.i = j
	if !exp {
		if v, ok := decimalValue(tok, false); ok {
			return v, tok, true
		}
	}
	v, err := strconv.ParseFloat(string(tok), 64) // as encoding/json converts a number
	if err != nil {
		return 0, nil, false
	}
	return v, tok, true
}

// digitsEnd returns the end of the run of digits starting at b[j].
func digitsEnd(b []byte, j int) int {
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	return j
}

// id reads an id the fast road can echo: null (no id), a plain string, or an integer of at
// most 15 digits (which a float64 holds exactly and encoding/json writes back digit for
// digit).
func (p *jsonParser) id() (raw []byte, ok bool) {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '"' {
		return p.plainString()
	}
	if bytes.HasPrefix(p.b[p.i:], []byte("null")) {
		p.i += 4
		return nil, true
	}
	_, tok, ok := p.number()
	if !ok || len(tok) > 16 || bytes.ContainsAny(tok, ".eE") || (tok[0] != '-' && len(tok) > 15) {
		return nil, false
	}
	return tok, true
}

// pair reads [lon, lat] (exactly two numbers).
func (p *jsonParser) pair() (lon, lat float64, ok bool) {
	if !p.byte('[') {
		return 0, 0, false
	}
	if lon, _, ok = p.number(); !ok || !p.byte(',') {
		return 0, 0, false
	}
	if lat, _, ok = p.number(); !ok || !p.byte(']') {
		return 0, 0, false
	}
	return lon, lat, true
}

// skip reads over any JSON value, checking it, without looking inside.
func (p *jsonParser) skip(depth int) bool {
	p.space()
	if p.i >= len(p.b) || depth > 64 {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return p.skipString()
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		p.i++
		if p.byte(closer) {
			return true
		}
		for {
			if c == '{' && (!p.skipString() || !p.byte(':')) {
				return false
			}
			if !p.skip(depth + 1) {
				return false
			}
			if p.byte(closer) {
				return true
			}
			if !p.byte(',') {
				return false
			}
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
				p.i += len(lit)
				return true
			}
		}
		return false
	default:
		_, _, ok := p.number()
		return ok
	}
}

// skipString reads over a string, checking its escapes and that it holds no control
// characters and only valid UTF-8 (encoding/json accepts invalid UTF-8, but then the fast
// road leaves the feature to it).
func (p *jsonParser) skipString() bool {
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return false
	}
	start := p.i
	for j := p.i + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			return validUTF8(p.b[start:p.i])
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(p.b) {
				return false
			}
			switch p.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(p.b) {
					return false
				}
				for _, h := range p.b[j+1 : j+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

// key reads an object key that is one of the names the fast road knows, exactly.
func (p *jsonParser) key(names ...string) (string, bool) {
	k, ok := p.plainString()
	if !ok || !p.byte(':') {
		return "", false
	}
	name := k[1 : len(k)-1]
	for _, n := range names {
		if string(name) == n {
			return n, true
		}
	}
	return "", false
}

// fastJSONPoint reads [lon, lat] or an object of exactly the members id, lon and lat (each
// at most once, lon and lat numbers).
func fastJSONPoint(raw []byte) (lon, lat float64, id []byte, ok bool) {
	p := jsonParser{b: raw}
	p.space()
	if p.i < len(raw) && raw[p.i] == '[' {
		lon, lat, ok = p.pair()
		return lon, lat, nil, ok && p.atEnd()
	}
	if !p.byte('{') {
		return 0, 0, nil, false
	}
	var seen [3]bool
	for {
		k, ok := p.key("lon", "lat", "id")
		if !ok {
			return 0, 0, nil, false
		}
		switch k {
		case "lon":
			lon, _, ok = p.number()
			ok = ok && !seen[0]
			seen[0] = true
		case "lat":
			lat, _, ok = p.number()
			ok = ok && !seen[1]
			seen[1] = true
		case "id":
			id, ok = p.id()
			ok = ok && !seen[2]
			seen[2] = true
		}
		if !ok {
			return 0, 0, nil, false
		}
		if p.byte('}') {
			break
		}
		if !p.byte(',') {
			return 0, 0, nil, false
		}
	}
	if !seen[0] || !seen[1] || !p.atEnd() {
		return 0, 0, nil, false
	}
	return lon, lat, id, true
}

// fastFeature reads a Feature whose members are among type, id, properties and geometry
// (each at most once), with a geometry of exactly type "Point" and coordinates [lon, lat].
func fastFeature(raw []byte) (lon, lat float64, id []byte, ok bool) {
	p := jsonParser{b: raw}
	if !p.byte('{') {
		return 0, 0, nil, false
	}
	var seen [4]bool
	point := false
	for !p.byte('}') {
		if seen[0] || seen[1] || seen[2] || seen[3] {
			if !p.byte(',') {
				return 0, 0, nil, false
			}
		}
		k, ok := p.key("type", "id", "properties", "geometry")
		if !ok {
			return 0, 0, nil, false
		}
		switch k {
		case "type":
			ok = !seen[0] && p.skip(0)
			seen[0] = true
		case "id":
			id, ok = p.id()
			ok = ok && !seen[1]
			seen[1] = true
		case "properties":
			ok = !seen[2] && p.skip(0)
			seen[2] = true
		case "geometry":
			lon, lat, ok = p.pointGeometry()
			ok = ok && !seen[3]
			seen[3], point = true, true
		}
		if !ok {
			return 0, 0, nil, false
		}
	}
	if !point || !p.atEnd() {
		return 0, 0, nil, false
	}
	return lon, lat, id, true
}

// pointGeometry reads {"type":"Point","coordinates":[lon, lat]}, members in either order.
func (p *jsonParser) pointGeometry() (lon, lat float64, ok bool) {
	if !p.byte('{') {
		return 0, 0, false
	}
	typed, coords := false, false
	for n := 0; n < 2; n++ {
		if n > 0 && !p.byte(',') {
			return 0, 0, false
		}
		k, ok := p.key("type", "coordinates")
		if !ok {
			return 0, 0, false
		}
		switch {
		case k == "type" && !typed:
			s, ok := p.plainString()
			if !ok || string(s) != `"Point"` {
				return 0, 0, false
			}
			typed = true
		case k == "coordinates" && !coords:
			if lon, lat, ok = p.pair(); !ok {
				return 0, 0, false
			}
			coords = true
		default:
			return 0, 0, false
		}
	}
	return lon, lat, p.byte('}')
}
