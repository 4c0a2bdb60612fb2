package api

import (
	"bufio"
	"encoding/json"
	"net/http"

	"github.com/gridmap/gridmap/geo"
)

// ndjsonStream writes a streamed answer, one JSON line per input item, buffered. The
// batch endpoints share it so they end a broken input the same way.
type ndjsonStream struct {
	out  *bufio.Writer
	enc  *json.Encoder
	sent int // lines sent: the index of the next item
}

func newNDJSONStream(w http.ResponseWriter) *ndjsonStream {
	w.Header().Set("Content-Type", "application/x-ndjson")
	out := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return &ndjsonStream{out: out, enc: enc}
}

func (s *ndjsonStream) send(v any) error {
	s.sent++
	return s.enc.Encode(v)
}

// close flushes the answer. When reading the input failed (it broke off or stopped being
// readable), a last line says so, since the status line has already gone out; noun names
// what the input holds ("point", "id").
func (s *ndjsonStream) close(readErr error, noun string) {
	if readErr != nil {
		d := detailOf(geo.Errorf(geo.Invalid, "reading %s %d: %v", noun, s.sent, readErr))
		s.enc.Encode(map[string]any{"error": d})
	}
	s.out.Flush()
}

// inlineError turns one item's failure into the detail written in its line; a cancelled or
// timed-out request instead stops the whole stream.
func inlineError(r *http.Request, err error) (*errorDetail, error) {
	if ctxErr := r.Context().Err(); ctxErr != nil {
		return nil, ctxErr
	}
	d := detailOf(err)
	return &d, nil
}
