package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/wire"
)

// resolveBatch answers POST /v1/resolve: points in as a JSON array, a GeoJSON
// FeatureCollection, NDJSON or CSV (by Content-Type), results out as NDJSON in the same
// order, one line per point (wire.AppendLineHead and what follows it), with per-point errors
// inline. Points stream through in blocks of at most batchBlock, so a batch of any size runs
// in constant memory.
func (s *Server) resolveBatch(w http.ResponseWriter, r *http.Request) {
	src, err := bodyReader(r, pointReaders,
		"%q is not one of application/json, application/geo+json, application/x-ndjson, text/csv")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	toWGS84, err := geo.ParseCRS(r.URL.Query().Get("crs"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var res geo.Resolver = s.deps.Resolver
	at, asOf, err := s.asOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if asOf {
		res = resolverAt{s.deps.History, at}
	}
	// The first point is read before the answer starts: a body that is not a batch at all
	// (not an array, cut off before its first point) gets a plain 400, not a 200 stream
	// whose only line is the error.
	first := &firstPoint{PointReader: src}
	if first.more, first.err = src.Next(&first.p); !first.more && first.err != nil {
		s.writeError(w, r, asInvalid(first.err))
		return
	}
	if asOf {
		w.Header().Set(asOfHeader, atText(at))
	}
	stream := newStream(w, r)
	err = runBatch(r.Context(), s.log, first, stream, res, toWGS84)
	closeStream(stream, r, err, "point")
}

// firstPoint gives back the point read ahead before reading on.
type firstPoint struct {
	wire.PointReader
	p        wire.Point
	more     bool
	err      error
	returned bool
}

func (f *firstPoint) Next(p *wire.Point) (bool, error) {
	if !f.returned {
		f.returned = true
		*p = f.p
		return f.more, f.err
	}
	return f.PointReader.Next(p)
}

// asInvalid makes a body that could not be read an Invalid error, keeping a message that
// already says what is wrong.
func asInvalid(err error) error {
	if geo.KindOf(err) == geo.Invalid {
		return err
	}
	return &geo.Error{Kind: geo.Invalid, Field: "body", Message: fmt.Sprintf("the body is not a batch of points: %v", err), Err: err}
}

// pointReaders read a batch's points by the body's media type.
var pointReaders = map[string]func(io.Reader) wire.PointReader{
	"application/json":     wire.NewJSONPoints,
	"application/geo+json": wire.NewGeoJSONPoints,
	"application/x-ndjson": wire.NewNDJSONPoints,
	"application/ndjson":   wire.NewNDJSONPoints,
	"text/csv":             wire.NewCSVPoints,
}

// bodyReader returns the reader of the request's body that readers holds for its media
// type, or an Invalid error about the Content-Type worded by notAccepted (a format for the
// type that says what is).
func bodyReader[R any](r *http.Request, readers map[string]func(io.Reader) R, notAccepted string) (R, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	newReader, ok := readers[ct]
	if !ok {
		var none R
		return none, geo.FieldError("Content-Type", notAccepted, ct)
	}
	return newReader(r.Body), nil
}

// newStream starts the NDJSON answer of a batch endpoint.
func newStream(w http.ResponseWriter, r *http.Request) *wire.Stream {
	w.Header().Set("Content-Type", "application/x-ndjson")
	// The answer starts going out long before the input has been read to its end. Without
	// full duplex, net/http's HTTP/1 server reads away and drops the unread rest of a body
	// smaller than 256 KiB when the first bytes of the answer go out, and the next read of
	// the body fails: a batch of ten thousand points lost its tail that way. HTTP/2 is full
	// duplex anyway; a writer that cannot do it (a test recorder) has nothing to drop.
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex()
	push := func() error {
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
	return wire.NewStream(w, push, detailOf)
}

// closeStream ends the answer (with a last line for the error that ended the input early,
// readErr) and closes the request's body.
func closeStream(stream *wire.Stream, r *http.Request, readErr error, noun string) {
	stream.Close(readErr, noun)
	// In full duplex, a body left unread when the handler returns makes net/http read the
	// connection from two goroutines and panic (golang/go#68560): close it here, which
	// drains a short rest while the handler still runs.
	r.Body.Close()
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
func runBatch(ctx context.Context, log *slog.Logger, src wire.PointReader, stream *wire.Stream, res geo.Resolver,
	toWGS84 geo.ToWGS84) error {
	var p wire.Point
	fill := func(b *lineBlock[blockPoint]) (bool, error) {
		// A block goes as soon as it is full, or when the input on hand runs out: a client
		// that sends slowly gets its answers as it goes.
		for len(b.items) < batchBlock {
			if more, err := src.Next(&p); !more {
				return false, err
			}
			b.data = append(b.data, p.ID...)
			b.items = append(b.items, blockPoint{lon: p.Lon, lat: p.Lat, err: p.Err, idEnd: len(b.data)})
			if !src.Buffered() {
				break
			}
		}
		return true, nil
	}
	workers := min(max(runtime.GOMAXPROCS(0), 2), 4)
	return streamBlocks(stream, log, workers, fill, func() func(*lineBlock[blockPoint]) {
		chains := wire.NewChainCache(wire.BatchLine)
		return func(b *lineBlock[blockPoint]) { resolveBlock(ctx, b, res, toWGS84, chains) }
	})
}

// resolveBlock looks up a block's points and encodes their lines.
func resolveBlock(ctx context.Context, b *lineBlock[blockPoint], res geo.Resolver,
	toWGS84 geo.ToWGS84, chains *wire.ChainCache) {
	out := b.out[:0]
	idStart := 0
	for k := range b.items {
		p := &b.items[k]
		if p.err == nil {
			p.err = geo.CheckDegrees(p.lon, p.lat)
		}
		line := len(out)
		out = wire.AppendLineHead(out, b.first+k, b.data[idStart:p.idEnd])
		idStart = p.idEnd
		if p.err == nil {
			lon, lat := toWGS84(p.lon, p.lat)
			chain, err := res.Resolve(ctx, lon, lat)
			if err == nil {
				out = chains.AppendTail(out, chain)
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
		out = wire.AppendLineError(out, detailOf(p.err))
		b.lines++
	}
	b.out = out
}
