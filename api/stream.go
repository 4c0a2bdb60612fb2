package api

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gridmap/gridmap/geo"
)

// streamFlushAt is how much answer collects before it goes to the connection: large writes
// keep the cost per line of the chunked encoding and the system calls negligible.
const streamFlushAt = 128 << 10

// ndjsonStream writes a streamed answer, one JSON line per input item: blocks of lines
// (streamBlocks) are gathered in one reused buffer and written out in large pieces. The
// batch endpoints share it so they end a broken input the same way.
type ndjsonStream struct {
	w    io.Writer
	rc   *http.ResponseController
	body io.Closer // the request's body, closed by close
	buf  []byte
	sent int   // lines sent: the index of the next item
	err  error // the first failed write: everything after it is dropped
}

func newNDJSONStream(w http.ResponseWriter, r *http.Request) *ndjsonStream {
	w.Header().Set("Content-Type", "application/x-ndjson")
	// The answer starts going out long before the input has been read to its end. Without
	// full duplex, net/http's HTTP/1 server reads away and drops the unread rest of a body
	// smaller than 256 KiB when the first bytes of the answer go out, and the next read of
	// the body fails: a batch of ten thousand points lost its tail that way. HTTP/2 is full
	// duplex anyway; a writer that cannot do it (a test recorder) has nothing to drop.
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex()
	return &ndjsonStream{w: w, rc: rc, body: r.Body, buf: make([]byte, 0, streamFlushAt+16<<10)}
}

// sendLines hands over n complete lines at once (a block of a batch). With idle — nothing
// else is ready to go — they go out to the client at once, so a batch that trickles in is
// answered as it goes.
func (s *ndjsonStream) sendLines(p []byte, n int, idle bool) error {
	s.sent += n
	if s.err != nil {
		return s.err
	}
	if len(s.buf) == 0 && len(p) >= streamFlushAt {
		_, s.err = s.w.Write(p) // a big block goes as it is, without a copy
	} else {
		s.buf = append(s.buf, p...)
		if len(s.buf) >= streamFlushAt || idle {
			s.flush()
		}
	}
	if idle && s.err == nil {
		if err := s.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			s.err = err
		}
	}
	return s.err
}

func (s *ndjsonStream) flush() error {
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
	return s.err
}

