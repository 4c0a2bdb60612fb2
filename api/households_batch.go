package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// householdResult is one line of the NDJSON answer of POST /v1/households/chains.
type householdResult struct {
	I     int                 `json:"i"`
	ID    string              `json:"id"`
	Chain *geo.HouseholdChain `json:"result,omitempty"`
	Error *errorDetail        `json:"error,omitempty"`
}

// householdBlock is how many ids travel together, and householdWorkers how many look-ups
// run at once: each id costs database round trips, so several in flight keep the database
// busy while the answer still comes in input order.
const (
	householdBlock   = 16
	householdWorkers = 4
)

// householdChains answers POST /v1/households/chains: household ids in (a JSON array of
// strings, or one id per line as text/plain or NDJSON), one NDJSON line per id out, in
// order, with unknown ids reported inline.
func (s *Server) householdChains(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src idReader
	switch ct {
	case "application/json":
		src = &jsonIDs{in: newJSONCutter(r.Body)}
	case "text/plain", "application/x-ndjson", "application/ndjson":
		src = &lineIDs{in: bufio.NewReaderSize(r.Body, 16<<10)}
	default:
		s.writeError(w, r, geo.FieldError("Content-Type",
			"%q is not application/json (an array of ids) or text/plain (one id per line)", ct))
		return
	}
	// The caller must be able to read households somewhere before anything is read; each id
	// is then checked against the caller's territory.
	if err := permit(r, access.ReadPersonal, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.audit(r, "read_households", strings.Join(identityOf(r).Territories(access.ReadPersonal), " ")); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	stream := newNDJSONStream(w, r)
	fill := func(b *lineBlock[string]) (bool, error) {
		for len(b.items) < householdBlock {
			id, more, err := src.next()
			if !more {
				return false, err
			}
			b.items = append(b.items, id)
			if !src.buffered() {
				break // answer what has come before waiting for more
			}
		}
		return true, nil
	}
	err := streamBlocks(stream, s.log, householdWorkers, fill, func() func(*lineBlock[string]) {
		return func(b *lineBlock[string]) {
			out := bytes.NewBuffer(b.out[:0])
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			for k, id := range b.items {
				res := householdResult{I: b.first + k, ID: id}
				hc, err := geo.HouseholdChain{}, checkHouseholdID(id)
				if err == nil {
					err = permit(r, access.ReadPersonal, id)
				}
				if err == nil {
					hc, err = s.deps.Households.HouseholdChain(ctx, id)
				}
				if err != nil {
					var stop error
					if res.Error, stop = inlineError(r, err); stop != nil {
						b.stop = stop
						break
					}
				} else {
					res.Chain = &hc
				}
				if err := enc.Encode(res); err != nil {
					b.stop = err
					break
				}
				b.lines++
			}
			b.out = out.Bytes()
		}
	})
	stream.close(err, "id")
}

// idReader reads household ids one at a time.
type idReader interface {
	// next returns the next id; false at the end of the input, with the error that ended
	// it early.
	next() (string, bool, error)
	// buffered reports whether input is at hand.
	buffered() bool
}

// lineIDs reads one id per line; spaces and quotes around an id are dropped and blank lines
// skipped.
type lineIDs struct {
	in   *bufio.Reader
	long []byte
}

// maxIDLine bounds a line of ids' input, as the bufio.Scanner this reader replaced did.
const maxIDLine = 64 << 10

func (l *lineIDs) next() (string, bool, error) {
	for {
		line, err := l.in.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			l.long = append(l.long[:0], line...)
			for err == bufio.ErrBufferFull {
				if len(l.long) > maxIDLine {
					return "", false, bufio.ErrTooLong
				}
				line, err = l.in.ReadSlice('\n')
				l.long = append(l.long, line...)
			}
			line = l.long
		}
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if id := bytes.Trim(bytes.TrimSpace(line), `"`); len(id) > 0 {
			return string(id), true, nil
		}
		if err == io.EOF {
			return "", false, nil
		}
	}
}

func (l *lineIDs) buffered() bool { return l.in.Buffered() > 0 }

// jsonIDs reads a JSON array of id strings.
type jsonIDs struct {
	in      *jsonCutter
	started bool
	done    bool
}

func (j *jsonIDs) next() (string, bool, error) {
	if j.done {
		return "", false, nil
	}
	if !j.started {
		if c, err := j.in.peek(); err != nil || c != '[' {
			return "", false, fmt.Errorf("a JSON body is an array of household ids")
		}
		j.in.pos++
		j.started = true
		if end, err := j.in.endOfFirst(']'); err != nil || end {
			j.done = true
			return "", false, idsError(err)
		}
	} else if end, err := j.in.endOrComma(']', "array element"); err != nil || end {
		j.done = true
		return "", false, idsError(err)
	}
	raw, err := j.in.value()
	if err != nil {
		return "", false, idsError(err)
	}
	p := jsonParser{b: raw}
	if s, ok := p.plainString(); ok && p.atEnd() {
		return string(s[1 : len(s)-1]), true, nil
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return "", false, idsError(err)
	}
	return id, true, nil
}

func (j *jsonIDs) buffered() bool { return j.in.buffered() }

func idsError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("household ids are strings: %v", err)
}
