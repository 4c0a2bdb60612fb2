package wire

import (
	"io"

	"github.com/gridmap/gridmap/geo"
)

// streamFlushAt is how much answer collects before it goes to the connection: large writes
// keep the cost per line of the chunked encoding and the system calls negligible.
const streamFlushAt = 128 << 10

// Stream writes a streamed answer, one JSON line per input item: blocks of lines are
// gathered in one reused buffer and written out in large pieces. The batch endpoints share
// it so they end a broken input the same way.
type Stream struct {
	w      io.Writer
	push   func() error                // sends what has been written on to the client at once
	detail func(err error) ErrorDetail // how an error reads in the answer
	buf    []byte
	sent   int   // lines sent: the index of the next item
	err    error // the first failed write: everything after it is dropped
}

// NewStream returns a stream that writes to w. push sends what has been written on to the
// client (an HTTP flush), detail says how an error that ends the stream reads in its last
// line.
func NewStream(w io.Writer, push func() error, detail func(err error) ErrorDetail) *Stream {
	return &Stream{w: w, push: push, detail: detail, buf: make([]byte, 0, streamFlushAt+16<<10)}
}

// SendLines hands over n complete lines at once (a block of a batch). With idle — nothing
// else is ready to go — they go out to the client at once, so a batch that trickles in is
// answered as it goes. It returns the first failed write, after which nothing is sent.
func (s *Stream) SendLines(p []byte, n int, idle bool) error {
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
		s.err = s.push()
	}
	return s.err
}

func (s *Stream) flush() error {
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
	return s.err
}

// Close writes out the rest of the answer. When reading the input failed (it broke off or
// stopped being readable), a last line says so, since the status line has already gone
// out; noun names what the input holds ("point", "id").
func (s *Stream) Close(readErr error, noun string) {
	if readErr != nil && s.err == nil {
		s.buf = AppendErrorBody(s.buf, s.detail(geo.Errorf(geo.Invalid, "reading %s %d: %v", noun, s.sent, readErr)))
	}
	s.flush()
}
