package tiles

import (
	"encoding/binary"
	"math"
)

// The MVT 2.1 protobuf messages are written by hand: a tile is a few nested messages of
// varints, and writing them straight from tile coordinates avoids building an intermediate
// GeoJSON-like structure per feature. Field numbers are those of vector_tile.proto.
const (
	wireVarint = 0
	wire64     = 1
	wireBytes  = 2

	tileLayers = 3

	layerName     = 1
	layerFeatures = 2
	layerKeys     = 3
	layerValues   = 4
	layerExtent   = 5
	layerVersion  = 15

	featTags = 2
	featType = 3
	featGeom = 4

	geomPoint   = 1
	geomLine    = 2
	geomPolygon = 3

	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field)<<3|uint64(wire))
}

func appendBytesField(b []byte, field int, data []byte) []byte {
	b = appendTag(b, field, wireBytes)
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func appendVarintField(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(appendTag(b, field, wireVarint), v)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func appendPacked(b []byte, field int, vs []uint32) []byte {
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	b = appendTag(b, field, wireBytes)
	b = binary.AppendUvarint(b, uint64(n))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

func zigzag(v int64) uint32 { return uint32((v << 1) ^ (v >> 63)) }

func command(id, count int) uint32 { return uint32(id&7) | uint32(count)<<3 }

func appendStringField(b []byte, field int, s string) []byte {
	b = appendTag(b, field, wireBytes)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendValue writes a Tile.Value message: its one field, after the message's length
// (every field number of Value fits in one byte of key).
func appendValue(b []byte, v value) []byte {
	b = appendTag(b, layerValues, wireBytes)
	switch v.kind {
	case vString:
		b = binary.AppendUvarint(b, uint64(1+uvarintLen(uint64(len(v.s)))+len(v.s)))
		return appendStringField(b, 1, v.s)
	case vDouble:
		b = append(b, 1+8)
		return binary.LittleEndian.AppendUint64(appendTag(b, 3, wire64), math.Float64bits(v.f))
	case vSint:
		x := int64(v.n)
		z := uint64((x << 1) ^ (x >> 63))
		b = append(b, byte(1+uvarintLen(z)))
		return appendVarintField(b, 6, z)
	case vBool:
		b = append(b, 2)
		return appendVarintField(b, 7, v.n)
	}
	b = append(b, byte(1+uvarintLen(v.n)))
	return appendVarintField(b, 5, v.n)
}

// layerWriter collects the features of one layer with its key and value tables.
type layerWriter struct {
	keys   []string
	keyIdx map[string]uint32
	vals   []value
	valIdx map[value]uint32
	feats  []byte
	tags   []uint32
	n      int
}

func (w *layerWriter) reset() {
	w.keys, w.vals, w.feats, w.n = w.keys[:0], w.vals[:0], w.feats[:0], 0
	if w.keyIdx == nil {
		w.keyIdx, w.valIdx = map[string]uint32{}, map[value]uint32{}
	}
	clear(w.keyIdx)
	clear(w.valIdx)
}

func (w *layerWriter) feature(props []prop, typ int, geom []uint32) {
	w.tags = w.tags[:0]
	for _, p := range props {
		k, ok := w.keyIdx[p.key]
		if !ok {
			k = uint32(len(w.keys))
			w.keys = append(w.keys, p.key)
			w.keyIdx[p.key] = k
		}
		v, ok := w.valIdx[p.val]
		if !ok {
			v = uint32(len(w.vals))
			w.vals = append(w.vals, p.val)
			w.valIdx[p.val] = v
		}
		w.tags = append(w.tags, k, v)
	}
	// The feature message's length is known only once written: write it after a
	// placeholder-free pass by sizing the parts first.
	size := 0
	if len(w.tags) > 0 {
		size += packedLen(featTags, w.tags)
	}
	size += 1 + uvarintLen(uint64(typ)) + packedLen(featGeom, geom)
	w.feats = appendTag(w.feats, layerFeatures, wireBytes)
	w.feats = binary.AppendUvarint(w.feats, uint64(size))
	if len(w.tags) > 0 {
		w.feats = appendPacked(w.feats, featTags, w.tags)
	}
	w.feats = appendVarintField(w.feats, featType, uint64(typ))
	w.feats = appendPacked(w.feats, featGeom, geom)
	w.n++
}

func packedLen(field int, vs []uint32) int {
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	return uvarintLen(uint64(field)<<3|wireBytes) + uvarintLen(uint64(n)) + n
}

// appendLayer writes the layer as a Tile.layers entry of tile, using scratch for the body.
func (w *layerWriter) appendLayer(tile, scratch []byte, name string) ([]byte, []byte) {
	body := appendVarintField(scratch[:0], layerVersion, 2)
	body = appendStringField(body, layerName, name)
	body = append(body, w.feats...)
	for _, k := range w.keys {
		body = appendStringField(body, layerKeys, k)
	}
	for _, v := range w.vals {
		body = appendValue(body, v)
	}
	body = appendVarintField(body, layerExtent, Extent)
	return appendBytesField(tile, tileLayers, body), body
}

// geomWriter writes geometry commands with the cursor the MVT encoding is relative to.
type geomWriter struct {
	cmds []uint32
	x, y int64
}

func (g *geomWriter) reset() { g.cmds, g.x, g.y = g.cmds[:0], 0, 0 }

func (g *geomWriter) points(ps []ipt) {
	g.cmds = append(g.cmds, command(cmdMoveTo, len(ps)))
	g.params(ps)
}

func (g *geomWriter) params(ps []ipt) {
	for _, p := range ps {
		g.cmds = append(g.cmds, zigzag(p.x-g.x), zigzag(p.y-g.y))
		g.x, g.y = p.x, p.y
	}
}

func (g *geomWriter) line(ps []ipt) {
	g.cmds = append(g.cmds, command(cmdMoveTo, 1))
	g.params(ps[:1])
	g.cmds = append(g.cmds, command(cmdLineTo, len(ps)-1))
	g.params(ps[1:])
}

func (g *geomWriter) ring(ps []ipt) {
	g.line(ps)
	g.cmds = append(g.cmds, command(cmdClosePath, 1))
}
