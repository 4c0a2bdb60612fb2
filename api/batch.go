package api

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"runtime"

	"github.com/gridmap/gridmap/geo"
)

// batchPoint is one point of a batch as a reader hands it over. The reader reuses it: id
// and everything it points to are valid until the next point is read.
type batchPoint struct {
	id       []byte // the caller's id as it goes into the answer (JSON), nil without one
	lon, lat float64
	err      error // a point that could not be read: reported in its place, the batch goes on
}

// pointReader reads the points of one batch body, one at a time.
type pointReader interface {
	// next reads the next point into p. It returns false at the end of the input, with a
	// non-nil error when the input broke off or stopped being readable (which ends the
	// batch: there is no telling where the next point starts).
	next(p *batchPoint) (bool, error)
	// buffered reports whether input is at hand, so that reading the next point will not
	// wait for the client.
	buffered() bool
}

// batchReadBuffer is the read buffer of a batch body: big reads from the connection.
const batchReadBuffer = 64 << 10

// resolveBatch answers POST /v1/resolve: points in as a JSON array, a GeoJSON
// FeatureCollection, NDJSON or CSV (by Content-Type), results out as NDJSON in the same
// order, one line per point, with per-point errors inline. Points stream through in blocks
// of at most batchBlock, so a batch of any size runs in constant memory.
//
// The line of a point is
//
//	{"i":0,"id":"a","grid":"520204103200002","chain":["520204",...],"complete":true}
//	{"i":1,"complete":false,"error":{"status":404,"code":"not_found","message":"..."}}
//
// exactly as encoding/json wrote the batchResult struct this endpoint started with, but
// appended by hand: a million points a second leave no room for reflection and an
// allocation or two per point.
func (s *Server) resolveBatch(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src pointReader
	switch ct {
	case "application/json":
		src = &jsonArrayPoints{in: newJSONCutter(r.Body)}
	case "application/geo+json":
		src = &geoJSONPoints{in: newJSONCutter(r.Body)}
	case "application/x-ndjson", "application/ndjson":
		src = &ndjsonPoints{in: bufio.NewReaderSize(r.Body, batchReadBuffer)}
	case "text/csv":
		src = &csvPoints{in: bufio.NewReaderSize(r.Body, batchReadBuffer)}
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
	stream := newNDJSONStream(w, r)
	err = runBatch(r.Context(), s.log, src, stream, s.deps.Resolver, toWGS84)
	stream.close(err, "point")
}

// batchBlock is how many points travel together: enough that handing a block between
// goroutines costs nothing per point, few enough that a batch in flight holds a few
// hundred KiB.
const batchBlock = 1024

// blockPoint is a point in a block: its id is the block's data[previous idEnd:idEnd] (an
// empty one is no id).
type blockPoint struct {
	lon, lat float64
	err      error
	idEnd    int
}

// runBatch resolves the points of src and writes their lines to stream in input order: the
// caller's goroutine reads and parses, a few goroutines resolve and encode blocks side by
// side, one writes (streamBlocks). The lookups of one batch so use every core, and a
// resolver that waits on the database keeps several queries going. It returns the error
// that ended the batch early: a broken input, a failed write or a cancelled request.
func runBatch(ctx context.Context, log *slog.Logger, src pointReader, stream *ndjsonStream, res geo.Resolver,
	toWGS84 func(lon, lat float64) (float64, float64)) error {
	var p batchPoint
	fill := func(b *lineBlock[blockPoint]) (bool, error) {
		// A block goes as soon as it is full, or when the input on hand runs out: a client
		// that sends slowly gets its answers as it goes.
		for len(b.items) < batchBlock {
			if more, err := src.next(&p); !more {
				return false, err
			}
			b.data = append(b.data, p.id...)
			b.items = append(b.items, blockPoint{lon: p.lon, lat: p.lat, err: p.err, idEnd: len(b.data)})
			if !src.buffered() {
				break
			}
		}
		return true, nil
	}
	workers := min(max(runtime.GOMAXPROCS(0), 2), 4)
	return streamBlocks(stream, log, workers, fill, func() func(*lineBlock[blockPoint]) {
		chains := newChainLines()
		return func(b *lineBlock[blockPoint]) { resolveBlock(ctx, b, res, toWGS84, chains) }
	})
}

// resolveBlock looks up a block's points and encodes their lines.
func resolveBlock(ctx context.Context, b *lineBlock[blockPoint], res geo.Resolver,
	toWGS84 func(lon, lat float64) (float64, float64), chains *chainLines) {
	out := b.out[:0]
	idStart := 0
	for k := range b.items {
		p := &b.items[k]
		if p.err == nil {
			p.err = checkLonLat(p.lon, p.lat)
		}
		line := len(out)
		out = append(out, `{"i":`...)
		out = appendInt(out, b.first+k)
		if p.idEnd > idStart {
			out = append(out, `,"id":`...)
			out = append(out, b.data[idStart:p.idEnd]...)
		}
		idStart = p.idEnd
		if p.err == nil {
			lon, lat := toWGS84(p.lon, p.lat)
			chain, err := res.Resolve(ctx, lon, lat)
			if err == nil {
				out = chains.appendTail(out, chain)
				b.lines++
				continue
			}
			p.err = err
		}
		// A cancelled or timed-out request stops the stream instead (see inlineError).
		if err := ctx.Err(); err != nil {
			b.stop = err
			out = out[:line]
			break
		}
		out = append(out, `,"complete":false,"error":`...)
		out = appendErrorDetail(out, p.err)
		out = append(out, "}\n"...)
		b.lines++
	}
	b.out = out
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

// chainLines remembers, per chain, the encoded end of its result line
// (`,"grid":..,"chain":[..],"complete":..}` and the newline). The in-memory resolver hands
// out the same immutable chain for every point of a unit, so a batch encodes each unit's
// chain once; the key is the chain's first link, whose address is the chain's identity.
// The map keeps the chains it has seen alive, so an address is never reused while it is a
// key. When the map is full it starts over — or, if it answered fewer points than it holds,
// gives up for the rest of the batch: chains then repeat too seldom to pay for the copies
// (a province's worth of units, or the PostGIS resolver, which builds every chain anew).
type chainLines struct {
	m    map[chainKey][]byte
	hits int
	off  bool
}

type chainKey struct {
	first    *geo.Link
	n        int
	complete bool
}

const maxChainLines = 1 << 12

func newChainLines() *chainLines { return &chainLines{m: make(map[chainKey][]byte)} }

func (c *chainLines) appendTail(b []byte, ch geo.Chain) []byte {
	if c.off || len(ch.Links) == 0 {
		return appendChainTail(b, ch)
	}
	key := chainKey{&ch.Links[0], len(ch.Links), ch.Complete}
	if tail, ok := c.m[key]; ok {
		c.hits++
		return append(b, tail...)
	}
	start := len(b)
	b = appendChainTail(b, ch)
	if len(c.m) >= maxChainLines {
		if c.hits < len(c.m) {
			c.off, c.m = true, nil
			return b
		}
		clear(c.m)
		c.hits = 0
	}
	c.m[key] = bytes.Clone(b[start:])
	return b
}

// appendChainTail encodes the grid, chain and complete members of a result line and ends
// the line. The grid is the last link of a complete chain; an empty chain is left out.
func appendChainTail(b []byte, ch geo.Chain) []byte {
	if ch.Complete && len(ch.Links) > 0 {
		b = append(b, `,"grid":`...)
		b = appendJSONString(b, ch.Links[len(ch.Links)-1].Code)
	}
	if len(ch.Links) > 0 {
		b = append(b, `,"chain":[`...)
		for k, l := range ch.Links {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, l.Code)
		}
		b = append(b, ']')
	}
	if ch.Complete {
		return append(b, `,"complete":true}`+"\n"...)
	}
	return append(b, `,"complete":false}`+"\n"...)
}

// ---- numbers ----

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalValue converts an optional sign (+ only when plus), digits and an optional fraction
// — "104.593094", "-0.5", "7." — without strconv and without allocating. It reports false
// for anything else (exponents, too many digits, stray characters), for which the caller
// asks strconv.ParseFloat. When it answers, the answer is the one ParseFloat gives: with at
// most 2^53 as the digits' integer and at most 22 fraction digits, both the integer and the
// power of ten are exact float64s, and one IEEE division rounds their quotient correctly.
func decimalValue(s []byte, plus bool) (float64, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || (plus && s[0] == '+')) {
		neg = s[0] == '-'
		i++
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if dot {
				frac++
			}
			mant = mant*10 + uint64(c-'0')
			if mant > 1<<53 || digits > 19 {
				return 0, false
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || frac >= len(pow10) {
		return 0, false
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
