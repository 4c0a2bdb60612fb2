package api

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// batchIdle is how long a batch body may send nothing before the connection is cut: a batch
// may stream for an hour, but a client that has stopped sending holds a connection (and a
// place under the connection cap) for nothing.
const batchIdle = 30 * time.Second

// bodyIdleTimeout moves the connection's read deadline forward before every read of the
// body, so a slow but live upload goes on and a stalled one ends.
func bodyIdleTimeout(idle time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			r.Body = &idleBody{ReadCloser: r.Body, rc: rc, idle: idle}
			next.ServeHTTP(w, r)
		})
	}
}

type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
	last time.Time
}

func (b *idleBody) Read(p []byte) (int, error) {
	// Moving the deadline costs a little; once a second is often enough.
	if now := time.Now(); now.Sub(b.last) > time.Second {
		b.rc.SetReadDeadline(now.Add(b.idle)) // best effort: not every writer supports it
		b.last = now
	}
	return b.ReadCloser.Read(p)
}

// bodyDeadline ends the reading of the body at the request's deadline (withTimeout's, which
// must come first): the deadline cancels the handler's queries but not a read, so a client
// that stops sending a change set's body half way would hold the connection and the handler
// for as long as it kept the connection open. The connection's deadline is set only when
// the handler reads a body: net/http's own read, which waits from the start when there is
// no body (a publish), would otherwise end at it and cancel the request (a 500 'context
// canceled' rather than a 503 'took too long').
func bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, ok := r.Context().Deadline(); ok && r.Body != nil && r.Body != http.NoBody {
			r.Body = &deadlineBody{ReadCloser: r.Body, rc: http.NewResponseController(w), deadline: d}
		}
		next.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	deadline time.Time
	set      bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	if !b.set {
		b.rc.SetReadDeadline(b.deadline) // best effort, as above
		b.set = true
	}
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		// The whole body is read: the connection is net/http's again. (After a failed read
		// the deadline stays, so net/http's discarding of the rest ends at it too.)
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// bodyTimedOut reports whether err is a read of the body cut off by its deadline.
func bodyTimedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
