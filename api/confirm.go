package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gridmap/gridmap/geo/access"
)

// Deferred credentials. An API key verified once is remembered; whether it has been revoked
// since is asked of the database on every request, and for a read (GET, HEAD) the request is
// worked on while that question travels: its answer (and its headers) are held back by
// confirmWriter until the key is confirmed, and a refusal replaces them. A read's side
// effect before its answer, the audit record, may so record a read that was then refused,
// never the reverse. Writes wait for the check before their handler runs.

// deferredIdentifier is an Identifier that can hand out an identity with its confirmation
// still to come (auth.Authenticator does).
type deferredIdentifier interface {
	IdentifyDeferred(ctx context.Context, token string) (*access.Identity, func() error, error)
}

// errRefusedLate is what a handler's writes return once its caller's credentials were
// refused after it started.
var errRefusedLate = errors.New("the caller's credentials were refused")

// confirmWriter holds a handler's answer until confirm says the caller may have it. The
// handler's headers go into the real header map, but nothing is sent before the
// confirmation; a refusal first puts the map back as it was when the handler started (the
// middleware's headers, kept by reference in a small array rather than a copy of the map:
// a clone per request was an eighth of a household lookup's garbage), so it carries none
// of the handler's. It offers no Flush or Unwrap: nothing can get past it.
type confirmWriter struct {
	w       http.ResponseWriter
	confirm func() error
	refuse  func(error) // writes the refusal to w
	state   int         // 0 unconfirmed, 1 confirmed, 2 refused
	before  headerSnapshot
}

// headerSnapshot is a header map's entries, the value slices shared, not copied: a
// handler's Set replaces a slice in the map and its Add appends beyond the length kept
// here, so neither changes what the snapshot holds.
type headerSnapshot struct {
	n    int
	keys [8]string
	vals [8][]string
	more http.Header // entries beyond the array, when a middleware set many
}

func snapshotHeader(h http.Header) headerSnapshot {
	var s headerSnapshot
	for k, v := range h {
		if s.n < len(s.keys) {
			s.keys[s.n], s.vals[s.n] = k, v[:len(v):len(v)]
			s.n++
			continue
		}
		if s.more == nil {
			s.more = http.Header{}
		}
		s.more[k] = v[:len(v):len(v)]
	}
	return s
}

// restore makes h hold exactly the snapshot's entries again.
func (s *headerSnapshot) restore(h http.Header) {
	clear(h)
	for i := 0; i < s.n; i++ {
		h[s.keys[i]] = s.vals[i]
	}
	for k, v := range s.more {
		h[k] = v
	}
}

func newConfirmWriter(w http.ResponseWriter, confirm func() error, refuse func(error)) *confirmWriter {
	return &confirmWriter{w: w, confirm: confirm, refuse: refuse, before: snapshotHeader(w.Header())}
}

func (c *confirmWriter) Header() http.Header { return c.w.Header() }

// settle waits for the confirmation once and reports whether the answer may go out.
func (c *confirmWriter) settle() bool {
	if c.state == 0 {
		if err := c.confirm(); err != nil {
			c.state = 2
			c.before.restore(c.w.Header())
			c.refuse(err)
			return false
		}
		c.state = 1
	}
	return c.state == 1
}

func (c *confirmWriter) WriteHeader(code int) {
	if c.settle() {
		c.w.WriteHeader(code)
	}
}

func (c *confirmWriter) Write(b []byte) (int, error) {
	if !c.settle() {
		return 0, errRefusedLate
	}
	return c.w.Write(b)
}
