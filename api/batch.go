package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"

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

// ---- CSV ----

// csvPoints reads a CSV batch: a header naming lon, lat and optionally id (any order, any
// case, other columns ignored), then one point per record. It reads records as
// encoding/csv does (RFC 4180 quoting, CRLF or LF, blank lines skipped, every record as
// many fields as the header) and reports a malformed record with encoding/csv's own error,
// but splits plain lines in place and parses the numbers itself, with no allocation per
// point.
type csvPoints struct {
	in      *bufio.Reader
	started bool
	line    int // lines read so far, as encoding/csv counts them
	recLine int // the line the current record starts on
	fields  int // the header's field count
	lonAt   int
	latAt   int
	idAt    int // -1 without an id column
	rec     csvRecord
	long    []byte // a line longer than the read buffer, gathered
	idBuf   []byte
}

// csvRecord is one record: field k is data[starts[k]:ends[k]].
type csvRecord struct {
	data   []byte // the line itself for a line without quotes; else quote
	quote  []byte // the fields of a record with quotes, unquoted, one after the other
	starts []int
	ends   []int
}

func (r *csvRecord) field(k int) []byte { return r.data[r.starts[k]:r.ends[k]] }

// add ends a field at end; the next one starts at next.
func (r *csvRecord) add(end, next int) {
	r.ends = append(r.ends, end)
	r.starts = append(r.starts, next)
}

// maxCSVLine bounds one line: a point is a few dozen bytes, and a body without line breaks
// must not be gathered into memory whole.
const maxCSVLine = 1 << 20

// readLine returns the next line with a CRLF ending turned into LF (and a CR before the end
// of the input dropped), as encoding/csv reads lines; the slice is valid until the next call.
// At the end of the input it returns io.EOF with no line.
func (c *csvPoints) readLine() ([]byte, error) {
	line, err := c.in.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(c.long) > maxCSVLine {
				return nil, fmt.Errorf("a line longer than %d bytes", maxCSVLine)
			}
			line, err = c.in.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	if err != nil {
		return nil, err
	}
	c.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, nil
}

// readRecord reads the next record into c.rec. parseErr is a malformed record (the batch
// goes on with the next); ioErr is the end of the input (io.EOF) or a failed read.
func (c *csvPoints) readRecord() (parseErr, ioErr error) {
	var line []byte
	for {
		var err error
		if line, err = c.readLine(); err != nil {
			return nil, err
		}
		if len(line) > 1 || (len(line) == 1 && line[0] != '\n') {
			break // blank lines are skipped
		}
	}
	c.recLine = c.line
	body := line
	if body[len(body)-1] == '\n' {
		body = body[:len(body)-1]
	}
	rec := &c.rec
	rec.starts, rec.ends = append(rec.starts[:0], 0), rec.ends[:0]
	if bytes.IndexByte(body, '"') < 0 {
		// The common case: fields are the text between commas, in place.
		rec.data = body
		for i, b := range body {
			if b == ',' {
				rec.add(i, i+1)
			}
		}
		rec.ends = append(rec.ends, len(body))
		return nil, nil
	}
	return c.readQuoted(line)
}

// readQuoted parses a record with quotes, which may go on over several lines, following
// encoding/csv's rules (without lazy quotes) and reporting the same errors at the same
// positions.
func (c *csvPoints) readQuoted(line []byte) (parseErr, ioErr error) {
	rec := &c.rec
	rec.quote = rec.quote[:0]
	recLine := c.recLine
	lineNo, col := c.line, 1
	fail := func(e error, l, column int) error {
		return &csv.ParseError{StartLine: recLine, Line: l, Column: column, Err: e}
	}
	done := func() error {
		rec.data = rec.quote
		return nil
	}
	for {
		if len(line) == 0 || line[0] != '"' {
			// A field without quotes: up to the next comma or the end of the line.
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else if len(field) > 0 && field[len(field)-1] == '\n' {
				field = field[:len(field)-1]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				return fail(csv.ErrBareQuote, c.line, col+j), nil
			}
			rec.quote = append(rec.quote, field...)
			if i < 0 {
				rec.ends = append(rec.ends, len(rec.quote))
				return done(), nil
			}
			rec.add(len(rec.quote), len(rec.quote))
			line = line[i+1:]
			col += i + 1
			continue
		}
		// A quoted field: "" is a quote, a quote ends it before a comma or the line's end,
		// and a line break inside it belongs to the field.
		line = line[1:]
		col++
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				rec.quote = append(rec.quote, line[:i]...)
				line = line[i+1:]
				col += i + 1
				switch {
				case len(line) > 0 && line[0] == '"':
					rec.quote = append(rec.quote, '"')
					line = line[1:]
					col++
					continue
				case len(line) > 0 && line[0] == ',':
					line = line[1:]
					col++
					rec.add(len(rec.quote), len(rec.quote))
				case len(line) == 0 || (len(line) == 1 && line[0] == '\n'):
					rec.ends = append(rec.ends, len(rec.quote))
					return done(), nil
				default:
					return fail(csv.ErrQuote, c.line, col-1), nil
				}
			case len(line) > 0:
				// The field goes on over the line break.
				rec.quote = append(rec.quote, line...)
				col += len(line)
				next, err := c.readLine()
				if err != nil && err != io.EOF {
					return nil, err
				}
				line = next
				if len(line) > 0 {
					lineNo++
					col = 1
				}
				continue
			default:
				// The input ended inside quotes.
				return fail(csv.ErrQuote, lineNo, col), nil
			}
			break // the field ended at a comma: the next field
		}
	}
}

