package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/wire"
)

// householdResult is one line of the NDJSON answer of POST /v1/households/chains.
type householdResult struct {
	I     int                 `json:"i"`
	ID    string              `json:"id"`
	Chain *geo.HouseholdChain `json:"result,omitempty"`
	Error *wire.ErrorDetail   `json:"error,omitempty"`
}

// householdBlock is how many ids travel together, and householdWorkers how many look-ups
// run at once: each id costs database round trips, so several in flight keep the database
// busy while the answer still comes in input order.
const (
	householdBlock   = 16
	householdWorkers = 4
)

// idReaders read household ids by the body's media type.
var idReaders = map[string]func(io.Reader) wire.IDReader{
	"application/json":     wire.NewJSONIDs,
	"text/plain":           wire.NewLineIDs,
	"application/x-ndjson": wire.NewLineIDs,
	"application/ndjson":   wire.NewLineIDs,
}

// householdChains answers POST /v1/households/chains: household ids in (a JSON array of
// strings, or one id per line as text/plain or NDJSON), one NDJSON line per id out, in
// order, with unknown ids reported inline.
func (s *Server) householdChains(w http.ResponseWriter, r *http.Request) {
	// The caller must be able to read households somewhere before anything is read; each id
	// is then checked against the caller's territory.
	if err := permit(r, access.ReadPersonal, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	at, asOf, err := s.asOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	chainOf := s.deps.Households.HouseholdChain
	if asOf {
		chainOf = func(ctx context.Context, id string) (geo.HouseholdChain, error) {
			return s.deps.History.HouseholdChainAt(ctx, id, at)
		}
		w.Header().Set(asOfHeader, atText(at))
	}
	src, err := bodyReader(r, idReaders, "%q is not application/json (an array of ids) or text/plain (one id per line)")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	stream := newStream(w, r)
	fill := func(b *lineBlock[string]) (bool, error) {
		for len(b.items) < householdBlock {
			id, more, err := src.Next()
			if !more {
				return false, err
			}
			b.items = append(b.items, id)
			if !src.Buffered() {
				break // answer what has come before waiting for more
			}
		}
		return true, nil
	}
	err = streamBlocks(stream, s.log, householdWorkers, fill, func() func(*lineBlock[string]) {
		return func(b *lineBlock[string]) {
			out := bytes.NewBuffer(b.out[:0])
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			var served []string // audited before the block's answers go out
			for k, id := range b.items {
				res := householdResult{I: b.first + k, ID: id}
				hc, err := geo.HouseholdChain{}, checkHouseholdID(id)
				if err == nil {
					err = permit(r, access.ReadPersonal, id)
				}
				if err == nil {
					hc, err = chainOf(ctx, id)
				}
				if err != nil {
					var stop error
					if res.Error, stop = inlineError(r, err); stop != nil {
						b.stop = stop
						break
					}
				} else if geo.Finite(hc.Household.Lon) && geo.Finite(hc.Household.Lat) {
					// Appended by hand, the grid's chain encoded once (as the single answer).
					out.Write(wire.AppendHouseholdLine(out.AvailableBuffer(), res.I, id, hc, householdTails))
					served = append(served, id)
					b.lines++
					continue
				} else {
					res.Chain = &hc // encoding/json refuses it, and says so
					served = append(served, id)
				}
				if err := enc.Encode(res); err != nil {
					b.stop = err
					break
				}
				b.lines++
			}
			if err := s.audit(r, "read_household", served...); err != nil {
				// Nothing of this block goes out unrecorded: the stream ends with the error.
				b.stop, b.lines, out = err, 0, bytes.NewBuffer(b.out[:0])
			}
			b.out = out.Bytes()
		}
	})
	closeStream(stream, r, err, "id")
}