// close flushes the answer. When reading the input failed (it broke off or stopped being
// readable), a last line says so, since the status line has already gone out; noun names
// what the input holds ("point", "id").
func (s *ndjsonStream) close(readErr error, noun string) {
	if readErr != nil && s.err == nil {
		s.buf = append(s.buf, `{"error":`...)
		s.buf = appendErrorDetail(s.buf, geo.Errorf(geo.Invalid, "reading %s %d: %v", noun, s.sent, readErr))
		s.buf = append(s.buf, "}\n"...)
	}
	s.flush()
	// In full duplex, a body left unread when the handler returns makes net/http read the
	// connection from two goroutines and panic (golang/go#68560): close it here, which
	// drains a short rest while the handler still runs.
	s.body.Close()
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

func detailOf(err error) errorDetail {
	m := statusOf[geo.KindOf(err)]
	d := errorDetail{Status: m.status, Code: m.code, Message: err.Error()}
	var ge *geo.Error
	if errors.As(err, &ge) {
		d.Field, d.Message = ge.Field, ge.Message
	}
	if geo.KindOf(err) == geo.Internal {
		d.Message = "internal error"
	}
	return d
}

// appendErrorDetail appends the JSON of detailOf(err), as encoding/json writes errorDetail.
// The common case, a *geo.Error that wraps nothing of another kind (every point outside the
// data is one), skips the errors.As walks of detailOf.
func appendErrorDetail(b []byte, err error) []byte {
	var d errorDetail
	if ge, ok := err.(*geo.Error); ok {
		m := statusOf[ge.Kind]
		d = errorDetail{Status: m.status, Code: m.code, Field: ge.Field, Message: ge.Message}
		if ge.Kind == geo.Internal {
			d.Message = "internal error"
		}
	} else {
		d = detailOf(err)
	}
	b = append(b, `{"status":`...)
	b = appendInt(b, d.Status)
	b = append(b, `,"code":`...)
	b = appendJSONString(b, d.Code)
	if d.Field != "" {
		b = append(b, `,"field":`...)
		b = appendJSONString(b, d.Field)
	}
	b = append(b, `,"message":`...)
	b = appendJSONString(b, d.Message)
	return append(b, '}')
}

// appendInt appends a non-negative int in decimal; small numbers (line indexes) are the hot
// case, so this avoids strconv's general path.
func appendInt(b []byte, n int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// appendJSONString appends s as a JSON string exactly as encoding/json writes it with HTML
// escaping off — the batch lines must stay byte for byte what the json.Encoder used to
// write: quote and backslash escaped, control characters as \b \f \n \r \t or \u00XX,
// invalid UTF-8 bytes as \ufffd, and U+2028/U+2029 escaped (JavaScript reads them as line
// ends).
func appendJSONString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := decodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func decodeRune[S ~string | ~[]byte](s S) (rune, int) {
	if len(s) > utf8.UTFMax {
		s = s[:utf8.UTFMax]
	}
	return utf8.DecodeRuneInString(string(s))
}

const hexDigits = "0123456789abcdef"

// lineBlock is a block of input items on its way through streamBlocks, and then their
// answer lines.
type lineBlock[T any] struct {
	first int // the index of the first item in the input
	items []T
	data  []byte // bytes the items refer to (the ids of a batch's points)
	out   []byte // the answer: one line per item
	lines int    // lines in out
	stop  error  // the request was cancelled: out ends early and the stream stops
	done  chan struct{}
}

// streamBlocks answers a stream of items in input order with the work spread over several
// goroutines. The caller's goroutine fills blocks (fill appends items to b.items and reports
// whether more may follow, or the error that ended the input), workers goroutines turn
// blocks into lines (each worker is made by newWorker, so it may keep state of its own), and
// one goroutine writes the blocks' lines in order. At most a fixed number of blocks are in
// flight, so memory stays bounded whatever the input's size. It returns the error that ended
// the stream early: a broken input, a failed write, or a block's stop.
func streamBlocks[T any](stream *ndjsonStream, log *slog.Logger, workers int,
	fill func(b *lineBlock[T]) (more bool, err error),
	newWorker func() func(b *lineBlock[T])) (err error) {
	inFlight := 2*workers + 2
	free := make(chan *lineBlock[T], inFlight)
	for range inFlight {
		free <- &lineBlock[T]{done: make(chan struct{}, 1)}
	}
	work := make(chan *lineBlock[T], inFlight)
	order := make(chan *lineBlock[T], inFlight)
	var failed atomic.Bool // the writer stopped: reading on is pointless
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		encode := newWorker()
		go func() {
			defer wg.Done()
			for b := range work {
				encodeBlock(b, encode, log)
				b.done <- struct{}{}
			}
		}()
	}
	writeDone := make(chan error, 1)
	go func() {
		var err error
		for b := range order {
			<-b.done
			if err == nil {
				if err = stream.sendLines(b.out, b.lines, len(order) == 0); err == nil {
					err = b.stop
				}
				if err != nil {
					failed.Store(true)
				}
			}
			free <- b
		}
		writeDone <- err
	}()
	// Whatever happens to the reading (even a panic, which the server's recovery turns into
	// an answer), the goroutines finish and stop touching the response before this returns.
	defer func() {
		close(work)
		close(order)
		if werr := <-writeDone; werr != nil {
			err = werr
		}
		wg.Wait()
	}()

	next := 0
	for more := true; more && !failed.Load(); {
		b := <-free
		b.first, b.items, b.data, b.out, b.lines, b.stop = next, b.items[:0], b.data[:0], b.out[:0], 0, nil
		more, err = fill(b)
		if len(b.items) == 0 {
			free <- b
			continue
		}
		next += len(b.items)
		order <- b
		work <- b
	}
	return err
}

// encodeBlock runs a worker on a block. A panic (a bug in a resolver) stops the stream at
// the block and is logged, as the server's recovery does for a request; it must not take
// the process down, which a panic in a goroutine of its own would.
func encodeBlock[T any](b *lineBlock[T], encode func(*lineBlock[T]), log *slog.Logger) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("request failed", "err", fmt.Errorf("panic in a batch: %v", v))
			b.out, b.lines, b.stop = b.out[:0], 0, errors.New("internal error")
		}
	}()
	encode(b)
}