func (c *csvPoints) next(p *batchPoint) (bool, error) {
	if !c.started {
		if err := c.readHeader(); err != nil {
			return false, err
		}
		c.started = true
	}
	parseErr, ioErr := c.readRecord()
	if ioErr == io.EOF {
		return false, nil
	}
	if ioErr != nil {
		return false, ioErr
	}
	*p = batchPoint{}
	if parseErr == nil && len(c.rec.ends) != c.fields {
		parseErr = &csv.ParseError{StartLine: c.recLine, Line: c.recLine, Column: 1, Err: csv.ErrFieldCount}
	}
	if parseErr != nil {
		p.err = geo.FieldError("line", "%v", parseErr)
		return true, nil
	}
	if c.idAt >= 0 {
		c.idBuf = appendJSONString(c.idBuf[:0], c.rec.field(c.idAt))
		p.id = c.idBuf
	}
	if p.lon, p.err = csvDegrees(c.rec.field(c.lonAt), "lon"); p.err == nil {
		p.lat, p.err = csvDegrees(c.rec.field(c.latAt), "lat")
	}
	return true, nil
}

func (c *csvPoints) readHeader() error {
	headerErr := fmt.Errorf("a CSV batch starts with a header naming lon and lat")
	// Spreadsheets start a UTF-8 file with a byte order mark.
	if bom, _ := c.in.Peek(3); string(bom) == "\ufeff" {
		c.in.Discard(3)
	}
	parseErr, ioErr := c.readRecord()
	if parseErr != nil || ioErr == io.EOF {
		return headerErr
	}
	if ioErr != nil {
		return ioErr
	}
	c.fields = len(c.rec.ends)
	c.lonAt, c.latAt, c.idAt = -1, -1, -1
	for k := range c.rec.ends {
		h := c.rec.field(k)
		// a repeated name: the last column of that name counts
		switch strings.ToLower(strings.TrimSpace(string(h))) {
		case "lon":
			c.lonAt = k
		case "lat":
			c.latAt = k
		case "id":
			c.idAt = k
		}
	}
	if c.lonAt < 0 || c.latAt < 0 {
		return fmt.Errorf("the CSV header must name lon and lat columns")
	}
	return nil
}

// csvDegrees reads a coordinate field: spaces around it allowed, empty is missing, anything
// strconv.ParseFloat rejects is not a number.
func csvDegrees(f []byte, name string) (float64, error) {
	lo, hi := 0, len(f)
	for lo < hi && asciiSpace(f[lo]) {
		lo++
	}
	for hi > lo && asciiSpace(f[hi-1]) {
		hi--
	}
	if v, ok := decimalValue(f[lo:hi], true); ok {
		return v, nil
	}
	// The slow road, exactly as before: Unicode spaces, exponents, "NaN", bad numbers.
	s := strings.TrimSpace(string(f))
	if s == "" {
		return 0, geo.FieldError(name, "missing")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, geo.FieldError(name, "%q is not a number of degrees", string(f))
	}
	return v, nil
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// ---- JSON, NDJSON, GeoJSON ----
//
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

// ---- the strict little parser of the usual shapes ----

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
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
	default:
		return 0, nil, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return 0, nil, false
		}
	}
	exp := j < len(b) && (b[j] == 'e' || b[j] == 'E')
	if exp {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return 0, nil, false
		}
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
