package api

import (
	"io"
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
