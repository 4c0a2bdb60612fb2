package wire

import (
	"bytes"
	"strconv"
)

// PointTemplate is an encoded answer whose text carries a point's two numbers (the message
// of a point outside the data), cut around them: answering another point takes no
// formatting and no allocation.
type PointTemplate [3][]byte

// The marks NewPointTemplate puts where the numbers go: JSON escapes their control
// characters, so the encoded marks occur nowhere else.
const lonMark, latMark = "\x01LON\x01", "\x01LAT\x01"

// NewPointTemplate cuts what encode writes around the two numbers; encode is given the
// texts to write in their place, and must write them once each, lon first, into JSON
// strings.
func NewPointTemplate(encode func(lon, lat string) []byte) PointTemplate {
	b := encode(lonMark, latMark)
	lonJSON := appendJSONString(nil, lonMark)
	latJSON := appendJSONString(nil, latMark)
	lonJSON, latJSON = lonJSON[1:len(lonJSON)-1], latJSON[1:len(latJSON)-1]
	i := bytes.Index(b, lonJSON)
	j := bytes.Index(b, latJSON)
	return PointTemplate{b[:i], b[i+len(lonJSON) : j], b[j+len(latJSON):]}
}

// Append appends the answer for lon and lat, the numbers written as %v writes them
// (strconv's shortest 'g'), which need no escaping in a JSON string.
func (t *PointTemplate) Append(b []byte, lon, lat float64) []byte {
	b = append(b, t[0]...)
	b = strconv.AppendFloat(b, lon, 'g', -1, 64)
	b = append(b, t[1]...)
	b = strconv.AppendFloat(b, lat, 'g', -1, 64)
	return append(b, t[2]...)
}
