package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gridmap/gridmap/geo"
)

// householdResult is one line of the NDJSON answer of POST /v1/households/chains.
type householdResult struct {
	I     int                 `json:"i"`
	ID    string              `json:"id"`
	Chain *geo.HouseholdChain `json:"result,omitempty"`
	Error *errorDetail        `json:"error,omitempty"`
}

// householdChains answers POST /v1/households/chains: household ids in (a JSON array of
// strings, or one id per line as text/plain or NDJSON), one NDJSON line per id out, in
// order, with unknown ids reported inline.
func (s *Server) householdChains(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var read func(io.Reader, func(string) error) error
	switch ct {
	case "application/json":
		read = readJSONIDs
	case "text/plain", "application/x-ndjson", "application/ndjson":
		read = readLineIDs
	default:
		s.writeError(w, r, geo.FieldError("Content-Type",
			"%q is not application/json (an array of ids) or text/plain (one id per line)", ct))
		return
	}
	stream := newNDJSONStream(w)
	err := read(r.Body, func(id string) error {
		res := householdResult{I: stream.sent, ID: id}
		hc, err := s.deps.Households.HouseholdChain(r.Context(), id)
		if err != nil {
			var stop error
			if res.Error, stop = inlineError(r, err); stop != nil {
				return stop
			}
		} else {
			res.Chain = &hc
		}
		return stream.send(res)
	})
	stream.close(err, "id")
}

func readJSONIDs(r io.Reader, emit func(string) error) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return fmt.Errorf("a JSON body is an array of household ids")
	}
	for dec.More() {
		var id string
		if err := dec.Decode(&id); err != nil {
			return fmt.Errorf("household ids are strings: %v", err)
		}
		if err := emit(id); err != nil {
			return err
		}
	}
	return nil
}

func readLineIDs(r io.Reader, emit func(string) error) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		id := strings.Trim(strings.TrimSpace(sc.Text()), `"`)
		if id == "" {
			continue
		}
		if err := emit(id); err != nil {
			return err
		}
	}
	return sc.Err()
}
