package tiles

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb/maptile"
)

// A strict reader of the MVT 2.1 rules that orb's decoder does not enforce: command
// sequences per geometry type, winding of exterior rings and holes, closing points, zero-area
// rings, repeated points, coordinates within the buffer, tag indices. It is written apart
// from the encoder, from the specification.

type pbField struct {
	num  int
	wire int
	v    uint64
	b    []byte
}

func pbFields(b []byte) ([]pbField, error) {
	var out []pbField
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, fmt.Errorf("bad field key")
		}
		b = b[n:]
		f := pbField{num: int(key >> 3), wire: int(key & 7)}
		switch f.wire {
		case 0:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return nil, fmt.Errorf("bad varint in field %d", f.num)
			}
			f.v, b = v, b[n:]
		case 1:
			if len(b) < 8 {
				return nil, fmt.Errorf("short fixed64")
			}
			f.v, b = binary.LittleEndian.Uint64(b), b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, fmt.Errorf("bad length in field %d", f.num)
			}
			f.b, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return nil, fmt.Errorf("wire type %d in field %d", f.wire, f.num)
		}
		out = append(out, f)
	}
	return out, nil
}

func pbPacked(b []byte) ([]uint32, error) {
	var out []uint32
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<32-1 {
			return nil, fmt.Errorf("bad packed varint")
		}
		out, b = append(out, uint32(v)), b[n:]
	}
	return out, nil
}

// checkTile returns every rule the tile breaks, and its feature count per layer.
func checkTile(data []byte) (problems []string, counts map[string]int) {
	counts = map[string]int{}
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	fields, err := pbFields(data)
	if err != nil {
		return []string{err.Error()}, nil
	}
	for _, lf := range fields {
		if lf.num != 3 || lf.wire != 2 {
			bad("tile field %d", lf.num)
			continue
		}
		lfs, err := pbFields(lf.b)
		if err != nil {
			bad("layer: %v", err)
			continue
		}
		var name string
		version, extent := uint64(0), uint64(4096)
		var nkeys, nvals int
		var feats [][]byte
		for _, f := range lfs {
			switch f.num {
			case 1:
				name = string(f.b)
			case 2:
				feats = append(feats, f.b)
			case 3:
				nkeys++
			case 4:
				nvals++
			case 5:
				extent = f.v
			case 15:
				version = f.v
			}
		}
		if version != 2 || extent != Extent || name == "" {
			bad("layer %q: version %d extent %d", name, version, extent)
		}
		if len(feats) == 0 {
			bad("layer %q has no features", name)
		}
		counts[name] = len(feats)
		for i, fb := range feats {
			ffs, err := pbFields(fb)
			if err != nil {
				bad("layer %s feature %d: %v", name, i, err)
				continue
			}
			var typ uint64
			var geom, tags []uint32
			for _, f := range ffs {
				switch f.num {
				case 2:
					tags, err = pbPacked(f.b)
				case 3:
					typ = f.v
				case 4:
					geom, err = pbPacked(f.b)
				}
				if err != nil {
					bad("layer %s feature %d: %v", name, i, err)
				}
			}
			if len(tags)%2 != 0 {
				bad("layer %s feature %d: odd tags", name, i)
			}
			for k := 0; k+1 < len(tags); k += 2 {
				if int(tags[k]) >= nkeys || int(tags[k+1]) >= nvals {
					bad("layer %s feature %d: tag out of range", name, i)
				}
			}
			for _, p := range checkGeometry(typ, geom) {
				bad("layer %s feature %d: %s", name, i, p)
			}
		}
	}
	return problems, counts
}

