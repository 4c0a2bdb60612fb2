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
// for as long as it kept the connection open.
func bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, ok := r.Context().Deadline(); ok {
			http.NewResponseController(w).SetReadDeadline(d) // best effort, as above
		}
		next.ServeHTTP(w, r)
	})
}

// bodyTimedOut reports whether err is a read of the body cut off by its deadline.
func bodyTimedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
