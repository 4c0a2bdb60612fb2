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
// handler writes its headers into a map of its own, copied out only once confirmed, so a
// refusal carries none of them. It offers no Flush or Unwrap: nothing can get past it.
type confirmWriter struct {
	w       http.ResponseWriter
	h       http.Header
	confirm func() error
	refuse  func(error) // writes the refusal to w
	state   int         // 0 unconfirmed, 1 confirmed, 2 refused
}

func newConfirmWriter(w http.ResponseWriter, confirm func() error, refuse func(error)) *confirmWriter {
	return &confirmWriter{w: w, h: w.Header().Clone(), confirm: confirm, refuse: refuse}
}

func (c *confirmWriter) Header() http.Header {
	if c.state == 1 {
		return c.w.Header()
	}
	return c.h
}

// settle waits for the confirmation once and reports whether the answer may go out.
func (c *confirmWriter) settle() bool {
	if c.state == 0 {
		if err := c.confirm(); err != nil {
			c.state = 2
			c.refuse(err)
			return false
		}
		c.state = 1
		dst := c.w.Header()
		for k := range dst {
			if _, ok := c.h[k]; !ok {
				delete(dst, k)
			}
		}
		for k, v := range c.h {
			dst[k] = v
		}
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