func checkGeometry(typ uint64, g []uint32) (problems []string) {
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var x, y int64
	i := 0
	next := func() (cmd, count int, ok bool) {
		if i >= len(g) {
			return 0, 0, false
		}
		c := g[i]
		i++
		return int(c & 7), int(c >> 3), true
	}
	read := func(n int) [][2]int64 {
		var ps [][2]int64
		for k := 0; k < n; k++ {
			if i+1 >= len(g) {
				bad("geometry cut short")
				return ps
			}
			dx, dy := int64(int32(g[i]>>1)^-int32(g[i]&1)), int64(int32(g[i+1]>>1)^-int32(g[i+1]&1))
			i += 2
			x, y = x+dx, y+dy
			if x < -Buffer || y < -Buffer || x > Extent+Buffer || y > Extent+Buffer {
				bad("point %d,%d outside the buffer", x, y)
			}
			ps = append(ps, [2]int64{x, y})
		}
		return ps
	}
	switch typ {
	case 1:
		cmd, n, ok := next()
		if !ok || cmd != cmdMoveTo || n < 1 {
			bad("point: first command %d×%d", cmd, n)
		}
		read(n)
		if i != len(g) {
			bad("point: trailing commands")
		}
	case 2:
		for i < len(g) {
			if cmd, n, _ := next(); cmd != cmdMoveTo || n != 1 {
				bad("line: MoveTo expected, got %d×%d", cmd, n)
				return
			}
			ps := read(1)
			cmd, n, _ := next()
			if cmd != cmdLineTo || n < 1 {
				bad("line: LineTo expected, got %d×%d", cmd, n)
				return
			}
			ps = append(ps, read(n)...)
			for k := 1; k < len(ps); k++ {
				if ps[k] == ps[k-1] {
					bad("line: zero-length segment at %v", ps[k])
				}
			}
		}
	case 3:
		first := true
		for i < len(g) {
			if cmd, n, _ := next(); cmd != cmdMoveTo || n != 1 {
				bad("polygon: MoveTo expected, got %d×%d", cmd, n)
				return
			}
			ps := read(1)
			cmd, n, _ := next()
			if cmd != cmdLineTo || n < 2 {
				bad("polygon: LineTo of 2 or more expected, got %d×%d", cmd, n)
				return
			}
			ps = append(ps, read(n)...)
			if cmd, n, _ := next(); cmd != cmdClosePath || n != 1 {
				bad("polygon: ClosePath expected, got %d×%d", cmd, n)
				return
			}
			if ps[len(ps)-1] == ps[0] {
				bad("polygon: ring repeats its first point before ClosePath")
			}
			for k := 1; k < len(ps); k++ {
				if ps[k] == ps[k-1] {
					bad("polygon: repeated point %v", ps[k])
				}
			}
			var a int64
			for k := range ps {
				p, q := ps[k], ps[(k+1)%len(ps)]
				a += p[0]*q[1] - q[0]*p[1]
			}
			switch {
			case a == 0:
				bad("polygon: ring of zero area")
			case first && a < 0:
				bad("polygon: the first ring is not an exterior (area %d)", a)
			}
			first = false
		}
	default:
		bad("geometry type %d", typ)
	}
	return problems
}

// TestTilesAreValidMVT checks every tile over the county to zoom 12, and a sample of the
// tiles above, of the private tileset (all layers).
func TestTilesAreValidMVT(t *testing.T) {
	c, _ := loadSample(t)
	s := loadPrivate(t)
	var tiles []maptile.Tile
	for z := uint32(0); z <= 12; z++ {
		tiles = append(tiles, coverTiles(s.Bounds(), z)...)
	}
	for z := uint32(13); z <= 16; z++ {
		tiles = append(tiles, sampleTiles(c, geo.Grid, z, 30, 100+int64(z))...)
	}
	total := map[string]int{}
	for _, tile := range tiles {
		data, err := s.Render(uint32(tile.Z), tile.X, tile.Y)
		if err != nil {
			t.Fatal(err)
		}
		problems, counts := checkTile(data)
		for _, p := range problems {
			t.Errorf("tile %d/%d/%d: %s", tile.Z, tile.X, tile.Y, p)
		}
		if len(problems) > 20 {
			t.FailNow()
		}
		for l, n := range counts {
			total[l] += n
		}
	}
	t.Logf("%d tiles, features per layer %v", len(tiles), total)
	for _, l := range PrivateLayers() {
		if l.Name != string(geo.Group) && l.Name != string(geo.Compound) && l.Name != string(geo.Enterprise) && total[l.Name] == 0 {
			t.Errorf("layer %s never drawn in the sample", l.Name)
		}
	}
}

// TestCheckerCatchesBadGeometry makes sure the checker above can fail.
func TestCheckerCatchesBadGeometry(t *testing.T) {
	ring := func(ps ...ipt) []uint32 {
		var g geomWriter
		g.ring(ps)
		return g.cmds
	}
	for _, tc := range []struct {
		name string
		geom []uint32
	}{
		{"anticlockwise exterior", ring(ipt{0, 0}, ipt{0, 10}, ipt{10, 10}, ipt{10, 0})},
		{"zero area", ring(ipt{0, 0}, ipt{10, 0}, ipt{20, 0})},
		{"closing point repeated", ring(ipt{0, 0}, ipt{10, 0}, ipt{10, 10}, ipt{0, 0})},
		{"outside the buffer", ring(ipt{0, 0}, ipt{9000, 0}, ipt{9000, 10})},
	} {
		if len(checkGeometry(3, tc.geom)) == 0 {
			t.Errorf("%s: not reported", tc.name)
		}
	}
	if p := checkGeometry(3, ring(ipt{0, 0}, ipt{10, 0}, ipt{10, 10}, ipt{0, 10})); len(p) > 0 {
		t.Errorf("a good square is reported: %v", p)
	}
}
